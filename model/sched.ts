// Who may run in the abstract model (CPU inheritance scheduling, at the level of whose time a thread
// runs on). Owned by the thread chapter. A thread can take a step when it exists, is not stopped, is not
// blocked, has a task, and has CPU time: the boot thread always has the machine's time; another thread
// has time if it has a scheduler port or runs on time donated to it (fluke_thread_schedule, IPC).
import { FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import { deref } from "./objects.js";
import type { ModelState, ThreadObj } from "./state.js";

export type NotRunnable = "blocked" | "stopped" | "no_task" | "no_time";

export const whyNotRunnable = (s: ModelState, t: ThreadObj): NotRunnable | null => {
  if ((t.flags & FLUKE_THREAD_STOPPED) !== 0) return "stopped";
  if (t.wait !== null) return "blocked";
  if (deref(s, t.task, "task") === null) return "no_task";
  if (t.oid !== s.rootThread && deref(s, t.scheduler, "port") === null && deref(s, t.donor, "thread") === null) return "no_time";
  return null;
};
