// Chapter "pset" of the abstract model: the handlers of spec/kernel-api/pset.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const PSET_HANDLERS: Readonly<Record<string, Handler>> = {};
