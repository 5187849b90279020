// Test fixture for the kernel's port, port-set and IPC unit tests: a Kernel with extra threads placed
// straight into it (root task, running on the boot thread's time), objects at fixed root addresses, and
// short helpers to run calls and read results and internal records. Kernel-only (impl/ never sees the
// model). Not used by the kernel itself. Below: kernel.ts, kinit.ts, kthreads.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { IpcParams } from "../../spec/kernel-api/ipc.js";
import { Kernel, type KStepResult } from "./kernel.js";
import { newKThread } from "./kinit.js";
import type { KObj, KThread } from "./kobjects.js";
import { stamp, threadIndex } from "./kthreads.js";

export const PORT = (i: number): number => 0x8000 + i * 32;
export const PSET = (i: number): number => 0x9000 + i * 32;
export const REF = (i: number): number => 0xa000 + i * 16;
export const EMPTY = 0xc000;
export const BOOT = 0x1080;

export const P = (p: { readonly send_words?: readonly number[]; readonly send_refs?: readonly number[]; readonly recv_words_max?: number; readonly recv_refs?: readonly number[] } = {}): IpcParams => ({
  send_words: [...(p.send_words ?? [])], send_refs: [...(p.send_refs ?? [])], recv_words_max: p.recv_words_max ?? 0, recv_refs: [...(p.recv_refs ?? [])],
});

/** The return code of an outcome ("INS:<code>" for an insanity), or its kind; "none" for no outcome. */
export const rc = (o: Outcome | undefined): string => (o === undefined ? "none" : o.kind === "return" ? o.rc : o.kind === "insanity" ? `INS:${o.code}` : o.kind);
export const out = (o: Outcome | undefined): Record<string, unknown> => (o?.kind === "return" ? o.out : {});

export class KWorld {
  readonly k: Kernel;
  readonly t: number[] = [];
  last: KStepResult = { outcome: { kind: "blocked" }, completions: [] };
  constructor(threads = 4, opts: { objectLimit?: number } = {}) {
    this.k = new Kernel(opts);
    for (let n = 1; n <= threads; n++) {
      const va = 0x2000 + n * 128;
      const th = stamp(newKThread(va - 0x1000, 0x7000 + n));
      th.task = this.k.rootTask;
      th.thread_va = va;
      th.donor = this.k.bootThread;
      this.k.rootTask.threads.add(th);
      this.k.objects.add(th);
      threadIndex(this.k).threads.add(th);
      this.t.push(va);
    }
  }
  call(thread: number, name: string, args: Record<string, unknown>): Outcome {
    this.last = this.k.step(thread, { name, args });
    return this.last.outcome;
  }
  ok(name: string, args: Record<string, unknown>): Record<string, unknown> {
    const o = this.call(BOOT, name, args);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name} gave ${JSON.stringify(o)}`);
    return o.out;
  }
  /** The completion of `thread` in the last step, if any. */
  done(thread: number): Outcome | undefined {
    return this.last.completions.find((c) => c.thread === thread)?.outcome;
  }
  obj(va: number): KObj | undefined {
    return this.k.objects.at(va - 0x1000);
  }
  thread(va: number): KThread {
    return this.obj(va) as KThread;
  }
  pset(i: number): number {
    this.ok("fluke_pset_create", { new_pset: PSET(i) });
    return PSET(i);
  }
  ref(i: number, va: number, kind: "port" | "pset" = "port"): number {
    if (this.obj(REF(i))?.type !== "ref") this.ok("fluke_ref_create", { new_ref: REF(i) });
    this.ok(`fluke_${kind}_reference`, { [kind]: va, [`new_${kind}_ref`]: REF(i) });
    return REF(i);
  }
  nullRef(i: number): number {
    this.ok("fluke_ref_create", { new_ref: REF(i) });
    return REF(i);
  }
  port(i: number, pset?: number, alias = 0): number {
    this.ok("fluke_port_create", { new_port: PORT(i) });
    if (pset !== undefined) this.attach(i, pset, alias);
    return this.ref(100 + i, PORT(i));
  }
  attach(i: number, pset: number, alias = 0): void {
    const r = this.ref(200 + i, pset, "pset");
    this.ok("fluke_port_set_state", { port: PORT(i), state: { hash: 0, alias }, pset_ref: r });
  }
  /** Root address of the object reference `va` points at (0: null). */
  targetOf(va: number): number {
    const r = this.obj(va);
    return r?.type === "ref" && r.target !== null && r.target.alive ? 0x1000 + r.target.paddr : 0;
  }
}
