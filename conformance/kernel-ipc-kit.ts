// Shared fixture of the differential tests of the port, port-set and IPC chapters: a Lockstep with extra
// threads placed straight into both sides (in the root task, running on the boot thread's time, as the
// model's own tests do with model/test-threads.ts), objects at fixed root addresses, IpcWorld, whose
// `call` runs a call on both sides and requires deeply equal results (outcome and completions, in order)
// and records which codes each row reached, and the scenarios the IPC tests share (a served port, a
// connection in a given role, a call provoking a given insanity).
// Above: conformance/kernel-{port,pset,ipc}*.test.ts. Below: conformance/lockstep.ts, model/test-threads.ts,
// impl/kernel (kinit, kthreads): the one place allowed to see both.
import { expect } from "vitest";
import type { CallDef, Outcome } from "../spec/kernel-api/common.js";
import type { IpcParams } from "../spec/kernel-api/ipc.js";
import { KERNEL_CALLS } from "../spec/kernel-api/registry.js";
import { newKThread } from "../impl/kernel/kinit.js";
import { stamp, threadIndex } from "../impl/kernel/kthreads.js";
import { extraThreadVa, withThreads } from "../model/test-threads.js";
import { Lockstep, type SideResult } from "./lockstep.js";

export const PORT = (i: number): number => 0x8000 + i * 32;
export const PSET = (i: number): number => 0x9000 + i * 32;
export const REF = (i: number): number => 0xa000 + i * 16;
/** A page with no object in it. */
export const EMPTY = 0xc000;
export const BOOT = 0x1080;

/** Full IPC parameters from a partial description. */
export const P = (p: { readonly send_words?: readonly number[]; readonly send_refs?: readonly number[]; readonly recv_words_max?: number; readonly recv_refs?: readonly number[] } = {}): IpcParams => ({
  send_words: [...(p.send_words ?? [])], send_refs: [...(p.send_refs ?? [])], recv_words_max: p.recv_words_max ?? 0, recv_refs: [...(p.recv_refs ?? [])],
});

/** A lockstep machine with `count` extra threads on both sides; returns it and the threads' names. */
export const withIpcThreads = (count: number, opts: { objectLimit?: number } = {}): { ls: Lockstep; t: number[] } => {
  const ls = new Lockstep(opts);
  ls.model = withThreads(ls.model, count);
  const k = ls.kernel;
  const t: number[] = [];
  for (let n = 1; n <= count; n++) {
    const va = extraThreadVa(n);
    const th = stamp(newKThread(va - 0x1000, 0x7000 + n));
    th.task = k.rootTask;
    th.thread_va = va;
    th.donor = k.bootThread;
    k.rootTask.threads.add(th);
    k.objects.add(th);
    threadIndex(k).threads.add(th);
    t.push(va);
  }
  return { ls, t };
};

/** The return code of an outcome ("INS:<code>" for an insanity), or its kind. */
export const rc = (o: Outcome | "harness-error" | undefined): string =>
  o === undefined || o === "harness-error" ? String(o) : o.kind === "return" ? o.rc : o.kind === "insanity" ? `INS:${o.code}` : o.kind;

/** Codes each call reached in this test file, both sides agreeing ("<call> <code>"). */
export const REACHED = new Set<string>();
const noteReached = (name: string, o: Outcome): void => {
  if (o.kind === "return" || o.kind === "insanity") REACHED.add(`${name} ${rc(o).replace(/^INS:/, "")}`);
};

/** The codes of `chapter`'s rows that no scripted test reached. */
export const unreached = (chapter: string): string[] =>
  KERNEL_CALLS.filter((c) => c.chapter === chapter)
    .flatMap((c) => [...c.returns, ...c.insanities].map((code) => `${c.name} ${code}`))
    .filter((k) => !REACHED.has(k));

