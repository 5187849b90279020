// Tests of exception delivery in the model (spec/kernel-api/thread.md "Exceptions", x86.md "Exception
// handlers" and "Keeper messages"): the routing region keeper -> trap handler -> task keeper -> block,
// the handler register convention, held and delivered interrupts, and the keeper's reply. The kernel's
// idempotent IPC (model/ipc-kernel.ts, the IPC chapter's) is replaced by a recorder so these tests see
// exactly what the thread chapter asks of it.
import { describe, expect, it, vi } from "vitest";
import {
  FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED, insanityValue,
} from "../spec/kernel-api/common.js";
import {
  FLUKE_THREAD_CLIENT_ALERT_PENDING, FLUKE_THREAD_INTERRUPT_PENDING, fluke_thread_get_state,
} from "../spec/kernel-api/thread.js";
import {
  FLUKE_EXC_CLIENT_ALERT, FLUKE_EXC_INTERRUPT, FLUKE_EXC_MSG_ADDR, FLUKE_EXC_MSG_CODE, FLUKE_EXC_MSG_REGION_OFFSET, FLUKE_EXC_MSG_WORDS,
  FLUKE_EXC_SERVER_ALERT, FLUKE_EXC_REPLY_RETRY, FLUKE_EXC_REPLY_SET_REGS, faultExcCode, insanityExcCode, trapExcCode,
} from "../spec/kernel-api/x86.js";
import type { Ctx } from "./ctx.js";
import { deliverException, excAddr, excCode, onKernelReply } from "./exceptions.js";
import { walk } from "./memory.js";
import { Fx, B, blankState, insanity, noRefs, SUCCESS } from "./thread-testkit.js";
import type { ThreadObj } from "./state.js";

const calls = vi.hoisted(() => [] as { thread: number; port: number; words: number[]; purpose: string }[]);
vi.mock("./ipc-kernel.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./ipc-kernel.js")>()),
  ipcKernelCall: (_ctx: unknown, t: ThreadObj, port: number, words: number[], purpose: string) => {
    calls.push({ thread: t.oid, port, words, purpose });
    t.wait = { kind: "ipc" };
  },
}));

const TRAP = 0x6000;
const INTR = 0x6100;
/** A runnable thread with exceptions enabled and trap and interrupt handlers registered. */
const handled = (f: Fx, over = {}) =>
  f.thread({ state: { flags: FLUKE_THREAD_EXCEPTION_ENABLE, trap_handler: TRAP, interrupt_handler: INTR, eip: 0x1234, eax: 11, ecx: 22, edx: 33, eflags: 0x202, ...over } });
const ctxOf = (f: Fx, va: number): Ctx => ({ s: f.d.s, self: f.th(va), task: f.d.s.rootTask, completions: [] });

