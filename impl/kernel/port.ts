// Chapter "port" of the concrete kernel: the handlers of spec/kernel-api/port.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_PORT_HANDLERS: Readonly<Record<string, KHandler>> = {};
