// Chapter "harness" of the abstract model: the handlers of spec/kernel-api/harness.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const HARNESS_HANDLERS: Readonly<Record<string, Handler>> = {};