describe("synchronous exceptions: the trap handler", () => {
  it("an insanity enters the trap handler: eax = thread_va, ecx = code, edx = 0; eax ecx edx eip eflags saved", () => {
    const f = new Fx();
    const t = handled(f);
    expect(f.d.call("fluke_thread_destroy", { thread: t }, t)).toEqual(insanity("CURRENT_THREAD"));
    const th = f.th(t);
    expect(th.regs).toMatchObject({ eax: t, ecx: insanityExcCode("CURRENT_THREAD"), edx: 0, eip: TRAP, eflags: 0x202 });
    expect(th.saved).toEqual({ eax: 11, ecx: 22, edx: 33, eip: 0x1234, eflags: 0x202, pending: null });
    expect(th.flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(0); // disabled while in the handler (ours)
    expect(f.d.ok("fluke_thread_self", {}, t)).toEqual({ thread: t }); // it keeps running
  });
  it("a fault enters it with edx = the address; the faulting call is saved and re-issued on return", () => {
    const f = new Fx();
    const t = handled(f);
    const far = 0x4000_0000;
    expect(f.d.call("fluke_thread_reference", { thread: far, new_thread_ref: 0 }, t)).toEqual({ kind: "fault", addr: far, access: "read" });
    const th = f.th(t);
    expect(th.regs).toMatchObject({ ecx: faultExcCode("read"), edx: far, eip: TRAP });
    expect(th.saved.pending).toEqual({ name: "fluke_thread_reference", args: { thread: far, new_thread_ref: 0 } });
    // the handler fixes the call (here: replaces it), then returns: the call is re-issued
    const saved_state = { eax: 0, ecx: 0, edx: 0, eip: 0, eflags: 0, pending_call: { name: "fluke_thread_self", args: {} } };
    f.d.ok("fluke_thread_set_saved_state", { cur_thread: t, saved_state }, t);
    f.d.ok("fluke_thread_return_from_exception", { cur_thread: t }, t);
    expect(f.d.lastCompletions).toEqual([{ thread: t, outcome: { kind: "return", rc: "SUCCESS", out: { thread: t } } }]);
  });
  it("with exceptions disabled and no keeper, the thread blocks", () => {
    const f = new Fx();
    const t = handled(f, { flags: 0 });
    f.d.call("fluke_thread_destroy", { thread: t }, t);
    expect(f.th(t).wait).toEqual({ kind: "exception" });
    expect(f.d.call("fluke_thread_self", {}, t)).toEqual({ kind: "not_runnable", why: "blocked" });
  });
});

describe("synchronous exceptions: keepers", () => {
  it("go to the task keeper with the 15-word message when no handler takes them (word 14 = 0)", () => {
    const f = new Fx();
    const keeper = f.port();
    (f.obj(0x1000) as { keeper: number | null }).keeper = f.oid(keeper); // the root task's keeper
    const t = handled(f, { flags: 0 });
    calls.length = 0;
    f.d.call("fluke_thread_destroy", { thread: t }, t);
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c).toMatchObject({ port: f.oid(keeper), purpose: "exception" });
    expect(c.words).toHaveLength(FLUKE_EXC_MSG_WORDS);
    expect(c.words).toEqual([insanityExcCode("CURRENT_THREAD"), 0, t, 11, 0, 22, 33, 0, 0, 0, 0, 0x1234, 0x202, 0, 0]);
  });
  it("a fault refused by a region with a keeper goes to the region keeper, even with a trap handler", () => {
    const f = new Fx();
    const keeper = f.port();
    const { task, region } = f.child(0x10_0000, 0x1000, 0x2_0000, 0, keeper); // region grants nothing
    const t = handled(f, { thread_va: 0 });
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(0, { flags: FLUKE_THREAD_EXCEPTION_ENABLE, trap_handler: TRAP }), ...noRefs, task_ref: f.ref(task) });
    calls.length = 0;
    expect(f.d.call("fluke_thread_reference", { thread: 0x10_0000, new_thread_ref: 0 }, t)).toMatchObject({ kind: "fault", addr: 0x10_0000 });
    expect(calls.map((c) => [c.port, c.purpose, c.words[0], c.words[1], c.words[13], c.words[14]])).toEqual([
      [f.oid(keeper), "fault", faultExcCode("read"), 0x10_0000, 13, 0],
    ]);
    // the keeper grants read and replies: the faulting call is re-run (and now finds no object there)
    (f.obj(region) as { prot: number }).prot = 1;
    const ctx = ctxOf(f, t);
    onKernelReply(ctx, ctx.self, "fault", [FLUKE_EXC_REPLY_RETRY, 0]);
    expect(ctx.completions).toEqual([{ thread: t, outcome: insanity("NO_OBJECT") }]);
    expect(f.th(t).regs.eip).toBe(TRAP); // the new insanity went to the trap handler
  });
});

