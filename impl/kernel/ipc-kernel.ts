// Idempotent IPC calls that the concrete kernel makes on a thread's behalf: a page fault to a region
// keeper, a synchronous exception to a task keeper (exceptions.ts decides which). The thread becomes an
// idempotent client of the keeper port, queued FIFO with the port's other clients; the keeper's server
// receives the message like any idempotent call (ipc_class "idempotent"), and its fluke_ipc_reply goes to
// onKernelReply (exceptions.ts), which resumes the thread. A keeper port that does not exist, or is
// destroyed before it answers, is a failed keeper: the thread blocks for good (wait "exception", ours).
// Same rules as model/ipc-kernel.ts. Above: exceptions.ts, ipc-receive.ts (the idempotent retry).
// Below: ipc-deliver.ts, ipc-wait.ts.
import type { KCtx } from "./kctx.js";
import { live, type KPort, type KThread } from "./kobjects.js";
import { meet } from "./ipc-deliver.js";
import { ipcOf, type KernelCallPurpose } from "./ipc-state.js";
import { firstServer, sleep } from "./ipc-wait.js";

export type { KernelCallPurpose } from "./ipc-state.js";

/** Perform: (re)send `t`'s kernel call: to a waiting server of its port's set, else queue on the port. */
export const sendKernelCall = (ctx: KCtx, t: KThread): void => {
  const kc = ipcOf(t).kernelCall;
  const port = kc === null ? null : live(kc.port);
  if (port === null) {
    ipcOf(t).kernelCall = null;
    t.wait = { kind: "exception" };
    return;
  }
  const pset = live(port.pset);
  const srv = pset === null ? null : firstServer(pset);
  sleep(t, { kind: "port", port });
  if (srv !== null) meet(ctx, t, null, srv, null, port);
};

/** Make `t` call `port` with message `words` (purpose says how the reply resumes it). */
export const ipcKernelCall = (ctx: KCtx, t: KThread, port: KPort, words: readonly number[], purpose: KernelCallPurpose): void => {
  ipcOf(t).kernelCall = { port, words: [...words], purpose };
  sendKernelCall(ctx, t);
};
