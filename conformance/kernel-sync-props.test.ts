// Differential property test of the thread, mutex, cond and ref chapters: random sequences of those
// chapters' calls, made by several threads (the boot thread and three threads made through the public
// API), run on the model and the kernel in lockstep; every step must give deeply equal results (outcome
// and completions, in order). Arguments are drawn from small pools of addresses (live objects, empty
// blocks, misaligned and unmapped addresses) so that every error path and every blocking/waking path is
// reached. The seed is fixed and printed; FLUKE_SEED replays another, FLUKE_RUNS sets the run count.
// Above: npx vitest. Below: conformance/kernel-thread-kit.ts.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import { FLUKE_THREAD_EXPORTED_ONLY } from "../spec/kernel-api/thread.js";
import { BOOT, COND, EMPTY, MUTEX, NO_REFS, REF, ROOT, THREAD, UNMAPPED, World, blankState, rc } from "./kernel-thread-kit.js";

const SEED = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : 0x5eed_2026;
const RUNS = process.env["FLUKE_RUNS"] !== undefined ? Number(process.env["FLUKE_RUNS"]) : 60;
console.log(`kernel sync properties: seed ${SEED} (replay with FLUKE_SEED=${SEED}), ${RUNS} sequences`);

const THREADS = [BOOT, THREAD(1), THREAD(2), THREAD(3)];
const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
/** Mostly `good` addresses, sometimes an odd one (empty, unmapped, null, misaligned) or one of the wrong type. */
const addr = (good: readonly number[], wrong: readonly number[]): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: pick(good), weight: 6 }, { arbitrary: pick([EMPTY, UNMAPPED, 0, 0x1084, ...wrong]), weight: 1 });
const mutexVa = addr([MUTEX(0), MUTEX(1), MUTEX(2)], [COND(0)]);
const condVa = addr([COND(0), COND(1)], [MUTEX(0)]);
const refVa = addr([REF(0), REF(1), REF(2), REF(3), REF(4)], [MUTEX(0)]);
const optRef = fc.oneof({ arbitrary: pick([0]), weight: 3 }, { arbitrary: refVa, weight: 2 });
const threadVa = addr([...THREADS, THREAD(4), THREAD(5)], [MUTEX(0)]);
const anyVa = pick([ROOT, ...THREADS, THREAD(4), MUTEX(0), MUTEX(1), COND(0), REF(0), EMPTY]);
const hash = pick([0, 7, 0xffff_ffff]);

const pending = pick([
  null, { name: "fluke_mutex_lock", args: { mutex: MUTEX(0) } }, { name: "fluke_cond_wait", args: { cond: COND(0), mutex: MUTEX(0), released: true } },
  { name: "fluke_thread_self", args: {} }, { name: "no_such_call", args: {} }, { name: "fluke_mutex_lock", args: { mutex: "x" } },
]);
const flags = fc.tuple(fc.nat(3), fc.boolean(), fc.nat(15)).map(([s, e, x]) =>
  (s === 0 ? FLUKE_THREAD_STOPPED : 0) | (e ? FLUKE_THREAD_EXCEPTION_ENABLE : 0) | ((x << 4) & FLUKE_THREAD_EXPORTED_ONLY));
const state = fc.record({ va: pick(THREADS), flags, h: pick([0, 0x5000, 0x5000]), p: pending, sp: pending }).map((r) =>
  blankState(r.va, { flags: r.flags, trap_handler: r.h, interrupt_handler: r.h, client_alert_handler: r.h, pending_call: r.p, saved_pending_call: r.sp, eax: 3 }));
const slots = fc.record({ task_ref: optRef, scheduler_ref: optRef, waiting_for_ref: optRef, client_ref: optRef, server_ref: optRef });
/** set_state slots that mostly decode: the root task (REF(0)), port 0 (REF(1)), any reference for the rest. */
const goodSlots = fc.record({
  task_ref: pick([0, REF(0), REF(0)]), scheduler_ref: pick([0, REF(1), REF(1)]), waiting_for_ref: optRef,
  client_ref: pick([0, 0, REF(3)]), server_ref: pick([0, 0, REF(4)]),
});

