// Unit tests of impl/kernel/exceptions.ts and sched.ts on the kernel alone: exception codes and the
// keeper message layout (x86.md), handler entry, the unhandled-exception wait, and the reasons a thread
// cannot run (thread.md "Scheduling").
import { describe, expect, test } from "vitest";
import {
  FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED, FLUKE_VM_MIN, PAGE_SIZE, type Outcome,
} from "../../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import { FLUKE_EXC_MSG_REGION_OFFSET, FLUKE_EXC_MSG_WORDS, entryPoint, faultExcCode, insanityExcCode } from "../../spec/kernel-api/x86.js";
import { enterHandler, excAddr, excCode, exceptionMessage, whyNotRunnable } from "./exceptions.js";
import { KFault } from "./kctx.js";
import type { Kernel } from "./kernel.js";
import type { KObj, KTask, KThread } from "./kobjects.js";
import { kernelDrive, kernelEnv } from "./ktest-drive.js";
import { BOOT, MUTEX, NO_REFS, ROOT, THREAD, blankState } from "./sync-scenarios.js";

const [CHILD, MIDDLE, R_TOP, R_MID, M_TOP, M_MID] = [0x2100, 0x2180, 0x2200, 0x2220, 0x2300, 0x2320];
const [CVA, CVB, MID_START] = [0x1000_0000, 0x2000_0000, 0x4000_0000];
const at = <T extends KObj>(k: Kernel, va: number): T => k.objects.at(va - FLUKE_VM_MIN) as T;

/**
 * A kernel where task CHILD maps R_TOP (root [0x2_0000, +4 pages), read only) from offset 0x1000 at CVA
 * (3 pages), and R_MID (over task MIDDLE, which maps nothing, [MID_START, +4 pages)) from offset 0x2000
 * at CVB (2 pages). Built with public calls by the boot thread.
 */
const vmKernel = (): { k: Kernel; call: (name: string, args: Record<string, unknown>) => void } => {
  const d = kernelDrive();
  let refs = 0x7000;
  const call = (name: string, args: Record<string, unknown>): void => {
    const o: Outcome = d.call(BOOT, name, args);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name}: ${JSON.stringify(o)}`);
  };
  const ref = (type: string, target: number): number => {
    const r = (refs += 16);
    call("fluke_ref_create", { new_ref: r });
    call(`fluke_${type}_reference`, { [type]: target, [`new_${type}_ref`]: r });
    return r;
  };
  for (const t of [CHILD, MIDDLE]) call("fluke_task_create", { new_task: t });
  for (const r of [R_TOP, R_MID]) call("fluke_region_create", { new_region: r });
  for (const m of [M_TOP, M_MID]) call("fluke_mapping_create", { new_mapping: m });
  call("fluke_region_set_state", { region: R_TOP, state: { hash: 0, start_va: 0x2_0000, size: 4 * PAGE_SIZE, prot: FLUKE_PROT_READ }, task_ref: ref("task", ROOT), keeper_ref: 0 });
  call("fluke_region_set_state", { region: R_MID, state: { hash: 0, start_va: MID_START, size: 4 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, task_ref: ref("task", MIDDLE), keeper_ref: 0 });
  const child = ref("task", CHILD);
  call("fluke_mapping_set_state", { mapping: M_TOP, state: { hash: 0, region_off: PAGE_SIZE, start_va: CVA, size: 3 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, region_ref: ref("region", R_TOP), task_ref: child });
  call("fluke_mapping_set_state", { mapping: M_MID, state: { hash: 0, region_off: 2 * PAGE_SIZE, start_va: CVB, size: 2 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, region_ref: ref("region", R_MID), task_ref: child });
  return { k: d.k, call };
};

describe("kernel exceptions", () => {
  test("codes and the 15-word keeper message", () => {
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
    expect(msg[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(0);
  });

  test("word 14: the exact offset in the region for a region keeper, 0 for anyone else", () => {
    const { k, call } = vmKernel();
    const [child, middle] = [at<KTask>(k, CHILD), at<KTask>(k, MIDDLE)];
    const fault = (task: KTask, va: number, access: "read" | "write"): KFault => {
      try {
        k.translate(task, va, access);
      } catch (e) {
        if (e instanceof KFault) return e;
        throw e;
      }
      throw new Error(`no fault at 0x${va.toString(16)}`);
    };
    // (a) R_TOP (root [0x2_0000, +4 pages), read only) mapped from offset 0x1000 at CVA: its ceiling refuses a write
    expect(typeof k.translate(child, CVA + 0x100, "read")).toBe("number"); // the page's translation is now cached
    const a = fault(child, CVA + 0x234, "write");
    expect([a.addr, a.region, a.regionOff]).toEqual([CVA + 0x234, at(k, R_TOP), 0x1234]);
    // past R_TOP's end: the first refused byte, exact
    const end = fault(child, CVA + 3 * PAGE_SIZE + 0x10, "read");
    expect([end.region, end.regionOff]).toEqual([null, 0]); // past the child's mapping: its own
    call("fluke_region_set_state", { region: R_TOP, state: { hash: 0, start_va: 0x2_0000, size: 2 * PAGE_SIZE, prot: FLUKE_PROT_READ }, task_ref: 0, keeper_ref: 0 });
    const past = fault(child, CVA + PAGE_SIZE + 0x18, "read");
    expect([past.region, past.regionOff]).toEqual([at(k, R_TOP), 2 * PAGE_SIZE + 0x18]);
    // (b) R_MID (over MIDDLE, which maps nothing there) mapped from offset 0x2000 at CVB: a hole under it
    const b = fault(child, CVB + 0x345, "read");
    expect([b.addr, b.region, b.regionOff]).toEqual([CVB + 0x345, at(k, R_MID), 0x2345]);
    expect(fault(middle, MID_START + 0x2345, "read").regionOff).toBe(0); // MIDDLE's own hole: no region
    // the message: word 14 only when the call goes to the region keeper
    const t = at<KThread>(k, BOOT);
    const exc = { kind: "fault", fault: b } as const;
    expect(exceptionMessage(t, exc, true)[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(0x2345);
    // (c) the same fault sent to a task keeper, and an insanity: 0
    expect(exceptionMessage(t, exc)[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(0);
    expect(exceptionMessage(t, { kind: "insanity", code: "NO_OBJECT" }, true)[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(0);
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
