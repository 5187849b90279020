// Scripted differential tests of the thread chapter, synchronous exceptions and runnability: state
// export and import of running, blocked and stopped threads, CPU donation with fluke_thread_schedule,
// interrupts and trap handlers, unhandled exceptions, a task keeper, links and moves. Every call runs on
// the model and the kernel in lockstep and must give deeply equal results (World.call); each test also
// checks the statement of thread.md it is about. Above: npx vitest. Below: kernel-thread-kit.ts.
import { describe, expect, test } from "vitest";
import { FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import { FLUKE_THREAD_EXCEPTION_WAIT, FLUKE_THREAD_INTERRUPT_PENDING, type ThreadState } from "../spec/kernel-api/thread.js";
import { FLUKE_EXC_INTERRUPT, insanityExcCode } from "../spec/kernel-api/x86.js";
import { BOOT, EMPTY, MUTEX, NO_REFS, PORT, ROOT, THREAD, World, blankState } from "./kernel-thread-kit.js";

const M = MUTEX(0);
const world = (n: number, over = {}): World => {
  const w = new World();
  for (let i = 1; i <= n; i++) w.thread(i, over);
  w.ok("fluke_mutex_create", { new_mutex: M });
  return w;
};
const getState = (w: World, t: number, slots: Partial<typeof NO_REFS> = {}): ThreadState =>
  w.ok("fluke_thread_get_state", { thread: t, ...NO_REFS, ...slots })["state"] as ThreadState;
const setState = (w: World, t: number, st: ThreadState, slots: Partial<typeof NO_REFS> = {}): void => {
  w.ok("fluke_thread_set_state", { thread: t, state: st, ...NO_REFS, ...slots });
};
const HANDLERS = { trap_handler: 0x5000, interrupt_handler: 0x5100, client_alert_handler: 0x5200, server_alert_handler: 0x5300 };

describe("thread state: model and kernel agree", () => {
  test("get_state stops the thread; a round trip gives back an equivalent thread", () => {
    const w = world(1);
    const a = THREAD(1);
    w.ok("fluke_thread_set_handlers", { cur_thread: a, ...HANDLERS }, a);
    const st = getState(w, a);
    expect(st.flags & FLUKE_THREAD_STOPPED).toBe(FLUKE_THREAD_STOPPED);
    expect(st.trap_handler).toBe(0x5000);
    expect(w.code(a, "fluke_thread_self", {})).toBe("not_runnable");
    setState(w, a, { ...st, flags: 0, eax: 42, ebx: 7 });
    expect(w.ok("fluke_thread_self", {}, a)).toEqual({ thread: a });
    const again = getState(w, a);
    expect(again).toEqual({ ...st, eax: 42, ebx: 7 });
  });

  test("links: get_state binds the task, scheduler and waiting_for slots", () => {
    const w = world(2);
    w.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    w.call(THREAD(2), "fluke_mutex_lock", { mutex: M });
    const [task, sched, wf] = [w.ref(), w.ref(), w.ref()];
    getState(w, THREAD(2), { task_ref: task, scheduler_ref: sched, waiting_for_ref: wf });
    expect(w.ok("fluke_ref_type", { ref: task })["type"]).toBe("task");
    expect(w.ok("fluke_ref_type", { ref: sched })["type"]).toBe("port");
    expect(w.ok("fluke_ref_type", { ref: wf })["type"]).toBe("mutex");
  });

  test("set_state with a pending call and STOPPED clear re-issues it at once", () => {
    const w = world(1);
    const a = THREAD(1);
    const st = getState(w, a);
    setState(w, a, { ...st, flags: 0, pending_call: { name: "fluke_mutex_lock", args: { mutex: M } } });
    expect(w.last.completions).toEqual([{ thread: a, outcome: { kind: "return", rc: "SUCCESS", out: {} } }]);
    expect(w.code(BOOT, "fluke_mutex_trylock", { mutex: M })).toBe("MUTEX_HELD");
  });

  test("a thread without a task or without time cannot run; a scheduler port gives it time", () => {
    const w = world(0);
    const t = THREAD(1);
    w.ok("fluke_thread_create", { new_thread: t });
    expect(w.code(t, "fluke_thread_self", {})).toBe("not_runnable");
    expect(w.ls.call("fluke_thread_self", {}, t).model.outcome).toEqual({ kind: "not_runnable", why: "no_task" });
    const st = getState(w, t);
    setState(w, t, { ...st, flags: 0 }, { task_ref: w.ref(ROOT) });
    expect(w.ls.call("fluke_thread_self", {}, t).kernel.outcome).toEqual({ kind: "not_runnable", why: "no_time" });
    setState(w, t, { ...st, flags: 0 }, { scheduler_ref: w.ref(PORT(0)) });
    expect(w.code(t, "fluke_thread_self", {})).toBe("SUCCESS");
  });

  test("moving a thread and its thread_va; reference and ref compare name the same thread", () => {
    const w = world(1);
    w.ok("fluke_thread_move", { old_addr: THREAD(1), new_addr: THREAD(6) });
    const [r1, r2] = [w.ref(), w.ref()];
    w.ok("fluke_thread_reference", { thread: THREAD(6), new_thread_ref: r1 });
    w.ok("fluke_ref_copy", { src_ref: r1, dst_ref: r2 });
    expect(w.ok("fluke_ref_compare", { ref1: r1, ref2: r2 })["equal"]).toBe(true);
    expect(w.ok("fluke_thread_self", {}, THREAD(6))["thread"]).toBe(THREAD(1)); // thread_va was not changed
    expect(w.code(BOOT, "fluke_thread_interrupt", { thread: THREAD(1) })).toBe("INS:NO_OBJECT");
  });
});

describe("exceptions: model and kernel agree", () => {
  test("an insanity with a trap handler enters it; return_from_exception restores the registers", () => {
    const w = world(1, { flags: FLUKE_THREAD_EXCEPTION_ENABLE, trap_handler: 0x5000, eax: 9, eip: 0x77 });
    const a = THREAD(1);
    expect(w.code(a, "fluke_mutex_unlock", { mutex: M })).toBe("INS:MUTEX_NOT_LOCKED");
    const saved = w.ok("fluke_thread_get_saved_state", { cur_thread: a }, a)["saved_state"];
    expect(saved).toMatchObject({ eax: 9, eip: 0x77, pending_call: null });
    const st = getState(w, a);
    expect(st).toMatchObject({ eax: a, ecx: insanityExcCode("MUTEX_NOT_LOCKED"), eip: 0x5000 });
    expect(st.flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(0);
    setState(w, a, { ...st, flags: st.flags & ~FLUKE_THREAD_STOPPED });
    w.ok("fluke_thread_return_from_exception", { cur_thread: a }, a);
    expect(getState(w, a)).toMatchObject({ eax: 9, eip: 0x77, flags: FLUKE_THREAD_EXCEPTION_ENABLE | FLUKE_THREAD_STOPPED });
  });

  test("an unhandled insanity blocks the thread; get_state exports EXCEPTION_WAIT and set_state keeps it", () => {
    const w = world(1);
    const a = THREAD(1);
    w.call(a, "fluke_mutex_unlock", { mutex: M });
    expect(w.code(a, "fluke_thread_self", {})).toBe("not_runnable");
    const st = getState(w, a);
    expect(st.flags & FLUKE_THREAD_EXCEPTION_WAIT).toBe(FLUKE_THREAD_EXCEPTION_WAIT);
    setState(w, a, { ...st, flags: 0 });
    expect(w.code(a, "fluke_thread_self", {})).toBe("SUCCESS");
    w.call(a, "fluke_thread_get_handlers", { cur_thread: BOOT });
    const st2 = getState(w, a);
    setState(w, a, { ...st2, flags: st2.flags & ~FLUKE_THREAD_STOPPED });
    expect(w.code(a, "fluke_thread_self", {})).toBe("not_runnable");
  });

  test("a fault with a trap handler saves the faulting call, which return_from_exception re-issues", () => {
    const w = world(1, { flags: FLUKE_THREAD_EXCEPTION_ENABLE, trap_handler: 0x5000 });
    const a = THREAD(1);
    expect(w.code(a, "fluke_mutex_lock", { mutex: 0x100000 })).toBe("fault");
    const saved = w.ok("fluke_thread_get_saved_state", { cur_thread: a }, a)["saved_state"] as { pending_call: unknown };
    expect(saved.pending_call).toEqual({ name: "fluke_mutex_lock", args: { mutex: 0x100000 } });
    w.ok("fluke_thread_set_saved_state", { cur_thread: a, saved_state: { ...saved, pending_call: { name: "fluke_mutex_lock", args: { mutex: M } } } }, a);
    w.ok("fluke_thread_return_from_exception", { cur_thread: a }, a);
    expect(w.done(a)).toBe("SUCCESS");
    expect(w.code(BOOT, "fluke_mutex_trylock", { mutex: M })).toBe("MUTEX_HELD");
  });

  test("an interrupt is held while exceptions are disabled, then delivered; it cancels a blocked lock", () => {
    const w = world(2, { interrupt_handler: 0x5100 });
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    w.call(b, "fluke_mutex_lock", { mutex: M });
    w.ok("fluke_thread_interrupt", { thread: b });
    const st = getState(w, b);
    expect(st.flags & FLUKE_THREAD_INTERRUPT_PENDING).toBe(FLUKE_THREAD_INTERRUPT_PENDING);
    setState(w, b, { ...st, flags: FLUKE_THREAD_EXCEPTION_ENABLE | FLUKE_THREAD_INTERRUPT_PENDING });
    expect(w.ok("fluke_thread_get_saved_state", { cur_thread: b }, b)["saved_state"]).toMatchObject({ pending_call: { name: "fluke_mutex_lock" } });
    expect(getState(w, b)).toMatchObject({ ecx: FLUKE_EXC_INTERRUPT, eip: 0x5100 });
  });

  test("an insanity with a task keeper becomes a kernel call; the thread waits on the keeper port", () => {
    const w = world(1);
    w.ok("fluke_task_set_state", { task: ROOT, state: null, keeper_ref: w.ref(PORT(0)) });
    w.call(THREAD(1), "fluke_mutex_unlock", { mutex: M });
    const wf = w.ref();
    const st = getState(w, THREAD(1), { waiting_for_ref: wf });
    expect(st.flags & FLUKE_THREAD_EXCEPTION_WAIT).toBe(0);
    expect(w.ok("fluke_ref_type", { ref: wf })["type"]).toBe("port");
  });
});

describe("keepers: model and kernel agree", () => {
  /** Port 0 attached to a port set that thread 2 serves; the root task's keeper is port 0. */
  const keeperWorld = (): World => {
    const w = world(2);
    w.ok("fluke_pset_create", { new_pset: 0x9000 });
    const rp = w.ref();
    w.ok("fluke_pset_reference", { pset: 0x9000, new_pset_ref: rp });
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: rp });
    w.ok("fluke_task_set_state", { task: ROOT, state: null, keeper_ref: w.ref(PORT(0)) });
    expect(w.code(THREAD(2), "fluke_ipc_setup_wait_receive", { pset: 0x9000, ipc_params: { recv_words_max: 16 } })).toBe("blocked");
    return w;
  };

  test("the task keeper receives the exception message; a SET_REGS reply loads the registers and drops the call", () => {
    const w = keeperWorld();
    const a = THREAD(1);
    w.call(a, "fluke_mutex_unlock", { mutex: M });
    const got = w.last.completions.find((c) => c.thread === THREAD(2))?.outcome;
    expect(got).toMatchObject({ kind: "return", rc: "SUCCESS" });
    expect((got as unknown as { out: { words: number[] } }).out.words.slice(0, 3)).toEqual([insanityExcCode("MUTEX_NOT_LOCKED"), 0, a]);
    w.ok("fluke_ipc_reply", { ipc_params: { send_words: [1, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20] } }, THREAD(2));
    expect(w.code(a, "fluke_thread_self", {})).toBe("SUCCESS");
    expect(getState(w, a)).toMatchObject({ eax: 11, eip: 19, eflags: 20, pending_call: null });
  });

  test("a server blocked in IPC exports its receive; restarted, it receives the next kernel call", () => {
    const w = keeperWorld();
    const wf = w.ref();
    const st = getState(w, THREAD(2), { waiting_for_ref: wf });
    expect(st.pending_call?.name).toBe("fluke_ipc_wait_receive"); // set up: its continuation only waits
    expect(w.ok("fluke_ref_type", { ref: wf })["type"]).toBe("pset");
    setState(w, THREAD(2), { ...st, flags: 0 });
    expect(w.last.completions).toEqual([]); // waiting again
    w.call(THREAD(1), "fluke_mutex_unlock", { mutex: M });
    expect(w.done(THREAD(2))).toBe("SUCCESS");
  });

  test("a plain reply resumes the thread as it was", () => {
    const w = keeperWorld();
    const a = THREAD(1);
    w.call(a, "fluke_mutex_unlock", { mutex: M });
    w.ok("fluke_ipc_reply", { ipc_params: { send_words: [0] } }, THREAD(2));
    expect(w.code(a, "fluke_thread_self", {})).toBe("SUCCESS");
  });
});

