// Blocked threads as state in the concrete kernel (spec/kernel-api/thread.md, "Blocking and the atomic
// API"; same rules as model/thread-wait.ts): cancelling a thread's wait so that its call stays
// restartable from its pending call, naming what it waits on (the waiting_for link of get_state), and
// re-issuing an exported call once the thread can run (kick). Each wait kind belongs to a chapter; this
// file calls that chapter's cancel function. Above: thread-*.ts, exceptions.ts. Below: mutex.ts,
// cond.ts, ipc-cleanup.ts, sched.ts, kernel.ts (resumePending).
import { condCancelWait } from "./cond.js";
import type { KCtx } from "./kctx.js";
import { live, type KObj, type KThread } from "./kobjects.js";
import { ipcCancelWait, ipcWaitingFor } from "./ipc-cleanup.js";
import { mutexCancelWait } from "./mutex.js";
import { couldRun } from "./sched.js";

/**
 * Perform: take `t` out of whatever it waits in (mutex or condition queue, IPC, a schedule donation, an
 * unhandled exception). Its pending call, if any, is kept: re-issuing it redoes the wait.
 */
export const cancelWait = (ctx: KCtx, t: KThread): void => {
  const w = t.wait;
  if (w === null) return;
  if (w.kind === "mutex") mutexCancelWait(ctx, t);
  else if (w.kind === "cond") condCancelWait(ctx, t);
  else if (w.kind === "ipc") {
    ipcCancelWait(ctx, t);
    t.waiting_for = null; // the model's IPC wake clears it
  } else if (w.kind === "donating") {
    const to = live(w.on as KThread);
    if (to !== null && to.donor === t) to.donor = null;
  }
  t.wait = null;
};

/**
 * The object `t` is blocked on (the waiting_for link), or null when it waits on nothing nameable. The
 * object may be dead (the caller then reports a null link, not the stored waiting_for).
 */
export const waitingFor = (t: KThread): KObj | null => {
  const w = t.wait;
  if (w === null) return null;
  if (w.kind === "mutex" || w.kind === "cond" || w.kind === "donating") return w.on ?? null;
  return w.kind === "ipc" ? ipcWaitingFor(t) : null;
};

/** Perform: if `t` holds an exported call and can run now, re-issue it (its outcome is a completion). */
export const kick = (ctx: KCtx, t: KThread): void => {
  if (t.pending !== null && couldRun(ctx.k, t)) ctx.k.resumePending(ctx, t);
};
