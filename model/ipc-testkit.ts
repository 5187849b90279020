// Test fixture for the port, port-set and IPC tests of the model: a booted machine with extra threads
// (model/test-threads.ts), ports, port sets and references at fixed root addresses, and short helpers to
// run calls and read results. Everything lives in the root task, so one address names an object for
// every thread. Not used by the model itself. Below: model/testkit.ts, model/test-threads.ts.
import type { Outcome } from "../spec/kernel-api/common.js";
import type { IpcParams } from "../spec/kernel-api/ipc.js";
import { paddrOfRootVa, rootVa } from "./memory.js";
import { objectAtPhys } from "./objects.js";
import type { ThreadName, ThreadObj } from "./state.js";
import { addThreads } from "./test-threads.js";
import { Driver } from "./testkit.js";
import type { BootOptions } from "./boot.js";

export const PORT = (i: number): number => 0x8000 + i * 32;
export const PSET = (i: number): number => 0x9000 + i * 32;
export const REF = (i: number): number => 0xa000 + i * 16;
/** A page with no object in it: addresses there are NO_OBJECT. */
export const EMPTY = 0xc000;

/** Full IPC parameters from a partial description. */
export const P = (p: { readonly send_words?: readonly number[]; readonly send_refs?: readonly number[]; readonly recv_words_max?: number; readonly recv_refs?: readonly number[] } = {}): IpcParams => ({
  send_words: [...(p.send_words ?? [])], send_refs: [...(p.send_refs ?? [])], recv_words_max: p.recv_words_max ?? 0, recv_refs: [...(p.recv_refs ?? [])],
});

export class World {
  readonly d: Driver;
  readonly t: ThreadName[];
  constructor(threads = 4, opts: BootOptions = {}) {
    this.d = new Driver(opts);
    this.t = addThreads(this.d, threads);
  }
  call(thread: ThreadName, name: string, args: Record<string, unknown>): Outcome {
    return this.d.call(name, args, thread);
  }
  ok(name: string, args: Record<string, unknown>): Record<string, unknown> {
    return this.d.ok(name, args);
  }
  /** Try a call and return its code ("INS:<code>" for an insanity), then put the state back as it was. */
  probe(name: string, args: Record<string, unknown>, thread?: ThreadName): string {
    const saved = this.d.s;
    const o = thread === undefined ? this.d.call(name, args) : this.d.call(name, args, thread);
    this.d.s = saved;
    return rc(o);
  }
  /** Create port set i. */
  pset(i: number): number {
    this.ok("fluke_pset_create", { new_pset: PSET(i) });
    return PSET(i);
  }
  /** Bind reference slot i to the object at `va` of kind `kind` (creating the reference if needed). */
  ref(i: number, va: number, kind: "port" | "pset" | "thread" | "task" = "port"): number {
    if (this.obj(REF(i)) === undefined) this.ok("fluke_ref_create", { new_ref: REF(i) });
    if (kind === "thread") this.ok("fluke_thread_reference", { thread: va, new_thread_ref: REF(i) });
    else this.ok(`fluke_${kind}_reference`, { [kind]: va, [`new_${kind}_ref`]: REF(i) });
    return REF(i);
  }
  /** An empty (null) reference object at slot i. */
  nullRef(i: number): number {
    this.ok("fluke_ref_create", { new_ref: REF(i) });
    return REF(i);
  }
  /** Create port i, optionally attached to port set `pset` with `alias`; returns a reference to it in slot 100 + i. */
  port(i: number, pset?: number, alias = 0): number {
    this.ok("fluke_port_create", { new_port: PORT(i) });
    if (pset !== undefined) this.attach(i, pset, alias);
    return this.ref(100 + i, PORT(i));
  }
  /** Attach port i to the port set at `pset` with `alias` (through scratch reference 200 + i). */
  attach(i: number, pset: number, alias = 0): void {
    const r = this.ref(200 + i, pset, "pset");
    this.ok("fluke_port_set_state", { port: PORT(i), state: { hash: 0, alias }, pset_ref: r });
  }
  obj(va: number): ReturnType<typeof objectAtPhys> {
    return objectAtPhys(this.d.s, paddrOfRootVa(va));
  }
  thread(name: ThreadName): ThreadObj {
    return this.obj(name) as ThreadObj;
  }
  /** Root address of the object reference slot `va` points at, or 0 for a null reference. */
  targetOf(va: number): number {
    const r = this.obj(va);
    if (r?.type !== "ref" || r.target === null) return 0;
    const o = this.d.s.objects.get(r.target);
    return o === undefined ? 0 : rootVa(o.paddr);
  }
  /** The completion of `thread` in the last step, if any. */
  done(thread: ThreadName): Outcome | undefined {
    return this.d.lastCompletions.find((c) => c.thread === thread)?.outcome;
  }
}

/** Forget the call `thread` is blocked in (as if it had been stopped and its call dropped); its connections stay. */
export const abandon = (w: World, thread: ThreadName): void => {
  const t = w.thread(thread);
  t.wait = null;
  t.pending = null;
  t.ipc.waitFor = null;
  t.waiting_for = null;
};

/** The return code of an outcome, or its kind when it is not a return. */
export const rc = (o: Outcome | undefined): string => (o === undefined ? "none" : o.kind === "return" ? o.rc : o.kind === "insanity" ? `INS:${o.code}` : o.kind);
/** The out-parameters of a return outcome. */
export const out = (o: Outcome | undefined): Record<string, unknown> => (o?.kind === "return" ? o.out : {});
