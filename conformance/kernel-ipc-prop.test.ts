// Property test of the port, port-set and IPC chapters: random sequences of their calls (plus a few
// reference, task-keeper and thread calls that interact with IPC) by several threads run on the model
// and the concrete kernel in lockstep; every step must give deeply equal outcomes and completions, and
// the reference slots must end bound to the same objects. The seed is printed; FLUKE_SEED replays one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { objectAtPhys } from "../model/objects.js";
import { whyNotRunnable } from "../model/sched.js";
import { threadByName } from "../model/step.js";
import { BOOT, IpcWorld, P, PORT, PSET, REF } from "./kernel-ipc-kit.js";

const SEED = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : 20_261_130;
console.log(`kernel ipc lockstep property: seed ${SEED} (replay with FLUKE_SEED=${SEED})`);
const RUNS = Number(process.env["FLUKE_RUNS"] ?? 60);
const THREADS = 8;

interface Step { readonly who: number; readonly name: string; readonly args: Record<string, unknown> }

const port = fc.integer({ min: 0, max: 2 }).map(PORT);
const pset = fc.integer({ min: 0, max: 1 }).map(PSET);
const ref = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) }).map(REF);
const optRef = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: ref });
const params = fc.record({
  send_words: fc.array(fc.nat(9), { maxLength: 4 }),
  send_refs: fc.array(ref, { maxLength: 2 }),
  recv_words_max: fc.oneof({ weight: 1, arbitrary: fc.nat(1) }, { weight: 20, arbitrary: fc.integer({ min: 2, max: 5 }) }),
  recv_refs: fc.array(ref, { maxLength: 2 }),
}).map(P);

const SIDE_OPS = ["send", "receive", "over_receive", "ack_send", "ack_send_over_receive", "send_over_receive", "disconnect", "alert"];

