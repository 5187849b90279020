// Who may run in the concrete kernel: CPU inheritance scheduling at the level of *whose time* a thread
// runs on (spec/kernel-api/thread.md, "Scheduling"; same rules as model/sched.ts). A thread can take a
// step when it exists, is not stopped, is not blocked (no wait, no exported call waiting to be re-issued),
// has a task, and has CPU time: the boot thread has the machine's; another thread has time if its
// scheduler link names a live port, a live thread donates to it (fluke_thread_schedule), or it serves a
// client blocked on it in IPC that has time. Also ends schedule donations whose target can no longer
// use the time (settleDonations, at the end of every step). Above: kernel.ts (via exceptions.ts),
// thread-*.ts. Below: kobjects.ts, kthreads.ts, ipc-cleanup.ts (ipcLendingClient).
import { FLUKE_THREAD_STOPPED } from "../../spec/kernel-api/common.js";
import { complete, ok, type KCompletion, type KCtx } from "./kctx.js";
import { live, type KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";
import { ipcLendingClient } from "./ipc-cleanup.js";
import { byCreation, threadIndex } from "./kthreads.js";

export type NotRunnable = "blocked" | "stopped" | "no_task" | "no_time";

/** True if `t` has CPU time (whether or not it can use it now). */
export const hasTime = (k: Kernel, t: KThread, seen: ReadonlySet<KThread> = new Set()): boolean => {
  if (t === k.bootThread || live(t.scheduler) !== null || live(t.donor) !== null) return true;
  const c = ipcLendingClient(t);
  return c !== null && !seen.has(c) && hasTime(k, c, new Set([...seen, t]));
};

/** Why `t` cannot take a step, or null if it can (an exported call waiting to be re-issued counts as blocked). */
export const whyNotRunnable = (k: Kernel, t: KThread): NotRunnable | null => {
  if ((t.flags & FLUKE_THREAD_STOPPED) !== 0) return "stopped";
  if (t.wait !== null || t.pending !== null) return "blocked";
  if (live(t.task) === null) return "no_task";
  if (!hasTime(k, t)) return "no_time";
  return null;
};

/** Could `t` run if it had a turn, ignoring a pending call waiting to be re-issued? (before a restart) */
export const couldRun = (k: Kernel, t: KThread): boolean =>
  (t.flags & FLUKE_THREAD_STOPPED) === 0 && t.wait === null && live(t.task) !== null && hasTime(k, t);

/** The thread `d` donates its time to through fluke_thread_schedule, if it does. */
export const donee = (d: KThread): KThread | null => (d.wait?.kind === "donating" ? live(d.wait.on as KThread) : null);

/** True if `target` runs on time that `t` gave, directly or along a chain of schedule donations. */
export const isDonorOf = (k: Kernel, t: KThread, target: KThread): boolean => {
  let cur: KThread | null = target;
  for (let i = 0; cur !== null && i < k.objects.size; i++) {
    const d: KThread | null = live(cur.donor);
    if (d === null || donee(d) !== cur) return false;
    if (d === t) return true;
    cur = d;
  }
  return false;
};

/** Perform: `d` starts donating its time to `to` (its fluke_thread_schedule blocks). */
export const startDonation = (k: Kernel, d: KThread, to: KThread): void => {
  to.donor = d;
  d.wait = { kind: "donating", on: to };
  threadIndex(k).donors.add(d);
};

/** Perform: end the schedule donation of `d` (its fluke_thread_schedule completes with SUCCESS). */
export const endDonation = (ctx: KCtx, d: KThread): void => {
  if (d.wait?.kind !== "donating") return;
  const to = live(d.wait.on as KThread);
  if (to !== null && to.donor === d) to.donor = null;
  complete(ctx, d, ok());
};

/** Donors in creation order (the model's order); stale entries are dropped. */
export const donorsOf = (k: Kernel): KThread[] => {
  const set = threadIndex(k).donors;
  for (const d of set) if (!d.alive || d.wait?.kind !== "donating") set.delete(d);
  return byCreation(set);
};

/** Can `t`, a donation's target, still use donated time? (not stopped; blocked only by donating onward) */
const usesTime = (t: KThread): boolean =>
  (t.flags & FLUKE_THREAD_STOPPED) === 0 && (t.wait === null || t.wait.kind === "donating") && !(t.wait === null && t.pending !== null);

/** End every donation whose target is gone, stopped, blocked, or runs on someone else's time. */
export const settleDonations = (k: Kernel, completions: KCompletion[]): void => {
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of donorsOf(k)) {
      if (d.wait?.kind !== "donating") continue;
      const to = live(d.wait.on as KThread);
      if (to !== null && to.donor === d && usesTime(to)) continue;
      endDonation({ k, self: d, task: d.task ?? k.rootTask, completions }, d);
      changed = true;
    }
  }
};
