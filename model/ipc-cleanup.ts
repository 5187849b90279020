// What the IPC chapter does when the thread chapter stops or destroys a thread that takes part in IPC.
// ipcCancelWait (fluke_thread_get_state stopping a blocked thread, an interrupt or alert being
// delivered): the thread leaves every IPC queue and wait; its connections survive and its pending call
// stays restartable (re-running it redoes the wait; an idempotent call is simply sent again).
// ipcThreadDestroyed (call it before removing the thread object): its connections break (each partner
// gets an alert and later operations fail with *_DISCONNECTED), idempotent callers it was serving fail
// with IPC_CONNECT_INVALID_DEST, and it leaves every queue. Above: model/thread*.ts. Below:
// model/ipc-conn.ts, ipc-deliver.ts, ipc-wait.ts.
import type { Ctx } from "./ctx.js";
import { disconnect } from "./ipc-conn.js";
import { failClient } from "./ipc-deliver.js";
import type { Side } from "./ipc-state.js";
import { isWaiting, threads, wake } from "./ipc-wait.js";
import type { ThreadObj } from "./state.js";

/** Perform: take `t` out of whatever IPC wait it is in; its pending call is kept for a restart. */
export const ipcCancelWait = (ctx: Ctx, t: ThreadObj): void => {
  void ctx;
  wake(t);
  t.ipc.kernelCall = null; // a restarted faulting call faults again and makes a new kernel call
  if (t.wait?.kind === "ipc") t.wait = null;
};

/** Perform: the IPC half of fluke_thread_destroy for `t`. */
export const ipcThreadDestroyed = (ctx: Ctx, t: ThreadObj): void => {
  ipcCancelWait(ctx, t);
  for (const side of ["client", "server"] as Side[]) {
    const p = disconnect(ctx, t, side);
    if (p !== null && p.ipc.alertPending === null) p.ipc.alertPending = side;
  }
  t.ipc.serving = null;
  const callers = threads(ctx.s).filter((c) => isWaiting(c, "reply") && c.ipc.waitFor?.kind === "reply" && c.ipc.waitFor.server === t.oid);
  for (const c of callers) failClient(ctx, c);
};
