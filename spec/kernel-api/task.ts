// Chapter "task" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see task.md.
import type { CallDef } from "./common.js";

export const TASK_CALLS: readonly CallDef[] = [];
