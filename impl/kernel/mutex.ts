// Chapter "mutex" of the concrete kernel: the handlers of spec/kernel-api/mutex.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_MUTEX_HANDLERS: Readonly<Record<string, KHandler>> = {};
