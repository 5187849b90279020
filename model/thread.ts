// Chapter "thread" of the abstract model: the handlers of spec/kernel-api/thread.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const THREAD_HANDLERS: Readonly<Record<string, Handler>> = {};
