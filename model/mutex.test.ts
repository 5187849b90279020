// Tests of chapter "mutex" of the model (spec/kernel-api/mutex.md): one describe per call, each
// asserting the spec's statements and every code its registry row lists.
import { describe, expect, it } from "vitest";
import type { MutexState } from "../spec/kernel-api/mutex.js";
import { Driver } from "./testkit.js";
import { addThreads, invalidate, probe } from "./test-threads.js";

const M = 0x3000;
const M2 = 0x3010;
const R = 0x3100;
const R2 = 0x3110;
const FAR = 0x0100_0000; // beyond physical memory: not translatable
const ins = (code: string) => ({ kind: "insanity", code });
const OK = { kind: "return", rc: "SUCCESS", out: {} };

const withMutex = (): Driver => {
  const d = new Driver();
  d.ok("fluke_mutex_create", { new_mutex: M });
  return d;
};
const stateOf = (d: Driver, va = M): MutexState => d.ok("fluke_mutex_get_state", { mutex: va, owner_ref: 0 }).state as MutexState;

describe("fluke_mutex_create", () => {
  it("returns NO_MEMORY when the kernel is full, creating nothing", () => {
    const d = new Driver({ objectLimit: 2 });
    expect(d.call("fluke_mutex_create", { new_mutex: M })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
    expect(probe(d, "fluke_mutex_lock", { mutex: M })).toEqual(ins("NO_OBJECT"));
  });
  it("creates an unlocked mutex with no attributes, usable at once", () => {
    const d = withMutex();
    expect(stateOf(d)).toMatchObject({ flags: 0, locked: 0 });
    expect(d.call("fluke_mutex_lock", { mutex: M })).toEqual(OK);
  });
  it("raises OBJECT_EXISTS on an occupied block and NOT_ALIGNED off a 16-byte boundary", () => {
    const d = withMutex();
    expect(probe(d, "fluke_mutex_create", { new_mutex: M })).toEqual(ins("OBJECT_EXISTS"));
    expect(new Driver().call("fluke_mutex_create", { new_mutex: M + 8 })).toEqual(ins("NOT_ALIGNED"));
  });
  it("faults on memory the caller cannot reach", () => {
    expect(new Driver().call("fluke_mutex_create", { new_mutex: FAR })).toMatchObject({ kind: "fault", addr: FAR });
  });
});

describe("fluke_mutex_create_hash", () => {
  it("returns NO_MEMORY when the kernel is full", () => {
    expect(new Driver({ objectLimit: 2 }).call("fluke_mutex_create_hash", { new_mutex: M, hash: 5 })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
  });
  it("uses the caller's hash, or chooses one for 0", () => {
    const d = new Driver();
    expect(d.ok("fluke_mutex_create_hash", { new_mutex: M, hash: 1234 }).hash).toBe(1234);
    expect(stateOf(d).hash).toBe(1234);
    const h = d.ok("fluke_mutex_create_hash", { new_mutex: M2, hash: 0 }).hash;
    expect(h).not.toBe(0);
    expect(stateOf(d, M2).hash).toBe(h);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED like create", () => {
    const d = withMutex();
    expect(probe(d, "fluke_mutex_create_hash", { new_mutex: M, hash: 1 })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_mutex_create_hash", { new_mutex: M2 + 4, hash: 1 })).toEqual(ins("NOT_ALIGNED"));
  });
});

describe("fluke_mutex_destroy", () => {
  it("destroys an unlocked mutex: the address then holds no object", () => {
    const d = withMutex();
    d.ok("fluke_mutex_destroy", { mutex: M });
    expect(probe(d, "fluke_mutex_lock", { mutex: M })).toEqual(ins("NO_OBJECT"));
  });
  it("raises MUTEX_LOCKED while held, NO_OBJECT on an empty block, NOT_MUTEX on another type", () => {
    const d = withMutex();
    d.ok("fluke_mutex_lock", { mutex: M });
    expect(probe(d, "fluke_mutex_destroy", { mutex: M })).toEqual(ins("MUTEX_LOCKED"));
    expect(probe(d, "fluke_mutex_destroy", { mutex: M2 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_destroy", { mutex: R })).toEqual(ins("NOT_MUTEX"));
  });
  it("still destroys an invalid (written) mutex (decision 3)", () => {
    const d = withMutex();
    invalidate(d, M);
    expect(d.call("fluke_mutex_destroy", { mutex: M })).toEqual(OK);
    expect(probe(d, "fluke_mutex_destroy", { mutex: M })).toEqual(ins("NO_OBJECT"));
  });
});

describe("fluke_mutex_get_state", () => {
  it("exports locked and binds owner_ref to the holder, or to null when unlocked", () => {
    const d = withMutex();
    d.ok("fluke_ref_create", { new_ref: R });
    d.ok("fluke_mutex_lock", { mutex: M });
    expect(d.ok("fluke_mutex_get_state", { mutex: M, owner_ref: R }).state).toMatchObject({ locked: 1 });
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("thread");
    d.ok("fluke_mutex_unlock", { mutex: M });
    expect(d.ok("fluke_mutex_get_state", { mutex: M, owner_ref: R }).state).toMatchObject({ locked: 0 });
    expect(d.ok("fluke_ref_check", { ref: R }).is_null).toBe(true);
  });
  it("raises NO_OBJECT, NOT_MUTEX, INVALID_OBJECT and NOT_REF", () => {
    const d = withMutex();
    expect(probe(d, "fluke_mutex_get_state", { mutex: M2, owner_ref: 0 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_get_state", { mutex: R, owner_ref: 0 })).toEqual(ins("NOT_MUTEX"));
    expect(probe(d, "fluke_mutex_get_state", { mutex: M, owner_ref: M })).toEqual(ins("NOT_REF"));
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_get_state", { mutex: M, owner_ref: 0 })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_mutex_set_state", () => {
  /** Bind R to thread t by letting t hold M2 for a moment. */
  const refTo = (d: Driver, t: number): void => {
    d.ok("fluke_ref_create", { new_ref: R });
    d.ok("fluke_mutex_create", { new_mutex: M2 });
    d.ok("fluke_mutex_lock", { mutex: M2 }, t);
    d.ok("fluke_mutex_get_state", { mutex: M2, owner_ref: R });
    d.ok("fluke_mutex_unlock", { mutex: M2 }, t);
  };
  it("imports flags, keeps the hash, and sets the owner through owner_ref", () => {
    const d = withMutex();
    const [t1] = addThreads(d, 1);
    refTo(d, t1!);
    const before = stateOf(d);
    d.ok("fluke_mutex_set_state", { mutex: M, state: { hash: 99, flags: 4, locked: 0 }, owner_ref: R });
    expect(stateOf(d)).toEqual({ hash: before.hash, flags: 4, locked: 1 });
    expect(probe(d, "fluke_mutex_unlock", { mutex: M })).toEqual(ins("MUTEX_NOT_OWNER"));
    expect(d.call("fluke_mutex_unlock", { mutex: M }, t1)).toEqual(OK);
  });
  it("with a null state changes only the link, and a null reference unlocks", () => {
    const d = withMutex();
    d.ok("fluke_mutex_set_state", { mutex: M, state: { hash: 0, flags: 2, locked: 0 }, owner_ref: 0 });
    d.ok("fluke_mutex_lock", { mutex: M });
    d.ok("fluke_ref_create", { new_ref: R });
    d.ok("fluke_mutex_set_state", { mutex: M, state: null, owner_ref: R });
    expect(stateOf(d)).toMatchObject({ flags: 2, locked: 0 });
  });
  it("giving the mutex to a thread blocked in lock completes that lock", () => {
    const d = withMutex();
    const [t1] = addThreads(d, 1);
    refTo(d, t1!);
    d.ok("fluke_mutex_lock", { mutex: M });
    expect(d.call("fluke_mutex_lock", { mutex: M }, t1)).toEqual({ kind: "blocked" });
    d.ok("fluke_mutex_set_state", { mutex: M, state: null, owner_ref: R });
    expect(d.lastCompletions).toEqual([{ thread: t1, outcome: OK }]);
    expect(probe(d, "fluke_mutex_unlock", { mutex: M })).toEqual(ins("MUTEX_NOT_OWNER"));
    expect(d.call("fluke_mutex_unlock", { mutex: M }, t1)).toEqual(OK);
  });
  it("raises NO_OBJECT, NOT_MUTEX, INVALID_OBJECT, NOT_REF and NOT_THREAD_REF", () => {
    const d = withMutex();
    const st = { hash: 0, flags: 0, locked: 0 };
    expect(probe(d, "fluke_mutex_set_state", { mutex: M2, state: st, owner_ref: 0 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_set_state", { mutex: R, state: st, owner_ref: 0 })).toEqual(ins("NOT_MUTEX"));
    expect(probe(d, "fluke_mutex_set_state", { mutex: M, state: st, owner_ref: M })).toEqual(ins("NOT_REF"));
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    expect(probe(d, "fluke_mutex_set_state", { mutex: M, state: { ...st, flags: 1 }, owner_ref: R })).toEqual(ins("NOT_THREAD_REF"));
    expect(stateOf(d).flags).toBe(0);
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_set_state", { mutex: M, state: st, owner_ref: 0 })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_mutex_move", () => {
  it("moves the mutex; its owner and waiters are kept", () => {
    const d = withMutex();
    const [t1] = addThreads(d, 1);
    d.ok("fluke_mutex_lock", { mutex: M });
    d.call("fluke_mutex_lock", { mutex: M }, t1);
    d.ok("fluke_mutex_move", { old_addr: M, new_addr: M2 });
    expect(probe(d, "fluke_mutex_lock", { mutex: M })).toEqual(ins("NO_OBJECT"));
    expect(stateOf(d, M2).locked).toBe(1);
    d.ok("fluke_mutex_unlock", { mutex: M2 });
    expect(d.lastCompletions).toEqual([{ thread: t1, outcome: OK }]);
  });
  it("raises NO_OBJECT, NOT_MUTEX, INVALID_OBJECT, OBJECT_EXISTS and NOT_ALIGNED", () => {
    const d = withMutex();
    expect(probe(d, "fluke_mutex_move", { old_addr: M2, new_addr: 0x3020 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_move", { old_addr: R, new_addr: 0x3020 })).toEqual(ins("NOT_MUTEX"));
    expect(probe(d, "fluke_mutex_move", { old_addr: M, new_addr: R })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_mutex_move", { old_addr: M, new_addr: 0x3024 })).toEqual(ins("NOT_ALIGNED"));
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_move", { old_addr: M, new_addr: 0x3020 })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_mutex_reference", () => {
  it("binds the reference to the mutex, replacing its old target", () => {
    const d = withMutex();
    d.ok("fluke_mutex_create_hash", { new_mutex: M2, hash: 77 });
    d.ok("fluke_ref_create", { new_ref: R });
    d.ok("fluke_ref_create", { new_ref: R2 });
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    d.ok("fluke_mutex_reference", { mutex: M2, new_mutex_ref: R2 });
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R2 }).equal).toBe(false);
    d.ok("fluke_mutex_reference", { mutex: M2, new_mutex_ref: R });
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R2 }).equal).toBe(true);
    expect(d.ok("fluke_ref_hash", { ref: R }).hash).toBe(77);
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("mutex");
  });
  it("raises NO_OBJECT, NOT_MUTEX, INVALID_OBJECT and NOT_REF", () => {
    const d = withMutex();
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_reference", { mutex: M2, new_mutex_ref: R })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_mutex_reference", { mutex: R, new_mutex_ref: R })).toEqual(ins("NOT_MUTEX"));
    expect(probe(d, "fluke_mutex_reference", { mutex: M, new_mutex_ref: M })).toEqual(ins("NOT_REF"));
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_reference", { mutex: M, new_mutex_ref: R })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_mutex_lock", () => {
  it("blocks while another thread holds the mutex; waiters get it first come, first served", () => {
    const d = withMutex();
    const [t1, t2] = addThreads(d, 2);
    d.ok("fluke_mutex_lock", { mutex: M });
    expect(d.call("fluke_mutex_lock", { mutex: M }, t2)).toEqual({ kind: "blocked" });
    expect(d.call("fluke_mutex_lock", { mutex: M }, t1)).toEqual({ kind: "blocked" });
    expect(d.call("fluke_mutex_trylock", { mutex: M }, t1)).toEqual({ kind: "not_runnable", why: "blocked" });
    d.ok("fluke_mutex_unlock", { mutex: M });
    expect(d.lastCompletions).toEqual([{ thread: t2, outcome: OK }]);
    expect(d.call("fluke_mutex_trylock", { mutex: M })).toMatchObject({ rc: "MUTEX_HELD" });
    d.ok("fluke_mutex_unlock", { mutex: M }, t2);
    expect(d.lastCompletions).toEqual([{ thread: t1, outcome: OK }]);
  });
  it("a blocked lock is pending and restartable from its arguments", () => {
    const d = withMutex();
    const [t1] = addThreads(d, 1);
    d.ok("fluke_mutex_lock", { mutex: M });
    d.call("fluke_mutex_lock", { mutex: M }, t1);
    const t = [...d.s.objects.values()].find((o) => o.type === "thread" && o.thread_va === t1);
    expect(t).toMatchObject({ pending: { name: "fluke_mutex_lock", args: { mutex: M } }, wait: { kind: "mutex" } });
  });
  it("raises MUTEX_LOCKED for the holder (not recursive), NO_OBJECT, NOT_MUTEX, INVALID_OBJECT", () => {
    const d = withMutex();
    d.ok("fluke_mutex_lock", { mutex: M });
    expect(probe(d, "fluke_mutex_lock", { mutex: M })).toEqual(ins("MUTEX_LOCKED"));
    expect(probe(d, "fluke_mutex_lock", { mutex: M2 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_lock", { mutex: R })).toEqual(ins("NOT_MUTEX"));
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_lock", { mutex: M })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_mutex_trylock", () => {
  it("acquires a free mutex and returns MUTEX_HELD at once otherwise, even to the holder", () => {
    const d = withMutex();
    const [t1] = addThreads(d, 1);
    expect(d.call("fluke_mutex_trylock", { mutex: M })).toEqual(OK);
    expect(d.call("fluke_mutex_trylock", { mutex: M })).toEqual({ kind: "return", rc: "MUTEX_HELD", out: {} });
    expect(d.call("fluke_mutex_trylock", { mutex: M }, t1)).toEqual({ kind: "return", rc: "MUTEX_HELD", out: {} });
  });
  it("raises NO_OBJECT, NOT_MUTEX and INVALID_OBJECT", () => {
    const d = withMutex();
    expect(probe(d, "fluke_mutex_trylock", { mutex: M2 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_trylock", { mutex: R })).toEqual(ins("NOT_MUTEX"));
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_trylock", { mutex: M })).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("fluke_mutex_unlock", () => {
  it("releases the mutex held by the caller", () => {
    const d = withMutex();
    d.ok("fluke_mutex_lock", { mutex: M });
    d.ok("fluke_mutex_unlock", { mutex: M });
    expect(stateOf(d).locked).toBe(0);
  });
  it("raises MUTEX_NOT_LOCKED, MUTEX_NOT_OWNER, NO_OBJECT, NOT_MUTEX and INVALID_OBJECT", () => {
    const d = withMutex();
    const [t1] = addThreads(d, 1);
    expect(probe(d, "fluke_mutex_unlock", { mutex: M })).toEqual(ins("MUTEX_NOT_LOCKED"));
    d.ok("fluke_mutex_lock", { mutex: M }, t1);
    expect(probe(d, "fluke_mutex_unlock", { mutex: M })).toEqual(ins("MUTEX_NOT_OWNER"));
    expect(probe(d, "fluke_mutex_unlock", { mutex: M2 })).toEqual(ins("NO_OBJECT"));
    d.ok("fluke_ref_create", { new_ref: R });
    expect(probe(d, "fluke_mutex_unlock", { mutex: R })).toEqual(ins("NOT_MUTEX"));
    invalidate(d, M);
    expect(probe(d, "fluke_mutex_unlock", { mutex: M }, t1)).toEqual(ins("INVALID_OBJECT"));
  });
});

describe("mutex waiters and holders seen from the thread chapter", () => {
  const NO_REFS = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
  it("an exported lock waiter leaves the queue; restored, it queues again at the back", () => {
    const d = withMutex();
    const [t1, t2, t3] = addThreads(d, 3);
    d.ok("fluke_mutex_lock", { mutex: M }, t1);
    d.call("fluke_mutex_lock", { mutex: M }, t2);
    d.call("fluke_mutex_lock", { mutex: M }, t3);
    const st = d.ok("fluke_thread_get_state", { thread: t2, ...NO_REFS }).state as { flags: number; pending_call: unknown };
    expect(st.pending_call).toEqual({ name: "fluke_mutex_lock", args: { mutex: M } });
    d.ok("fluke_thread_set_state", { thread: t2, state: { ...st, flags: st.flags & ~1 }, ...NO_REFS });
    d.ok("fluke_mutex_unlock", { mutex: M }, t1);
    expect(d.lastCompletions).toEqual([{ thread: t3, outcome: OK }]);
    d.ok("fluke_mutex_unlock", { mutex: M }, t3);
    expect(d.lastCompletions).toEqual([{ thread: t2, outcome: OK }]);
  });
  it("destroying a thread that holds a mutex hands the mutex to the first waiter (ours)", () => {
    const d = withMutex();
    const [t1, t2] = addThreads(d, 2);
    d.ok("fluke_mutex_lock", { mutex: M }, t1);
    d.call("fluke_mutex_lock", { mutex: M }, t2);
    d.ok("fluke_thread_destroy", { thread: t1 });
    expect(d.lastCompletions).toEqual([{ thread: t2, outcome: OK }]);
    expect(d.call("fluke_mutex_unlock", { mutex: M }, t2)).toEqual(OK);
  });
});
