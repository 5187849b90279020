// Chapter "region" of the abstract model: the handlers of spec/kernel-api/region.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const REGION_HANDLERS: Readonly<Record<string, Handler>> = {};
