// Chapter "pset" of the concrete kernel: the handlers of spec/kernel-api/pset.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_PSET_HANDLERS: Readonly<Record<string, KHandler>> = {};
