// Chapter "ipc" (8) of the concrete kernel: the handler table of spec/kernel-api/ipc.ts, merged from the
// files that implement it (split as the model's): client invocations and idempotent replies
// (ipc-idempotent.ts), servers and the combined server calls (ipc-receive.ts), and the reliable side
// operations (ipc-reliable.ts). Shared rules: ipc-conn.ts (connections), ipc-deliver.ts (a client
// meeting a server), ipc-params.ts (parameters and references), ipc-wait.ts (queues and blocking),
// ipc-state.ts (per-thread record); the thread chapter's entry points are ipc-kernel.ts and
// ipc-cleanup.ts. Above: handlers.ts.
import type { KHandler } from "./kctx.js";
import { K_IDEMPOTENT_HANDLERS } from "./ipc-idempotent.js";
import { K_RECEIVE_HANDLERS } from "./ipc-receive.js";
import { K_RELIABLE_HANDLERS } from "./ipc-reliable.js";

export const K_IPC_HANDLERS: Readonly<Record<string, KHandler>> = {
  ...K_IDEMPOTENT_HANDLERS, ...K_RECEIVE_HANDLERS, ...K_RELIABLE_HANDLERS,
};
