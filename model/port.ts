// Chapter "port" of the abstract model: the handlers of spec/kernel-api/port.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const PORT_HANDLERS: Readonly<Record<string, Handler>> = {};
