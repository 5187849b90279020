// Chapter "mutex" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see mutex.md.
import type { CallDef } from "./common.js";

export const MUTEX_CALLS: readonly CallDef[] = [];
