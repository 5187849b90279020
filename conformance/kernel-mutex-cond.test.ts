// Scripted differential tests of the mutex and cond chapters: several threads locking, waiting,
// signalling and being stopped, restarted and destroyed while blocked; every call runs on the model and
// the kernel in lockstep and must give deeply equal results (World.call), and each test also checks the
// spec statement it is about (mutex.md, cond.md). Above: npx vitest. Below: kernel-thread-kit.ts.
import { describe, expect, test } from "vitest";
import type { ThreadState } from "../spec/kernel-api/thread.js";
import { BOOT, COND, MUTEX, NO_REFS, REF, THREAD, World } from "./kernel-thread-kit.js";

const M = MUTEX(0);
const C = COND(0);

/** World with threads 1..n and mutex 0, cond 0. */
const world = (n: number): World => {
  const w = new World();
  for (let i = 1; i <= n; i++) w.thread(i);
  w.ok("fluke_mutex_create", { new_mutex: M });
  w.ok("fluke_cond_create", { new_cond: C });
  return w;
};

const getState = (w: World, t: number, slots: Partial<typeof NO_REFS> = {}): ThreadState =>
  w.ok("fluke_thread_get_state", { thread: t, ...NO_REFS, ...slots })["state"] as ThreadState;

const resume = (w: World, t: number, st: ThreadState): void => {
  w.ok("fluke_thread_set_state", { thread: t, state: { ...st, flags: st.flags & ~1 }, ...NO_REFS });
};

