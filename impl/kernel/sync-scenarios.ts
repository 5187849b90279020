// Scripted scenarios for the kernel's thread, mutex, cond and ref rows: for every return code and every
// insanity a row of spec/kernel-api lists, a short script (public calls only) that reaches it, plus a
// fault case for every call with an address argument. The scenarios are written once against `Drive`
// (make a call as a thread, get its outcome), so the kernel's unit tests run them on impl/kernel alone
// and the conformance suite runs them on the model and the kernel in lockstep. Test support only.
// Above: impl/kernel/sync-codes.test.ts, conformance/kernel-sync-codes.test.ts. Below: spec/kernel-api.
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { ThreadState } from "../../spec/kernel-api/thread.js";

export const BOOT = 0x1080;
export const ROOT = 0x1000;
export const THREAD = (i: number): number => 0x4000 + i * 128;
export const MUTEX = (i: number): number => 0x6000 + i * 16;
export const COND = (i: number): number => 0x6800 + i * 16;
export const REF = (i: number): number => 0x7000 + i * 16;
export const PORT = (i: number): number => 0x8000 + i * 32;
/** A page with no object in it. */
export const EMPTY = 0xc000;
/** An address outside physical memory (64 pages): every access faults. */
export const UNMAPPED = 0x100000;

/** A thread state with every field zero, for thread_va `va`, not stopped, nothing pending. */
export const blankState = (va: number, over: Partial<ThreadState> = {}): ThreadState => ({
  hash: 0, thread_va: va, sched_val: 0, flags: 0,
  eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: 0, eip: 0, eflags: 0, min_msg: [0, 0],
  trap_handler: 0, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0,
  saved_eax: 0, saved_ecx: 0, saved_edx: 0, saved_eip: 0, saved_eflags: 0,
  server_pset: 0, server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0,
  pending_call: null, saved_pending_call: null, ...over,
});

export const NO_REFS = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };

/** Makes one call as `thread` and returns its outcome. */
export interface Drive {
  call(thread: number, name: string, args: Record<string, unknown>): Outcome;
  /** The blocked calls the last call finished, in order, by root-view thread name. */
  completions(): readonly { readonly thread: number; readonly outcome: Outcome }[];
}
export type DriveFactory = (opts: { readonly objectLimit?: number }) => Drive;

/** The code a scenario expects: a return code, an insanity, or "fault". */
export const codeOf = (o: Outcome): string => (o.kind === "return" ? o.rc : o.kind === "insanity" ? o.code : o.kind);

/** A driven machine with the scenarios' standard objects (see `setup`). */
export class Env {
  constructor(readonly d: Drive) {}

  call(name: string, args: Record<string, unknown>, thread = BOOT): Outcome {
    return this.d.call(thread, name, args);
  }

  ok(name: string, args: Record<string, unknown>, thread = BOOT): Record<string, unknown> {
    const o = this.d.call(thread, name, args);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`setup: ${name} gave ${JSON.stringify(o)}`);
    return o.out;
  }

  /** The outcome with which the last call finished `thread`'s blocked call (or undefined). */
  finished(thread: number): Outcome | undefined {
    return this.d.completions().find((c) => c.thread === thread)?.outcome;
  }

  /** Make the object at `va` invalid, as a user write into its block does (decision 3). */
  spoil(va: number): void {
    this.ok("harness_mem_write", { addr: va, bytes: [0xff] });
  }

  /** Create thread `i` and make it runnable in the root task on port 0's time. */
  thread(i: number, over: Partial<ThreadState> = {}): number {
    this.ok("fluke_thread_create", { new_thread: THREAD(i) });
    this.ok("fluke_thread_set_state", { thread: THREAD(i), state: blankState(THREAD(i), over), ...NO_REFS, task_ref: REF(0), scheduler_ref: REF(1) });
    return THREAD(i);
  }

  /**
   * Port 0; REF(0) -> root task, REF(1) -> port 0, REF(2) null, REF(3) -> thread 1, REF(4) -> mutex 0;
   * runnable threads 1 and 2; mutexes 0 and 1; condition 0.
   */
  setup(): this {
    this.ok("fluke_port_create", { new_port: PORT(0) });
    for (let i = 0; i < 5; i++) this.ok("fluke_ref_create", { new_ref: REF(i) });
    this.ok("fluke_task_reference", { task: ROOT, new_task_ref: REF(0) });
    this.ok("fluke_port_reference", { port: PORT(0), new_port_ref: REF(1) });
    this.thread(1);
    this.thread(2);
    this.ok("fluke_thread_reference", { thread: THREAD(1), new_thread_ref: REF(3) });
    this.ok("fluke_mutex_create", { new_mutex: MUTEX(0) });
    this.ok("fluke_mutex_create", { new_mutex: MUTEX(1) });
    this.ok("fluke_mutex_reference", { mutex: MUTEX(0), new_mutex_ref: REF(4) });
    this.ok("fluke_cond_create", { new_cond: COND(0) });
    return this;
  }
}

export interface Scenario {
  readonly row: string;
  readonly code: string;
  readonly what: string;
  /** Run on a bare machine (no setup) with this object limit. */
  readonly objectLimit?: number;
  readonly run: (e: Env) => Outcome;
}
