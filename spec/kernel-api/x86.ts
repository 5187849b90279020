// Chapter "x86" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see x86.md.
import type { CallDef } from "./common.js";

export const X86_CALLS: readonly CallDef[] = [];
