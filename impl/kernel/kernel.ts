// The concrete kernel: physical memory, the object table, relative address spaces, the scheduler, and
// the dispatch of calls to the chapter handlers. `invoke` performs one call for a thread atomically
// (decode, then perform; a decode error routes a synchronous exception and changes nothing else);
// `step` is the same call addressed the way the conformance suite names threads (their root-view
// address), so the suite can drive this kernel with exactly the calls it sends the model.
// Above: the conformance adapter, native threads (native.ts), x86 threads, the CLI. Below: physmem.ts,
// objtab.ts, vm.ts, the chapter files.
import {
  FLUKE_PROT_CREATE_OB, FLUKE_PROT_EXEC, FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_VM_MIN, OBJECT_SIZE, PAGE_SIZE,
  type FaultKind, type Outcome,
} from "../../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import { IPC_MAX_SEND_WORDS } from "../../spec/kernel-api/ipc.js";
import { deliverException, settleStep, whyNotRunnable } from "./exceptions.js";
import { KERNEL_HANDLERS } from "./handlers.js";
import { complete, KFault, KInsane, type KCompletion, type KCtx } from "./kctx.js";
import type { KCall, KObj, KRegion, KTask, KThread } from "./kobjects.js";
import { newKTask, newKThread } from "./kinit.js";
import { ObjectTable } from "./objtab.js";
import { PhysMem } from "./physmem.js";
import { Scheduler, type Schedulable } from "./scheduler.js";
import { translatePage, type VmRegion } from "./vm.js";

export interface KernelOptions {
  /** Physical memory in pages (default 64, like the model's boot). */
  readonly pages?: number;
  /** Most objects the kernel holds; creates beyond it return NO_MEMORY. Default: no limit. */
  readonly objectLimit?: number;
}

/** A call the caller got wrong at the schema level: not a kernel outcome. */
export class KernelCallError extends Error {}

export interface KStepResult {
  readonly outcome: Outcome;
  /** Blocked calls this call finished, in order, with each thread's root-view address. */
  readonly completions: readonly { readonly thread: number; readonly outcome: Outcome }[];
}

const ACCESS: Record<FaultKind, number> = { read: FLUKE_PROT_READ, write: FLUKE_PROT_WRITE, exec: FLUKE_PROT_EXEC, create_ob: FLUKE_PROT_CREATE_OB };

export class Kernel {
  readonly phys: PhysMem;
  readonly objects = new ObjectTable<KObj>();
  readonly sched = new Scheduler<Schedulable>();
  readonly rootTask: KTask;
  readonly bootThread: KThread;
  readonly objectLimit: number | undefined;
  private hashCounter = 2;
  /** Told, after every invoke, of the blocked calls it finished (x86 threads apply their results). */
  readonly completionListeners = new Set<(done: readonly KCompletion[]) => void>();

  constructor(opts: KernelOptions = {}) {
    this.phys = new PhysMem((opts.pages ?? 64) * PAGE_SIZE);
    this.objectLimit = opts.objectLimit;
    this.rootTask = newKTask(0, 1, true);
    this.objects.add(this.rootTask);
    this.bootThread = newKThread(OBJECT_SIZE.thread, 2);
    this.bootThread.task = this.rootTask;
    this.bootThread.thread_va = FLUKE_VM_MIN + OBJECT_SIZE.thread;
    this.rootTask.threads.add(this.bootThread);
    this.objects.add(this.bootThread);
  }

  /** Physical address of `va` in `task` for an access of kind `access`; throws KFault. */
  translate(task: KTask, va: number, access: FaultKind): number {
    const r = translatePage(task.vm, va - (va % PAGE_SIZE), ACCESS[access], this.phys.pages);
    if (typeof r !== "number") {
      const region = r.region === null ? null : this.regionOf(r.region);
      // r.off is the offset of the page; add back the offset within it (everything is page-aligned)
      throw new KFault(va >>> 0, access, region, region === null ? 0 : r.off + ((va >>> 0) % PAGE_SIZE));
    }
    return Math.floor(r / 16) * PAGE_SIZE + (va % PAGE_SIZE);
  }

  /** The region object that owns a vm region record (vm.ts keeps it as `owner`). */
  regionOf(vm: VmRegion): KRegion | null {
    return (vm.owner as KRegion | undefined) ?? null;
  }

  /** The hash for a new object: the caller's if non-zero, else the next implementation hash (decision 7). */
  chooseHash(requested: number | undefined): number {
    if (requested !== undefined && requested !== 0) return requested >>> 0;
    this.hashCounter = (this.hashCounter + 1) >>> 0;
    return (Math.imul(this.hashCounter, 0x9e3779b1) >>> 0) || 1;
  }

  /** True when a create must return NO_MEMORY. */
  full(): boolean {
    return this.objectLimit !== undefined && this.objects.size >= this.objectLimit;
  }

  /** The thread whose object is at root-view address `name`, if any. */
  threadByName(name: number): KThread | undefined {
    const o = this.objects.at(name - FLUKE_VM_MIN);
    return o?.type === "thread" ? o : undefined;
  }

