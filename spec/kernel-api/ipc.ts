// Chapter "ipc" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see ipc.md.
import type { CallDef } from "./common.js";

export const IPC_CALLS: readonly CallDef[] = [];
