// Idempotent IPC calls that the kernel makes on a thread's behalf: a page fault to a region keeper, a
// synchronous exception to a task keeper (model/exceptions.ts decides which). The thread becomes an
// idempotent client of the keeper port, queued FIFO with the port's other clients; the keeper's server
// receives the message like any idempotent call (ipc_class "idempotent"), and its fluke_ipc_reply goes to
// onKernelReply (model/exceptions.ts), which resumes the thread. A keeper port that does not exist, or
// is destroyed before it answers, is a failed keeper: the thread blocks for good (wait "exception",
// ours). Above: model/exceptions.ts. Below: model/ipc-deliver.ts, model/ipc-wait.ts.
import type { Ctx } from "./ctx.js";
import { meet } from "./ipc-deliver.js";
import type { KernelCallPurpose } from "./ipc-state.js";
import { firstServer, sleep } from "./ipc-wait.js";
import { deref } from "./objects.js";
import type { Oid, ThreadObj } from "./state.js";

export type { KernelCallPurpose } from "./ipc-state.js";

/** Perform: (re)send `t`'s kernel call: to a waiting server of its port's set, else queue on the port. */
export const sendKernelCall = (ctx: Ctx, t: ThreadObj): void => {
  const kc = t.ipc.kernelCall;
  const port = kc === null ? null : deref(ctx.s, kc.port, "port");
  if (port === null) {
    t.ipc.kernelCall = null;
    t.wait = { kind: "exception" };
    return;
  }
  const pset = deref(ctx.s, port.pset, "pset");
  const srv = pset === null ? null : firstServer(ctx.s, pset.oid);
  sleep(ctx.s, t, { kind: "port", port: port.oid });
  if (srv !== null) meet(ctx, t, null, srv, null, port);
};

/** Make `t` call `port` with message `words` (purpose says how the reply resumes it). */
export const ipcKernelCall = (ctx: Ctx, t: ThreadObj, port: Oid, words: number[], purpose: KernelCallPurpose): void => {
  t.ipc.kernelCall = { port, words: [...words], purpose };
  sendKernelCall(ctx, t);
};
