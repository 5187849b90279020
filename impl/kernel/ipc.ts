// Chapter "ipc" of the concrete kernel: the handlers of spec/kernel-api/ipc.ts on kernel objects.
// Placeholder until the chapter is written.
import type { KHandler } from "./kctx.js";

export const K_IPC_HANDLERS: Readonly<Record<string, KHandler>> = {};
