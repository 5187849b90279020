// Blocked threads as state (spec/kernel-api/thread.md, "Blocking and the atomic API"): cancelling a
// thread's wait so that its call stays restartable from its pending call, naming what it waits on (the
// waiting_for link of get_state), and re-issuing an exported call once the thread can run (kick). Each
// wait kind belongs to a chapter; this file calls that chapter's cancel function. Above:
// model/thread*.ts, model/exceptions.ts. Below: model/mutex.ts, model/cond.ts, model/ipc-cleanup.ts,
// model/restart.ts, model/sched.ts.
import type { Ctx } from "./ctx.js";
import { condCancelWait } from "./cond.js";
import { ipcCancelWait } from "./ipc-cleanup.js";
import { mutexCancelWait } from "./mutex.js";
import { deref } from "./objects.js";
import { resumePending } from "./restart.js";
import { couldRun } from "./sched.js";
import type { Oid, ThreadObj } from "./state.js";

/**
 * Perform: take `t` out of whatever it waits in (mutex or condition queue, IPC, a schedule donation,
 * an unhandled exception). Its pending call, if any, is kept: re-issuing it redoes the wait.
 */
export const cancelWait = (ctx: Ctx, t: ThreadObj): void => {
  const w = t.wait;
  if (w === null) return;
  if (w.kind === "mutex") mutexCancelWait(ctx, t);
  else if (w.kind === "cond") condCancelWait(ctx, t);
  else if (w.kind === "ipc") ipcCancelWait(ctx, t);
  else if (w.kind === "donating") {
    const to = deref(ctx.s, w.to, "thread");
    if (to !== null && to.donor === t.oid) to.donor = null;
  }
  t.wait = null;
};

/** The object `t` is blocked on (the waiting_for link), or null. */
export const waitingFor = (t: ThreadObj): Oid | null => {
  const w = t.wait;
  if (w === null) return null;
  if (w.kind === "mutex") return w.mutex;
  if (w.kind === "cond") return w.cond;
  if (w.kind === "donating") return w.to;
  if (w.kind !== "ipc") return null;
  const f = t.ipc.waitFor;
  if (f === null) return t.ipc.kernelCall?.port ?? null;
  if (f.kind === "port") return f.port;
  if (f.kind === "pset") return f.pset;
  if (f.kind === "reply") return f.server;
  return f.side === "client" ? t.server : t.client; // the peer of the connection it waits on
};

/** Perform: if `t` holds an exported call and can run now, re-issue it (its outcome is a completion). */
export const kick = (ctx: Ctx, t: ThreadObj): void => {
  if (t.pending !== null && couldRun(ctx.s, t)) resumePending(ctx, t);
};
