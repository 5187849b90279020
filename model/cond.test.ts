// Tests of chapter "cond" of the model (spec/kernel-api/cond.md): one describe per call, each asserting
// the spec's statements and every code its registry row lists, plus the restart rule of a waiting thread
// (its pending call never releases the mutex twice).
import { describe, expect, it } from "vitest";
import { condCancelWait } from "./cond.js";
import type { Ctx } from "./ctx.js";
import { resumePending } from "./restart.js";
import type { ThreadObj } from "./state.js";
import { Driver } from "./testkit.js";
import { addThreads, invalidate, probe } from "./test-threads.js";

const C = 0x3200;
const C2 = 0x3210;
const M = 0x3000;
const R = 0x3100;
const ins = (code: string) => ({ kind: "insanity", code });
const OK = { kind: "return", rc: "SUCCESS", out: {} };
const BLOCKED = { kind: "blocked" };

const setup = (threads = 2): { d: Driver; t: number[] } => {
  const d = new Driver();
  d.ok("fluke_cond_create", { new_cond: C });
  d.ok("fluke_mutex_create", { new_mutex: M });
  d.ok("fluke_ref_create", { new_ref: R });
  return { d, t: addThreads(d, threads) };
};
/** Thread `t` locks M and waits on C. */
const waitOn = (d: Driver, t: number): void => {
  d.ok("fluke_mutex_lock", { mutex: M }, t);
  expect(d.call("fluke_cond_wait", { cond: C, mutex: M }, t)).toEqual(BLOCKED);
};
const threadObj = (d: Driver, va: number): ThreadObj =>
  [...d.s.objects.values()].find((o): o is ThreadObj => o.type === "thread" && o.thread_va === va)!;
const mutexLocked = (d: Driver): number => (d.ok("fluke_mutex_get_state", { mutex: M, owner_ref: 0 }).state as { locked: number }).locked;

describe("fluke_cond_create", () => {
  it("returns NO_MEMORY when the kernel is full, creating nothing", () => {
    const d = new Driver({ objectLimit: 2 });
    expect(d.call("fluke_cond_create", { new_cond: C })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
    expect(probe(d, "fluke_cond_signal", { cond: C })).toEqual(ins("NO_OBJECT"));
  });
  it("creates a condition variable with no attributes and no inheritor", () => {
    const { d } = setup(0);
    d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: R });
    expect(d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: 0 }).state).toMatchObject({ flags: 0 });
    expect(d.ok("fluke_ref_check", { ref: R }).is_null).toBe(true);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_create", { new_cond: C })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_cond_create", { new_cond: C2 + 2 })).toEqual(ins("NOT_ALIGNED"));
  });
});

describe("fluke_cond_create_hash", () => {
  it("returns NO_MEMORY when the kernel is full", () => {
    expect(new Driver({ objectLimit: 2 }).call("fluke_cond_create_hash", { new_cond: C, hash: 5 })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
  });
  it("uses the caller's hash, or chooses one for 0", () => {
    const { d } = setup(0);
    expect(d.ok("fluke_cond_create_hash", { new_cond: C2, hash: 4242 }).hash).toBe(4242);
    expect(d.ok("fluke_cond_get_state", { cond: C2, inheritor_ref: 0 }).state).toEqual({ hash: 4242, flags: 0 });
    expect(d.ok("fluke_cond_create_hash", { new_cond: C2 + 16, hash: 0 }).hash).not.toBe(0);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_create_hash", { new_cond: C, hash: 1 })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_cond_create_hash", { new_cond: C2 + 8, hash: 1 })).toEqual(ins("NOT_ALIGNED"));
  });
});