describe("keeper message word 14: the offset in the region (FLUKE_EXC_MSG_REGION_OFFSET)", () => {
  /** A thread with no handler, run in task `task`. */
  const threadIn = (f: Fx, task: number): number => {
    const t = handled(f, { flags: 0, thread_va: 0 });
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(0), ...noRefs, task_ref: f.ref(task) });
    return t;
  };
  const faultMessage = (f: Fx, t: number, name: string, args: Record<string, unknown>): { port: number; purpose: string; words: number[] } => {
    calls.length = 0;
    expect(f.d.call(name, args, t)).toMatchObject({ kind: "fault" });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.words).toHaveLength(FLUKE_EXC_MSG_WORDS);
    return calls[0]!;
  };

  it("(a) a region's ceiling refuses a write: word 14 is the offset in the region, word 1 the task's address", () => {
    const f = new Fx();
    const keeper = f.port();
    const task = f.put("task", { keeper: null, root: false });
    // region: root [0x2_0000, +4 pages), read only; the task maps its [0x1000, 0x4000) at 0x10_0000
    const region = f.put("region", { start_va: 0x2_0000, size: 0x4000, prot: FLUKE_PROT_READ, task: f.d.s.rootTask, keeper: f.oid(keeper) });
    f.put("mapping", { region_off: 0x1000, start_va: 0x10_0000, size: 0x3000, prot: FLUKE_PROT_ALL, region: f.oid(region), task: f.oid(task) });
    const t = threadIn(f, task);
    const c = faultMessage(f, t, "harness_mem_write", { addr: 0x10_0234, bytes: [1] });
    expect([c.port, c.purpose, c.words[FLUKE_EXC_MSG_CODE], c.words[FLUKE_EXC_MSG_ADDR], c.words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual([
      f.oid(keeper), "fault", faultExcCode("write"), 0x10_0234, 0x1234,
    ]);
  });

  it("(b) a hole in the region's task: word 14 is the offset in the region the access entered it through", () => {
    const f = new Fx();
    const keeper = f.port();
    const [task, middle] = [f.put("task", { keeper: null, root: false }), f.put("task", { keeper: null, root: false })];
    // region over `middle` (which maps nothing) at [0x4000_0000, +4 pages); the task maps its [0x2000, 0x4000) at 0x10_0000
    const region = f.put("region", { start_va: 0x4000_0000, size: 0x4000, prot: FLUKE_PROT_ALL, task: f.oid(middle), keeper: f.oid(keeper) });
    f.put("mapping", { region_off: 0x2000, start_va: 0x10_0000, size: 0x2000, prot: FLUKE_PROT_ALL, region: f.oid(region), task: f.oid(task) });
    const t = threadIn(f, task);
    const c = faultMessage(f, t, "harness_mem_read", { addr: 0x10_0345, len: 1 });
    expect([c.port, c.purpose, c.words[FLUKE_EXC_MSG_ADDR], c.words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual([f.oid(keeper), "fault", 0x10_0345, 0x2345]);
    expect(walk(f.d.s, f.oid(task), 0x10_0345, FLUKE_PROT_READ)).toEqual({ fault: f.oid(region), off: 0x2345 });
  });

  it("(c) the task keeper's message carries 0, even for a fault a keeperless region refused", () => {
    const f = new Fx();
    const keeper = f.port();
    const task = f.put("task", { keeper: f.oid(keeper), root: false });
    const region = f.put("region", { start_va: 0x2_0000, size: 0x4000, prot: FLUKE_PROT_READ, task: f.d.s.rootTask, keeper: null });
    f.put("mapping", { region_off: 0x1000, start_va: 0x10_0000, size: 0x3000, prot: FLUKE_PROT_ALL, region: f.oid(region), task: f.oid(task) });
    const t = threadIn(f, task);
    expect(walk(f.d.s, f.oid(task), 0x10_0234, FLUKE_PROT_WRITE)).toEqual({ fault: f.oid(region), off: 0x1234 });
    const c = faultMessage(f, t, "harness_mem_write", { addr: 0x10_0234, bytes: [1] });
    expect([c.port, c.purpose, c.words[FLUKE_EXC_MSG_ADDR], c.words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual([f.oid(keeper), "exception", 0x10_0234, 0]);
    const d = faultMessage(f, threadIn(f, task), "harness_mem_read", { addr: 0x20_0000, len: 1 }); // no mapping: region null
    expect([d.purpose, d.words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual(["exception", 0]);
  });
});

describe("onKernelReply (the keeper's answer to an exception)", () => {
  it("FLUKE_EXC_REPLY_SET_REGS loads eax..eflags and drops the interrupted call", () => {
    const f = new Fx();
    const t = f.thread();
    const th = f.th(t);
    th.pending = { name: "fluke_thread_self", args: {} };
    th.wait = { kind: "ipc" };
    const ctx = ctxOf(f, t);
    onKernelReply(ctx, th, "exception", [FLUKE_EXC_REPLY_SET_REGS, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(th.regs).toMatchObject({ eax: 1, ebx: 2, ecx: 3, edx: 4, esi: 5, edi: 6, ebp: 7, esp: 8, eip: 9, eflags: 10 });
    expect([th.pending, th.wait, ctx.completions]).toEqual([null, null, []]);
  });
  it("any other reply resumes the thread, re-running its call if it has one", () => {
    const f = new Fx();
    const t = f.thread();
    const th = f.th(t);
    th.wait = { kind: "ipc" };
    onKernelReply(ctxOf(f, t), th, "exception", [FLUKE_EXC_REPLY_RETRY, 0]);
    expect(th.wait).toBeNull();
    th.pending = { name: "fluke_thread_self", args: {} };
    th.wait = { kind: "ipc" };
    const ctx = ctxOf(f, t);
    onKernelReply(ctx, th, "exception", [FLUKE_EXC_REPLY_SET_REGS]); // too short to carry registers
    expect(ctx.completions).toEqual([{ thread: t, outcome: { kind: "return", rc: "SUCCESS", out: { thread: t } } }]);
  });
});

describe("exception codes (x86.md)", () => {
  it("encode insanities, faults and processor traps", () => {
    expect(excCode({ kind: "insanity", code: "NO_OBJECT" })).toBe(0x100 + insanityValue("NO_OBJECT"));
    expect(excCode({ kind: "trap", vector: 0x80, error: 0 })).toBe(trapExcCode(0x80));
    expect(trapExcCode(0x80)).toBe(0x380);
    expect(excAddr({ kind: "trap", vector: 14, error: 6 })).toBe(6);
  });
  it("a processor trap follows the synchronous path like any other exception", () => {
    const f = new Fx();
    const t = handled(f);
    const ctx = ctxOf(f, t);
    deliverException(ctx, { kind: "trap", vector: 0x80, error: 0 });
    expect(f.th(t).regs).toMatchObject({ ecx: 0x380, eip: TRAP, eax: t });
  });
});

describe("fluke_thread_interrupt", () => {
  it("a running target with exceptions enabled takes it at once in its interrupt handler", () => {
    const f = new Fx();
    const t = handled(f);
    expect(f.d.call("fluke_thread_interrupt", { thread: t })).toEqual(SUCCESS);
    expect(f.th(t).regs).toMatchObject({ eax: t, ecx: FLUKE_EXC_INTERRUPT, edx: 0, eip: INTR });
    expect(f.th(t).interrupt_pending).toBe(false);
  });
  it("is held back while exceptions are disabled, exported in flags, and delivered by enable_exceptions", () => {
    const f = new Fx();
    const t = handled(f, { flags: 0 });
    f.d.ok("fluke_thread_interrupt", { thread: t });
    expect(f.th(t).regs.eip).toBe(0x1234);
    f.d.ok("fluke_thread_enable_exceptions", { cur_thread: t }, t);
    expect(f.th(t).regs).toMatchObject({ eip: INTR, ecx: FLUKE_EXC_INTERRUPT });
    expect(f.th(t).saved.eip).toBe(0x1234);
  });
  it("a held interrupt survives get_state / set_state as FLUKE_THREAD_INTERRUPT_PENDING", () => {
    const f = new Fx();
    const t = handled(f, { flags: 0 });
    f.d.ok("fluke_thread_interrupt", { thread: t });
    const st = fluke_thread_get_state.out.parse(f.d.ok("fluke_thread_get_state", { thread: t, ...noRefs })).state;
    expect(st.flags & FLUKE_THREAD_INTERRUPT_PENDING).toBe(FLUKE_THREAD_INTERRUPT_PENDING);
    // restored with exceptions enabled and not stopped: delivered at once
    f.d.ok("fluke_thread_set_state", { thread: t, state: { ...st, flags: FLUKE_THREAD_INTERRUPT_PENDING | FLUKE_THREAD_EXCEPTION_ENABLE }, ...noRefs });
    expect(f.th(t).regs.eip).toBe(INTR);
  });
  it("wakes a blocked target; its call is re-issued after return_from_exception", () => {
    const f = new Fx();
    const owner = f.thread();
    const t = handled(f);
    const m = f.alloc("mutex");
    f.d.ok("fluke_mutex_create", { new_mutex: m });
    f.d.ok("fluke_mutex_lock", { mutex: m }, owner);
    expect(f.d.call("fluke_mutex_lock", { mutex: m }, t)).toEqual({ kind: "blocked" });
    f.d.ok("fluke_thread_interrupt", { thread: t });
    expect(f.th(t).wait).toBeNull();
    expect((f.obj(m) as { waiters: number[] }).waiters).toEqual([]);
    expect(f.th(t).saved.pending).toEqual({ name: "fluke_mutex_lock", args: { mutex: m } });
    f.d.ok("fluke_thread_return_from_exception", { cur_thread: t }, t);
    expect(f.th(t).wait).toEqual({ kind: "mutex", mutex: f.oid(m) }); // waiting again
    f.d.ok("fluke_mutex_unlock", { mutex: m }, owner);
    expect(f.d.lastCompletions).toEqual([{ thread: t, outcome: SUCCESS }]);
  });
  it("is not delivered to a stopped thread", () => {
    const f = new Fx();
    const t = handled(f);
    f.d.ok("fluke_thread_set_state", { thread: t, state: blankState(t, { flags: FLUKE_THREAD_STOPPED | FLUKE_THREAD_EXCEPTION_ENABLE, interrupt_handler: INTR }), ...noRefs });
    f.d.ok("fluke_thread_interrupt", { thread: t });
    expect(f.th(t).interrupt_pending).toBe(true);
    expect(f.th(t).regs.eip).toBe(0);
  });
  it("raises CURRENT_THREAD and the object insanities", () => {
    const f = new Fx();
    expect(f.try("fluke_thread_interrupt", { thread: B })).toEqual(insanity("CURRENT_THREAD"));
    const t = f.thread();
    expect(f.try("fluke_thread_interrupt", { thread: t + 16 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.try("fluke_thread_interrupt", { thread: f.alloc("thread") })).toEqual(insanity("NO_OBJECT"));
    const r = f.alloc("thread");
    f.d.ok("fluke_ref_create", { new_ref: r });
    expect(f.try("fluke_thread_interrupt", { thread: r })).toEqual(insanity("NOT_THREAD"));
    f.d.ok("harness_mem_write", { addr: t, bytes: [1] });
    expect(f.try("fluke_thread_interrupt", { thread: t })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("alerts (posted by the IPC chapter in ThreadIpc.alertPending)", () => {
  it("reach the matching alert handler at the end of a step when exceptions are enabled", () => {
    const f = new Fx();
    const t = handled(f, { client_alert_handler: 0x6200, server_alert_handler: 0x6300 });
    f.th(t).ipc.alertPending = "server";
    f.d.ok("fluke_thread_self", {});
    expect(f.th(t).regs).toMatchObject({ eip: 0x6300, ecx: FLUKE_EXC_SERVER_ALERT, eax: t });
    expect(f.th(t).ipc.alertPending).toBeNull();
  });
  it("are held while exceptions are disabled, survive get/set_state, and arrive at enable_exceptions", () => {
    const f = new Fx();
    const t = handled(f, { flags: 0, client_alert_handler: 0x6200 });
    f.th(t).ipc.alertPending = "client";
    const st = fluke_thread_get_state.out.parse(f.d.ok("fluke_thread_get_state", { thread: t, ...noRefs })).state;
    expect(st.flags & FLUKE_THREAD_CLIENT_ALERT_PENDING).toBe(FLUKE_THREAD_CLIENT_ALERT_PENDING);
    f.th(t).ipc.alertPending = null;
    f.d.ok("fluke_thread_set_state", { thread: t, state: { ...st, flags: st.flags & ~FLUKE_THREAD_STOPPED }, ...noRefs });
    expect(f.th(t).ipc.alertPending).toBe("client");
    expect(f.th(t).regs.eip).toBe(0x1234);
    f.d.ok("fluke_thread_enable_exceptions", { cur_thread: t }, t);
    expect(f.th(t).regs).toMatchObject({ eip: 0x6200, ecx: FLUKE_EXC_CLIENT_ALERT });
  });
});
