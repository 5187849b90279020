// Tests of the thread chapter's object calls in the model (spec/kernel-api/thread.md): create,
// create_hash, destroy, move, reference, self, get_state / set_state (stopping, exporting a blocked call,
// resuming it, the round trip), and every insanity their rows list.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED, FLUKE_VM_MIN,
} from "../spec/kernel-api/common.js";
import { FLUKE_THREAD_EXCEPTION_WAIT, fluke_thread_get_state, type ThreadState } from "../spec/kernel-api/thread.js";
import { paddrOfRootVa } from "./memory.js";
import { B, blankState, Fx, insanity, noRefs, ROOT, SUCCESS } from "./thread-testkit.js";
import { Driver } from "./testkit.js";

const getState = (f: Fx, va: number, refs: Partial<typeof noRefs> = {}, by = B): ThreadState => {
  const out = f.d.ok("fluke_thread_get_state", { thread: va, ...noRefs, ...refs }, by);
  return fluke_thread_get_state.out.parse(out).state;
};

/** Make the object at root address `va` invalid by a user write into its block (decision 3). */
const spoil = (f: Fx, va: number): void => {
  f.d.ok("harness_mem_write", { addr: va + 4, bytes: [1] });
};

/** The object-argument insanities of `name`, whose thread argument is `key` (INVALID_OBJECT unless skipped). */
const objectInsanities = (name: string, key: string, extra: Record<string, unknown> = {}, invalid = true): void => {
  const f = new Fx();
  const t = f.thread();
  const notThread = f.alloc("thread");
  f.d.ok("fluke_ref_create", { new_ref: notThread });
  expect(f.try(name, { ...extra, [key]: t + 8 })).toEqual(insanity("NOT_ALIGNED"));
  expect(f.try(name, { ...extra, [key]: f.alloc("thread") })).toEqual(insanity("NO_OBJECT"));
  expect(f.try(name, { ...extra, [key]: notThread })).toEqual(insanity("NOT_THREAD"));
  spoil(f, t);
  if (invalid) expect(f.try(name, { ...extra, [key]: t })).toEqual(insanity("INVALID_OBJECT"));
  else expect(f.try(name, { ...extra, [key]: t })).toEqual(SUCCESS);
};

