// Unit tests of the kernel's thread chapter (thread-*.ts) on the kernel alone: the statements of
// thread.md about state export and import, the task's thread set, exported-only flag bits, the atomic
// API (a blocked call exported as pending_call), and CPU donation, checked on the kernel's records.
// The codes of every row are in sync-codes.test.ts; agreement with the model is in conformance/.
import { describe, expect, test } from "vitest";
import { FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED } from "../../spec/kernel-api/common.js";
import { FLUKE_THREAD_EXCEPTION_WAIT, FLUKE_THREAD_INTERRUPT_PENDING, type ThreadState } from "../../spec/kernel-api/thread.js";
import type { KTask, KThread } from "./kobjects.js";
import { kernelEnv } from "./ktest-drive.js";
import { threadIndex } from "./kthreads.js";
import { BOOT, MUTEX, NO_REFS, REF, ROOT, THREAD, blankState } from "./sync-scenarios.js";

const getState = (e: ReturnType<typeof kernelEnv>["e"], t: number): ThreadState =>
  e.ok("fluke_thread_get_state", { thread: t, ...NO_REFS })["state"] as ThreadState;

describe("kernel thread life", () => {
  test("a created thread has null links, zero registers, and is indexed; set_state puts it in its task's set", () => {
    const { e, at, k } = kernelEnv();
    e.ok("fluke_thread_create", { new_thread: THREAD(5) });
    const t = at<KThread>(THREAD(5));
    expect([t.task, t.scheduler, t.client, t.server, t.pending, t.wait]).toEqual([null, null, null, null, null, null]);
    expect(threadIndex(k).threads.has(t)).toBe(true);
    e.ok("fluke_thread_set_state", { thread: THREAD(5), state: blankState(THREAD(5)), ...NO_REFS, task_ref: REF(0) });
    expect(t.task).toBe(at<KTask>(ROOT));
    expect(at<KTask>(ROOT).threads.has(t)).toBe(true);
    e.ok("fluke_thread_set_state", { thread: THREAD(5), state: blankState(THREAD(5)), ...NO_REFS, task_ref: REF(2) });
    expect(t.task).toBeNull();
    expect(at<KTask>(ROOT).threads.has(t)).toBe(false);
  });

  test("destroy removes the thread from its task's set and the index; links to it read as null", () => {
    const { e, at, k } = kernelEnv();
    const t = at<KThread>(THREAD(1));
    e.ok("fluke_thread_destroy", { thread: THREAD(1) });
    expect(t.alive).toBe(false);
    expect(at<KTask>(ROOT).threads.has(t)).toBe(false);
    expect(threadIndex(k).threads.has(t)).toBe(false);
    expect(e.ok("fluke_ref_check", { ref: REF(3) })).toEqual({ is_null: true });
  });

  test("self returns thread_va, not the object's address", () => {
    const { e } = kernelEnv();
    e.ok("fluke_thread_set_state", { thread: THREAD(1), state: blankState(0x1234), ...NO_REFS });
    expect(e.ok("fluke_thread_self", {}, THREAD(1))).toEqual({ thread: 0x1234 });
    expect(e.ok("fluke_thread_self", {})).toEqual({ thread: BOOT });
  });
});

describe("kernel thread state", () => {
  test("get_state stops the target and exports a blocked call; the wait is cancelled", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(1));
    e.call("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(2));
    const st = getState(e, THREAD(2));
    const t = at<KThread>(THREAD(2));
    expect(st.flags & FLUKE_THREAD_STOPPED).toBe(FLUKE_THREAD_STOPPED);
    expect(st.pending_call).toEqual({ name: "fluke_mutex_lock", args: { mutex: MUTEX(0) } });
    expect(t.wait).toBeNull();
    expect(t.pending).toEqual(st.pending_call);
    expect(st.pending_call).not.toBe(t.pending); // exported state never aliases kernel records
  });

  test("exported-only bits stand for held interrupts and exception waits, and are not kept in flags", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_thread_interrupt", { thread: THREAD(1) });
    e.call("fluke_mutex_unlock", { mutex: MUTEX(0) }, THREAD(1));
    const st = getState(e, THREAD(1));
    expect(st.flags & (FLUKE_THREAD_INTERRUPT_PENDING | FLUKE_THREAD_EXCEPTION_WAIT)).toBe(FLUKE_THREAD_INTERRUPT_PENDING | FLUKE_THREAD_EXCEPTION_WAIT);
    e.ok("fluke_thread_set_state", { thread: THREAD(1), state: st, ...NO_REFS });
    const t = at<KThread>(THREAD(1));
    expect(t.flags).toBe(FLUKE_THREAD_STOPPED);
    expect(t.interrupt_pending).toBe(true);
    expect(t.wait).toEqual({ kind: "exception" });
  });

  test("flags are exported as an unsigned word, bit 31 included (the model exports a negative number: reported)", () => {
    const { e } = kernelEnv();
    e.ok("fluke_thread_set_state", { thread: THREAD(1), state: blankState(THREAD(1), { flags: 0x8000_0001 }), ...NO_REFS });
    const st = getState(e, THREAD(1));
    expect(st.flags).toBe(0x8000_0001);
    e.ok("fluke_thread_set_state", { thread: THREAD(1), state: st, ...NO_REFS }); // and it can be imported again
  });

  test("set_state with exceptions enabled and an interrupt handler delivers a held interrupt at once", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_thread_interrupt", { thread: THREAD(1) });
    const st = getState(e, THREAD(1));
    e.ok("fluke_thread_set_state", { thread: THREAD(1), state: { ...st, flags: FLUKE_THREAD_EXCEPTION_ENABLE | FLUKE_THREAD_INTERRUPT_PENDING, interrupt_handler: 0x5100, eip: 0x42 }, ...NO_REFS });
    const t = at<KThread>(THREAD(1));
    expect(t.interrupt_pending).toBe(false);
    expect(t.regs.eip).toBe(0x5100);
    expect(t.saved.eip).toBe(0x42);
    expect(t.flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(0);
  });
});

describe("kernel scheduling", () => {
  test("schedule makes the caller the target's donor until the target blocks", () => {
    const { e, at } = kernelEnv();
    const [a, b] = [at<KThread>(THREAD(1)), at<KThread>(THREAD(2))];
    expect(e.call("fluke_thread_schedule", { thread: THREAD(2) }, THREAD(1))).toEqual({ kind: "blocked" });
    expect(b.donor).toBe(a);
    expect(a.wait).toEqual({ kind: "donating", on: b });
    e.ok("fluke_mutex_lock", { mutex: MUTEX(0) });
    e.call("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(2));
    expect(b.donor).toBeNull();
    expect(a.wait).toBeNull();
    expect(e.finished(THREAD(1))).toEqual({ kind: "return", rc: "SUCCESS", out: {} });
  });
});
