// Chapter "ipc" (8) of the abstract model: the handler table of spec/kernel-api/ipc.ts, merged from the
// files that implement it: client invocations and idempotent replies (ipc-idempotent.ts), servers and the
// combined server calls (ipc-receive.ts), and the reliable-connection side operations (ipc-reliable.ts).
// The shared rules live in ipc-conn.ts (connections), ipc-deliver.ts (a client meeting a server),
// ipc-params.ts (parameters and references), ipc-wait.ts (blocking), and the thread chapter's entry
// points in ipc-kernel.ts and ipc-cleanup.ts. Above: model/handlers.ts.
import type { Handler } from "./ctx.js";
import { IDEMPOTENT_HANDLERS } from "./ipc-idempotent.js";
import { RECEIVE_HANDLERS } from "./ipc-receive.js";
import { RELIABLE_HANDLERS } from "./ipc-reliable.js";

export const IPC_HANDLERS: Readonly<Record<string, Handler>> = {
  ...IDEMPOTENT_HANDLERS, ...RECEIVE_HANDLERS, ...RELIABLE_HANDLERS,
};
