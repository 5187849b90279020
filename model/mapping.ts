// Chapter "mapping" of the abstract model: the handlers of spec/kernel-api/mapping.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const MAPPING_HANDLERS: Readonly<Record<string, Handler>> = {};
