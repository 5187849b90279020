// Chapter "cond" (10) of the abstract model: the handlers of spec/kernel-api/cond.ts. fluke_cond_wait
// releases the caller's mutex and queues the caller on the condition variable, in arrival order; a
// signal or broadcast turns each woken waiter's pending call into fluke_mutex_lock(mutex) and runs it, so
// the wait returns once the mutex is re-acquired. The pending call of a waiter is always restartable and
// never releases the mutex twice (cond.md, "A waiting thread as state"). Exports condCancelWait for the
// thread chapter. Above: model/handlers.ts. Below: model/mutex.ts, model/restart.ts, model/object-ops.ts, model/objects.ts.
import type { CondState } from "../spec/kernel-api/cond.js";
import type { Ctx, Handler } from "./ctx.js";
import { blocked, complete, ok } from "./ctx.js";
import { insane } from "./errors.js";
import { deref, lookup } from "./objects.js";
import { mutexOwner, releaseMutex } from "./mutex.js";
import { bindRef, optRef, refLinkOf } from "./ref-link.js";
import { resumePending } from "./restart.js";
import { createObject, lookupForDestroy, moveObject, referenceObject } from "./object-ops.js";
import type { CondObj, Oid, ThreadObj } from "./state.js";

type A<T extends string> = Record<T, number>;
interface WaitArgs { cond: number; mutex: number; released?: boolean }

// ---------------------------------------------------------------------------------------------
// Shared rules

/** Remove `t` from every condition variable's queue; its pending (marked) fluke_cond_wait stays restartable. */
export const condCancelWait = (ctx: Ctx, t: ThreadObj): void => {
  for (const o of ctx.s.objects.values()) {
    if (o.type === "cond" && o.waiters.includes(t.oid)) o.waiters = o.waiters.filter((x) => x !== t.oid);
  }
  if (t.wait?.kind === "cond") t.wait = null;
};

/**
 * Perform: wake waiter `t` of `c`. Its pending call becomes fluke_mutex_lock on the mutex address it
 * waited with (in its own task), and runs now: it returns if the mutex is free, else queues on it.
 */
const wake = (ctx: Ctx, c: CondObj, t: ThreadObj): void => {
  c.waiters = c.waiters.filter((x) => x !== t.oid);
  const args = t.pending?.name === "fluke_cond_wait" ? (t.pending.args as unknown as WaitArgs) : null;
  if (args === null) {
    complete(ctx.s, ctx.completions, t, ok());
    return;
  }
  t.pending = { name: "fluke_mutex_lock", args: { mutex: args.mutex } };
  resumePending(ctx, t);
};

/** Perform: wake the first `n` threads still waiting on `c`, in arrival order. */
const wakeSome = (ctx: Ctx, c: CondObj, n: number): void => {
  let woken = 0;
  while (woken < n && c.waiters.length > 0) {
    const t = deref(ctx.s, c.waiters[0] ?? null, "thread");
    if (t === null || t.wait?.kind !== "cond" || t.wait.cond !== c.oid) {
      c.waiters.shift();
      continue;
    }
    wake(ctx, c, t);
    woken++;
  }
};

// ---------------------------------------------------------------------------------------------
// Handlers

const newCond = (oid: Oid, paddr: number, hash: number): CondObj => ({
  oid, paddr, hash, invalid: false, type: "cond", flags: 0, inheritor: null, waiters: [],
});

const fluke_cond_create: Handler = (ctx, a: A<"new_cond">) => createObject(ctx, "cond", a.new_cond, undefined, newCond);

const fluke_cond_create_hash: Handler = (ctx, a: A<"new_cond" | "hash">) => createObject(ctx, "cond", a.new_cond, a.hash, newCond);

const fluke_cond_destroy: Handler = (ctx, a: A<"cond">) => {
  const c = lookupForDestroy(ctx, a.cond, "cond");
  wakeSome(ctx, c, Infinity);
  ctx.s.objects.delete(c.oid);
  return ok();
};

const fluke_cond_get_state: Handler = (ctx, a: A<"cond" | "inheritor_ref">) => {
  const c = lookup(ctx.s, ctx.task, a.cond, "cond");
  const r = optRef(ctx, a.inheritor_ref);
  if (r !== null) bindRef(ctx.s, r, deref(ctx.s, c.inheritor, "thread")?.oid ?? null);
  const state: CondState = { hash: c.hash, flags: c.flags };
  return ok({ state });
};

const fluke_cond_set_state: Handler = (ctx, a: { cond: number; state: CondState | null; inheritor_ref: number }) => {
  const c = lookup(ctx.s, ctx.task, a.cond, "cond");
  const r = optRef(ctx, a.inheritor_ref);
  const inheritor = r === null ? undefined : refLinkOf(ctx.s, r, "thread");
  if (a.state !== null) c.flags = a.state.flags;
  if (inheritor !== undefined) c.inheritor = inheritor;
  return ok();
};

const fluke_cond_move: Handler = (ctx, a: A<"old_addr" | "new_addr">) => moveObject(ctx, "cond", a.old_addr, a.new_addr);

const fluke_cond_reference: Handler = (ctx, a: A<"cond" | "new_cond_ref">) => referenceObject(ctx, "cond", a.cond, a.new_cond_ref);

const fluke_cond_wait: Handler = (ctx, a: WaitArgs) => {
  const c = lookup(ctx.s, ctx.task, a.cond, "cond");
  const m = lookup(ctx.s, ctx.task, a.mutex, "mutex");
  if (a.released !== true) {
    const owner = mutexOwner(ctx.s, m);
    if (owner === null) insane("MUTEX_NOT_LOCKED");
    if (owner?.oid !== ctx.self.oid) insane("MUTEX_NOT_OWNER");
    releaseMutex(ctx, m);
  }
  c.waiters = [...c.waiters.filter((x) => x !== ctx.self.oid), ctx.self.oid];
  ctx.self.wait = { kind: "cond", cond: c.oid, mutex: m.oid };
  ctx.self.pending = { name: "fluke_cond_wait", args: { cond: a.cond, mutex: a.mutex, released: true } };
  return blocked();
};

const fluke_cond_signal: Handler = (ctx, a: A<"cond">) => {
  wakeSome(ctx, lookup(ctx.s, ctx.task, a.cond, "cond"), 1);
  return ok();
};

const fluke_cond_broadcast: Handler = (ctx, a: A<"cond">) => {
  wakeSome(ctx, lookup(ctx.s, ctx.task, a.cond, "cond"), Infinity);
  return ok();
};

export const COND_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_cond_create, fluke_cond_create_hash, fluke_cond_destroy, fluke_cond_get_state, fluke_cond_set_state,
  fluke_cond_move, fluke_cond_reference, fluke_cond_wait, fluke_cond_signal, fluke_cond_broadcast,
};
