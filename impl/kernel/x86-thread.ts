// x86 threads: a kernel thread (KThread) whose code runs on the impl/x86 CPU. A slice loads the thread's
// registers into its Cpu, runs a budget, saves them back, and handles the stop: an exec #PF at an entry
// point of [FLUKE_ENTRY_MIN, FLUKE_ENTRY_MAX) is a kernel call (x86-abi.ts decodes it, Kernel.invoke
// performs it, results go back per x86.md and the thread returns as a `ret` would); any other #PF fills
// the task's software TLB from Kernel.translate (pages holding live objects go through x86-objpage.ts) or
// is routed as a fault (region keeper, handler, task keeper); other processor exceptions and `int n` are
// synchronous exceptions with code 0x300 + vector. A blocked call leaves eip at its entry point (the
// atomic API), rewritten to the continuation's entry point when the kernel continues it as another call
// (IPC's multi-phase calls); its result is applied when the kernel reports its completion. Each task has one Tlb,
// flushed by the task's vm listeners and at the start of every slice (objects created by other threads
// since may sit on mapped pages). Above: x86-spawn.ts, the Scheduler, tests. Below: kernel.ts,
// exceptions.ts, x86-abi.ts, x86-objpage.ts, impl/x86.
import { FLUKE_ENTRY_MAX, FLUKE_ENTRY_MIN, type CallDef, type FaultKind, type Outcome } from "../../spec/kernel-api/common.js";
import { trapAtEip } from "../../spec/kernel-api/x86.js";
import { Cpu, Tlb, type StopReason } from "../x86/index.js";
import { deliverException, excHooks, settleStep, whyNotRunnable, type KSyncException } from "./exceptions.js";
import { KFault, type KCompletion } from "./kctx.js";
import type { Kernel } from "./kernel.js";
import { live, type KRegs, type KTask, type KThread } from "./kobjects.js";
import { readTask } from "./kmemory.js";
import { KERNEL_OP_COST, type Schedulable } from "./scheduler.js";
import { BadX86Call, checkOutPointers, decodeX86Call, rewriteToContinuation, rowOfTrap, writeResults, X86Insane } from "./x86-abi.js";
import { hasObjects, pageOf, stepOnObjectPage, tlbPerms } from "./x86-objpage.js";

/** Vector and error code the runner reports for a call the ABI cannot decode (#GP(0)). */
export const BAD_CALL_VECTOR = 13;

const tlbs = new WeakMap<KTask, Tlb>();
const runners = new WeakMap<KThread, X86Thread>();

/** The software TLB of `task`, created on first use and flushed whenever the task's translations change. */
export const tlbOf = (task: KTask): Tlb => {
  let tlb = tlbs.get(task);
  if (tlb === undefined) {
    const created = new Tlb();
    task.vm.listeners.add(() => created.flushAll());
    tlbs.set(task, (tlb = created));
  }
  return tlb;
};

/** The x86 runner of kernel thread `t`, if it has one. */
export const x86Of = (t: KThread): X86Thread | undefined => runners.get(t);

/** Calls that put an object on a page (which must then leave the TLB: x86-objpage.ts). */
const OBJECT_PLACING = /_(create|create_hash|move)$/;

/** The register order of impl/x86's r32 array. */
const R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;

const loadRegs = (cpu: Cpu, r: KRegs): void => {
  R32.forEach((n, i) => void (cpu.r32[i] = r[n] | 0));
  cpu.eip = r.eip >>> 0;
  cpu.setEflags(r.eflags >>> 0);
};

const saveRegs = (cpu: Cpu, r: KRegs): void => {
  R32.forEach((n, i) => void (r[n] = cpu.r32[i]! >>> 0));
  r.eip = cpu.eip >>> 0;
  r.eflags = cpu.getEflags() >>> 0;
};

const byKernel = new WeakMap<Kernel, Set<X86Thread>>();

/**
 * Hook the runners into kernel `k` (idempotent): after every invoke, finished calls get their results and
 * every x86 thread that can run again (woken, answered by a keeper) goes back on the run queue.
 */
