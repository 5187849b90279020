// Chapter "ref" of the abstract model: the handlers of spec/kernel-api/ref.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const REF_HANDLERS: Readonly<Record<string, Handler>> = {};