describe("fluke_thread_create", () => {
  it("makes a thread with null links that cannot run until set_state supplies them", () => {
    const f = new Fx();
    const va = f.alloc("thread");
    expect(f.d.call("fluke_thread_create", { new_thread: va })).toEqual(SUCCESS);
    expect(f.th(va).task).toBeNull();
    expect(f.d.call("fluke_thread_self", {}, va)).toEqual({ kind: "not_runnable", why: "no_task" });
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS, and faults outside memory", () => {
    const f = new Fx();
    expect(f.try("fluke_thread_create", { new_thread: f.alloc("thread") + 64 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.try("fluke_thread_create", { new_thread: B })).toEqual(insanity("OBJECT_EXISTS"));
    expect(f.try("fluke_thread_create", { new_thread: 0x4000_0000 }).kind).toBe("fault");
  });
  it("returns NO_MEMORY when the kernel is full", () => {
    const d = new Driver({ objectLimit: 2 });
    expect(d.call("fluke_thread_create", { new_thread: 0x8000 })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
  });
});

describe("fluke_thread_create_hash", () => {
  it("uses the caller's hash, or picks one for 0, and returns it", () => {
    const f = new Fx();
    const a = f.alloc("thread");
    expect(f.d.ok("fluke_thread_create_hash", { new_thread: a, hash: 0x1234 })).toEqual({ hash: 0x1234 });
    expect(getState(f, a).hash).toBe(0x1234);
    const h = f.d.ok("fluke_thread_create_hash", { new_thread: f.alloc("thread"), hash: 0 }).hash;
    expect(h).not.toBe(0);
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS; returns NO_MEMORY", () => {
    const f = new Fx();
    expect(f.try("fluke_thread_create_hash", { new_thread: 0x8040, hash: 1 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.try("fluke_thread_create_hash", { new_thread: B, hash: 1 })).toEqual(insanity("OBJECT_EXISTS"));
    const d = new Driver({ objectLimit: 2 });
    expect(d.call("fluke_thread_create_hash", { new_thread: 0x8000, hash: 7 })).toMatchObject({ rc: "NO_MEMORY" });
  });
});

describe("fluke_thread_destroy", () => {
  it("removes the thread; references to it read null", () => {
    const f = new Fx();
    const t = f.thread();
    const r = f.ref(t);
    expect(f.d.call("fluke_thread_destroy", { thread: t })).toEqual(SUCCESS);
    expect(f.obj(t)).toBeUndefined();
    expect(f.refTarget(r)).toBeNull();
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "no_thread" });
  });
  it("takes a blocked thread out of its mutex queue and releases the mutexes it holds", () => {
    const f = new Fx();
    const [t1, t2] = [f.thread(), f.thread()];
    const m = f.alloc("mutex");
    f.d.ok("fluke_mutex_create", { new_mutex: m });
    f.d.ok("fluke_mutex_lock", { mutex: m }, t1);
    expect(f.d.call("fluke_mutex_lock", { mutex: m }, t2)).toEqual({ kind: "blocked" });
    f.d.ok("fluke_thread_destroy", { thread: t2 });
    expect((f.obj(m) as { waiters: number[] }).waiters).toEqual([]);
    f.d.ok("fluke_thread_destroy", { thread: t1 });
    expect((f.obj(m) as { owner: number | null }).owner).toBeNull();
  });
  it("wakes a thread that donates its time to it", () => {
    const f = new Fx();
    const t = f.thread({ sched: false });
    const u = f.thread();
    expect(f.d.call("fluke_thread_schedule", { thread: t }, u)).toEqual({ kind: "blocked" });
    f.d.ok("fluke_thread_destroy", { thread: t });
    expect(f.d.lastCompletions).toEqual([{ thread: u, outcome: SUCCESS }]);
  });
  it("raises CURRENT_THREAD on the caller and the object insanities", () => {
    expect(new Driver().call("fluke_thread_destroy", { thread: B })).toEqual(insanity("CURRENT_THREAD"));
    objectInsanities("fluke_thread_destroy", "thread", {}, false);
  });
  it("still destroys a thread made invalid by a write into its block (decision 3)", () => {
    const f = new Fx();
    const t = f.thread();
    spoil(f, t);
    expect(f.d.call("fluke_thread_destroy", { thread: t })).toEqual(SUCCESS);
    expect(f.obj(t)).toBeUndefined();
  });
});

describe("fluke_thread_move", () => {
  it("moves the object; links to it keep working and its root name changes", () => {
    const f = new Fx();
    const t = f.thread();
    const r = f.ref(t);
    const dst = f.alloc("thread");
    expect(f.d.call("fluke_thread_move", { old_addr: t, new_addr: dst })).toEqual(SUCCESS);
    expect(f.obj(t)).toBeUndefined();
    expect(f.refTarget(r)?.paddr).toBe(paddrOfRootVa(dst));
    expect(f.th(dst).thread_va).toBe(t); // thread_va is not changed (ours)
  });
  it("raises CURRENT_THREAD, OBJECT_EXISTS, NOT_ALIGNED and the object insanities", () => {
    const f = new Fx();
    const t = f.thread();
    expect(f.try("fluke_thread_move", { old_addr: B, new_addr: f.alloc("thread") })).toEqual(insanity("CURRENT_THREAD"));
    expect(f.try("fluke_thread_move", { old_addr: t, new_addr: B })).toEqual(insanity("OBJECT_EXISTS"));
    expect(f.try("fluke_thread_move", { old_addr: t, new_addr: f.alloc("thread") + 32 })).toEqual(insanity("NOT_ALIGNED"));
    objectInsanities("fluke_thread_move", "old_addr", { new_addr: 0x20000 });
  });
});

describe("fluke_thread_reference", () => {
  it("binds the reference to the thread", () => {
    const f = new Fx();
    const t = f.thread();
    const r = f.ref();
    expect(f.d.call("fluke_thread_reference", { thread: t, new_thread_ref: r })).toEqual(SUCCESS);
    expect(f.refTarget(r)?.oid).toBe(f.oid(t));
  });
  it("raises NOT_REF for a non-reference and the object insanities", () => {
    const f = new Fx();
    const t = f.thread();
    expect(f.try("fluke_thread_reference", { thread: t, new_thread_ref: f.port() })).toEqual(insanity("NOT_REF"));
    objectInsanities("fluke_thread_reference", "thread", { new_thread_ref: 0x20000 });
  });
});

describe("fluke_thread_self", () => {
  it("returns the caller's thread_va", () => {
    const f = new Fx();
    expect(f.d.ok("fluke_thread_self", {})).toEqual({ thread: B });
    const t = f.thread({ state: { thread_va: 0x7777_0000 } });
    expect(f.d.ok("fluke_thread_self", {}, t)).toEqual({ thread: 0x7777_0000 });
  });
});

describe("fluke_thread_get_state", () => {
  it("stops the target and exports its simple state and links", () => {
    const f = new Fx();
    const t = f.thread({ state: { eax: 5, esp: 0x9000, sched_val: 3, min_msg: [1, 2] } });
    const [tr, sr, cr] = [f.ref(), f.ref(), f.ref(ROOT)];
    const st = getState(f, t, { task_ref: tr, scheduler_ref: sr, client_ref: cr });
    expect(st).toMatchObject({ thread_va: t, eax: 5, esp: 0x9000, sched_val: 3, min_msg: [1, 2], pending_call: null });
    expect(st.flags & FLUKE_THREAD_STOPPED).toBe(FLUKE_THREAD_STOPPED);
    expect(f.refTarget(tr)?.type).toBe("task");
    expect(f.refTarget(sr)?.type).toBe("port");
    expect(f.refTarget(cr)).toBeNull(); // no client: the reference is set to null
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "stopped" });
  });
  it("exports a blocked call as pending_call, cancels the wait, and names what it waited on", () => {
    const f = new Fx();
    const [t1, t2] = [f.thread(), f.thread()];
    const m = f.alloc("mutex");
    f.d.ok("fluke_mutex_create", { new_mutex: m });
    f.d.ok("fluke_mutex_lock", { mutex: m }, t1);
    f.d.call("fluke_mutex_lock", { mutex: m }, t2);
    const wr = f.ref();
    const st = getState(f, t2, { waiting_for_ref: wr });
    expect(st.pending_call).toEqual({ name: "fluke_mutex_lock", args: { mutex: m } });
    expect(f.refTarget(wr)?.type).toBe("mutex");
    expect((f.obj(m) as { waiters: number[] }).waiters).toEqual([]);
    expect(f.th(t2).wait).toBeNull();
  });
  it("raises CURRENT_THREAD, NOT_REF, the object insanities and RACE_CONDITION", () => {
    const f = new Fx();
    const t = f.thread();
    expect(f.try("fluke_thread_get_state", { thread: B, ...noRefs })).toEqual(insanity("CURRENT_THREAD"));
    expect(f.try("fluke_thread_get_state", { thread: t, ...noRefs, server_ref: f.port() })).toEqual(insanity("NOT_REF"));
    objectInsanities("fluke_thread_get_state", "thread", noRefs);
    // RACE_CONDITION (ours): stopping the thread whose time the caller runs on
    const g = new Fx();
    const x = g.thread({ sched: false });
    g.d.call("fluke_thread_schedule", { thread: x });
    expect(g.try("fluke_thread_get_state", { thread: B, ...noRefs }, x)).toEqual(insanity("RACE_CONDITION"));
  });
});

describe("fluke_thread_set_state", () => {
  it("loads registers and links; hash is never changed", () => {
    const f = new Fx();
    const t = f.thread();
    const before = getState(f, t);
    const st = blankState(t, { hash: 999, ebx: 42, eip: 0x5000, flags: FLUKE_THREAD_EXCEPTION_ENABLE, trap_handler: 0x6000 });
    const sr = f.ref(0);
    f.d.ok("fluke_thread_set_state", { thread: t, state: st, ...noRefs, scheduler_ref: sr });
    const after = getState(f, t);
    expect(after).toMatchObject({ hash: before.hash, ebx: 42, eip: 0x5000, trap_handler: 0x6000 });
    expect(f.th(t).scheduler).toBeNull();
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "stopped" });
  });
  it("with STOPPED clear, re-issues the exported call (the wait is redone)", () => {
    const f = new Fx();
    const [t1, t2] = [f.thread(), f.thread()];
    const m = f.alloc("mutex");
    f.d.ok("fluke_mutex_create", { new_mutex: m });
    f.d.ok("fluke_mutex_lock", { mutex: m }, t1);
    f.d.call("fluke_mutex_lock", { mutex: m }, t2);
    const st = getState(f, t2);
    f.d.ok("fluke_thread_set_state", { thread: t2, state: { ...st, flags: 0 }, ...noRefs });
    expect(f.th(t2).wait).toEqual({ kind: "mutex", mutex: f.oid(m) });
    f.d.ok("fluke_mutex_unlock", { mutex: m }, t1);
    expect(f.d.lastCompletions).toEqual([{ thread: t2, outcome: SUCCESS }]);
  });
  it("round trip: get_state, set_state and get_state again give the same state", () => {
    const f = new Fx();
    const t = f.thread({ state: { ecx: 9, saved_eip: 0x1234, flags: FLUKE_THREAD_EXCEPTION_ENABLE } });
    const a = getState(f, t);
    f.d.ok("fluke_thread_set_state", { thread: t, state: a, ...noRefs });
    expect(getState(f, t)).toEqual(a);
  });
  it("keeps a thread blocked on an unhandled exception blocked (FLUKE_THREAD_EXCEPTION_WAIT)", () => {
    const f = new Fx();
    const t = f.thread();
    f.d.call("fluke_thread_destroy", { thread: t }, t); // CURRENT_THREAD, no handler, no keeper: blocks
    const st = getState(f, t);
    expect(st.flags & FLUKE_THREAD_EXCEPTION_WAIT).toBe(FLUKE_THREAD_EXCEPTION_WAIT);
    f.d.ok("fluke_thread_set_state", { thread: t, state: { ...st, flags: st.flags & ~FLUKE_THREAD_STOPPED }, ...noRefs });
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "blocked" });
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(t), ...noRefs });
    expect(f.d.ok("fluke_thread_self", {}, t)).toEqual({ thread: t });
  });
  it("resolves server_pset in the thread's task and exports it back", () => {
    const f = new Fx();
    const t = f.thread();
    const ps = f.put("pset", {});
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(t, { server_pset: ps, flags: FLUKE_THREAD_STOPPED }), ...noRefs });
    expect(f.th(t).ipc.serverPset).toBe(f.oid(ps));
    expect(getState(f, t).server_pset).toBe(ps);
  });
  it("raises CURRENT_THREAD, the NOT_<KIND>_REF codes, INVALID_ADDRESS, RACE_CONDITION and the object insanities", () => {
    const f = new Fx();
    const t = f.thread();
    const st = blankState(t);
    const call = (refs: Partial<typeof noRefs>, state = st, thread = t) =>
      f.try("fluke_thread_set_state", { thread, state, ...noRefs, ...refs });
    expect(call({}, st, B)).toEqual(insanity("CURRENT_THREAD"));
    expect(call({ task_ref: f.ref(f.port()) })).toEqual(insanity("NOT_TASK_REF"));
    expect(call({ scheduler_ref: f.ref(ROOT) })).toEqual(insanity("NOT_PORT_REF"));
    expect(call({ client_ref: f.ref(ROOT) })).toEqual(insanity("NOT_THREAD_REF"));
    expect(call({ server_ref: f.port() })).toEqual(insanity("NOT_REF"));
    expect(call({}, { ...st, pending_call: { name: "fluke_no_such_call", args: {} } })).toEqual(insanity("INVALID_ADDRESS"));
    expect(call({}, { ...st, saved_pending_call: { name: "fluke_mutex_lock", args: {} } })).toEqual(insanity("INVALID_ADDRESS"));
    objectInsanities("fluke_thread_set_state", "thread", { state: blankState(0), ...noRefs });
    const g = new Fx();
    const x = g.thread({ sched: false });
    g.d.call("fluke_thread_schedule", { thread: x });
    expect(g.try("fluke_thread_set_state", { thread: B, state: blankState(B), ...noRefs }, x)).toEqual(insanity("RACE_CONDITION"));
  });
  it("waiting_for_ref is stored and exported while the thread is not blocked", () => {
    const f = new Fx();
    const t = f.thread();
    const m = f.alloc("mutex");
    f.d.ok("fluke_mutex_create", { new_mutex: m });
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(t), ...noRefs, waiting_for_ref: f.ref(m) });
    const out = f.ref();
    getState(f, t, { waiting_for_ref: out });
    expect(f.refTarget(out)?.oid).toBe(f.oid(m));
  });
});

