// Tests of scheduling in the model (spec/kernel-api/thread.md "Scheduling"): who may run (whyNotRunnable),
// and fluke_thread_schedule (ours): donating the caller's time to another thread until the target blocks,
// stops, dies or hands the time back, with chains of donations and the restart of an exported call.
import { describe, expect, it } from "vitest";
import { FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import { whyNotRunnable } from "./sched.js";
import { B, blankState, Fx, insanity, noRefs, SUCCESS } from "./thread-testkit.js";

const BLOCKED = { kind: "blocked" };

describe("whyNotRunnable", () => {
  it("needs a task, CPU time, and neither stop nor wait", () => {
    const f = new Fx();
    const t = f.thread({ sched: false });
    expect(whyNotRunnable(f.d.s, f.th(t))).toBe("no_time");
    expect(whyNotRunnable(f.d.s, f.th(B))).toBeNull(); // the boot thread has the machine's time
    const u = f.alloc("thread");
    f.d.ok("fluke_thread_create", { new_thread: u });
    expect(whyNotRunnable(f.d.s, f.th(u))).toBe("no_task");
    const w = f.thread();
    f.d.ok("fluke_thread_get_state", { thread: w, ...noRefs });
    expect(whyNotRunnable(f.d.s, f.th(w))).toBe("stopped");
  });
});

describe("fluke_thread_schedule", () => {
  it("runs a thread without a scheduler on the caller's time until the target blocks", () => {
    const f = new Fx();
    const t = f.thread({ sched: false });
    const owner = f.thread();
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "no_time" });
    expect(f.d.call("fluke_thread_schedule", { thread: t })).toEqual(BLOCKED);
    expect(f.d.ok("fluke_thread_self", {}, t)).toEqual({ thread: t });
    const m = f.alloc("mutex");
    f.d.ok("fluke_mutex_create", { new_mutex: m }, t);
    f.d.ok("fluke_mutex_lock", { mutex: m }, owner);
    expect(f.d.call("fluke_mutex_lock", { mutex: m }, t)).toEqual(BLOCKED);
    expect(f.d.lastCompletions).toEqual([{ thread: B, outcome: SUCCESS }]); // the donation ended
    expect(f.th(t).donor).toBeNull();
  });
  it("the target hands the time back by scheduling its donor", () => {
    const f = new Fx();
    const t = f.thread({ sched: false });
    f.d.call("fluke_thread_schedule", { thread: t });
    expect(f.d.call("fluke_thread_schedule", { thread: B }, t)).toEqual(SUCCESS);
    expect(f.d.lastCompletions).toEqual([{ thread: B, outcome: SUCCESS }]);
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "no_time" });
  });
  it("ends when the target is stopped", () => {
    const f = new Fx();
    const [t, u] = [f.thread({ sched: false }), f.thread()];
    expect(f.d.call("fluke_thread_schedule", { thread: t }, u)).toEqual(BLOCKED);
    f.d.ok("fluke_thread_get_state", { thread: t, ...noRefs });
    expect(f.d.lastCompletions).toEqual([{ thread: u, outcome: SUCCESS }]);
  });
  it("passes time along a chain: blocking in a donation of one's own keeps the time given to you", () => {
    const f = new Fx();
    const [x, y] = [f.thread({ sched: false }), f.thread({ sched: false })];
    f.d.call("fluke_thread_schedule", { thread: x });
    expect(f.d.call("fluke_thread_schedule", { thread: y }, x)).toEqual(BLOCKED);
    expect(f.th(B).wait).toEqual({ kind: "donating", to: f.oid(x) });
    expect(f.d.ok("fluke_thread_self", {}, y)).toEqual({ thread: y });
    // the far end hands back: x runs again, still on the boot thread's time
    f.d.ok("fluke_thread_schedule", { thread: x }, y);
    expect(f.d.lastCompletions).toEqual([{ thread: x, outcome: SUCCESS }]);
    expect(f.d.ok("fluke_thread_self", {}, x)).toEqual({ thread: x });
    expect(f.d.call("fluke_thread_get_state", { thread: B, ...noRefs }, y)).toEqual({ kind: "not_runnable", why: "no_time" });
  });
  it("returns at once when the target already gives the caller its time along a chain (no cycles)", () => {
    const f = new Fx();
    const [x, y] = [f.thread({ sched: false }), f.thread({ sched: false })];
    f.d.call("fluke_thread_schedule", { thread: x });
    f.d.call("fluke_thread_schedule", { thread: y }, x);
    expect(f.d.call("fluke_thread_schedule", { thread: B }, y)).toEqual(SUCCESS);
    expect(f.th(B).donor).toBeNull();
    expect(f.th(y).wait).toBeNull();
  });
  it("returns at once when the target cannot use the time", () => {
    const f = new Fx();
    const t = f.thread({ sched: false });
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(t, { flags: FLUKE_THREAD_STOPPED }), ...noRefs });
    expect(f.d.call("fluke_thread_schedule", { thread: t })).toEqual(SUCCESS);
    expect(f.th(B).wait).toBeNull();
  });
  it("gives an exported call waiting for time its turn: the call is re-issued at once", () => {
    const f = new Fx();
    const t = f.thread({ sched: false });
    const st = blankState(t, { pending_call: { name: "fluke_thread_self", args: {} } });
    f.d.ok("fluke_thread_set_state", { thread: t, state: st, ...noRefs });
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "blocked" });
    f.d.call("fluke_thread_schedule", { thread: t });
    expect(f.d.lastCompletions[0]).toEqual({ thread: t, outcome: { kind: "return", rc: "SUCCESS", out: { thread: t } } });
    expect(f.d.ok("fluke_thread_self", {}, t)).toEqual({ thread: t });
  });
  it("is exported and restarted like any blocked call (the donor's pending call)", () => {
    const f = new Fx();
    const [t, u] = [f.thread({ sched: false }), f.thread()];
    f.d.call("fluke_thread_schedule", { thread: t }, u);
    const st = f.d.ok("fluke_thread_get_state", { thread: u, ...noRefs }).state as ReturnType<typeof blankState>;
    expect(st.pending_call).toEqual({ name: "fluke_thread_schedule", args: { thread: t } });
    expect(f.th(t).donor).toBeNull();
    f.d.ok("fluke_thread_set_state", { thread: u, state: { ...st, flags: 0 }, ...noRefs });
    expect(f.th(u).wait).toEqual({ kind: "donating", to: f.oid(t) });
    expect(f.th(t).donor).toBe(f.oid(u));
  });
  it("raises CURRENT_THREAD and the object insanities", () => {
    const f = new Fx();
    expect(f.try("fluke_thread_schedule", { thread: B })).toEqual(insanity("CURRENT_THREAD"));
    const t = f.thread();
    expect(f.try("fluke_thread_schedule", { thread: t + 64 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.try("fluke_thread_schedule", { thread: f.alloc("thread") })).toEqual(insanity("NO_OBJECT"));
    const r = f.alloc("thread");
    f.d.ok("fluke_ref_create", { new_ref: r });
    expect(f.try("fluke_thread_schedule", { thread: r })).toEqual(insanity("NOT_THREAD"));
    f.d.ok("harness_mem_write", { addr: t, bytes: [1] });
    expect(f.try("fluke_thread_schedule", { thread: t })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("IPC donation (who runs on whose time)", () => {
  it("a server without a scheduler runs on the time of the client whose idempotent call it serves", () => {
    const f = new Fx();
    const srv = f.thread({ sched: false });
    const cli = f.thread();
    const [p, s] = [f.alloc("port"), f.alloc("pset")];
    f.d.ok("fluke_pset_create", { new_pset: s });
    f.d.ok("fluke_port_create", { new_port: p });
    f.d.ok("fluke_port_set_state", { port: p, state: null, pset_ref: f.ref(s) });
    const dest = f.ref(p);
    f.d.call("fluke_thread_schedule", { thread: srv }); // lend it time to start serving
    expect(f.d.call("fluke_ipc_setup_wait_receive", { pset: s, ipc_params: { recv_words_max: 8 } }, srv)).toEqual(BLOCKED);
    expect(f.d.lastCompletions).toContainEqual({ thread: B, outcome: SUCCESS }); // the donation ended
    expect(f.d.call("fluke_ipc_call", { destination: dest, ipc_params: { send_words: [1, 2], recv_words_max: 8 } }, cli)).toEqual(BLOCKED);
    expect(whyNotRunnable(f.d.s, f.th(srv))).toBeNull(); // runs on the client's time
    f.d.ok("fluke_ipc_reply", { ipc_params: { send_words: [3, 4] } }, srv);
    expect(f.d.lastCompletions.map((c) => c.thread)).toContain(cli);
    expect(f.d.call("fluke_thread_self", {}, srv)).toEqual({ kind: "not_runnable", why: "no_time" });
  });
});
