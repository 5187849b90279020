// Exceptions through the real IPC chapter (no recorder): a task keeper served by a thread in
// fluke_ipc_setup_wait_receive receives the 15-word exception message of x86.md and answers with
// fluke_ipc_reply; the reply reaches onKernelReply and the faulting thread continues as told.
import { describe, expect, it } from "vitest";
import { FLUKE_THREAD_EXCEPTION_ENABLE } from "../spec/kernel-api/common.js";
import { FLUKE_EXC_REPLY_RETRY, FLUKE_EXC_REPLY_SET_REGS, insanityExcCode } from "../spec/kernel-api/x86.js";
import { B, Fx, ROOT, insanity, noRefs, blankState } from "./thread-testkit.js";

/** A keeper: port P in port set S, served by thread K (blocked in setup_wait_receive); P keeps the root task. */
const keeperSetup = (f: Fx): { k: number } => {
  const k = f.thread();
  const [p, s] = [f.alloc("port"), f.alloc("pset")];
  f.d.ok("fluke_pset_create", { new_pset: s });
  f.d.ok("fluke_port_create", { new_port: p });
  f.d.ok("fluke_port_set_state", { port: p, state: null, pset_ref: f.ref(s) });
  f.d.ok("fluke_task_set_state", { task: ROOT, state: null, keeper_ref: f.ref(p) });
  expect(f.d.call("fluke_ipc_setup_wait_receive", { pset: s, ipc_params: { recv_words_max: 32 } }, k)).toEqual({ kind: "blocked" });
  return { k };
};

describe("synchronous exceptions through the IPC chapter", () => {
  it("the task keeper receives the message and its SET_REGS reply resumes the thread with new registers", () => {
    const f = new Fx();
    const { k } = keeperSetup(f);
    const t = f.thread({ state: { eax: 11, eip: 0x1234 } });
    expect(f.d.call("fluke_thread_destroy", { thread: t }, t)).toEqual(insanity("CURRENT_THREAD"));
    const got = f.d.lastCompletions.find((c) => c.thread === k)?.outcome as { out: { words: number[] } } | undefined;
    expect(got?.out.words.slice(0, 4)).toEqual([insanityExcCode("CURRENT_THREAD"), 0, t, 11]);
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "blocked" });
    const regs = [1, 2, 3, 4, 5, 6, 7, 8, 0x5000, 0x202];
    f.d.ok("fluke_ipc_reply", { ipc_params: { send_words: [FLUKE_EXC_REPLY_SET_REGS, ...regs] } }, k);
    expect(f.th(t).regs).toMatchObject({ eax: 1, esp: 8, eip: 0x5000, eflags: 0x202 });
    expect(f.d.ok("fluke_thread_self", {}, t)).toEqual({ thread: t });
  });
  it("a RETRY reply to a fault re-issues the faulting call", () => {
    const f = new Fx();
    const { k } = keeperSetup(f);
    const t = f.thread();
    const far = 0x4000_0000;
    expect(f.d.call("fluke_thread_reference", { thread: far, new_thread_ref: 0 }, t)).toMatchObject({ kind: "fault" });
    f.d.ok("fluke_ipc_reply", { ipc_params: { send_words: [FLUKE_EXC_REPLY_RETRY, 0] } }, k);
    // re-issued: it faults again and makes a new call to the keeper (nobody is waiting: it queues)
    expect(f.d.lastCompletions).toContainEqual({ thread: t, outcome: { kind: "fault", addr: far, access: "read" } });
    expect(f.th(t).wait).toEqual({ kind: "ipc" });
  });
  it("get_state of a thread waiting for its keeper exports the faulting call and cancels the kernel call", () => {
    const f = new Fx();
    keeperSetup(f);
    const t = f.thread({ state: { flags: FLUKE_THREAD_EXCEPTION_ENABLE } });
    f.d.call("fluke_thread_reference", { thread: 0x4000_0000, new_thread_ref: 0 }, t);
    const st = f.d.ok("fluke_thread_get_state", { thread: t, ...noRefs }).state as ReturnType<typeof blankState>;
    expect(st.pending_call).toEqual({ name: "fluke_thread_reference", args: { thread: 0x4000_0000, new_thread_ref: 0 } });
    expect(f.th(t).ipc.kernelCall).toBeNull();
    expect(f.th(B).wait).toBeNull();
  });
});
