// Chapter "thread" of the concrete kernel: the handlers of spec/kernel-api/thread.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_THREAD_HANDLERS: Readonly<Record<string, KHandler>> = {};
