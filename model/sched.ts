// Who may run in the abstract model: CPU inheritance scheduling at the level of *whose time* a thread
// runs on (spec/kernel-api/thread.md, "Scheduling"). A thread can take a step when it exists, is not
// stopped, is not blocked, has a task, and has CPU time: the boot thread always has the machine's time;
// another thread has time if its scheduler_ref names a live port, a live thread donates time to it
// (fluke_thread_schedule), or it serves a client blocked on it in IPC that has time (IPC donation). This file also ends schedule donations
// whose target can no longer use the time (settleDonations, run at the end of every step). Above:
// model/step.ts, model/thread*.ts. Below: model/state.ts, model/objects.ts.
import { FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import { complete, ok } from "./ctx.js";
import { deref } from "./objects.js";
import type { Completion, ModelState, ThreadObj } from "./state.js";

export type NotRunnable = "blocked" | "stopped" | "no_task" | "no_time";

/** A client blocked in IPC on `server` (an idempotent call it serves, or their reliable connection). */
const lendingClient = (s: ModelState, server: ThreadObj): ThreadObj | null => {
  const idem = deref(s, server.ipc.serving, "thread");
  if (idem !== null && idem.wait?.kind === "ipc") return idem;
  const rel = deref(s, server.client, "thread");
  return rel !== null && rel.wait?.kind === "ipc" && rel.ipc.waitFor?.kind === "conn" && rel.server === server.oid ? rel : null;
};

/**
 * True if `t` has CPU time (whether or not it can use it now): the boot thread has the machine's; a
 * thread has time if its scheduler_ref names a live port, a live thread donates to it, or it serves a
 * client that is blocked on it in IPC and has time itself (the server runs on its client's time).
 */
export const hasTime = (s: ModelState, t: ThreadObj, seen: ReadonlySet<number> = new Set()): boolean => {
  if (t.oid === s.rootThread || deref(s, t.scheduler, "port") !== null || deref(s, t.donor, "thread") !== null) return true;
  const c = lendingClient(s, t);
  return c !== null && !seen.has(c.oid) && hasTime(s, c, new Set([...seen, t.oid]));
};

/**
 * Why `t` cannot take a step, or null if it can. A thread whose exported call is waiting to be
 * re-issued (pending set, no wait: see thread.md "Restart") counts as blocked until it is kicked.
 */
export const whyNotRunnable = (s: ModelState, t: ThreadObj): NotRunnable | null => {
  if ((t.flags & FLUKE_THREAD_STOPPED) !== 0) return "stopped";
  if (t.wait !== null || t.pending !== null) return "blocked";
  if (deref(s, t.task, "task") === null) return "no_task";
  if (!hasTime(s, t)) return "no_time";
  return null;
};

/** Could `t` run if it had a turn, ignoring a pending call waiting to be re-issued? (used before a restart) */
export const couldRun = (s: ModelState, t: ThreadObj): boolean =>
  (t.flags & FLUKE_THREAD_STOPPED) === 0 && t.wait === null && deref(s, t.task, "task") !== null && hasTime(s, t);

/** The thread `d` donates its time to through fluke_thread_schedule, if it does. */
export const donee = (s: ModelState, d: ThreadObj): ThreadObj | null =>
  d.wait?.kind === "donating" ? deref(s, d.wait.to, "thread") : null;

/**
 * True if `target` is running on time that `t` gave, directly or along a chain of schedule donations
 * (stopping `t` would stop the caller: RACE_CONDITION in thread.md).
 */
export const isDonorOf = (s: ModelState, t: ThreadObj, target: ThreadObj): boolean => {
  let cur: ThreadObj | null = target;
  for (let i = 0; cur !== null && i < s.objects.size; i++) {
    const d: ThreadObj | null = deref(s, cur.donor, "thread");
    if (d === null || donee(s, d)?.oid !== cur.oid) return false;
    if (d.oid === t.oid) return true;
    cur = d;
  }
  return false;
};

/** Perform: end the schedule donation of `d` (its fluke_thread_schedule completes with SUCCESS). */
export const endDonation = (s: ModelState, completions: Completion[], d: ThreadObj): void => {
  if (d.wait?.kind !== "donating") return;
  const to = deref(s, d.wait.to, "thread");
  if (to !== null && to.donor === d.oid) to.donor = null;
  complete(s, completions, d, ok());
};

/** Can `t`, a donation's target, still use donated time? (not stopped; blocked only by donating onward) */
const usesTime = (t: ThreadObj): boolean =>
  (t.flags & FLUKE_THREAD_STOPPED) === 0 && (t.wait === null || t.wait.kind === "donating") && !(t.wait === null && t.pending !== null);

/**
 * End every schedule donation whose target is gone, stopped, blocked (other than donating onward),
 * or now runs on someone else's time. Run at the end of each step; ends chains from the far end.
 */
export const settleDonations = (s: ModelState, completions: Completion[]): void => {
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of s.objects.values()) {
      if (d.type !== "thread" || d.wait?.kind !== "donating") continue;
      const to = deref(s, d.wait.to, "thread");
      if (to !== null && to.donor === d.oid && usesTime(to)) continue;
      endDonation(s, completions, d);
      changed = true;
    }
  }
};
