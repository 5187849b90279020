// One conformance session: the abstract model (the reference, driven in-process with model/step.ts) and
// an Adapter receive the same calls, and every answer is compared with the model's (outcome and
// completions, in order; see conformance/PROTOCOL.md "What is compared"). A random sequence starts with
// a fixed setup made through ordinary calls (three more threads, a scheduler port, mutexes, a condition,
// references), then draws each call with model/prop-gen.ts from the model's current state. A thread
// blocked for good by an exception is revived through the API before the next random call: a runnable
// root-task thread exports it with fluke_thread_get_state and reloads it with fluke_thread_set_state
// without the exception wait and the pending call (as if its keeper had told it to skip the call); those
// calls are compared like any other. Above: conform-campaign.ts. Below: model/, adapters/adapter.ts.
import { FLUKE_THREAD_STOPPED, type Outcome } from "../spec/kernel-api/common.js";
import { FLUKE_THREAD_EXCEPTION_WAIT } from "../spec/kernel-api/thread.js";
import { BOOT_THREAD_VA, ROOT_TASK_VA, boot } from "../model/boot.js";
import { rootVa } from "../model/memory.js";
import { genCall } from "../model/prop-gen.js";
import { whyNotRunnable } from "../model/sched.js";
import type { ModelState, ThreadObj } from "../model/state.js";
import { HarnessError, step } from "../model/step.js";
import { AdapterFault, type Adapter, type FaultKind } from "./adapters/adapter.js";
import type { CallResult, HashMode } from "./protocol.js";

/** One call of a sequence, as sent to both sides and written to replay files. */
export interface Step {
  readonly thread: number;
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** setup: the fixed start; random: drawn by the generator; revive: reviving a thread (see above). */
  readonly origin: "setup" | "random" | "revive";
}

/** One random step as fast-check draws it: which thread, which registry row band, which argument seed. */
export interface RandStep { readonly thread: number; readonly call: number; readonly seed: number }

export type Failure =
  | { readonly kind: "disagreement"; readonly index: number; readonly where: string; readonly model: CallResult; readonly adapter: CallResult }
  | { readonly kind: "adapter-fault"; readonly index: number; readonly fault: FaultKind; readonly message: string }
  | { readonly kind: "model-fault"; readonly index: number; readonly message: string };

export interface RunResult { readonly steps: readonly Step[]; readonly failure: Failure | null; readonly calls: number }

class Stop extends Error {
  constructor(readonly failure: Failure) { super(failure.kind); }
}

const REFS0 = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
const SCHED_PORT = 0x2800;
const TASK_REF = 0x2900;
const PORT_REF = 0x2910;
/** Root addresses of the three threads the setup makes (model/test-threads.ts's extraThreadVa(1..3)). */
export const SETUP_THREADS = [0x2080, 0x2100, 0x2180];

const blankThread = (va: number): Record<string, unknown> => ({
  hash: 0, thread_va: va, sched_val: 0, flags: 0,
  eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: 0, eip: 0, eflags: 0, min_msg: [0, 0],
  trap_handler: 0, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0,
  saved_eax: 0, saved_ecx: 0, saved_edx: 0, saved_eip: 0, saved_eflags: 0,
  server_pset: 0, server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0,
  pending_call: null, saved_pending_call: null,
});

