// Unit tests of impl/kernel/exceptions.ts and sched.ts on the kernel alone: exception codes and the
// keeper message layout (x86.md), handler entry, the unhandled-exception wait, and the reasons a thread
// cannot run (thread.md "Scheduling").
import { describe, expect, test } from "vitest";
import { FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED } from "../../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import { FLUKE_EXC_MSG_WORDS, entryPoint, faultExcCode, insanityExcCode } from "../../spec/kernel-api/x86.js";
import { enterHandler, excAddr, excCode, exceptionMessage, whyNotRunnable } from "./exceptions.js";
import { KFault } from "./kctx.js";
import type { KThread } from "./kobjects.js";
import { kernelEnv } from "./ktest-drive.js";
import { MUTEX, NO_REFS, THREAD, blankState } from "./sync-scenarios.js";

describe("kernel exceptions", () => {
  test("codes and the 14-word keeper message", () => {
    const { at } = kernelEnv();
    const t = at<KThread>(THREAD(1));
    t.regs.eax = 5;
    t.pending = { name: "fluke_mutex_lock", args: { mutex: 0 } };
    const f = { kind: "fault", fault: new KFault(0x9000, "write", null) } as const;
    expect(excCode(f)).toBe(faultExcCode("write"));
    expect(excAddr(f)).toBe(0x9000);
    expect(excCode({ kind: "insanity", code: "NO_OBJECT" })).toBe(insanityExcCode("NO_OBJECT"));
    const msg = exceptionMessage(t, f);
    expect(msg.length).toBe(FLUKE_EXC_MSG_WORDS);
    expect(msg.slice(0, 4)).toEqual([faultExcCode("write"), 0x9000, THREAD(1), 5]);
    expect(msg[13]).toBe(CALLS_BY_NAME.get("fluke_mutex_lock")!.trap);
    expect(entryPoint(msg[13]!)).toBeGreaterThan(0);
  });

  test("entering a handler saves eax ecx edx eip eflags and the call, and disables exceptions", () => {
    const { at } = kernelEnv();
    const t = at<KThread>(THREAD(1));
    Object.assign(t.regs, { eax: 1, ecx: 2, edx: 3, eip: 4, eflags: 5 });
    t.flags = FLUKE_THREAD_EXCEPTION_ENABLE;
    t.pending = { name: "fluke_thread_self", args: {} };
    enterHandler(t, 0x5000, 0x401, 7);
    expect(t.saved).toEqual({ eax: 1, ecx: 2, edx: 3, eip: 4, eflags: 5, pending: { name: "fluke_thread_self", args: {} } });
    expect([t.regs.eax, t.regs.ecx, t.regs.edx, t.regs.eip]).toEqual([THREAD(1), 0x401, 7, 0x5000]);
    expect(t.pending).toBeNull();
    expect(t.flags).toBe(0);
  });

  test("an insanity nobody handles blocks the thread (exception wait); one with a handler does not", () => {
    const { e, at, k } = kernelEnv();
    e.call("fluke_mutex_unlock", { mutex: MUTEX(0) }, THREAD(1));
    expect(at<KThread>(THREAD(1)).wait).toEqual({ kind: "exception" });
    expect(whyNotRunnable(k, at(THREAD(1)))).toBe("blocked");
    e.ok("fluke_thread_set_handlers", { cur_thread: THREAD(2), trap_handler: 0x5000, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0 }, THREAD(2));
    e.ok("fluke_thread_enable_exceptions", { cur_thread: THREAD(2) }, THREAD(2));
    e.call("fluke_mutex_unlock", { mutex: MUTEX(0) }, THREAD(2));
    expect(at<KThread>(THREAD(2)).wait).toBeNull();
    expect(at<KThread>(THREAD(2)).regs.eip).toBe(0x5000);
  });

  test("whyNotRunnable: stopped, blocked, no task, no time; the boot thread always has time", () => {
    const { e, at, k } = kernelEnv();
    e.ok("fluke_thread_create", { new_thread: THREAD(5) });
    const t = at<KThread>(THREAD(5));
    expect(whyNotRunnable(k, t)).toBe("no_task");
    e.ok("fluke_thread_set_state", { thread: THREAD(5), state: blankState(THREAD(5)), ...NO_REFS, task_ref: 0x7000 });
    expect(whyNotRunnable(k, t)).toBe("no_time");
    e.ok("fluke_thread_set_state", { thread: THREAD(5), state: blankState(THREAD(5), { flags: FLUKE_THREAD_STOPPED }), ...NO_REFS, scheduler_ref: 0x7010 });
    expect(whyNotRunnable(k, t)).toBe("stopped");
    t.flags = 0;
    expect(whyNotRunnable(k, t)).toBeNull();
    t.pending = { name: "fluke_thread_self", args: {} };
    expect(whyNotRunnable(k, t)).toBe("blocked");
    expect(whyNotRunnable(k, k.bootThread)).toBeNull();
  });
});
