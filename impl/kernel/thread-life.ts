// The thread chapter's object life and control calls in the concrete kernel: create, create_hash,
// destroy, move, reference, self, interrupt, and fluke_thread_schedule (ours: CPU time donation, see
// spec/kernel-api/thread.md "Scheduling"). Same rules as model/thread-life.ts. Destroy keeps the task's
// thread set and the kernel's thread index in step. Above: thread.ts. Below: object-ops.ts,
// thread-wait.ts, exceptions.ts, sched.ts, mutex.ts, ipc-cleanup.ts, kthreads.ts.
import { FLUKE_THREAD_STOPPED } from "../../spec/kernel-api/common.js";
import { blocked, ok, type KCtx, type KHandler } from "./kctx.js";
import { deliverHeld } from "./exceptions.js";
import { ipcThreadDestroyed } from "./ipc-cleanup.js";
import { newKThread } from "./kinit.js";
import { live, type KThread } from "./kobjects.js";
import { stamp, threadIndex } from "./kthreads.js";
import { mutexThreadDestroyed } from "./mutex.js";
import { createObject, moveObject, referenceObject, removeObject } from "./object-ops.js";
import { donee, donorsOf, endDonation, isDonorOf, startDonation } from "./sched.js";
import { otherThread } from "./thread-decode.js";
import { cancelWait, kick } from "./thread-wait.js";

/** Builds a new thread for a create and enters it in the kernel's thread index. */
const maker = (ctx: KCtx) => (paddr: number, hash: number): KThread => {
  const t = stamp(newKThread(paddr, hash));
  threadIndex(ctx.k).threads.add(t);
  return t;
};

/** Perform half of destroy, after the target's wait is cancelled and its mutexes and connections released. */
const forget = (ctx: KCtx, t: KThread): void => {
  for (const d of donorsOf(ctx.k)) if (donee(d) === t) endDonation(ctx, d);
  removeObject(ctx, t);
  threadIndex(ctx.k).threads.delete(t);
  t.task?.threads.delete(t);
};

/** Can `t` take donated time now? Not stopped, has a task, blocked at most in a donation of its own. */
const canTakeTime = (t: KThread): boolean =>
  (t.flags & FLUKE_THREAD_STOPPED) === 0 && live(t.task) !== null && (t.wait === null || t.wait.kind === "donating");

export const THREAD_LIFE_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_thread_create: (ctx, a: { new_thread: number }) => createObject(ctx, "thread", a.new_thread, undefined, maker(ctx)),

  fluke_thread_create_hash: (ctx, a: { new_thread: number; hash: number }) => createObject(ctx, "thread", a.new_thread, a.hash, maker(ctx)),

  fluke_thread_destroy: (ctx, a: { thread: number }) => {
    const t = otherThread(ctx, a.thread, true);
    cancelWait(ctx, t);
    mutexThreadDestroyed(ctx, t);
    ipcThreadDestroyed(ctx, t);
    forget(ctx, t);
    return ok();
  },

  fluke_thread_move: (ctx, a: { old_addr: number; new_addr: number }) => {
    otherThread(ctx, a.old_addr);
    return moveObject(ctx, "thread", a.old_addr, a.new_addr);
  },

  fluke_thread_reference: (ctx, a: { thread: number; new_thread_ref: number }) => referenceObject(ctx, "thread", a.thread, a.new_thread_ref),

  fluke_thread_self: (ctx) => ok({ thread: ctx.self.thread_va }),

  fluke_thread_interrupt: (ctx, a: { thread: number }) => {
    const t = otherThread(ctx, a.thread);
    t.interrupt_pending = true;
    deliverHeld(ctx, t);
    return ok();
  },

  fluke_thread_schedule: (ctx, a: { thread: number }) => {
    const t = otherThread(ctx, a.thread);
    if (donee(t) === ctx.self) {
      endDonation(ctx, t); // the target is our donor: hand its time back
      return ok();
    }
    // nothing to run on our time, or it already gives us its time along a chain: no donation
    if (!canTakeTime(t) || isDonorOf(ctx.k, t, ctx.self)) return ok();
    startDonation(ctx.k, ctx.self, t);
    kick(ctx, t);
    return blocked();
  },
};
