// Chapter "port" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see port.md.
import type { CallDef } from "./common.js";

export const PORT_CALLS: readonly CallDef[] = [];