describe("scheduling: model and kernel agree", () => {
  test("schedule donates the caller's time until the target blocks", () => {
    const w = world(2);
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M });
    expect(w.code(a, "fluke_thread_schedule", { thread: b })).toBe("blocked");
    expect(w.code(a, "fluke_thread_self", {})).toBe("not_runnable");
    expect(w.code(b, "fluke_mutex_lock", { mutex: M })).toBe("blocked");
    expect(w.done(a)).toBe("SUCCESS"); // the donation ended when b blocked
  });

  test("a donation chain: stopping the donor from its donee is a race; destroying the donee ends it", () => {
    const w = world(3);
    const [a, b, c] = [THREAD(1), THREAD(2), THREAD(3)];
    w.call(a, "fluke_thread_schedule", { thread: b });
    expect(w.code(b, "fluke_thread_schedule", { thread: a })).toBe("SUCCESS");
    expect(w.done(a)).toBe("SUCCESS");
    w.call(a, "fluke_thread_schedule", { thread: b });
    w.ok("fluke_thread_destroy", { thread: b });
    expect(w.done(a)).toBe("SUCCESS");
    w.call(a, "fluke_thread_schedule", { thread: c });
    expect(w.code(c, "fluke_thread_get_state", { thread: a, ...NO_REFS })).toBe("INS:RACE_CONDITION");
    expect(w.done(a)).toBe("SUCCESS"); // unhandled, c blocks for good: the donation ends
    expect(w.code(c, "fluke_thread_self", {})).toBe("not_runnable");
    expect(w.code(BOOT, "fluke_thread_schedule", { thread: EMPTY })).toBe("INS:NO_OBJECT");
  });
});