type Call = { name: string; args: Record<string, unknown> };
const c = (name: string, args: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Call> => args.map((a) => ({ name, args: a }));
const r = fc.record;

const mutexCalls = [
  c("fluke_mutex_create", r({ new_mutex: mutexVa })), c("fluke_mutex_create_hash", r({ new_mutex: mutexVa, hash })),
  c("fluke_mutex_destroy", r({ mutex: mutexVa })), c("fluke_mutex_lock", r({ mutex: mutexVa })), c("fluke_mutex_lock", r({ mutex: mutexVa })),
  c("fluke_mutex_trylock", r({ mutex: mutexVa })), c("fluke_mutex_unlock", r({ mutex: mutexVa })), c("fluke_mutex_unlock", r({ mutex: mutexVa })),
  c("fluke_mutex_get_state", r({ mutex: mutexVa, owner_ref: optRef })),
  c("fluke_mutex_set_state", r({ mutex: mutexVa, state: fc.option(r({ hash, flags: pick([0, 1]), locked: pick([0, 1]) })), owner_ref: optRef })),
  c("fluke_mutex_move", r({ old_addr: mutexVa, new_addr: mutexVa })), c("fluke_mutex_reference", r({ mutex: mutexVa, new_mutex_ref: refVa })),
];
const condCalls = [
  c("fluke_cond_create", r({ new_cond: condVa })), c("fluke_cond_create_hash", r({ new_cond: condVa, hash })), c("fluke_cond_destroy", r({ cond: condVa })),
  c("fluke_cond_wait", r({ cond: condVa, mutex: mutexVa })), c("fluke_cond_wait", r({ cond: condVa, mutex: mutexVa })),
  c("fluke_cond_signal", r({ cond: condVa })), c("fluke_cond_broadcast", r({ cond: condVa })),
  c("fluke_cond_get_state", r({ cond: condVa, inheritor_ref: optRef })),
  c("fluke_cond_set_state", r({ cond: condVa, state: fc.option(r({ hash, flags: pick([0, 3]) })), inheritor_ref: optRef })),
  c("fluke_cond_move", r({ old_addr: condVa, new_addr: condVa })), c("fluke_cond_reference", r({ cond: condVa, new_cond_ref: refVa })),
];
const refCalls = [
  c("fluke_ref_create", r({ new_ref: refVa })), c("fluke_ref_destroy", r({ ref: refVa })), c("fluke_ref_copy", r({ src_ref: refVa, dst_ref: refVa })),
  c("fluke_ref_compare", r({ ref1: refVa, ref2: refVa })), c("fluke_ref_hash", r({ ref: refVa })), c("fluke_ref_type", r({ ref: refVa })),
  c("fluke_ref_move", r({ old_addr: refVa, new_addr: refVa })), c("fluke_ref_check", r({ ref: refVa })),
  c("fluke_task_reference", r({ task: anyVa, new_task_ref: refVa })), c("fluke_port_reference", r({ port: pick([0x8000, EMPTY]), new_port_ref: refVa })),
];
const cur = r({ cur_thread: threadVa });
const threadCalls = [
  c("fluke_thread_create", r({ new_thread: threadVa })), c("fluke_thread_create_hash", r({ new_thread: threadVa, hash })),
  c("fluke_thread_destroy", r({ thread: threadVa })), c("fluke_thread_move", r({ old_addr: threadVa, new_addr: threadVa })),
  c("fluke_thread_reference", r({ thread: threadVa, new_thread_ref: refVa })), c("fluke_thread_self", r({})),
  c("fluke_thread_interrupt", r({ thread: threadVa })), c("fluke_thread_schedule", r({ thread: threadVa })),
  c("fluke_thread_get_state", slots.chain((s) => r({ thread: threadVa }).map((t) => ({ ...t, ...s })))),
  c("fluke_thread_get_state", r({ thread: threadVa }).map((t) => ({ ...t, ...NO_REFS }))),
  c("fluke_thread_set_state", fc.tuple(slots, threadVa, state).map(([s, t, st]) => ({ ...s, thread: t, state: st }))),
  c("fluke_thread_set_state", fc.tuple(goodSlots, pick(THREADS), state).map(([s, t, st]) => ({ ...s, thread: t, state: st }))),
  c("fluke_thread_set_state", fc.tuple(goodSlots, pick(THREADS), state).map(([s, t, st]) => ({ ...s, thread: t, state: st }))),
  c("fluke_thread_disable_exceptions", cur), c("fluke_thread_enable_exceptions", cur), c("fluke_thread_get_handlers", cur),
  c("fluke_thread_set_handlers", r({ cur_thread: threadVa, trap_handler: pick([0, 0x5000]), interrupt_handler: pick([0, 0x5100]), client_alert_handler: pick([0, 0x5200]), server_alert_handler: pick([0, 0x5300]) })),
  c("fluke_thread_get_saved_state", cur),
  c("fluke_thread_set_saved_state", r({ cur_thread: threadVa, saved_state: r({ eax: pick([0, 9]), ecx: pick([0, 1]), edx: pick([0]), eip: pick([0, 0x5000]), eflags: pick([0, 2]), pending_call: pending }) })),
  c("fluke_thread_return_from_exception", cur),
  c("fluke_thread_get_client", r({ cur_thread: threadVa, client_ref: optRef })), c("fluke_thread_get_server", r({ cur_thread: threadVa, server_ref: optRef })),
  c("fluke_thread_set_client", r({ cur_thread: threadVa, client_ref: optRef, flags: pick([0, 1, 3]) })),
  c("fluke_thread_set_server", r({ cur_thread: threadVa, server_ref: optRef, flags: pick([0, 2, 3]) })),
];

/** A little IPC, so that keeper calls meet servers and threads block, lend time and are stopped in IPC. */
const ipcCalls = [
  c("fluke_ipc_setup_wait_receive", r({ pset: pick([0x9000]), ipc_params: r({ recv_words_max: pick([16]) }) })),
  c("fluke_ipc_call", r({ destination: pick([REF(1)]), ipc_params: r({ send_words: pick([[1], []]), recv_words_max: pick([4]) }) })),
  c("fluke_ipc_reply", r({ ipc_params: r({ send_words: pick([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]) }) })),
];

/** Macro: lock the mutex, then wait on the condition with it (so that waits reach the blocking path). */
const lockWait = c("lock+wait", r({ cond: pick([COND(0), COND(1)]), mutex: pick([MUTEX(0), MUTEX(1)]) }));
const step = fc.record({ thread: pick(THREADS), call: fc.oneof(lockWait, lockWait, ...mutexCalls, ...condCalls, ...refCalls, ...threadCalls, ...ipcCalls) });

/** The calls one generated step stands for. */
const expand = (call: Call): Call[] =>
  call.name === "lock+wait" ? [{ name: "fluke_mutex_lock", args: { mutex: call.args["mutex"] } }, { name: "fluke_cond_wait", args: call.args }] : [call];

const HANDLERS = { trap_handler: 0x5000, interrupt_handler: 0x5100, client_alert_handler: 0x5200, server_alert_handler: 0x5300 };

/** A world with three runnable threads (trap handlers set, exceptions enabled), two mutexes, a condition and two references (to the root task and port 0). */
const setup = (keeper: boolean): World => {
  const w = new World();
  for (const i of [1, 2, 3]) w.thread(i, { flags: FLUKE_THREAD_EXCEPTION_ENABLE, trap_handler: 0x5000, interrupt_handler: 0x5100 });
  w.ok("fluke_thread_set_handlers", { cur_thread: BOOT, ...HANDLERS });
  w.ok("fluke_thread_enable_exceptions", { cur_thread: BOOT });
  w.ok("fluke_mutex_create", { new_mutex: MUTEX(0) });
  w.ok("fluke_mutex_create", { new_mutex: MUTEX(1) });
  w.ok("fluke_cond_create", { new_cond: COND(0) });
  for (const i of [0, 1, 2]) w.ok("fluke_ref_create", { new_ref: REF(i) });
  w.ok("fluke_task_reference", { task: ROOT, new_task_ref: REF(0) });
  w.ok("fluke_port_reference", { port: 0x8000, new_port_ref: REF(1) });
  w.ok("fluke_pset_create", { new_pset: 0x9000 });
  w.ok("fluke_ref_create", { new_ref: REF(5) });
  w.ok("fluke_pset_reference", { pset: 0x9000, new_pset_ref: REF(5) });
  w.ok("fluke_port_set_state", { port: 0x8000, state: null, pset_ref: REF(5) });
  if (keeper) w.ok("fluke_task_set_state", { task: ROOT, state: null, keeper_ref: REF(1) }); // unhandled exceptions become kernel calls
  return w;
};

describe("thread, mutex, cond and ref: model and kernel agree on random sequences", () => {
  test("every step gives equal outcomes and completions", () => {
    let steps = 0;
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { minLength: 10, maxLength: 50 }), (keeper, seq) => {
        const w = setup(keeper);
        for (const s of seq.flatMap((g) => expand(g.call).map((call) => ({ thread: g.thread, call })))) {
          // a thread that cannot run passes its turn to the next one (both sides must agree on that too)
          const first = THREADS.indexOf(s.thread);
          let who = s.thread;
          let res = w.ls.call(s.call.name, s.call.args, who);
          for (let i = 1; i < THREADS.length && res.model.outcome !== "harness-error" && res.model.outcome.kind === "not_runnable"; i++) {
            expect(res.kernel, w.ls.transcript()).toEqual(res.model);
            who = THREADS[(first + i) % THREADS.length]!;
            res = w.ls.call(s.call.name, s.call.args, who);
          }
          expect(res.kernel, w.ls.transcript()).toEqual(res.model);
          steps++;
          const key = `${s.call.name} ${res.model.outcome === "harness-error" ? "harness" : rc(res.model.outcome)}${res.model.completions.length > 0 ? " +done" : ""}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const o = res.model.outcome;
          if (o !== "harness-error" && (o.kind === "insanity" || o.kind === "fault")) {
            // the thread entered its trap handler: return from it, so the sequence goes on
            const back = w.ls.call("fluke_thread_return_from_exception", { cur_thread: who }, who);
            expect(back.kernel, w.ls.transcript()).toEqual(back.model);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(steps).toBeGreaterThan(RUNS);
    if (process.env["FLUKE_STATS"] !== undefined) console.log([...seen].sort().map(([k, n]) => `${n}\t${k}`).join("\n"));
    // the sequences reach blocking, waking and exception paths (not only argument errors)
    const reached = (re: RegExp): number => [...seen].filter(([k]) => re.test(k)).reduce((a, [, n]) => a + n, 0);
    expect(reached(/^fluke_mutex_lock blocked/)).toBeGreaterThan(0);
    expect(reached(/^fluke_cond_wait blocked/)).toBeGreaterThan(0);
    expect(reached(/\+done$/)).toBeGreaterThan(0);
    expect(reached(/^fluke_thread_get_state SUCCESS/)).toBeGreaterThan(0);
    expect(reached(/^fluke_thread_schedule blocked/)).toBeGreaterThan(0);
  });
});
