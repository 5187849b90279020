// Chapter "cond" (10) of the concrete kernel: the handlers of spec/kernel-api/cond.ts on kernel objects
// (same rules as model/cond.ts). fluke_cond_wait releases the caller's mutex and queues it on the
// condition variable in arrival order, its pending call marked `released: true`; a signal or broadcast
// turns each woken waiter's pending call into fluke_mutex_lock(mutex) and re-runs it in place, so the
// wait returns once the mutex is re-acquired and a restart never releases the mutex twice. Exports
// condCancelWait for the thread chapter. Above: handlers.ts, thread-wait.ts. Below: mutex.ts,
// object-ops.ts, decode.ts, kernel.ts (resumePending).
import type { CondState } from "../../spec/kernel-api/cond.js";
import { lookup, refSlot } from "./decode.js";
import { blocked, complete, kinsane, ok, type KCtx, type KHandler } from "./kctx.js";
import { live, type KCond, type KThread } from "./kobjects.js";
import { mutexOwner, releaseMutex } from "./mutex.js";
import { bindSlot, createObject, lookupForDestroy, moveObject, refLinkOf, referenceObject, removeObject } from "./object-ops.js";

type A<T extends string> = Record<T, number>;
interface WaitArgs { cond: number; mutex: number; released?: boolean }

// ---------------------------------------------------------------------------------------------
// Shared rules

const dropWaiter = (c: KCond, t: KThread): void => {
  for (let i = c.waiters.indexOf(t); i >= 0; i = c.waiters.indexOf(t)) c.waiters.splice(i, 1);
};

/** Perform: take `t` out of the condition queue it waits in; its pending (marked) wait stays restartable. */
export const condCancelWait = (ctx: KCtx, t: KThread): void => {
  void ctx;
  if (t.wait?.kind !== "cond") return;
  dropWaiter(t.wait.on as KCond, t);
  t.wait = null;
};

/** Perform: wake waiter `t` of `c`: its pending call becomes fluke_mutex_lock(mutex) and runs now. */
const wake = (ctx: KCtx, c: KCond, t: KThread): void => {
  dropWaiter(c, t);
  const args = t.pending?.name === "fluke_cond_wait" ? (t.pending.args as unknown as WaitArgs) : null;
  if (args === null) {
    complete(ctx, t, ok());
    return;
  }
  t.pending = { name: "fluke_mutex_lock", args: { mutex: args.mutex } };
  ctx.k.resumePending(ctx, t);
};

/** Perform: wake the first `n` threads still waiting on `c`, in arrival order. */
const wakeSome = (ctx: KCtx, c: KCond, n: number): void => {
  let woken = 0;
  while (woken < n && c.waiters.length > 0) {
    const t = c.waiters[0]!;
    if (!t.alive || t.wait?.kind !== "cond" || t.wait.on !== c) {
      c.waiters.shift();
      continue;
    }
    wake(ctx, c, t);
    woken++;
  }
};

// ---------------------------------------------------------------------------------------------
// Handlers

const newCond = (paddr: number, hash: number): KCond => ({
  type: "cond", paddr, hash, invalid: false, alive: true, flags: 0, inheritor: null, waiters: [],
});

const fluke_cond_create: KHandler = (ctx, a: A<"new_cond">) => createObject(ctx, "cond", a.new_cond, undefined, newCond);

const fluke_cond_create_hash: KHandler = (ctx, a: A<"new_cond" | "hash">) => createObject(ctx, "cond", a.new_cond, a.hash, newCond);

const fluke_cond_destroy: KHandler = (ctx, a: A<"cond">) => {
  const c = lookupForDestroy(ctx, a.cond, "cond");
  wakeSome(ctx, c, Infinity);
  removeObject(ctx, c);
  return ok();
};

const fluke_cond_get_state: KHandler = (ctx, a: A<"cond" | "inheritor_ref">) => {
  const c = lookup(ctx, a.cond, "cond");
  bindSlot(refSlot(ctx, a.inheritor_ref), live(c.inheritor));
  const state: CondState = { hash: c.hash, flags: c.flags };
  return ok({ state });
};

const fluke_cond_set_state: KHandler = (ctx, a: { cond: number; state: CondState | null; inheritor_ref: number }) => {
  const c = lookup(ctx, a.cond, "cond");
  const r = refSlot(ctx, a.inheritor_ref);
  const inheritor = r === null ? undefined : refLinkOf(r, "thread");
  if (a.state !== null) c.flags = a.state.flags;
  if (inheritor !== undefined) c.inheritor = inheritor;
  return ok();
};

const fluke_cond_move: KHandler = (ctx, a: A<"old_addr" | "new_addr">) => moveObject(ctx, "cond", a.old_addr, a.new_addr);

const fluke_cond_reference: KHandler = (ctx, a: A<"cond" | "new_cond_ref">) => referenceObject(ctx, "cond", a.cond, a.new_cond_ref);

const fluke_cond_wait: KHandler = (ctx, a: WaitArgs) => {
  const c = lookup(ctx, a.cond, "cond");
  const m = lookup(ctx, a.mutex, "mutex");
  if (a.released !== true) {
    const owner = mutexOwner(m);
    if (owner === null) kinsane("MUTEX_NOT_LOCKED");
    if (owner !== ctx.self) kinsane("MUTEX_NOT_OWNER");
    releaseMutex(ctx, m);
  }
  dropWaiter(c, ctx.self);
  c.waiters.push(ctx.self);
  ctx.self.wait = { kind: "cond", on: c };
  ctx.self.pending = { name: "fluke_cond_wait", args: { cond: a.cond, mutex: a.mutex, released: true } };
  return blocked();
};

const fluke_cond_signal: KHandler = (ctx, a: A<"cond">) => {
  wakeSome(ctx, lookup(ctx, a.cond, "cond"), 1);
  return ok();
};

const fluke_cond_broadcast: KHandler = (ctx, a: A<"cond">) => {
  wakeSome(ctx, lookup(ctx, a.cond, "cond"), Infinity);
  return ok();
};

export const K_COND_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_cond_create, fluke_cond_create_hash, fluke_cond_destroy, fluke_cond_get_state, fluke_cond_set_state,
  fluke_cond_move, fluke_cond_reference, fluke_cond_wait, fluke_cond_signal, fluke_cond_broadcast,
};
