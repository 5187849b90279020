// Chapter "task" of the concrete kernel: the handlers of spec/kernel-api/task.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_TASK_HANDLERS: Readonly<Record<string, KHandler>> = {};
