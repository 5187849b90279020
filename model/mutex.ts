// Chapter "mutex" of the abstract model: the handlers of spec/kernel-api/mutex.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const MUTEX_HANDLERS: Readonly<Record<string, Handler>> = {};
