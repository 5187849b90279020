// Chapter "mapping" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see mapping.md.
import type { CallDef } from "./common.js";

export const MAPPING_CALLS: readonly CallDef[] = [];
