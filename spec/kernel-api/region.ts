// Chapter "region" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see region.md.
import type { CallDef } from "./common.js";

export const REGION_CALLS: readonly CallDef[] = [];
