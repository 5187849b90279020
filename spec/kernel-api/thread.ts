// Chapter "thread" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see thread.md.
import type { CallDef } from "./common.js";

export const THREAD_CALLS: readonly CallDef[] = [];