const call = (name: string, args: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<{ name: string; args: Record<string, unknown> }> =>
  args.map((a) => ({ name, args: a }));

/** Object calls; the ones that mostly fail on the starting objects (create, destroy) are rarer. */
const objectCalls = fc.oneof(
  { weight: 1, arbitrary: fc.oneof(
    call("fluke_port_create", fc.record({ new_port: port })),
    call("fluke_port_create_hash", fc.record({ new_port: port, hash: fc.nat(5) })),
    call("fluke_port_destroy", fc.record({ port })),
    call("fluke_pset_create", fc.record({ new_pset: pset })),
    call("fluke_pset_destroy", fc.record({ pset })),
    call("fluke_port_move", fc.record({ old_addr: port, new_addr: fc.constantFrom(PORT(4), PORT(5)) })),
    call("fluke_pset_move", fc.record({ old_addr: pset, new_addr: fc.constantFrom(PSET(4), PSET(5)) })),
  ) },
  { weight: 4, arbitrary: fc.oneof(
    call("fluke_port_get_state", fc.record({ port, pset_ref: optRef })),
    call("fluke_port_set_state", fc.record({ port, state: fc.option(fc.record({ hash: fc.nat(3), alias: fc.nat(9) })), pset_ref: fc.constantFrom(0, REF(6), REF(7)) })),
    call("fluke_port_reference", fc.record({ port, new_port_ref: ref })),
    call("fluke_pset_get_state", fc.record({ pset })),
    call("fluke_pset_set_state", fc.record({ pset, state: fc.constant(null) })),
    call("fluke_pset_reference", fc.record({ pset, new_pset_ref: fc.constantFrom(REF(6), REF(7)) })),
  ) },
);

const ipcCalls = fc.oneof(
  call("fluke_ipc_send", fc.record({ destination: ref, ipc_params: params })),
  call("fluke_ipc_call", fc.record({ destination: ref, ipc_params: params })),
  call("fluke_ipc_client_connect_send", fc.record({ destination: ref, ipc_params: params })),
  call("fluke_ipc_client_connect_send_over_receive", fc.record({ destination: ref, ipc_params: params })),
  call("fluke_ipc_setup_wait_receive", fc.record({ pset, ipc_params: params })),
  call("fluke_ipc_wait_receive", fc.record({ ipc_params: params })),
  fc.constantFrom("fluke_ipc_reply", "fluke_ipc_reply_wait_receive", "fluke_ipc_wait_receive", "fluke_ipc_server_ack_send_wait_receive", "fluke_ipc_server_send_wait_receive")
    .chain((name) => call(name, fc.record({ ipc_params: params }))),
  fc.tuple(fc.constantFrom("client", "server"), fc.constantFrom(...SIDE_OPS)).chain(([side, op]) =>
    call(`fluke_ipc_${side}_${op}`, op === "disconnect" || op === "alert" ? fc.constant({}) : fc.record({ ipc_params: params }))),
);

const threadCalls = fc.oneof(
  call("fluke_thread_destroy", fc.integer({ min: 1, max: THREADS }).map((n) => ({ thread: 0x2000 + n * 128 }))),
  call("fluke_thread_get_state", fc.integer({ min: 1, max: THREADS }).map((n) => ({ thread: 0x2000 + n * 128, task_ref: 0, scheduler_ref: 0, waiting_for_ref: REF(7), client_ref: REF(6), server_ref: 0 }))),
);

const step: fc.Arbitrary<Step> = fc.record({
  who: fc.nat(THREADS),
  c: fc.oneof({ weight: 2, arbitrary: objectCalls }, { weight: 12, arbitrary: ipcCalls }, { weight: 1, arbitrary: threadCalls }),
}).map(({ who, c }) => ({ who, ...c }));

/**
 * The machine every sequence starts from: references 0..7 (0..2 to ports 0..2, 6 and 7 to sets 1 and
 * 0), ports 0, 1, 2 in sets 0, 1, 0 (aliases 1, 2, 3), port 0 the root task's keeper;
 * threads 1..3 wait on sets 0, 1, 0.
 */
const start = (): IpcWorld => {
  const w = new IpcWorld(THREADS);
  for (let i = 0; i < 8; i++) w.nullRef(i);
  for (const i of [0, 1]) w.ok("fluke_pset_create", { new_pset: PSET(i) });
  for (const i of [0, 1, 2]) {
    w.ok("fluke_port_create", { new_port: PORT(i) });
    w.ok("fluke_port_reference", { port: PORT(i), new_port_ref: REF(i) });
  }
  for (const i of [0, 1]) w.ok("fluke_pset_reference", { pset: PSET(i), new_pset_ref: REF(7 - i) });
  for (const i of [0, 1, 2]) w.ok("fluke_port_set_state", { port: PORT(i), state: { hash: 0, alias: i + 1 }, pset_ref: REF(7 - (i % 2)) });
  w.ok("fluke_task_set_state", { task: 0x1000, state: null, keeper_ref: REF(0) });
  w.t.slice(0, 3).forEach((t, i) => w.call(t, "fluke_ipc_setup_wait_receive", { pset: PSET(i % 2), ipc_params: P({ recv_words_max: 4, recv_refs: [REF(3)] }) }));
  return w;
};

/** Root address of the object the reference at `va` points to on each side (0: null or dangling, -1: no reference). */
const modelTarget = (w: IpcWorld, va: number): number => {
  const r = objectAtPhys(w.ls.model, va - 0x1000);
  if (r?.type !== "ref") return -1;
  const o = r.target === null ? undefined : w.ls.model.objects.get(r.target);
  return o === undefined ? 0 : 0x1000 + o.paddr;
};
const kernelTarget = (w: IpcWorld, va: number): number => {
  const r = w.ls.kernel.objects.at(va - 0x1000);
  if (r?.type !== "ref") return -1;
  return r.target === null || !r.target.alive ? 0 : 0x1000 + r.target.paddr;
};

const runnable = (w: IpcWorld, name: number): boolean => {
  const t = threadByName(w.ls.model, name);
  return t !== undefined && whyNotRunnable(w.ls.model, t) === null;
};

describe("port, pset and IPC calls in lockstep (property)", () => {
  it("give equal outcomes and completions at every step, from several threads", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 50 }), (steps) => {
        const w = start();
        const names = [BOOT, ...w.t];
        for (const s of steps) {
          const ready = names.filter((n) => runnable(w, n)); // steps go to threads that can take one
          if (ready.length === 0) break;
          w.call(ready[s.who % ready.length]!, s.name, s.args); // asserts kernel == model
        }
        for (let i = 0; i < 8; i++) expect(kernelTarget(w, REF(i)), `target of reference ${i}`).toBe(modelTarget(w, REF(i)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
