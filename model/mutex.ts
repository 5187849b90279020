// Chapter "mutex" (9) of the abstract model: the handlers of spec/kernel-api/mutex.ts. A mutex is held
// by the thread its `owner` link names (null: unlocked); threads blocked in fluke_mutex_lock queue in
// `waiters` in arrival order, and unlock hands the mutex straight to the first of them (no barging), so
// every run is deterministic. A blocked lock stays restartable from its arguments (the atomic API).
// Exports for other chapters: releaseMutex (model/cond.ts), mutexCancelWait and mutexThreadDestroyed
// (the thread chapter). Above: model/handlers.ts, model/cond.ts. Below: model/object-ops.ts,
// model/objects.ts, model/ref-link.ts.
import type { MutexState } from "../spec/kernel-api/mutex.js";
import type { Ctx, Handler } from "./ctx.js";
import { blocked, complete, ok, ret } from "./ctx.js";
import { insane } from "./errors.js";
import { deref, lookup } from "./objects.js";
import { bindRef, optRef, refLinkOf } from "./ref-link.js";
import { createObject, lookupForDestroy, moveObject, referenceObject } from "./object-ops.js";
import type { ModelState, MutexObj, Oid, ThreadObj } from "./state.js";

type A<T extends string> = Record<T, number>;

// ---------------------------------------------------------------------------------------------
// Shared rules

/** The holder of `m`, or null when unlocked (an owner that no longer exists holds nothing). */
export const mutexOwner = (s: ModelState, m: MutexObj): ThreadObj | null => deref(s, m.owner, "thread");

const isWaitingOn = (t: ThreadObj, m: MutexObj): boolean => t.wait?.kind === "mutex" && t.wait.mutex === m.oid;

/** Perform: release `m`; the first waiter still waiting on it becomes the owner and its lock returns. */
export const releaseMutex = (ctx: Ctx, m: MutexObj): void => {
  while (m.waiters.length > 0) {
    const w = deref(ctx.s, m.waiters.shift() ?? null, "thread");
    if (w === null || !isWaitingOn(w, m)) continue;
    m.owner = w.oid;
    complete(ctx.s, ctx.completions, w, ok());
    return;
  }
  m.owner = null;
};

/** Perform: make `t` the owner of `m` (set_state); a waiting `t` stops waiting and its lock returns. */
const giveMutex = (ctx: Ctx, m: MutexObj, t: Oid): void => {
  m.owner = t;
  if (!m.waiters.includes(t)) return;
  m.waiters = m.waiters.filter((x) => x !== t);
  const w = deref(ctx.s, t, "thread");
  if (w !== null && isWaitingOn(w, m)) complete(ctx.s, ctx.completions, w, ok());
};

/** Remove `t` from every mutex wait queue; its pending fluke_mutex_lock stays restartable. */
export const mutexCancelWait = (ctx: Ctx, t: ThreadObj): void => {
  for (const o of ctx.s.objects.values()) {
    if (o.type === "mutex" && o.waiters.includes(t.oid)) o.waiters = o.waiters.filter((x) => x !== t.oid);
  }
  if (t.wait?.kind === "mutex") t.wait = null;
};

/** A thread is being destroyed (ours, mutex.md): it stops waiting, and every mutex it holds is released. */
export const mutexThreadDestroyed = (ctx: Ctx, t: ThreadObj): void => {
  mutexCancelWait(ctx, t);
  for (const o of [...ctx.s.objects.values()]) if (o.type === "mutex" && o.owner === t.oid) releaseMutex(ctx, o);
};

const exportState = (s: ModelState, m: MutexObj): MutexState => ({
  hash: m.hash, flags: m.flags, locked: mutexOwner(s, m) === null ? 0 : 1,
});

// ---------------------------------------------------------------------------------------------
// Handlers

