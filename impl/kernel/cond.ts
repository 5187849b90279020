// Chapter "cond" of the concrete kernel: the handlers of spec/kernel-api/cond.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_COND_HANDLERS: Readonly<Record<string, KHandler>> = {};