export const installX86 = (k: Kernel): Set<X86Thread> => {
  let set = byKernel.get(k);
  if (set !== undefined) return set;
  const all = new Set<X86Thread>();
  byKernel.set(k, (set = all));
  k.completionListeners.add((done) => {
    for (const c of done) runners.get(c.thread)?.completed(c.outcome, null);
    for (const x of all) {
      if (!x.t.alive) {
        all.delete(x); // a destroyed thread never runs again: stop visiting it after every call
        continue;
      }
      x.syncContinuation();
      if (x.runnable()) k.sched.ready(x);
    }
  });
  excHooks.onInsanity = (t) => runners.get(t)?.abandonCall();
  return set;
};

/** A call in progress: its registry row and the return address popped when it finishes. */
interface InCall {
  readonly row: CallDef;
  readonly ret: number;
}

export class X86Thread implements Schedulable {
  readonly cpu = new Cpu();
  /** The call the thread is making (blocked in, or faulted in), if any. */
  call: InCall | null = null;
  /** Last stop the CPU reported (for tests and the CLI). */
  lastStop: StopReason | null = null;
  /** Kernel calls performed and synchronous exceptions routed (statistics for tests and the CLI). */
  readonly counts = { calls: 0, exceptions: 0 };

  constructor(readonly k: Kernel, readonly t: KThread) {
    installX86(k).add(this);
    runners.set(t, this);
  }

  runnable(): boolean {
    return this.t.alive && whyNotRunnable(this.k, this.t) === null;
  }

  runSlice(budget: number): number {
    const task = live(this.t.task);
    if (task === null) return 1;
    const tlb = tlbOf(task);
    tlb.flushAll();
    this.cpu.setTlb(tlb);
    let used = 0;
    while (used < budget && this.runnable()) {
      loadRegs(this.cpu, this.t.regs);
      const before = this.cpu.retired;
      const stop = this.cpu.run(budget - used);
      used += this.cpu.retired - before;
      saveRegs(this.cpu, this.t.regs);
      this.lastStop = stop;
      if (stop.kind === "budget") break;
      used += KERNEL_OP_COST;
      this.onStop(task, stop);
    }
    return Math.max(used, 1);
  }

  /** Handle one stop with the thread's registers saved in t.regs. */
  private onStop(task: KTask, stop: StopReason): void {
    if (stop.kind === "step" || stop.kind === "breakpoint" || stop.kind === "budget") return;
    if (stop.kind === "trap") return this.route(task, { kind: "trap", vector: stop.vector, error: stop.errorCode });
    if (stop.vector !== 14) return this.route(task, { kind: "trap", vector: stop.vector, error: stop.errorCode });
    const va = stop.address >>> 0;
    const access: FaultKind = stop.access ?? "read";
    if (access === "exec" && va >= FLUKE_ENTRY_MIN && va < FLUKE_ENTRY_MAX) return this.kernelCall(task, va);
    try {
      this.fill(task, va, access);
    } catch (e) {
      if (e instanceof KFault) return this.route(task, { kind: "fault", fault: e });
      throw e;
    }
  }

  /** Map the page of `va` for the CPU, or execute one instruction against an object page. */
  private fill(task: KTask, va: number, access: FaultKind): void {
    const { pfn, prot } = pageOf(this.k, task, va, access);
    if (!hasObjects(this.k, pfn)) {
      const f = this.k.phys.frame(pfn);
      this.cpu.mapPage(va >>> 12, f.buf, f.offset, tlbPerms(prot));
      return;
    }
    loadRegs(this.cpu, this.t.regs);
    const stop = stepOnObjectPage(this.k, this.cpu, task, va, access);
    saveRegs(this.cpu, this.t.regs);
    this.lastStop = stop;
    // a page fault left nothing done: the next run re-faults and handles it (no recursion here)
    if (stop.kind !== "fault" || stop.vector !== 14) this.onStop(task, stop);
  }

