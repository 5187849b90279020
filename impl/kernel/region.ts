// Chapter "region" of the concrete kernel: the handlers of spec/kernel-api/region.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_REGION_HANDLERS: Readonly<Record<string, KHandler>> = {};
