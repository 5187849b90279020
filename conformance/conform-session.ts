// One conformance session: the abstract model (the reference, driven in-process with model/step.ts) and
// an Adapter receive the same calls, and every answer is compared with the model's (outcome and
// completions, in order; see conformance/PROTOCOL.md "What is compared"). A random sequence starts with
// a fixed setup made through ordinary calls (three more threads, a scheduler port, mutexes, a condition,
// references, an IPC world of a port set and ports, a child and a grandchild task reached through a
// mapping chain with a thread in each), then draws each call with model/prop-gen.ts from the model's
// current state as the calling thread sees it, the caller mostly one that can run (often one with a part
// in IPC). One run in eight is booted with an object limit (NO_MEMORY) if the adapter honours one. A thread
// blocked for good by an exception is revived through the API before the next random call: a runnable
// root-task thread exports it with fluke_thread_get_state and reloads it with fluke_thread_set_state
// without the exception wait and the pending call (as if its keeper had told it to skip the call); those
// calls are compared like any other. Above: conform-campaign.ts. Below: model/, adapters/adapter.ts.
import { FLUKE_PROT_ALL, FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED, type Outcome } from "../spec/kernel-api/common.js";
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

export interface RunResult {
  readonly steps: readonly Step[];
  readonly failure: Failure | null;
  readonly calls: number;
  /** The object limit the run was booted with (protocol `max_objects`), if any. */
  readonly maxObjects?: number;
}

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

/** Addresses of the IPC world the setup builds (root task). */
export const WORLD = {
  pset: 0x2820, portA: 0x2840, portB: 0x2860,
  psetRef: 0x2920, portARef: 0x2930, portBRef: 0x2940, spareRef: 0x2950, threadRef: 0x29a0,
  childTask: 0x2a00, region1: 0x2a40, mapping1: 0x2a60, grandTask: 0x2a80, region2: 0x2ac0, mapping2: 0x2ae0,
  childTaskRef: 0x2960, region1Ref: 0x2970, grandTaskRef: 0x2980, region2Ref: 0x2990,
  /**
   * Root memory [0x8000, 0x10000) is the child task's [0x100000, 0x108000) (its region is a page longer than
   * the mapping shows); its upper half is the grandchild's [0x200000, 0x204000).
   */
  childBase: 0x100000, grandBase: 0x200000,
  /** Objects inside the child's memory (root-view addresses): a port set with a port, references. */
  childPset: 0x80a0, childPort: 0x80c0, childPortARef: 0x8080, childPortRef: 0x8090, grandPortRef: 0xc080,
} as const;
/** Threads the setup makes in the child task and in the grandchild task (root-view addresses). */
export const NESTED_THREADS = [0x8000, 0xc000];

type Call = [string, Record<string, unknown>];
/**
 * A port set with one attached port and one free port, references to them, so that threads can serve
 * (fluke_ipc_setup_wait_receive) and invoke (fluke_ipc_call, connects) from the first random call on.
 */
const IPC_WORLD: Call[] = [
  ["fluke_pset_create", { new_pset: WORLD.pset }],
  ["fluke_port_create", { new_port: WORLD.portA }],
  ["fluke_port_create", { new_port: WORLD.portB }],
  ...[WORLD.psetRef, WORLD.portARef, WORLD.portBRef, WORLD.spareRef].map((r): Call => ["fluke_ref_create", { new_ref: r }]),
  ["fluke_pset_reference", { pset: WORLD.pset, new_pset_ref: WORLD.psetRef }],
  ["fluke_port_reference", { port: WORLD.portA, new_port_ref: WORLD.portARef }],
  ["fluke_port_reference", { port: WORLD.portB, new_port_ref: WORLD.portBRef }],
  ["fluke_port_set_state", { port: WORLD.portA, state: { hash: 0, alias: 0xa }, pset_ref: WORLD.psetRef }],
  ["fluke_port_set_state", { port: WORLD.portB, state: { hash: 0, alias: 0xb }, pset_ref: 0 }],
  ["fluke_ref_create", { new_ref: WORLD.threadRef }],
  ["fluke_thread_reference", { thread: SETUP_THREADS[1], new_thread_ref: WORLD.threadRef }],
];

