// Chapter "mutex" (9) of the concrete kernel: the handlers of spec/kernel-api/mutex.ts on kernel objects
// (same rules as model/mutex.ts). A mutex links to its owner; threads blocked in fluke_mutex_lock queue
// in `waiters` in arrival order and unlock hands the mutex to the first of them (no barging). Each thread
// keeps the set of mutexes it owns, so destroying a thread releases them without a scan. Exports for
// other chapters: mutexOwner, releaseMutex (cond.ts), mutexCancelWait and mutexThreadDestroyed (the
// thread chapter). Above: handlers.ts, cond.ts, thread-*.ts. Below: object-ops.ts, decode.ts, kthreads.ts.
import type { MutexState } from "../../spec/kernel-api/mutex.js";
import { lookup, refSlot } from "./decode.js";
import { blocked, complete, kinsane, ok, ret, type KCtx, type KHandler } from "./kctx.js";
import { live, type KMutex, type KThread } from "./kobjects.js";
import { bindSlot, createObject, lookupForDestroy, moveObject, refLinkOf, referenceObject, removeObject } from "./object-ops.js";
import { byCreation, stamp } from "./kthreads.js";

type A<T extends string> = Record<T, number>;

// ---------------------------------------------------------------------------------------------
// Shared rules

const owned = new WeakMap<KThread, Set<KMutex>>();

/** The holder of `m`, or null when unlocked. */
export const mutexOwner = (m: KMutex): KThread | null => live(m.owner);

/** Perform: set the owner link of `m`, keeping each thread's set of owned mutexes. */
const setOwner = (m: KMutex, t: KThread | null): void => {
  if (m.owner !== null) owned.get(m.owner)?.delete(m);
  m.owner = t;
  if (t === null) return;
  let set = owned.get(t);
  if (set === undefined) owned.set(t, (set = new Set()));
  set.add(m);
};

const isWaitingOn = (t: KThread, m: KMutex): boolean => t.alive && t.wait?.kind === "mutex" && t.wait.on === m;

const dropWaiter = (m: KMutex, t: KThread): void => {
  for (let i = m.waiters.indexOf(t); i >= 0; i = m.waiters.indexOf(t)) m.waiters.splice(i, 1);
};

/** Perform: release `m`; the first waiter still waiting on it becomes the owner and its lock returns. */
export const releaseMutex = (ctx: KCtx, m: KMutex): void => {
  while (m.waiters.length > 0) {
    const w = m.waiters.shift()!;
    if (!isWaitingOn(w, m)) continue;
    setOwner(m, w);
    complete(ctx, w, ok());
    return;
  }
  setOwner(m, null);
};

/** Perform: make `t` the owner of `m` (set_state); a waiting `t` stops waiting and its lock returns. */
const giveMutex = (ctx: KCtx, m: KMutex, t: KThread): void => {
  setOwner(m, t);
  if (!m.waiters.includes(t)) return;
  dropWaiter(m, t);
  if (isWaitingOn(t, m)) complete(ctx, t, ok());
};

/** Perform: take `t` out of the mutex queue it waits in; its pending fluke_mutex_lock stays restartable. */
export const mutexCancelWait = (ctx: KCtx, t: KThread): void => {
  void ctx;
  if (t.wait?.kind !== "mutex") return;
  dropWaiter(t.wait.on as KMutex, t);
  t.wait = null;
};

/** A thread is being destroyed (ours, mutex.md): it stops waiting, and every mutex it holds is released. */
export const mutexThreadDestroyed = (ctx: KCtx, t: KThread): void => {
  mutexCancelWait(ctx, t);
  for (const m of byCreation(owned.get(t) ?? [])) if (m.owner === t) releaseMutex(ctx, m);
  owned.delete(t);
};

// ---------------------------------------------------------------------------------------------
// Handlers

const newMutex = (paddr: number, hash: number): KMutex =>
  stamp({ type: "mutex", paddr, hash, invalid: false, alive: true, flags: 0, owner: null, waiters: [] });

const fluke_mutex_create: KHandler = (ctx, a: A<"new_mutex">) => createObject(ctx, "mutex", a.new_mutex, undefined, newMutex);

const fluke_mutex_create_hash: KHandler = (ctx, a: A<"new_mutex" | "hash">) => createObject(ctx, "mutex", a.new_mutex, a.hash, newMutex);

const fluke_mutex_destroy: KHandler = (ctx, a: A<"mutex">) => {
  const m = lookupForDestroy(ctx, a.mutex, "mutex");
  if (mutexOwner(m) !== null) kinsane("MUTEX_LOCKED");
  removeObject(ctx, m);
  return ok();
};

const fluke_mutex_get_state: KHandler = (ctx, a: A<"mutex" | "owner_ref">) => {
  const m = lookup(ctx, a.mutex, "mutex");
  bindSlot(refSlot(ctx, a.owner_ref), mutexOwner(m));
  const state: MutexState = { hash: m.hash, flags: m.flags, locked: mutexOwner(m) === null ? 0 : 1 };
  return ok({ state });
};

const fluke_mutex_set_state: KHandler = (ctx, a: { mutex: number; state: MutexState | null; owner_ref: number }) => {
  const m = lookup(ctx, a.mutex, "mutex");
  const r = refSlot(ctx, a.owner_ref);
  const owner = r === null ? undefined : refLinkOf(r, "thread");
  if (a.state !== null) m.flags = a.state.flags;
  if (owner === null && mutexOwner(m) !== null) releaseMutex(ctx, m);
  else if (owner !== undefined && owner !== null) giveMutex(ctx, m, owner);
  return ok();
};

const fluke_mutex_move: KHandler = (ctx, a: A<"old_addr" | "new_addr">) => moveObject(ctx, "mutex", a.old_addr, a.new_addr);

const fluke_mutex_reference: KHandler = (ctx, a: A<"mutex" | "new_mutex_ref">) => referenceObject(ctx, "mutex", a.mutex, a.new_mutex_ref);

const fluke_mutex_lock: KHandler = (ctx, a: A<"mutex">) => {
  const m = lookup(ctx, a.mutex, "mutex");
  const owner = mutexOwner(m);
  if (owner === ctx.self) kinsane("MUTEX_LOCKED");
  if (owner === null) {
    setOwner(m, ctx.self);
    return ok();
  }
  dropWaiter(m, ctx.self);
  m.waiters.push(ctx.self);
  ctx.self.wait = { kind: "mutex", on: m };
  return blocked();
};

const fluke_mutex_trylock: KHandler = (ctx, a: A<"mutex">) => {
  const m = lookup(ctx, a.mutex, "mutex");
  if (mutexOwner(m) !== null) return ret("MUTEX_HELD");
  setOwner(m, ctx.self);
  return ok();
};

const fluke_mutex_unlock: KHandler = (ctx, a: A<"mutex">) => {
  const m = lookup(ctx, a.mutex, "mutex");
  const owner = mutexOwner(m);
  if (owner === null) kinsane("MUTEX_NOT_LOCKED");
  if (owner !== ctx.self) kinsane("MUTEX_NOT_OWNER");
  releaseMutex(ctx, m);
  return ok();
};

export const K_MUTEX_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_mutex_create, fluke_mutex_create_hash, fluke_mutex_destroy, fluke_mutex_get_state, fluke_mutex_set_state,
  fluke_mutex_move, fluke_mutex_reference, fluke_mutex_lock, fluke_mutex_trylock, fluke_mutex_unlock,
};
