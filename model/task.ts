// Chapter "task" of the abstract model: the handlers of spec/kernel-api/task.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const TASK_HANDLERS: Readonly<Record<string, Handler>> = {};