describe("fluke_cond_destroy", () => {
  it("destroys the variable and wakes its waiters as broadcast would", () => {
    const { d, t } = setup();
    waitOn(d, t[0]!);
    d.ok("fluke_cond_destroy", { cond: C });
    expect(d.lastCompletions).toEqual([{ thread: t[0], outcome: OK }]);
    expect(probe(d, "fluke_cond_signal", { cond: C })).toEqual(ins("NO_OBJECT"));
    expect(d.call("fluke_mutex_unlock", { mutex: M }, t[0])).toEqual(OK);
  });
  it("raises NO_OBJECT and NOT_COND, and still destroys an invalid variable (decision 3)", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_destroy", { cond: C2 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_destroy", { cond: M })).toEqual(ins("NOT_COND"));
    invalidate(d, C);
    expect(d.call("fluke_cond_destroy", { cond: C })).toEqual(OK);
    expect(probe(d, "fluke_cond_destroy", { cond: C })).toEqual(ins("NO_OBJECT"));
  });
});

describe("fluke_cond_get_state", () => {
  it("exports hash and flags without affecting the variable", () => {
    const { d } = setup(0);
    const a = d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: 0 });
    expect(d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: 0 })).toEqual(a);
  });
  it("raises NO_OBJECT, NOT_COND, INVALID_OBJECT and NOT_REF", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_get_state", { cond: C2, inheritor_ref: 0 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_get_state", { cond: M, inheritor_ref: 0 })).toEqual(ins("NOT_COND"));
    expect(probe(d, "fluke_cond_get_state", { cond: C, inheritor_ref: M })).toEqual(ins("NOT_REF"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_get_state", { cond: C, inheritor_ref: 0 })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_cond_set_state", () => {
  it("imports flags and the inheritor; the hash is write-once", () => {
    const { d, t } = setup(1);
    d.ok("fluke_mutex_lock", { mutex: M }, t[0]);
    d.ok("fluke_mutex_get_state", { mutex: M, owner_ref: R }); // R -> t[0]
    const { hash } = d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: 0 }).state as { hash: number };
    d.ok("fluke_cond_set_state", { cond: C, state: { hash: hash + 1, flags: 4 }, inheritor_ref: R });
    d.ok("fluke_ref_create", { new_ref: R + 16 });
    expect(d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: R + 16 }).state).toEqual({ hash, flags: 4 });
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R + 16 }).equal).toBe(true);
    d.ok("fluke_cond_set_state", { cond: C, state: null, inheritor_ref: 0 });
    expect(d.ok("fluke_cond_get_state", { cond: C, inheritor_ref: 0 }).state).toEqual({ hash, flags: 4 });
  });
  it("raises NO_OBJECT, NOT_COND, INVALID_OBJECT, NOT_REF and NOT_THREAD_REF", () => {
    const { d } = setup(0);
    const st = { hash: 0, flags: 0 };
    expect(probe(d, "fluke_cond_set_state", { cond: C2, state: st, inheritor_ref: 0 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_set_state", { cond: M, state: st, inheritor_ref: 0 })).toEqual(ins("NOT_COND"));
    expect(probe(d, "fluke_cond_set_state", { cond: C, state: st, inheritor_ref: C })).toEqual(ins("NOT_REF"));
    d.ok("fluke_cond_reference", { cond: C, new_cond_ref: R });
    expect(probe(d, "fluke_cond_set_state", { cond: C, state: st, inheritor_ref: R })).toEqual(ins("NOT_THREAD_REF"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_set_state", { cond: C, state: st, inheritor_ref: 0 })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_cond_move", () => {
  it("moves the variable; its waiters keep waiting and are woken at the new address", () => {
    const { d, t } = setup();
    waitOn(d, t[0]!);
    d.ok("fluke_cond_move", { old_addr: C, new_addr: C2 });
    expect(probe(d, "fluke_cond_signal", { cond: C })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_cond_signal", { cond: C2 });
    expect(d.lastCompletions).toEqual([{ thread: t[0], outcome: OK }]);
  });
  it("raises NO_OBJECT, NOT_COND, INVALID_OBJECT, OBJECT_EXISTS and NOT_ALIGNED", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_move", { old_addr: C2, new_addr: C2 + 16 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_move", { old_addr: M, new_addr: C2 })).toEqual(ins("NOT_COND"));
    expect(probe(d, "fluke_cond_move", { old_addr: C, new_addr: M })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_cond_move", { old_addr: C, new_addr: C2 + 1 })).toEqual(ins("NOT_ALIGNED"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_move", { old_addr: C, new_addr: C2 })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_cond_reference", () => {
  it("binds the reference to the condition variable", () => {
    const { d } = setup(0);
    d.ok("fluke_cond_reference", { cond: C, new_cond_ref: R });
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("cond");
  });
  it("raises NO_OBJECT, NOT_COND, INVALID_OBJECT and NOT_REF", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_reference", { cond: C2, new_cond_ref: R })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_reference", { cond: R, new_cond_ref: R })).toEqual(ins("NOT_COND"));
    expect(probe(d, "fluke_cond_reference", { cond: C, new_cond_ref: M })).toEqual(ins("NOT_REF"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_reference", { cond: C, new_cond_ref: R })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_cond_wait", () => {
  it("releases the mutex (handing it to its first waiter) and blocks", () => {
    const { d, t } = setup();
    d.ok("fluke_mutex_lock", { mutex: M }, t[0]);
    d.call("fluke_mutex_lock", { mutex: M }, t[1]);
    expect(d.call("fluke_cond_wait", { cond: C, mutex: M }, t[0])).toEqual(BLOCKED);
    expect(d.lastCompletions).toEqual([{ thread: t[1], outcome: OK }]);
    expect(threadObj(d, t[0]!).pending).toEqual({ name: "fluke_cond_wait", args: { cond: C, mutex: M, released: true } });
  });
  it("returns only once the mutex is re-acquired", () => {
    const { d, t } = setup();
    waitOn(d, t[0]!);
    d.ok("fluke_mutex_lock", { mutex: M });
    d.ok("fluke_cond_signal", { cond: C });
    expect(d.lastCompletions).toEqual([]);
    expect(threadObj(d, t[0]!)).toMatchObject({ pending: { name: "fluke_mutex_lock", args: { mutex: M } }, wait: { kind: "mutex" } });
    d.ok("fluke_mutex_unlock", { mutex: M });
    expect(d.lastCompletions).toEqual([{ thread: t[0], outcome: OK }]);
    expect(mutexLocked(d)).toBe(1);
  });
  it("a cancelled and restarted wait waits again without releasing the mutex a second time", () => {
    const { d, t } = setup();
    waitOn(d, t[0]!);
    d.ok("fluke_mutex_lock", { mutex: M }, t[1]);
    const s = d.s;
    const self = threadObj(d, t[0]!);
    const ctx: Ctx = { s, self, task: s.rootTask, completions: [] };
    condCancelWait(ctx, self);
    expect(self.wait).toBeNull();
    expect(probe(d, "fluke_cond_signal", { cond: C })).toEqual(OK);
    resumePending(ctx, self);
    expect(ctx.completions).toEqual([]);
    expect(self.wait).toMatchObject({ kind: "cond" });
    expect(probe(d, "fluke_mutex_unlock", { mutex: M }, t[1])).toEqual(OK);
    d.ok("fluke_cond_signal", { cond: C });
    expect(threadObj(d, t[0]!).wait).toMatchObject({ kind: "mutex" });
  });
  it("raises MUTEX_NOT_LOCKED, MUTEX_NOT_OWNER, NO_OBJECT, NOT_COND, NOT_MUTEX and INVALID_OBJECT", () => {
    const { d, t } = setup();
    expect(probe(d, "fluke_cond_wait", { cond: C, mutex: M })).toEqual(ins("MUTEX_NOT_LOCKED"));
    d.ok("fluke_mutex_lock", { mutex: M }, t[0]);
    expect(probe(d, "fluke_cond_wait", { cond: C, mutex: M })).toEqual(ins("MUTEX_NOT_OWNER"));
    expect(probe(d, "fluke_cond_wait", { cond: C2, mutex: M }, t[0])).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_wait", { cond: M, mutex: M }, t[0])).toEqual(ins("NOT_COND"));
    expect(probe(d, "fluke_cond_wait", { cond: C, mutex: C }, t[0])).toEqual(ins("NOT_MUTEX"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_wait", { cond: C, mutex: M }, t[0])).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_cond_signal", () => {
  it("wakes exactly the longest-waiting thread; with no waiter it does nothing", () => {
    const { d, t } = setup(3);
    d.ok("fluke_cond_signal", { cond: C });
    waitOn(d, t[1]!);
    waitOn(d, t[0]!);
    d.ok("fluke_cond_signal", { cond: C });
    expect(d.lastCompletions).toEqual([{ thread: t[1], outcome: OK }]);
    expect(threadObj(d, t[0]!).wait).toMatchObject({ kind: "cond" });
  });
  it("raises NO_OBJECT, NOT_COND and INVALID_OBJECT", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_signal", { cond: C2 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_signal", { cond: M })).toEqual(ins("NOT_COND"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_signal", { cond: C })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_cond_broadcast", () => {
  it("wakes every waiter in arrival order; each re-acquires the mutex in turn", () => {
    const { d, t } = setup(3);
    waitOn(d, t[2]!);
    waitOn(d, t[0]!);
    waitOn(d, t[1]!);
    d.ok("fluke_cond_broadcast", { cond: C });
    expect(d.lastCompletions).toEqual([{ thread: t[2], outcome: OK }]);
    d.ok("fluke_mutex_unlock", { mutex: M }, t[2]);
    expect(d.lastCompletions).toEqual([{ thread: t[0], outcome: OK }]);
    d.ok("fluke_mutex_unlock", { mutex: M }, t[0]);
    expect(d.lastCompletions).toEqual([{ thread: t[1], outcome: OK }]);
  });
  it("raises NO_OBJECT, NOT_COND and INVALID_OBJECT", () => {
    const { d } = setup(0);
    expect(probe(d, "fluke_cond_broadcast", { cond: C2 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_cond_broadcast", { cond: R })).toEqual(ins("NOT_COND"));
    invalidate(d, C);
    expect(probe(d, "fluke_cond_broadcast", { cond: C })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("a thread waiting on a condition, exported and restored by the thread chapter", () => {
  const NO_REFS = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
  it("round-trips through get_state/set_state and never releases the mutex twice", () => {
    const { d, t } = setup();
    waitOn(d, t[0]!);
    d.ok("fluke_mutex_lock", { mutex: M }, t[1]);
    const st = d.ok("fluke_thread_get_state", { thread: t[0], ...NO_REFS }).state as { flags: number; pending_call: unknown };
    expect(st.pending_call).toEqual({ name: "fluke_cond_wait", args: { cond: C, mutex: M, released: true } });
    d.ok("fluke_cond_signal", { cond: C });
    expect(d.lastCompletions).toEqual([]); // the exported thread is off the queue
    d.ok("fluke_thread_set_state", { thread: t[0], state: { ...st, flags: st.flags & ~1 }, ...NO_REFS });
    expect(threadObj(d, t[0]!).wait).toMatchObject({ kind: "cond" });
    const again = d.ok("fluke_thread_get_state", { thread: t[0], ...NO_REFS }).state as { pending_call: unknown };
    expect(again.pending_call).toEqual(st.pending_call);
    d.ok("fluke_thread_set_state", { thread: t[0], state: { ...st, flags: st.flags & ~1 }, ...NO_REFS });
    expect(d.call("fluke_mutex_unlock", { mutex: M }, t[1])).toEqual(OK); // t[1] still held it
    d.ok("fluke_cond_signal", { cond: C });
    expect(d.lastCompletions).toEqual([{ thread: t[0], outcome: OK }]);
    expect(mutexLocked(d)).toBe(1);
  });
});