describe("mutex: model and kernel agree", () => {
  test("unlock hands the mutex to waiters in arrival order (no barging)", () => {
    const w = world(3);
    const [a, b, c] = [THREAD(1), THREAD(2), THREAD(3)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    expect(w.code(b, "fluke_mutex_lock", { mutex: M })).toBe("blocked");
    expect(w.code(c, "fluke_mutex_lock", { mutex: M })).toBe("blocked");
    expect(w.code(BOOT, "fluke_mutex_trylock", { mutex: M })).toBe("MUTEX_HELD");
    w.ok("fluke_mutex_unlock", { mutex: M }, a);
    expect(w.done(b)).toBe("SUCCESS");
    expect(w.done(c)).toBe("none");
    expect(w.code(a, "fluke_mutex_trylock", { mutex: M })).toBe("MUTEX_HELD");
    w.ok("fluke_mutex_unlock", { mutex: M }, b);
    expect(w.done(c)).toBe("SUCCESS");
  });

  test("get_state of a blocked locker exports the lock; set_state re-issues it", () => {
    const w = world(2);
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    w.call(b, "fluke_mutex_lock", { mutex: M });
    const st = getState(w, b, { waiting_for_ref: w.ref() });
    expect(st.pending_call).toEqual({ name: "fluke_mutex_lock", args: { mutex: M } });
    expect(st.flags & 1).toBe(1);
    w.ok("fluke_mutex_unlock", { mutex: M }, a);
    expect(w.done(b)).toBe("none"); // it left the queue when it was stopped
    resume(w, b, st);
    expect(w.done(b)).toBe("SUCCESS"); // the re-issued lock finds the mutex free
    expect(w.code(a, "fluke_mutex_trylock", { mutex: M })).toBe("MUTEX_HELD");
  });

  test("a re-issued lock that finds the mutex held blocks again and is woken later", () => {
    const w = world(2);
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    w.call(b, "fluke_mutex_lock", { mutex: M });
    const st = getState(w, b);
    resume(w, b, st);
    expect(w.done(b)).toBe("none");
    expect(w.code(b, "fluke_thread_self", {})).toBe("not_runnable");
    w.ok("fluke_mutex_unlock", { mutex: M }, a);
    expect(w.done(b)).toBe("SUCCESS");
  });

  test("destroying the owner releases its mutexes to the waiters; a destroyed waiter is skipped", () => {
    const w = world(3);
    const [a, b, c] = [THREAD(1), THREAD(2), THREAD(3)];
    w.ok("fluke_mutex_create", { new_mutex: MUTEX(1) });
    w.ok("fluke_mutex_lock", { mutex: MUTEX(1) }, a);
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    w.call(b, "fluke_mutex_lock", { mutex: M });
    w.call(c, "fluke_mutex_lock", { mutex: MUTEX(1) });
    w.ok("fluke_thread_destroy", { thread: b });
    expect(w.last.completions).toEqual([]);
    w.ok("fluke_thread_destroy", { thread: a });
    expect(w.last.completions.map((x) => x.thread)).toEqual([c]);
    w.ok("fluke_mutex_trylock", { mutex: M }); // b was skipped: M is free
    expect(w.code(BOOT, "fluke_mutex_trylock", { mutex: MUTEX(1) })).toBe("MUTEX_HELD");
  });

  test("set_state gives the mutex to a waiting thread, whose lock returns; a null owner unlocks", () => {
    const w = world(2);
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    w.call(b, "fluke_mutex_lock", { mutex: M });
    const rb = w.ref(b);
    w.ok("fluke_mutex_set_state", { mutex: M, state: null, owner_ref: rb });
    expect(w.done(b)).toBe("SUCCESS");
    const owner = w.ref();
    expect(w.ok("fluke_mutex_get_state", { mutex: M, owner_ref: owner })["state"]).toMatchObject({ locked: 1 });
    expect(w.ok("fluke_ref_compare", { ref1: owner, ref2: rb })["equal"]).toBe(true);
    w.ok("fluke_mutex_set_state", { mutex: M, state: { hash: 0, flags: 5, locked: 0 }, owner_ref: w.ref() });
    expect(w.ok("fluke_mutex_get_state", { mutex: M, owner_ref: 0 })["state"]).toMatchObject({ locked: 0, flags: 5 });
    expect(w.code(a, "fluke_mutex_unlock", { mutex: M })).toBe("INS:MUTEX_NOT_LOCKED");
  });

  test("a moved mutex keeps its owner and queue", () => {
    const w = world(2);
    w.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    w.call(THREAD(2), "fluke_mutex_lock", { mutex: M });
    w.ok("fluke_mutex_move", { old_addr: M, new_addr: MUTEX(7) });
    w.ok("fluke_mutex_unlock", { mutex: MUTEX(7) }, THREAD(1));
    expect(w.done(THREAD(2))).toBe("SUCCESS");
  });
});

describe("cond: model and kernel agree", () => {
  test("wait releases the mutex; signal wakes the first waiter, which re-acquires it", () => {
    const w = world(3);
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    expect(w.code(a, "fluke_cond_wait", { cond: C, mutex: M })).toBe("blocked");
    w.ok("fluke_mutex_lock", { mutex: M }, b); // released by the wait
    expect(w.code(b, "fluke_cond_wait", { cond: C, mutex: M })).toBe("blocked");
    w.ok("fluke_mutex_lock", { mutex: M }, THREAD(3));
    w.ok("fluke_cond_signal", { cond: C });
    expect(w.done(a)).toBe("none"); // woken, but the mutex is held: now waiting for it
    w.ok("fluke_mutex_unlock", { mutex: M }, THREAD(3));
    expect(w.done(a)).toBe("SUCCESS");
    expect(w.done(b)).toBe("none");
  });

  test("broadcast wakes every waiter; they get the mutex one after another", () => {
    const w = world(3);
    const ts = [THREAD(1), THREAD(2), THREAD(3)];
    for (const t of ts) {
      w.ok("fluke_mutex_lock", { mutex: M }, t);
      w.call(t, "fluke_cond_wait", { cond: C, mutex: M });
    }
    w.ok("fluke_cond_broadcast", { cond: C });
    expect(w.done(ts[0]!)).toBe("SUCCESS");
    for (let i = 0; i < 2; i++) {
      w.ok("fluke_mutex_unlock", { mutex: M }, ts[i]!);
      expect(w.done(ts[i + 1]!)).toBe("SUCCESS");
    }
  });

  test("a waiter's exported call is marked released; restarting it does not release the mutex again", () => {
    const w = world(2);
    const [a, b] = [THREAD(1), THREAD(2)];
    w.ok("fluke_mutex_lock", { mutex: M }, a);
    w.call(a, "fluke_cond_wait", { cond: C, mutex: M });
    const st = getState(w, a, { waiting_for_ref: w.ref() });
    expect(st.pending_call).toEqual({ name: "fluke_cond_wait", args: { cond: C, mutex: M, released: true } });
    w.ok("fluke_mutex_lock", { mutex: M }, b);
    resume(w, a, st);
    expect(w.done(a)).toBe("none"); // waiting on the condition again, b still holds the mutex
    w.ok("fluke_cond_signal", { cond: C }, b);
    w.ok("fluke_mutex_unlock", { mutex: M }, b);
    expect(w.done(a)).toBe("SUCCESS");
  });

  test("destroying a condition wakes its waiters; get_state/set_state keep flags and inheritor", () => {
    const w = world(2);
    w.ok("fluke_mutex_lock", { mutex: M }, THREAD(1));
    w.call(THREAD(1), "fluke_cond_wait", { cond: C, mutex: M });
    w.ok("fluke_cond_set_state", { cond: C, state: { hash: 0, flags: 6 }, inheritor_ref: w.ref(THREAD(2)) });
    const inh = w.ref();
    expect(w.ok("fluke_cond_get_state", { cond: C, inheritor_ref: inh })["state"]).toMatchObject({ flags: 6 });
    expect(w.ok("fluke_ref_type", { ref: inh })["type"]).toBe("thread");
    w.ok("fluke_cond_destroy", { cond: C });
    expect(w.done(THREAD(1))).toBe("SUCCESS");
    expect(w.code(BOOT, "fluke_cond_signal", { cond: C })).toBe("INS:NO_OBJECT");
  });

  test("a waiter stopped and destroyed leaves the queue; signal goes to the next", () => {
    const w = world(3);
    for (const t of [THREAD(1), THREAD(2)]) {
      w.ok("fluke_mutex_lock", { mutex: M }, t);
      w.call(t, "fluke_cond_wait", { cond: C, mutex: M });
    }
    w.ok("fluke_thread_destroy", { thread: THREAD(1) });
    w.ok("fluke_cond_signal", { cond: C });
    expect(w.done(THREAD(2))).toBe("SUCCESS");
    expect(REF(0)).toBeGreaterThan(0);
  });
});