/** The fixed start of every random sequence: public calls by the boot thread (cf. prop-gen's startState). */
export const SETUP: readonly Step[] = [
  ["fluke_port_create", { new_port: SCHED_PORT }],
  ["fluke_ref_create", { new_ref: TASK_REF }],
  ["fluke_ref_create", { new_ref: PORT_REF }],
  ["fluke_task_reference", { task: ROOT_TASK_VA, new_task_ref: TASK_REF }],
  ["fluke_port_reference", { port: SCHED_PORT, new_port_ref: PORT_REF }],
  ...SETUP_THREADS.flatMap((va): [string, Record<string, unknown>][] => [
    ["fluke_thread_create", { new_thread: va }],
    ["fluke_thread_set_state", { thread: va, state: blankThread(va), ...REFS0, task_ref: TASK_REF, scheduler_ref: PORT_REF }],
  ]),
  ["fluke_mutex_create", { new_mutex: 0x3000 }],
  ["fluke_mutex_create", { new_mutex: 0x3010 }],
  ["fluke_cond_create", { new_cond: 0x3020 }],
  ["fluke_ref_create", { new_ref: 0x3030 }],
  ["fluke_ref_create", { new_ref: 0x3040 }],
  ["fluke_ref_create", { new_ref: 0x3050 }],
  ["fluke_mutex_reference", { mutex: 0x3000, new_mutex_ref: 0x3030 }],
  ["fluke_cond_reference", { cond: 0x3020, new_cond_ref: 0x3040 }],
].map(([name, args]) => ({ thread: BOOT_THREAD_VA, name: name as string, args: args as Record<string, unknown>, origin: "setup" as const }));

/** Plain JSON data, as it would cross the protocol (undefined fields dropped). */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const threadsOf = (s: ModelState): ThreadObj[] =>
  [...s.objects.values()].filter((o): o is ThreadObj => o.type === "thread").sort((a, b) => a.oid - b.oid);

export class Session {
  s: ModelState = boot();
  readonly steps: Step[] = [];
  calls = 0;
  private hashes: HashMode = "model";
  /** Hash values the model chose itself (objects created without a caller's hash). */
  private readonly chosen = new Set<number>();
  private readonly m2a = new Map<number, number>();
  private readonly a2m = new Map<number, number>();

  constructor(readonly adapter: Adapter, readonly pages = 64) {}

  async start(): Promise<void> {
    this.s = boot({ pages: this.pages });
    try {
      this.hashes = (await this.adapter.reset(this.pages)).hashes;
    } catch (e) {
      if (e instanceof AdapterFault) throw new Stop({ kind: "adapter-fault", index: -1, fault: e.kind, message: e.message });
      throw e;
    }
  }

  /** Run one call on both sides and compare; returns the model's result, or null if the model refuses the call. */
  async do(st: Step): Promise<CallResult | null> {
    let m: CallResult;
    const before = this.s;
    try {
      const r = step(before, st.thread, { name: st.name, args: st.args });
      this.s = r.state;
      m = plain({ outcome: r.outcome, completions: r.completions });
    } catch (e) {
      if (e instanceof HarnessError) return null; // not a kernel call: never sent
      this.steps.push(st);
      throw new Stop({ kind: "model-fault", index: this.steps.length - 1, message: `the model threw ${String(e)} on ${st.name}` });
    }
    this.noteChosenHashes(before, st);
    this.steps.push(st);
    const index = this.steps.length - 1;
    let a: CallResult;
    try {
      a = await this.adapter.call(st.thread, st.name, st.args);
    } catch (e) {
      if (e instanceof AdapterFault) throw new Stop({ kind: "adapter-fault", index, fault: e.kind, message: e.message });
      throw e;
    }
    this.calls++;
    const where = this.differ(m, a, "");
    if (where !== null) throw new Stop({ kind: "disagreement", index, where, model: m, adapter: a });
    return m;
  }

  private noteChosenHashes(before: ModelState, st: Step): void {
    const asked = typeof st.args["hash"] === "number" ? st.args["hash"] : 0;
    for (let oid = before.nextOid; oid < this.s.nextOid; oid++) {
      const o = this.s.objects.get(oid);
      if (o !== undefined && (asked === 0 || o.hash !== asked)) this.chosen.add(o.hash);
    }
  }

