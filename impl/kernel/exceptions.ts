// Synchronous exceptions and runnability in the concrete kernel (spec/kernel-api/thread.md,
// "Exceptions"; the model's model/exceptions.ts and model/sched.ts say what must happen). Owned by the
// kernel's thread chapter. Placeholder: every exception blocks the thread for good, and a thread runs when
// it is not stopped, not blocked, and has a task.
import { FLUKE_THREAD_STOPPED, type Insanity } from "../../spec/kernel-api/common.js";
import type { KCtx, KFault } from "./kctx.js";
import { live, type KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";

export type KSyncException = { readonly kind: "insanity"; readonly code: Insanity } | { readonly kind: "fault"; readonly fault: KFault };

export const deliverException = (ctx: KCtx, exc: KSyncException): void => {
  void exc;
  ctx.self.wait = { kind: "exception" };
};

export const whyNotRunnable = (k: Kernel, t: KThread): "blocked" | "stopped" | "no_task" | "no_time" | null => {
  if ((t.flags & FLUKE_THREAD_STOPPED) !== 0) return "stopped";
  if (t.wait !== null) return "blocked";
  if (live(t.task) === null) return "no_task";
  if (t !== k.bootThread && live(t.scheduler) === null && live(t.donor) === null) return "no_time";
  return null;
};
