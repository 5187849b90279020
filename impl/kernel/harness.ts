// Chapter "harness" of the concrete kernel: the handlers of spec/kernel-api/harness.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_HARNESS_HANDLERS: Readonly<Record<string, KHandler>> = {};