/**
 * A child task whose memory is a region of the root task's, a grandchild task whose memory is a region
 * of the child's (a mapping chain of two levels), a thread running in each, and in the child's memory a
 * port set with an attached port and references to ports, so the nested threads can serve and invoke.
 */
const NESTED_WORLD: Call[] = [
  ...[WORLD.childTaskRef, WORLD.region1Ref, WORLD.grandTaskRef, WORLD.region2Ref].map((r): Call => ["fluke_ref_create", { new_ref: r }]),
  ["fluke_task_create", { new_task: WORLD.childTask }],
  ["fluke_task_create", { new_task: WORLD.grandTask }],
  ["fluke_region_create", { new_region: WORLD.region1 }],
  ["fluke_region_create", { new_region: WORLD.region2 }],
  ["fluke_mapping_create", { new_mapping: WORLD.mapping1 }],
  ["fluke_mapping_create", { new_mapping: WORLD.mapping2 }],
  ["fluke_task_reference", { task: WORLD.childTask, new_task_ref: WORLD.childTaskRef }],
  ["fluke_task_reference", { task: WORLD.grandTask, new_task_ref: WORLD.grandTaskRef }],
  ["fluke_region_reference", { region: WORLD.region1, new_region_ref: WORLD.region1Ref }],
  ["fluke_region_reference", { region: WORLD.region2, new_region_ref: WORLD.region2Ref }],
  ["fluke_region_set_state", { region: WORLD.region1, state: { hash: 0, start_va: 0x8000, size: 0x9000, prot: FLUKE_PROT_ALL }, task_ref: TASK_REF, keeper_ref: 0 }],
  ["fluke_mapping_set_state", { mapping: WORLD.mapping1, state: { hash: 0, region_off: 0, start_va: WORLD.childBase, size: 0x8000, prot: FLUKE_PROT_ALL }, region_ref: WORLD.region1Ref, task_ref: WORLD.childTaskRef }],
  ["fluke_region_set_state", { region: WORLD.region2, state: { hash: 0, start_va: WORLD.childBase + 0x4000, size: 0x4000, prot: FLUKE_PROT_ALL }, task_ref: WORLD.childTaskRef, keeper_ref: 0 }],
  ["fluke_mapping_set_state", { mapping: WORLD.mapping2, state: { hash: 0, region_off: 0, start_va: WORLD.grandBase, size: 0x4000, prot: FLUKE_PROT_ALL }, region_ref: WORLD.region2Ref, task_ref: WORLD.grandTaskRef }],
  ["fluke_pset_create", { new_pset: WORLD.childPset }],
  ["fluke_port_create", { new_port: WORLD.childPort }],
  ...[WORLD.childPortARef, WORLD.childPortRef, WORLD.grandPortRef].map((r): Call => ["fluke_ref_create", { new_ref: r }]),
  ["fluke_port_reference", { port: WORLD.portA, new_port_ref: WORLD.childPortARef }],
  ["fluke_port_reference", { port: WORLD.childPort, new_port_ref: WORLD.childPortRef }],
  ["fluke_port_reference", { port: WORLD.childPort, new_port_ref: WORLD.grandPortRef }],
  ["fluke_pset_reference", { pset: WORLD.childPset, new_pset_ref: WORLD.spareRef }],
  ["fluke_port_set_state", { port: WORLD.childPort, state: { hash: 0, alias: 0xc }, pset_ref: WORLD.spareRef }],
  ["fluke_ref_copy", { src_ref: WORLD.childTaskRef, dst_ref: WORLD.spareRef }],
  ["fluke_thread_create", { new_thread: NESTED_THREADS[0] }],
  ["fluke_thread_set_state", { thread: NESTED_THREADS[0], state: blankThread(WORLD.childBase), ...REFS0, task_ref: WORLD.childTaskRef, scheduler_ref: PORT_REF }],
  ["fluke_thread_create", { new_thread: NESTED_THREADS[1] }],
  ["fluke_thread_set_state", { thread: NESTED_THREADS[1], state: blankThread(WORLD.grandBase), ...REFS0, task_ref: WORLD.grandTaskRef, scheduler_ref: PORT_REF }],
];

