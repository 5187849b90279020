// Chapter "mapping" of the concrete kernel: the handlers of spec/kernel-api/mapping.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_MAPPING_HANDLERS: Readonly<Record<string, KHandler>> = {};