  /** Deliver a synchronous exception of this thread (not in a call) and report what it finished. */
  private route(task: KTask, exc: KSyncException): void {
    const completions: KCompletion[] = [];
    this.counts.exceptions++;
    this.t.pending = null;
    deliverException({ k: this.k, self: this.t, task, completions }, exc);
    settleStep(this.k, completions);
    for (const l of this.k.completionListeners) l(completions);
  }

  /** The thread called entry address `va`: decode, invoke, and finish the call if it returned. */
  private kernelCall(task: KTask, va: number): void {
    const trap = trapAtEip(va);
    const row = trap === null ? undefined : rowOfTrap(trap);
    if (row === undefined) return this.route(task, { kind: "fault", fault: new KFault(va, "exec", null) });
    let call;
    let ret: number;
    try {
      const b = readTask(this.k, task, this.t.regs.esp, 4);
      ret = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      call = decodeX86Call(this.k, task, this.t.regs, row);
      checkOutPointers(this.k, task, row, this.t.regs);
    } catch (e) {
      if (e instanceof KFault) return this.route(task, { kind: "fault", fault: e });
      if (e instanceof BadX86Call) return this.route(task, { kind: "trap", vector: BAD_CALL_VECTOR, error: 0 });
      if (e instanceof X86Insane) return this.route(task, { kind: "insanity", code: e.code }); // abandoned past the call
      throw e;
    }
    this.call = { row, ret };
    this.counts.calls++;
    const outcome = this.k.invoke(this.t, call, []);
    if (OBJECT_PLACING.test(row.name)) this.cpu.flushAll(); // a new or moved object may sit on a mapped page
    if (outcome.kind === "return") this.completed(outcome, row);
    // finished within its own step (its completion was applied above): not a call waiting to be re-issued
    else if (outcome.kind === "blocked" && this.t.wait === null && trapAtEip(this.t.regs.eip) === null) this.t.pending = null;
  }

  /**
   * The call in progress as the registers encode it (x86.md: eip at its entry point, the return address
   * on top of the stack), or null. `row`, when given, must be the call found there.
   */
  private callAtEip(row: CallDef | null): InCall | null {
    const r = this.t.regs;
    const trap = trapAtEip(r.eip >>> 0);
    const found = trap === null ? undefined : rowOfTrap(trap);
    const task = live(this.t.task);
    if (found === undefined || task === null || (row !== null && found !== row)) return null;
    if (this.call !== null && this.call.row === found) return this.call;
    try {
      const b = readTask(this.k, task, r.esp, 4);
      return { row: found, ret: (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 };
    } catch {
      return null;
    }
  }

  /**
   * A call of this thread finished with `outcome`: now (`row` = the call it made), or later after
   * blocking or being re-issued by the kernel (`row` null: the call its registers encode). A thread the
   * kernel moved meanwhile (handler entry, restored state) no longer encodes the call: nothing is written.
   */
  completed(outcome: Outcome, row: CallDef | null): void {
    if (outcome.kind !== "return") return;
    const c = this.callAtEip(row);
    if (c === null) return;
    this.call = null;
    const task = live(this.t.task);
    if (task !== null) writeResults(this.k, task, c.row, this.t.regs, outcome);
    this.t.regs.eip = c.ret;
    this.t.regs.esp = (this.t.regs.esp + 4) >>> 0;
  }

  /** A blocked call the kernel continues as another call (t.pending): make the registers encode that call. */
  syncContinuation(): void {
    const next = this.t.pending;
    if (next === null || this.t.wait === null) return;
    const c = this.callAtEip(null);
    if (c === null || c.row.name === next.name) return;
    const to = rewriteToContinuation(c.row, next.name, this.t.regs);
    if (to !== null) this.call = { row: to, ret: c.ret };
  }

  /** The call raised an insanity: it is abandoned, the thread continues (or is saved) past it. */
  abandonCall(): void {
    const c = this.callAtEip(null);
    this.call = null;
    if (c === null) return;
    this.t.regs.eip = c.ret;
    this.t.regs.esp = (this.t.regs.esp + 4) >>> 0;
  }
}
