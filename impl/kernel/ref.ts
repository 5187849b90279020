// Chapter "ref" of the concrete kernel: the handlers of spec/kernel-api/ref.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_REF_HANDLERS: Readonly<Record<string, KHandler>> = {};
