// The "Done when" test of issue 4 (checkpoint through the API), on the model and the concrete kernel in
// lockstep (every call must give equal results on both sides). A child task, whose memory the root maps
// to it through a region, holds threads (a server not yet waiting, an idempotent client blocked in IPC, a
// thread blocked on a mutex held by another, a thread blocked in a condition wait), a mutex, a second
// mutex, a condition variable, ports, a port set, references, a grandchild task with a region and a
// mapping, and data. Its parent exports it with impl/kernel/checkpoint.ts (region_search, get_state,
// ref_compare, harness_mem_read), destroys it, and rebuilds it in a fresh task over other memory. The
// rebuilt child then runs the same continuation as an uninterrupted run: the pending calls complete with
// the same outcomes, and the final memory and exported state are the same.
// Below: conformance/lockstep.ts, impl/kernel/checkpoint.ts.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, PAGE_SIZE, type Outcome } from "../spec/kernel-api/common.js";
import { Checkpointer, type Checkpoint } from "../impl/kernel/checkpoint.js";
import { blankState } from "../impl/kernel/sync-scenarios.js";
import { Lockstep } from "./lockstep.js";

const ROOT = 0x1000;
const BASE = 0x100000; // where the child sees its memory
const SIZE = 4 * PAGE_SIZE;
const MEM = { a: 0x20000, b: 0x28000 }; // root addresses of the original child's memory and the rebuilt one's
const PARENT = { a: 0x8000, b: 0x8100 }; // task at +0, region at +0x40, mapping at +0x60 (parent's memory)
const SCRATCH = { start: 0x10000, end: 0x1c000 };
// Offsets of the child's objects in its memory.
const O = { gtask: 0x40, greg: 0x80, gregRef: 0xa0, gtaskRef: 0xb0, gmap: 0xc0, sp: 0x100, ps: 0x120, p: 0x140, q: 0x160, m: 0x180, c: 0x190, dest: 0x1a0, psRef: 0x1b0, spRef: 0x1c0, selfRef: 0x1d0, nullRef: 0x1e0, m2: 0x1f0 };
const T = { server: 0x200, client: 0x280, waiter: 0x300, owner: 0x380, condWaiter: 0x400 };

const P = (p: { send_words?: number[]; recv_words_max?: number } = {}) => ({ send_words: p.send_words ?? [], send_refs: [], recv_words_max: p.recv_words_max ?? 0, recv_refs: [] });

/** One step's result with thread names made relative to the child's memory (offsets), for comparing runs. */
interface Rel { readonly outcome: Outcome; readonly completions: readonly { thread: number; outcome: Outcome }[] }

class Run {
  readonly ls = new Lockstep();
  readonly cp = new Checkpointer((name, args) => this.call(ROOT + 0x80, name, args), SCRATCH);
  mem = MEM.a;

  /** A call on both sides; results must be equal. Returns the model's result. */
  call(thread: number, name: string, args: Record<string, unknown>): Outcome {
    const r = this.ls.call(name, args, thread);
    expect(r.kernel, `${name} diverged\n${this.ls.transcript().split("\n").slice(-6).join("\n")}`).toEqual(r.model);
    if (r.model.outcome === "harness-error") throw new Error(`harness error in ${name}`);
    return r.model.outcome;
  }

  /** A call by child thread at offset `t`, with names in the result relative to the child's memory. */
  by(t: number, name: string, args: Record<string, unknown>): Rel {
    const outcome = this.call(this.mem + t, name, args);
    const completions = this.ls.log.at(-1)!.model.completions.map((c) => ({ thread: c.thread - this.mem, outcome: c.outcome }));
    return { outcome, completions };
  }