const newMutex = (oid: Oid, paddr: number, hash: number): MutexObj => ({
  oid, paddr, hash, invalid: false, type: "mutex", flags: 0, owner: null, waiters: [],
});

const fluke_mutex_create: Handler = (ctx, a: A<"new_mutex">) => createObject(ctx, "mutex", a.new_mutex, undefined, newMutex);

const fluke_mutex_create_hash: Handler = (ctx, a: A<"new_mutex" | "hash">) => createObject(ctx, "mutex", a.new_mutex, a.hash, newMutex);

const fluke_mutex_destroy: Handler = (ctx, a: A<"mutex">) => {
  const m = lookupForDestroy(ctx, a.mutex, "mutex");
  if (mutexOwner(ctx.s, m) !== null) insane("MUTEX_LOCKED");
  ctx.s.objects.delete(m.oid);
  return ok();
};

const fluke_mutex_get_state: Handler = (ctx, a: A<"mutex" | "owner_ref">) => {
  const m = lookup(ctx.s, ctx.task, a.mutex, "mutex");
  const r = optRef(ctx, a.owner_ref);
  if (r !== null) bindRef(ctx.s, r, mutexOwner(ctx.s, m)?.oid ?? null);
  return ok({ state: exportState(ctx.s, m) });
};

const fluke_mutex_set_state: Handler = (ctx, a: { mutex: number; state: MutexState | null; owner_ref: number }) => {
  const m = lookup(ctx.s, ctx.task, a.mutex, "mutex");
  const r = optRef(ctx, a.owner_ref);
  const owner = r === null ? undefined : refLinkOf(ctx.s, r, "thread");
  if (a.state !== null) m.flags = a.state.flags;
  if (owner === null && mutexOwner(ctx.s, m) !== null) releaseMutex(ctx, m);
  else if (owner !== undefined && owner !== null) giveMutex(ctx, m, owner);
  return ok();
};

const fluke_mutex_move: Handler = (ctx, a: A<"old_addr" | "new_addr">) => moveObject(ctx, "mutex", a.old_addr, a.new_addr);

const fluke_mutex_reference: Handler = (ctx, a: A<"mutex" | "new_mutex_ref">) =>
  referenceObject(ctx, "mutex", a.mutex, a.new_mutex_ref);

const fluke_mutex_lock: Handler = (ctx, a: A<"mutex">) => {
  const m = lookup(ctx.s, ctx.task, a.mutex, "mutex");
  const owner = mutexOwner(ctx.s, m);
  if (owner?.oid === ctx.self.oid) insane("MUTEX_LOCKED");
  if (owner === null) {
    m.owner = ctx.self.oid;
    return ok();
  }
  m.waiters = [...m.waiters.filter((x) => x !== ctx.self.oid), ctx.self.oid];
  ctx.self.wait = { kind: "mutex", mutex: m.oid };
  return blocked();
};

const fluke_mutex_trylock: Handler = (ctx, a: A<"mutex">) => {
  const m = lookup(ctx.s, ctx.task, a.mutex, "mutex");
  if (mutexOwner(ctx.s, m) !== null) return ret("MUTEX_HELD");
  m.owner = ctx.self.oid;
  return ok();
};

const fluke_mutex_unlock: Handler = (ctx, a: A<"mutex">) => {
  const m = lookup(ctx.s, ctx.task, a.mutex, "mutex");
  const owner = mutexOwner(ctx.s, m);
  if (owner === null) insane("MUTEX_NOT_LOCKED");
  if (owner?.oid !== ctx.self.oid) insane("MUTEX_NOT_OWNER");
  releaseMutex(ctx, m);
  return ok();
};

export const MUTEX_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_mutex_create, fluke_mutex_create_hash, fluke_mutex_destroy, fluke_mutex_get_state, fluke_mutex_set_state,
  fluke_mutex_move, fluke_mutex_reference, fluke_mutex_lock, fluke_mutex_trylock, fluke_mutex_unlock,
};
