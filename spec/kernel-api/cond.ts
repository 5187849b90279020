// Chapter "cond" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see cond.md.
import type { CallDef } from "./common.js";

export const COND_CALLS: readonly CallDef[] = [];