  ok(t: number, name: string, args: Record<string, unknown>): void {
    const o = this.by(t, name, args).outcome;
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name} by +0x${t.toString(16)}: ${JSON.stringify(o)}`);
  }
}

/** The parent makes a child task over root memory `mem` (region, mapping at BASE) at parent slot `at`. */
const makeChild = (r: Run, mem: number, at: number): void => {
  const cp = r.cp;
  cp.ok("fluke_task_create", { new_task: at });
  cp.ok("fluke_region_create", { new_region: at + 0x40 });
  cp.ok("fluke_region_set_state", { region: at + 0x40, state: { hash: 0, start_va: mem, size: SIZE, prot: FLUKE_PROT_ALL }, task_ref: cp.ref(ROOT, "task"), keeper_ref: 0 });
  cp.ok("fluke_mapping_create", { new_mapping: at + 0x60 });
  cp.ok("fluke_mapping_set_state", { mapping: at + 0x60, state: { hash: 0, region_off: 0, start_va: BASE, size: SIZE, prot: FLUKE_PROT_ALL }, region_ref: cp.ref(at + 0x40, "region"), task_ref: cp.ref(at, "task") });
};

/** The parent puts the scheduler port and the threads into the child; the threads run on the port's time. */
const addThreads = (r: Run): void => {
  const cp = r.cp;
  cp.ok("fluke_port_create", { new_port: r.mem + O.sp });
  for (const t of Object.values(T)) {
    cp.ok("fluke_thread_create", { new_thread: r.mem + t });
    const args = { task_ref: cp.ref(PARENT.a, "task"), scheduler_ref: cp.ref(r.mem + O.sp, "port"), waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
    cp.ok("fluke_thread_set_state", { thread: r.mem + t, state: blankState(BASE + t), ...args });
  }
  cp.ok("fluke_ref_create", { new_ref: r.mem + O.selfRef });
  cp.ok("fluke_task_reference", { task: PARENT.a, new_task_ref: r.mem + O.selfRef });
};

/** The server thread builds the rest from inside the child (its own addresses), including a grandchild. */
const populate = (r: Run): void => {
  const s = T.server;
  const at = (o: number): number => BASE + o;
  r.ok(s, "fluke_pset_create", { new_pset: at(O.ps) });
  r.ok(s, "fluke_port_create", { new_port: at(O.p) });
  r.ok(s, "fluke_port_create_hash", { new_port: at(O.q), hash: 0x1234 });
  for (const ref of [O.psRef, O.dest, O.spRef, O.nullRef, O.gregRef, O.gtaskRef]) r.ok(s, "fluke_ref_create", { new_ref: at(ref) });
  r.ok(s, "fluke_pset_reference", { pset: at(O.ps), new_pset_ref: at(O.psRef) });
  r.ok(s, "fluke_port_set_state", { port: at(O.p), state: { hash: 0, alias: 5 }, pset_ref: at(O.psRef) });
  r.ok(s, "fluke_port_reference", { port: at(O.p), new_port_ref: at(O.dest) });
  r.ok(s, "fluke_port_reference", { port: at(O.sp), new_port_ref: at(O.spRef) });
  r.ok(s, "fluke_mutex_create", { new_mutex: at(O.m) });
  r.ok(s, "fluke_mutex_create", { new_mutex: at(O.m2) });
  r.ok(s, "fluke_cond_create", { new_cond: at(O.c) });
  r.ok(s, "fluke_task_create_hash", { new_task: at(O.gtask), hash: 0xbeef });
  r.ok(s, "fluke_region_create", { new_region: at(O.greg) });
  r.ok(s, "fluke_region_set_state", { region: at(O.greg), state: { hash: 0, start_va: BASE + PAGE_SIZE, size: 2 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, task_ref: at(O.selfRef), keeper_ref: 0 });
  r.ok(s, "fluke_region_reference", { region: at(O.greg), new_region_ref: at(O.gregRef) });
  r.ok(s, "fluke_task_reference", { task: at(O.gtask), new_task_ref: at(O.gtaskRef) });
  r.ok(s, "fluke_mapping_create", { new_mapping: at(O.gmap) });
  r.ok(s, "fluke_mapping_set_state", { mapping: at(O.gmap), state: { hash: 0, region_off: 0, start_va: 0x400000, size: 2 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, region_ref: at(O.gregRef), task_ref: at(O.gtaskRef) });
  r.ok(s, "harness_mem_write", { addr: BASE + PAGE_SIZE + 8, bytes: [1, 2, 3, 4, 5] });
  r.ok(s, "harness_mem_write", { addr: BASE + 3 * PAGE_SIZE - 2, bytes: [0xaa, 0xbb] });
};

/** Bring the threads to the checkpoint: one holds M, one waits for M, one waits on C, a client waits on P. */
const block = (r: Run): string[] => {
  const code = (o: Outcome): string => (o.kind === "return" ? o.rc : o.kind);
  return [
    code(r.by(T.owner, "fluke_mutex_lock", { mutex: BASE + O.m }).outcome),
    code(r.by(T.waiter, "fluke_mutex_lock", { mutex: BASE + O.m }).outcome),
    code(r.by(T.condWaiter, "fluke_mutex_lock", { mutex: BASE + O.m2 }).outcome),
    code(r.by(T.condWaiter, "fluke_cond_wait", { cond: BASE + O.c, mutex: BASE + O.m2 }).outcome),
    code(r.by(T.client, "fluke_ipc_call", { destination: BASE + O.dest, ipc_params: P({ send_words: [1, 2, 3], recv_words_max: 8 }) }).outcome),
  ];
};

/** What the child does after the checkpoint; every step's result, names relative to its memory. */
const carryOn = (r: Run): Rel[] => [
  r.by(T.server, "fluke_ipc_setup_wait_receive", { pset: BASE + O.ps, ipc_params: P({ recv_words_max: 8 }) }),
  r.by(T.server, "fluke_ipc_reply", { ipc_params: P({ send_words: [2, 4, 6] }) }),
  r.by(T.owner, "fluke_cond_signal", { cond: BASE + O.c }),
  r.by(T.owner, "fluke_mutex_unlock", { mutex: BASE + O.m }),
  r.by(T.waiter, "harness_mem_write", { addr: BASE + 2 * PAGE_SIZE, bytes: [9, 8, 7] }),
  r.by(T.waiter, "fluke_mutex_unlock", { mutex: BASE + O.m }),
  r.by(T.condWaiter, "fluke_mutex_unlock", { mutex: BASE + O.m2 }),
  r.by(T.client, "harness_mem_read", { addr: BASE + PAGE_SIZE + 6, len: 8 }),
  r.by(T.client, "fluke_ipc_call", { destination: BASE + O.dest, ipc_params: P({ send_words: [7], recv_words_max: 2 }) }),
  r.by(T.server, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 8 }) }),
];

/** The whole scenario; with `checkpoint`, the child is exported, destroyed and rebuilt before carrying on. */
const scenario = (checkpoint: boolean): { blocked: string[]; cp: Checkpoint | null; after: Rel[]; bytes: number[]; final: Checkpoint } => {
  const r = new Run();
  makeChild(r, MEM.a, PARENT.a);
  addThreads(r);
  populate(r);
  const blocked = block(r);
  let cp: Checkpoint | null = null;
  let self = PARENT.a;
  if (checkpoint) {
    cp = r.cp.export(PARENT.a + 0x40, MEM.a, SIZE, PARENT.a);
    r.cp.destroy(cp, MEM.a);
    for (const [type, off] of [["mapping", 0x60], ["region", 0x40], ["task", 0]] as const) r.cp.ok(`fluke_${type}_destroy`, { [type]: PARENT.a + off });
    makeChild(r, MEM.b, PARENT.b);
    r.cp.restore(cp, MEM.b, PARENT.b);
    r.mem = MEM.b;
    self = PARENT.b;
  }
  const after = carryOn(r);
  const bytes = r.cp.readMemory(r.mem, SIZE);
  return { blocked, cp, after, bytes, final: r.cp.export(self + 0x40, r.mem, SIZE, self) };
};

type Result = ReturnType<typeof scenario>;
const memo = new Map<boolean, Result>();
const once = (checkpoint: boolean): Result => memo.get(checkpoint) ?? memo.set(checkpoint, scenario(checkpoint)).get(checkpoint)!;

describe("checkpoint of a child task through the API (model and kernel in lockstep)", () => {
  it("the parent finds and exports every object, with the blocked threads' pending calls", () => {
    const { blocked, cp } = once(true);
    expect(blocked).toEqual(["SUCCESS", "blocked", "SUCCESS", "blocked", "blocked"]);
    const kinds = cp!.objs.map((o) => `${o.type}@${o.off.toString(16)}`);
    expect(kinds).toContain("thread@280");
    expect(new Set(cp!.objs.map((o) => o.type))).toEqual(new Set(["task", "region", "mapping", "port", "pset", "mutex", "cond", "ref", "thread"]));
    const pending = (off: number): unknown => (cp!.objs.find((o) => o.off === off)!.state as { pending_call: { name: string } | null }).pending_call?.name ?? null;
    expect([pending(T.server), pending(T.client), pending(T.waiter), pending(T.owner), pending(T.condWaiter)])
      .toEqual([null, "fluke_ipc_call", "fluke_mutex_lock", null, "fluke_cond_wait"]);
    const client = cp!.objs.find((o) => o.off === T.client)!;
    expect(client.links[0]).toEqual({ to: "self" }); // its task is the child itself
    expect(cp!.objs[(client.links[1] as { index: number }).index]!.off).toBe(O.sp); // its scheduler port
  });

  it("the rebuilt child carries on exactly as the uninterrupted one", () => {
    const straight = once(false);
    const rebuilt = once(true);
    expect(rebuilt.after).toEqual(straight.after);
    expect(rebuilt.bytes).toEqual(straight.bytes);
    expect(rebuilt.final).toEqual(straight.final);
    // and the continuation really finished the pending calls
    const done = rebuilt.after.flatMap((s) => s.completions.map((c) => `${c.thread.toString(16)}:${c.outcome.kind === "return" ? c.outcome.rc : c.outcome.kind}`));
    expect(done).toEqual(expect.arrayContaining([`${T.client.toString(16)}:SUCCESS`, `${T.waiter.toString(16)}:SUCCESS`, `${T.condWaiter.toString(16)}:SUCCESS`]));
    const reply = rebuilt.after[1]!.completions.find((c) => c.thread === T.client)!.outcome;
    expect(reply).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [2, 4, 6], refs_received: 0 } });
  });
});
