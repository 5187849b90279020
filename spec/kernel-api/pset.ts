// Chapter "pset" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see pset.md.
import type { CallDef } from "./common.js";

export const PSET_CALLS: readonly CallDef[] = [];