/** A thread with exceptions enabled and all four handlers set: its insanities, interrupts and alerts go to them. */
const handlingThread = (va: number): Record<string, unknown> => ({
  ...blankThread(va), flags: FLUKE_THREAD_EXCEPTION_ENABLE,
  trap_handler: 0x5000, interrupt_handler: 0x5100, client_alert_handler: 0x5200, server_alert_handler: 0x5300,
});

/** The fixed start of every random sequence: public calls by the boot thread (cf. prop-gen's startState). */
export const SETUP: readonly Step[] = [
  ["fluke_port_create", { new_port: SCHED_PORT }],
  ["fluke_ref_create", { new_ref: TASK_REF }],
  ["fluke_ref_create", { new_ref: PORT_REF }],
  ["fluke_task_reference", { task: ROOT_TASK_VA, new_task_ref: TASK_REF }],
  ["fluke_port_reference", { port: SCHED_PORT, new_port_ref: PORT_REF }],
  ...SETUP_THREADS.flatMap((va, i): [string, Record<string, unknown>][] => [
    ["fluke_thread_create", { new_thread: va }],
    ["fluke_thread_set_state", { thread: va, state: i === 1 ? handlingThread(va) : blankThread(va), ...REFS0, task_ref: TASK_REF, scheduler_ref: PORT_REF }],
  ]),
  ["fluke_mutex_create", { new_mutex: 0x3000 }],
  ["fluke_mutex_create", { new_mutex: 0x3010 }],
  ["fluke_cond_create", { new_cond: 0x3020 }],
  ["fluke_ref_create", { new_ref: 0x3030 }],
  ["fluke_ref_create", { new_ref: 0x3040 }],
  ["fluke_ref_create", { new_ref: 0x3050 }],
  ["fluke_mutex_reference", { mutex: 0x3000, new_mutex_ref: 0x3030 }],
  ["fluke_cond_reference", { cond: 0x3020, new_cond_ref: 0x3040 }],
  ...IPC_WORLD,
  ...NESTED_WORLD,
].map(([name, args]) => ({ thread: BOOT_THREAD_VA, name: name as string, args: args as Record<string, unknown>, origin: "setup" as const }));

/**
 * After SETUP, before the random calls: a root-task thread and the child task's thread wait as servers
 * on the two port sets (they block), so that the first invocation of a port of theirs meets a server.
 */
export const SERVE: readonly Step[] = [
  { thread: SETUP_THREADS[2]!, name: "fluke_ipc_setup_wait_receive", args: { pset: WORLD.pset, ipc_params: { send_words: [], send_refs: [], recv_words_max: 4, recv_refs: [WORLD.spareRef] } }, origin: "setup" },
  { thread: NESTED_THREADS[0]!, name: "fluke_ipc_setup_wait_receive", args: { pset: WORLD.childBase + 0xa0, ipc_params: { send_words: [], send_refs: [], recv_words_max: 3, recv_refs: [] } }, origin: "setup" },
];