describe("CPU time lent through IPC: model and kernel agree", () => {
  test("a server with no time of its own runs on the time of the client whose call it serves", () => {
    const w = world(1);
    const srv = THREAD(2);
    w.ok("fluke_thread_create", { new_thread: srv });
    w.ok("fluke_thread_set_state", { thread: srv, state: blankState(srv), ...NO_REFS, task_ref: w.ref(ROOT) });
    expect(w.ls.call("fluke_thread_self", {}, srv).model.outcome).toEqual({ kind: "not_runnable", why: "no_time" });
    w.ok("fluke_pset_create", { new_pset: 0x9000 });
    const rp = w.ref();
    w.ok("fluke_pset_reference", { pset: 0x9000, new_pset_ref: rp });
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: rp });
    expect(w.code(BOOT, "fluke_thread_schedule", { thread: srv })).toBe("blocked");
    expect(w.code(srv, "fluke_ipc_setup_wait_receive", { pset: 0x9000, ipc_params: { recv_words_max: 16 } })).toBe("blocked");
    expect(w.done(BOOT)).toBe("SUCCESS"); // the donation ended when the server blocked
    const dest = w.ref(PORT(0));
    expect(w.code(THREAD(1), "fluke_ipc_call", { destination: dest, ipc_params: { send_words: [7], recv_words_max: 4 } })).toBe("blocked");
    expect(w.done(srv)).toBe("SUCCESS");
    w.ok("fluke_ipc_reply", { ipc_params: { send_words: [8] } }, srv); // runs on thread 1's time
    expect(w.done(THREAD(1))).toBe("SUCCESS");
    expect(w.ls.call("fluke_thread_self", {}, srv).kernel.outcome).toEqual({ kind: "not_runnable", why: "no_time" });
  });
});