  /** Path of the first difference between the model's value and the adapter's, or null. */
  private differ(m: unknown, a: unknown, path: string): string | null {
    if (this.hashes === "implementation" && path.endsWith(".hash") && typeof m === "number" && this.chosen.has(m) && typeof a === "number") {
      const am = this.m2a.get(m);
      const ma = this.a2m.get(a);
      if (am === undefined && ma === undefined) { this.m2a.set(m, a); this.a2m.set(a, m); return null; }
      return am === a && ma === m ? null : `${path || "(result)"} (implementation-chosen hash ${m} already matched ${am ?? "another"})`;
    }
    if (Array.isArray(m) || Array.isArray(a)) {
      if (!Array.isArray(m) || !Array.isArray(a) || m.length !== a.length) return path || "(result)";
      for (let i = 0; i < m.length; i++) { const d = this.differ(m[i], a[i], `${path}[${i}]`); if (d !== null) return d; }
      return null;
    }
    if (typeof m === "object" && m !== null && typeof a === "object" && a !== null) {
      const keys = new Set([...Object.keys(m), ...Object.keys(a)]);
      for (const k of [...keys].sort()) {
        const d = this.differ((m as Record<string, unknown>)[k], (a as Record<string, unknown>)[k], `${path}.${k}`);
        if (d !== null) return d;
      }
      return null;
    }
    return m === a ? null : path || "(result)";
  }

  /** Revive every thread blocked for good by an exception (see the file comment). */
  async revive(): Promise<void> {
    for (const d of threadsOf(this.s).filter((t) => t.wait?.kind === "exception")) {
      const r = threadsOf(this.s).find((t) => t.oid !== d.oid && t.task === this.s.rootTask && whyNotRunnable(this.s, t) === null);
      if (r === undefined) return;
      const target = rootVa(d.paddr);
      const got = await this.do({ thread: rootVa(r.paddr), name: "fluke_thread_get_state", args: { thread: target, ...REFS0 }, origin: "revive" });
      const o: Outcome | undefined = got?.outcome;
      if (o?.kind !== "return" || o.rc !== "SUCCESS") continue;
      const state = o.out["state"] as Record<string, unknown>;
      const flags = ((state["flags"] as number) & ~(FLUKE_THREAD_STOPPED | FLUKE_THREAD_EXCEPTION_WAIT)) >>> 0;
      await this.do({ thread: rootVa(r.paddr), name: "fluke_thread_set_state", args: { thread: target, state: { ...state, flags, pending_call: null }, ...REFS0 }, origin: "revive" });
    }
  }

  /** One random step: the caller and the call are drawn from the model's current state. */
  async random(rs: RandStep): Promise<void> {
    await this.revive();
    const ts = threadsOf(this.s);
    if (ts.length === 0) return;
    const caller = ts[rs.thread % ts.length]!;
    const call = genCall(this.s, rs.call, rs.seed);
    await this.do({ thread: rootVa(caller.paddr), name: call.name, args: call.args, origin: "random" });
  }
}

const finish = async (sess: Session, body: () => Promise<void>): Promise<RunResult> => {
  try {
    await sess.start();
    await body();
    return { steps: sess.steps, failure: null, calls: sess.calls };
  } catch (e) {
    if (e instanceof Stop) return { steps: sess.steps, failure: e.failure, calls: sess.calls };
    throw e;
  }
};

/** Run the setup and then one random sequence against `adapter`. */
export const runRandom = (adapter: Adapter, seq: readonly RandStep[], pages = 64): Promise<RunResult> => {
  const sess = new Session(adapter, pages);
  return finish(sess, async () => {
    for (const st of SETUP) await sess.do(st);
    for (const rs of seq) await sess.random(rs);
  });
};

/** Run recorded steps (a replay file's) in order against `adapter`. */
export const runSteps = (adapter: Adapter, steps: readonly Step[], pages = 64): Promise<RunResult> => {
  const sess = new Session(adapter, pages);
  return finish(sess, async () => {
    for (const st of steps) await sess.do(st);
  });
};
