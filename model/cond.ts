// Chapter "cond" of the abstract model: the handlers of spec/kernel-api/cond.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const COND_HANDLERS: Readonly<Record<string, Handler>> = {};