/** A lockstep world for scripted tests: every call must give the same result on both sides. */
export class IpcWorld {
  readonly ls: Lockstep;
  readonly t: number[];
  last: SideResult = { outcome: "harness-error", completions: [] };
  constructor(threads = 4, opts: { objectLimit?: number } = {}) {
    ({ ls: this.ls, t: this.t } = withIpcThreads(threads, opts));
  }
  /** The call each thread issued last (its completions are that call's outcomes). */
  private readonly issued = new Map<number, string>();
  /** Run a call on both sides, require equal results, return the outcome. */
  call(thread: number, name: string, args: Record<string, unknown>): Outcome {
    const r = this.ls.call(name, args, thread);
    expect(r.kernel, `${name} diverged\n${this.ls.transcript()}`).toEqual(r.model);
    this.last = r.model;
    if (r.model.outcome === "harness-error") throw new Error(`harness error in ${name}`);
    if (r.model.outcome.kind !== "not_runnable") this.issued.set(thread, name);
    noteReached(name, r.model.outcome);
    for (const c of r.model.completions) noteReached(this.issued.get(c.thread) ?? "?", c.outcome);
    return r.model.outcome;
  }
  /** A call by the boot thread that must succeed; returns its out-parameters. */
  ok(name: string, args: Record<string, unknown>, thread = BOOT): Record<string, unknown> {
    const o = this.call(thread, name, args);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name} gave ${JSON.stringify(o)}`);
    return o.out;
  }
  /** Code of the last step's completion of `thread`, or "none". */
  done(thread: number): string {
    const o = this.last.completions.find((c) => c.thread === thread)?.outcome;
    return o === undefined ? "none" : rc(o);
  }
  pset(i: number): number {
    this.ok("fluke_pset_create", { new_pset: PSET(i) });
    return PSET(i);
  }
  ref(i: number, va: number, kind: "port" | "pset" | "thread" = "port"): number {
    if (this.ls.kernel.objects.at(REF(i) - 0x1000)?.type !== "ref") this.ok("fluke_ref_create", { new_ref: REF(i) });
    if (kind === "thread") this.ok("fluke_thread_reference", { thread: va, new_thread_ref: REF(i) });
    else this.ok(`fluke_${kind}_reference`, { [kind]: va, [`new_${kind}_ref`]: REF(i) });
    return REF(i);
  }
  nullRef(i: number): number {
    this.ok("fluke_ref_create", { new_ref: REF(i) });
    return REF(i);
  }
  /** Port i, optionally attached to `pset` with `alias`; returns a reference to it (slot 100 + i). */
  port(i: number, pset?: number, alias = 0): number {
    this.ok("fluke_port_create", { new_port: PORT(i) });
    if (pset !== undefined) this.attach(i, pset, alias);
    return this.ref(100 + i, PORT(i));
  }
  attach(i: number, pset: number, alias = 0): void {
    const r = this.ref(200 + i, pset, "pset");
    this.ok("fluke_port_set_state", { port: PORT(i), state: { hash: 0, alias }, pset_ref: r });
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios shared by the IPC differential tests

export type Side = "client" | "server";
export const other = (s: Side): Side => (s === "client" ? "server" : "client");
export const op = (side: Side, name: string): string => `fluke_ipc_${side}_${name}`;

/** Port 0 (alias 7) in set 0, reference 100 to it, reference 1 to port 0, reference 2 to the set. */
export const setup = (threads = 4): { w: IpcWorld; ps: number; dest: number } => {
  const w = new IpcWorld(threads);
  const ps = w.pset(0);
  const dest = w.port(0, ps, 7);
  w.ref(1, PORT(0));
  w.ref(2, ps, "pset");
  for (let i = 10; i < 13; i++) w.nullRef(i);
  return { w, ps, dest };
};
export const serve = (w: IpcWorld, s: number, ps: number, recv = 8, recvRefs: number[] = []): string =>
  rc(w.call(s, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: recv, recv_refs: recvRefs }) }));

/** Client t[1] connected to server t[0]; the client holds the turn. */
export const connected = (): { w: IpcWorld; c: number; s: number; dest: number; ps: number } => {
  const { w, ps, dest } = setup();
  const [s, c] = w.t;
  serve(w, s!, ps);
  expect(rc(w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [0, 0] }) }))).toBe("SUCCESS");
  expect(w.done(s!)).toBe("SUCCESS");
  return { w, c: c!, s: s!, dest, ps };
};

/**
 * A connection where `me` acts on its `side` in `role` and can run. For the server as sender the turn is
 * reversed first: the client's over_receive (no buffer) completes with MORE_DATA on the ack's word 7,
 * which stays in its inbox.
 */
export const roles = (side: Side, role: "sender" | "receiver"): { w: IpcWorld; me: number; peer: number } => {
  const k = connected();
  if ((side === "client") !== (role === "sender")) {
    expect(rc(k.w.call(k.c, "fluke_ipc_client_over_receive", { ipc_params: P() }))).toBe("blocked");
    expect(rc(k.w.call(k.s, "fluke_ipc_server_ack_send", { ipc_params: P({ send_words: [7] }) }))).toBe("SUCCESS");
    expect(k.w.done(k.c)).toBe("IPC_RECV_MORE_DATA");
  }
  return side === "client" ? { w: k.w, me: k.c, peer: k.s } : { w: k.w, me: k.s, peer: k.c };
};

const sideOf = (name: string): Side | null => (name.includes("_client_") ? "client" : name.includes("_server_") ? "server" : null);

/** A connected world where the caller of `row` holds (or lacks) the turn as `code` needs, and can run. */
export const provoke = (row: CallDef, code: string): { w: IpcWorld; args: Record<string, unknown>; thread: number } => {
  const side = sideOf(row.name) ?? "client";
  const role = code === "NOT_SENDER" ? "receiver" : code === "NOT_RECEIVER" ? "sender" : side === "client" ? "sender" : "receiver";
  const { w, me } = roles(side, role);
  w.ok("fluke_port_create", { new_port: PORT(9) });
  w.ref(9, PORT(9));
  w.ok("fluke_pset_create", { new_pset: PSET(9) });
  const p: Record<string, unknown> = { recv_words_max: 2 };
  const args: Record<string, unknown> = {};
  const shape = (row.args as unknown as { shape: Record<string, unknown> }).shape;
  if ("destination" in shape) args["destination"] = REF(100);
  if ("pset" in shape) args["pset"] = PSET(0);
  const sends = /send|reply/.test(row.name) && row.name !== "fluke_ipc_setup_wait_receive";
  const bad: Record<string, (obj: "ref" | "pset") => number> = {
    NO_OBJECT: () => EMPTY,
    NOT_ALIGNED: (obj) => (obj === "ref" ? REF(9) : PSET(9)) + 4,
    NOT_REF: () => PORT(0),
    INVALID_OBJECT: (obj) => {
      const va = obj === "ref" ? REF(9) : PSET(9);
      w.ok("harness_mem_write", { addr: va, bytes: [1] });
      return va;
    },
  };
  if (code === "BUFFER_UNALIGNED") p["recv_words_max"] = 1;
  else if (code === "NOT_PORT_REF") args["destination"] = REF(2);
  else if (code === "NOT_PSET") args["pset"] = PORT(0);
  else if (bad[code] !== undefined) {
    if ("destination" in shape) args["destination"] = bad[code]!("ref");
    else if ("pset" in shape && code !== "NOT_REF") args["pset"] = bad[code]!("pset");
    else if (sends) p["send_refs"] = [bad[code]!("ref")];
    else p["recv_refs"] = [bad[code]!("ref")];
  }
  if ("ipc_params" in shape) args["ipc_params"] = P(p);
  return { w, args, thread: me };
};