  /** Root-view address of an object. */
  nameOf(o: KObj): number {
    return FLUKE_VM_MIN + o.paddr;
  }

  /** Perform `call` as the thread named `name` (the conformance suite's view). */
  step(name: number, call: KCall): KStepResult {
    const parsed = this.parse(call);
    const t = this.threadByName(name);
    if (t === undefined) return { outcome: { kind: "not_runnable", why: "no_thread" }, completions: [] };
    const why = whyNotRunnable(this, t);
    if (why !== null) return { outcome: { kind: "not_runnable", why }, completions: [] };
    const completions: KCompletion[] = [];
    const outcome = this.invoke(t, parsed, completions);
    return { outcome, completions: completions.map((c) => ({ thread: this.nameOf(c.thread), outcome: c.outcome })) };
  }

  /** Validate a call against its registry row; throws KernelCallError. */
  parse(call: KCall): KCall {
    const row = CALLS_BY_NAME.get(call.name);
    if (row === undefined) throw new KernelCallError(`unknown call ${call.name}`);
    // The message words of an IPC call are checked here in one loop rather than word by word by the
    // schema (a file read passing a proxy carries thousands): the rest of the call goes through the
    // schema, and words the loop does not accept go through it too, so errors are the schema's own.
    const words = sendWordsOf(call.args);
    const r = row.args.safeParse(words === null ? call.args : { ...call.args, ipc_params: { ...(call.args["ipc_params"] as object), send_words: [] } });
    if (!r.success) throw new KernelCallError(`bad arguments for ${call.name}: ${r.error.message}`);
    if (words !== null) ((r.data as { ipc_params: { send_words: number[] } }).ipc_params).send_words = words.slice();
    return { name: call.name, args: r.data as Record<string, unknown> };
  }

  /** Perform a parsed call as thread t; completions of other threads are appended to `completions`. */
  invoke(t: KThread, call: KCall, completions: KCompletion[]): Outcome {
    const from = completions.length;
    const outcome = this.attempt(t, call, completions);
    settleStep(this, completions); // held alerts reach threads that can take them; spent donations end (model/step.ts)
    for (const l of this.completionListeners) l(completions.slice(from));
    return outcome;
  }

  /** invoke without the end-of-step settling. */
  private attempt(t: KThread, call: KCall, completions: KCompletion[]): Outcome {
    const handler = KERNEL_HANDLERS[call.name];
    if (handler === undefined) throw new KernelCallError(`no kernel handler for ${call.name}`);
    const ctx: KCtx = { k: this, self: t, task: t.task ?? this.rootTask, completions };
    try {
      const before = t.pending;
      const outcome = handler(ctx, call.args);
      if (outcome.kind === "blocked") t.pending = t.pending === before ? call : t.pending;
      else if (t.wait === null) t.pending = null;
      return outcome;
    } catch (e) {
      if (e instanceof KInsane) {
        t.pending = null;
        deliverException(ctx, { kind: "insanity", code: e.code });
        return { kind: "insanity", code: e.code };
      }
      if (e instanceof KFault) {
        t.pending = call;
        deliverException(ctx, { kind: "fault", fault: e });
        return { kind: "fault", addr: e.addr, access: e.access };
      }
      throw e;
    }
  }

  /** Re-run t's pending call in place (after a keeper's reply, or a set_state that resumes it). */
  resumePending(ctx: KCtx, t: KThread): void {
    const call = t.pending;
    if (call === null) return;
    const handler = KERNEL_HANDLERS[call.name];
    if (handler === undefined) throw new KernelCallError(`no kernel handler for ${call.name}`);
    t.wait = null;
    const sub: KCtx = { k: this, self: t, task: t.task ?? this.rootTask, completions: ctx.completions };
    try {
      const outcome = handler(sub, call.args);
      if (outcome.kind === "blocked") t.pending ??= call; // keep a continuation the handler stored (cond.ts)
      else complete(sub, t, outcome);
    } catch (e) {
      if (e instanceof KInsane) {
        t.pending = null;
        ctx.completions.push({ thread: t, outcome: { kind: "insanity", code: e.code } });
        deliverException(sub, { kind: "insanity", code: e.code });
      } else if (e instanceof KFault) {
        ctx.completions.push({ thread: t, outcome: { kind: "fault", addr: e.addr, access: e.access } });
        deliverException(sub, { kind: "fault", fault: e });
      } else throw e;
    }
  }
}

/** An IPC call's send_words when they are all valid words within the limit (checked fast), else null. */
const sendWordsOf = (args: Record<string, unknown>): number[] | null => {
  const p = args["ipc_params"];
  if (typeof p !== "object" || p === null) return null;
  const w = (p as { send_words?: unknown }).send_words;
  if (!Array.isArray(w) || w.length < 16 || w.length > IPC_MAX_SEND_WORDS) return null;
  for (let i = 0; i < w.length; i++) {
    const x: unknown = w[i];
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 0xffff_ffff) return null;
  }
  return w as number[];
};
