// What the IPC chapter of the concrete kernel does when the thread chapter stops or destroys a thread
// that takes part in IPC, and what it tells the thread chapter about a thread's IPC state.
// ipcCancelWait (fluke_thread_get_state stopping a blocked thread, an interrupt or alert being
// delivered): the thread leaves every IPC queue and wait; its connections survive and its pending call
// stays restartable. ipcThreadDestroyed (call it before removing the thread object): its connections
// break (each partner gets an alert and later operations fail with *_DISCONNECTED), idempotent callers it
// was serving fail with IPC_CONNECT_INVALID_DEST (in creation order, as the model walks its threads), and
// it leaves every queue. Same rules as model/ipc-cleanup.ts. Above: the thread chapter (thread-*.ts,
// exceptions.ts, sched). Below: ipc-conn.ts, ipc-deliver.ts, ipc-wait.ts, kthreads.ts (creation order).
import type { KCtx } from "./kctx.js";
import { live, type KObj, type KThread } from "./kobjects.js";
import { disconnect } from "./ipc-conn.js";
import { failClient } from "./ipc-deliver.js";
import { ipcOf, isWaiting, SIDES } from "./ipc-state.js";
import { wake } from "./ipc-wait.js";
import { byCreation } from "./kthreads.js";

/** Perform: take `t` out of whatever IPC wait it is in; its pending call is kept for a restart. */
export const ipcCancelWait = (ctx: KCtx, t: KThread): void => {
  void ctx;
  wake(t);
  ipcOf(t).kernelCall = null; // a restarted faulting call faults again and makes a new kernel call
  if (t.wait?.kind === "ipc") t.wait = null;
};

/** Perform: the IPC half of fluke_thread_destroy for `t`. */
export const ipcThreadDestroyed = (ctx: KCtx, t: KThread): void => {
  ipcCancelWait(ctx, t);
  for (const side of SIDES) {
    const p = disconnect(ctx, t, side);
    if (p !== null && ipcOf(p).alertPending === null) ipcOf(p).alertPending = side;
  }
  const ipc = ipcOf(t);
  ipc.serving = null;
  const callers = byCreation([...ipc.callers].filter((c) => isWaiting(c, "reply")));
  for (const c of callers) failClient(ctx, c);
};

/** The object `t` is blocked on in IPC (the waiting_for link of get_state), or null: as the model's waitingFor. */
export const ipcWaitingFor = (t: KThread): KObj | null => {
  const ipc = ipcOf(t);
  const f = ipc.waitFor;
  if (f === null) return ipc.kernelCall?.port ?? null;
  if (f.kind === "port") return f.port;
  if (f.kind === "pset") return f.pset;
  if (f.kind === "reply") return f.server;
  return f.side === "client" ? t.server : t.client;
};

/** A client blocked in IPC on `server` (an idempotent call it serves, or their reliable connection): it lends the server its time. */
export const ipcLendingClient = (server: KThread): KThread | null => {
  const idem = live(ipcOf(server).serving);
  if (idem !== null && idem.wait?.kind === "ipc") return idem;
  const rel = live(server.client);
  return rel !== null && rel.wait?.kind === "ipc" && ipcOf(rel).waitFor?.kind === "conn" && rel.server === server ? rel : null;
};
