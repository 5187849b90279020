// The thread chapter's object life and control calls in the abstract model: create, create_hash,
// destroy, move, reference, self, interrupt, and fluke_thread_schedule (ours: CPU time donation, see
// spec/kernel-api/thread.md "Scheduling"). Above: model/thread.ts. Below: model/object-ops.ts,
// model/thread-wait.ts, model/exceptions.ts, model/sched.ts, model/mutex.ts, model/ipc-cleanup.ts.
import { FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import { newThread } from "./boot.js";
import { blocked, ok, type Ctx, type Handler } from "./ctx.js";
import { deliverHeld } from "./exceptions.js";
import { ipcThreadDestroyed } from "./ipc-cleanup.js";
import { mutexThreadDestroyed } from "./mutex.js";
import { deref } from "./objects.js";
import { createObject, moveObject, referenceObject } from "./object-ops.js";
import { donee, endDonation, isDonorOf } from "./sched.js";
import type { ThreadObj } from "./state.js";
import { otherThread } from "./thread-decode.js";
import { cancelWait, kick } from "./thread-wait.js";

/** Perform half of destroy, after the target's wait is cancelled and its mutexes released. */
const forget = (ctx: Ctx, t: ThreadObj): void => {
  for (const o of [...ctx.s.objects.values()]) {
    if (o.type === "thread" && donee(ctx.s, o)?.oid === t.oid) endDonation(ctx.s, ctx.completions, o);
  }
  ctx.s.objects.delete(t.oid);
};

/** Can `t` take donated time now? Not stopped, has a task, blocked at most in a donation of its own. */
const canTakeTime = (ctx: Ctx, t: ThreadObj): boolean =>
  (t.flags & FLUKE_THREAD_STOPPED) === 0 && deref(ctx.s, t.task, "task") !== null && (t.wait === null || t.wait.kind === "donating");

export const THREAD_LIFE_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_thread_create: (ctx, a: { new_thread: number }) => createObject(ctx, "thread", a.new_thread, undefined, newThread),

  fluke_thread_create_hash: (ctx, a: { new_thread: number; hash: number }) => createObject(ctx, "thread", a.new_thread, a.hash, newThread),

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

  fluke_thread_reference: (ctx, a: { thread: number; new_thread_ref: number }) =>
    referenceObject(ctx, "thread", a.thread, a.new_thread_ref),

  fluke_thread_self: (ctx) => ok({ thread: ctx.self.thread_va }),

  fluke_thread_interrupt: (ctx, a: { thread: number }) => {
    const t = otherThread(ctx, a.thread);
    t.interrupt_pending = true;
    deliverHeld(ctx, t);
    return ok();
  },

  fluke_thread_schedule: (ctx, a: { thread: number }) => {
    const t = otherThread(ctx, a.thread);
    if (donee(ctx.s, t)?.oid === ctx.self.oid) {
      endDonation(ctx.s, ctx.completions, t); // the target is our donor: hand its time back
      return ok();
    }
    // nothing to run on our time, or it already gives us its time along a chain: no donation
    if (!canTakeTime(ctx, t) || isDonorOf(ctx.s, t, ctx.self)) return ok();
    t.donor = ctx.self.oid;
    ctx.self.wait = { kind: "donating", to: t.oid };
    kick(ctx, t);
    return blocked();
  },
};
