// Chapter "ipc" of the abstract model: the handlers of spec/kernel-api/ipc.ts. Placeholder until the
// chapter is written.
import type { Handler } from "./ctx.js";

export const IPC_HANDLERS: Readonly<Record<string, Handler>> = {};
