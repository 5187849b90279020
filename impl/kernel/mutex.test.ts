// Unit tests of impl/kernel/mutex.ts and cond.ts on the kernel alone: the statements of mutex.md and
// cond.md, checked on the kernel's records (owner links, FIFO queues, continuations). The codes of every
// row are in sync-codes.test.ts; agreement with the model is in conformance/.
import { describe, expect, test } from "vitest";
import type { KCond, KMutex, KThread } from "./kobjects.js";
import { kernelEnv } from "./ktest-drive.js";
import { BOOT, COND, MUTEX, THREAD } from "./sync-scenarios.js";

const M = MUTEX(0);
const C = COND(0);

describe("kernel mutex", () => {
  test("lock takes a free mutex; a second locker queues; unlock hands over in arrival order", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    const m = at<KMutex>(M);
    expect(m.owner).toBe(at<KThread>(THREAD(1)));
    expect(e.call("fluke_mutex_lock", { mutex: M }, THREAD(2))).toEqual({ kind: "blocked" });
    expect(e.call("fluke_mutex_lock", { mutex: M })).toEqual({ kind: "blocked" });
    expect(m.waiters).toEqual([at(THREAD(2)), at(BOOT)]);
    expect(at<KThread>(THREAD(2)).wait).toEqual({ kind: "mutex", on: m });
    e.ok("fluke_mutex_unlock", { mutex: M }, THREAD(1));
    expect(m.owner).toBe(at(THREAD(2)));
    expect(m.waiters).toEqual([at(BOOT)]);
    expect(e.finished(THREAD(2))).toEqual({ kind: "return", rc: "SUCCESS", out: {} });
    expect(at<KThread>(THREAD(2)).pending).toBeNull();
  });

  test("a locked mutex cannot be destroyed and stays in place", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    expect(e.call("fluke_mutex_destroy", { mutex: M }, THREAD(2))).toEqual({ kind: "insanity", code: "MUTEX_LOCKED" });
    expect(at<KMutex>(M).alive).toBe(true);
  });

  test("destroying the owner releases what it holds (ours)", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    e.ok("fluke_mutex_lock", { mutex: MUTEX(1) }, THREAD(1));
    e.call("fluke_mutex_lock", { mutex: MUTEX(1) }, THREAD(2));
    e.ok("fluke_thread_destroy", { thread: THREAD(1) });
    expect(at<KMutex>(M).owner).toBeNull();
    expect(at<KMutex>(MUTEX(1)).owner).toBe(at(THREAD(2)));
    expect(e.finished(THREAD(2))).toMatchObject({ rc: "SUCCESS" });
  });

  test("get_state reports the owner through the reference; set_state with a null reference unlocks", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    expect(e.ok("fluke_mutex_get_state", { mutex: M, owner_ref: 0x7020 })).toEqual({ state: { hash: at<KMutex>(M).hash, flags: 0, locked: 1 } });
    expect(e.ok("fluke_ref_type", { ref: 0x7020 })).toEqual({ type: "thread" });
    e.ok("fluke_ref_create", { new_ref: 0x7090 });
    e.ok("fluke_mutex_set_state", { mutex: M, state: null, owner_ref: 0x7090 });
    expect(at<KMutex>(M).owner).toBeNull();
  });
});

describe("kernel cond", () => {
  test("wait releases the mutex, queues the caller and marks its call released", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    expect(e.call("fluke_cond_wait", { cond: C, mutex: M }, THREAD(1))).toEqual({ kind: "blocked" });
    const t = at<KThread>(THREAD(1));
    expect(at<KMutex>(M).owner).toBeNull();
    expect(at<KCond>(C).waiters).toEqual([t]);
    expect(t.pending).toEqual({ name: "fluke_cond_wait", args: { cond: C, mutex: M, released: true } });
  });

  test("signal turns the waiter's call into a mutex lock, which queues behind the holder", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    e.call("fluke_cond_wait", { cond: C, mutex: M }, THREAD(1));
    e.ok("fluke_mutex_lock", { mutex: M });
    e.ok("fluke_cond_signal", { cond: C });
    const t = at<KThread>(THREAD(1));
    expect(t.pending).toEqual({ name: "fluke_mutex_lock", args: { mutex: M } });
    expect(at<KMutex>(M).waiters).toEqual([t]);
    expect(at<KCond>(C).waiters).toEqual([]);
    e.ok("fluke_mutex_unlock", { mutex: M });
    expect(at<KMutex>(M).owner).toBe(t);
  });

  test("signal with no waiter does nothing; broadcast wakes all", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_cond_signal", { cond: C });
    expect(e.d.completions()).toEqual([]);
    for (const i of [1, 2]) {
      e.ok("fluke_mutex_lock", { mutex: M }, THREAD(i));
      e.call("fluke_cond_wait", { cond: C, mutex: M }, THREAD(i));
    }
    e.ok("fluke_cond_broadcast", { cond: C });
    expect(at<KCond>(C).waiters).toEqual([]);
    expect(e.d.completions().map((c) => c.thread)).toEqual([THREAD(1)]);
    expect(at<KMutex>(M).waiters).toEqual([at(THREAD(2))]);
  });
});