describe("alerts: model and kernel agree", () => {
  test("a broken connection alerts the partner: held while exceptions are disabled, delivered once enabled", () => {
    const w = world(2, { client_alert_handler: 0x5200, server_alert_handler: 0x5300 });
    const [cli, srv] = [THREAD(1), THREAD(2)];
    w.ok("fluke_pset_create", { new_pset: 0x9000 });
    const rp = w.ref();
    w.ok("fluke_pset_reference", { pset: 0x9000, new_pset_ref: rp });
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: rp });
    w.call(srv, "fluke_ipc_setup_wait_receive", { pset: 0x9000, ipc_params: { recv_words_max: 16 } });
    const dest = w.ref(PORT(0));
    w.call(cli, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: { send_words: [1] } });
    expect(w.done(srv)).toBe("SUCCESS");
    w.call(BOOT, "fluke_thread_destroy", { thread: cli });
    const st = getState(w, srv);
    expect(st.flags & 0x40).toBe(0x40); // FLUKE_THREAD_CLIENT_ALERT_PENDING: held, exceptions are disabled
    setState(w, srv, { ...st, flags: st.flags & ~FLUKE_THREAD_STOPPED | FLUKE_THREAD_EXCEPTION_ENABLE });
    expect(getState(w, srv)).toMatchObject({ eip: 0x5200, ecx: 0x401 });
  });

  test("with exceptions enabled, the alert is delivered at the end of the step that posted it", () => {
    const w = world(2, { flags: FLUKE_THREAD_EXCEPTION_ENABLE, client_alert_handler: 0x5200 });
    const [cli, srv] = [THREAD(1), THREAD(2)];
    w.ok("fluke_pset_create", { new_pset: 0x9000 });
    const rp = w.ref();
    w.ok("fluke_pset_reference", { pset: 0x9000, new_pset_ref: rp });
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: rp });
    w.call(srv, "fluke_ipc_setup_wait_receive", { pset: 0x9000, ipc_params: { recv_words_max: 16 } });
    w.call(cli, "fluke_ipc_client_connect_send", { destination: w.ref(PORT(0)), ipc_params: { send_words: [1] } });
    w.ok("fluke_thread_destroy", { thread: cli });
    const st = getState(w, srv);
    expect(st).toMatchObject({ eip: 0x5200, ecx: 0x401 });
    expect(st.flags & 0x40).toBe(0); // taken: no longer pending
    expect(st.flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(0);
  });
});

describe("reliable-IPC links: model and kernel agree", () => {
  test("set_client/get_client and set_server/get_server round-trip the link and the sender bit", () => {
    const w = world(2);
    const a = THREAD(1);
    w.ok("fluke_thread_set_client", { cur_thread: a, client_ref: w.ref(THREAD(2)), flags: 3 }, a);
    const r = w.ref();
    expect(w.ok("fluke_thread_get_client", { cur_thread: a, client_ref: r }, a)).toEqual({ flags: 1 });
    expect(w.ok("fluke_ref_type", { ref: r })["type"]).toBe("thread");
    w.ok("fluke_thread_set_server", { cur_thread: a, server_ref: 0, flags: 3 }, a);
    expect(w.ok("fluke_thread_get_server", { cur_thread: a, server_ref: 0 }, a)).toEqual({ flags: 0 });
  });
});