/** Plain JSON data, as it would cross the protocol (undefined fields dropped). */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Whether an adapter honours object limits (its latest reset answer's `limits`). */
const LIMITS = new WeakMap<Adapter, boolean>();

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

  /** The object limit in force (set by start when the adapter honours it). */
  maxObjects: number | undefined = undefined;

  constructor(readonly adapter: Adapter, readonly pages = 64) {}

  /**
   * Reset both sides. With `maxObjects`, the system may hold at most that many objects (NO_MEMORY
   * beyond), if the adapter honours the limit (its reset answer says so; learnt at its first reset).
   */
  async start(maxObjects?: number): Promise<void> {
    try {
      const known = LIMITS.get(this.adapter);
      let info = await this.adapter.reset(this.pages, maxObjects !== undefined && known === true ? maxObjects : undefined);
      LIMITS.set(this.adapter, info.limits === true);
      if (maxObjects !== undefined && known !== true && info.limits === true) info = await this.adapter.reset(this.pages, maxObjects);
      // in force only if the adapter says so (a wrapper that drops the limit gets no echo)
      this.maxObjects = maxObjects !== undefined && info.maxObjects === maxObjects ? maxObjects : undefined;
      this.s = boot({ pages: this.pages, ...(this.maxObjects === undefined ? {} : { objectLimit: this.maxObjects }) });
      this.hashes = info.hashes;
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
    // Mostly a thread that can run now (a blocked or stopped caller only gets "not_runnable"), often one
    // with a part in IPC (a connection, an idempotent call to answer) so that exchanges go on.
    const runnable = ts.filter((t) => whyNotRunnable(this.s, t) === null);
    const busy = runnable.filter((t) => t.client !== null || t.server !== null || t.ipc.serving !== null);
    const k = rs.thread % 8;
    const hi = Math.floor(rs.thread / 8);
    const caller = busy.length > 0 && k < 4 ? busy[hi % busy.length]! : runnable.length > 0 && k < 7 ? runnable[hi % runnable.length]! : ts[rs.thread % ts.length]!;
    const call = genCall(this.s, rs.call, rs.seed, rootVa(caller.paddr));
    await this.do({ thread: rootVa(caller.paddr), name: call.name, args: call.args, origin: "random" });
  }
}

const finish = async (sess: Session, maxObjects: number | undefined, body: () => Promise<void>): Promise<RunResult> => {
  const result = (failure: Failure | null): RunResult =>
    ({ steps: sess.steps, failure, calls: sess.calls, ...(sess.maxObjects === undefined ? {} : { maxObjects: sess.maxObjects }) });
  try {
    await sess.start(maxObjects);
    await body();
    return result(null);
  } catch (e) {
    if (e instanceof Stop) return result(e.failure);
    throw e;
  }
};

/** How many objects the system holds after SETUP (boot objects included). */
export const SETUP_OBJECTS: number = (() => {
  let s = boot();
  for (const st of SETUP) s = step(s, st.thread, { name: st.name, args: st.args }).state;
  return s.objects.size;
})();

/**
 * The object limit of a random run, drawn from its first step: one run in eight is booted with room for
 * only a few objects more than the setup makes, so that creates reach NO_MEMORY.
 */
export const limitFor = (seq: readonly RandStep[]): number | undefined => {
  const x = seq[0]?.seed ?? 0;
  return x % 8 === 0 ? SETUP_OBJECTS + (Math.floor(x / 8) % 6) : undefined;
};

/** Run the setup and then one random sequence against `adapter`. */
export const runRandom = (adapter: Adapter, seq: readonly RandStep[], pages = 64): Promise<RunResult> => {
  const sess = new Session(adapter, pages);
  return finish(sess, limitFor(seq), async () => {
    for (const st of SETUP) await sess.do(st);
    for (const st of SERVE) await sess.do(st);
    for (const rs of seq) await sess.random(rs);
  });
};

/** Run recorded steps (a replay file's) in order against `adapter`, with the object limit it was run with. */
export const runSteps = (adapter: Adapter, steps: readonly Step[], pages = 64, maxObjects?: number): Promise<RunResult> => {
  const sess = new Session(adapter, pages);
  return finish(sess, maxObjects, async () => {
    for (const st of steps) await sess.do(st);
  });
};