describe("thread addressing", () => {
  it("names objects relative to the caller's task (root addresses are physical + FLUKE_VM_MIN)", () => {
    const f = new Fx();
    const t = f.thread();
    expect(f.th(t).paddr).toBe(t - FLUKE_VM_MIN);
  });
});

describe("state visibility (property)", () => {
  const SEED = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : 20261130;
  console.log(`thread state round trip: seed ${SEED} (replay with FLUKE_SEED=${SEED})`);
  const word = fc.integer({ min: 0, max: 0xffff_ffff });
  const call = fc.oneof(
    fc.constant(null),
    fc.constant({ name: "fluke_thread_self", args: {} }),
    word.map((m) => ({ name: "fluke_mutex_lock", args: { mutex: m } })),
  );
  const flags = fc.record({
    enable: fc.boolean(), intr: fc.boolean(), excWait: fc.boolean(), alert: fc.constantFrom(0, 0x40, 0x80), other: fc.integer({ min: 0, max: 0xff }),
  }).map((f) => FLUKE_THREAD_STOPPED | (f.enable ? FLUKE_THREAD_EXCEPTION_ENABLE : 0) | (f.intr ? 0x10 : 0) | (f.excWait ? 0x20 : 0) | f.alert | (f.other << 8));
  const regs = fc.array(word, { minLength: 24, maxLength: 24 });
  it("set_state of a stopped thread, then get_state, gives back the same record (hash aside)", () => {
    fc.assert(fc.property(regs, flags, call, call, (r, fl, pending, saved) => {
      const f = new Fx();
      const t = f.thread();
      const keys = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip", "eflags", "trap_handler", "interrupt_handler",
        "client_alert_handler", "server_alert_handler", "saved_eax", "saved_ecx", "saved_edx", "saved_eip", "saved_eflags",
        "server_esp", "server_oneway_eip", "server_idempotent_eip", "server_reliable_eip", "sched_val"] as const;
      const st = blankState(r[0]!, { flags: fl, min_msg: [r[1]!, r[2]!], pending_call: pending, saved_pending_call: saved });
      keys.forEach((k, i) => Object.assign(st, { [k]: r[i]! }));
      f.d.ok("fluke_thread_set_state", { thread: t, state: st, ...noRefs });
      const back = getState(f, t);
      expect(back).toEqual({ ...st, hash: back.hash });
      expect(back.hash).toBe(f.th(t).hash);
    }), { numRuns: 40, seed: SEED });
  });
});
