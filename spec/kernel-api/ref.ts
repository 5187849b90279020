// Chapter "ref" of the Fluke kernel API: state schemas and one registry row per call. Placeholder
// until the chapter is written; see ref.md.
import type { CallDef } from "./common.js";

export const REF_CALLS: readonly CallDef[] = [];
