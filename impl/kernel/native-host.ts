// Native threads wired to the concrete kernel: the NativeHost whose dispatch is Kernel.invoke, whose
// mayRun is the thread chapter's whyNotRunnable, and which wakes native threads whose blocked calls other
// threads' calls completed and readies them in the kernel's Scheduler. spawnNative creates the kernel
// thread object (through the thread chapter's own create handler, at an address of a task), gives it its
// task and CPU time and binds it to a NativeThread running a generator program. A call the program gets
// wrong at the schema level ends that program with a clear error; the host and the kernel go on.
// Above: nesters, the IPC benchmark (bench/), tests. Below: kernel.ts, native.ts, sched.ts, scheduler.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import { KERNEL_HANDLERS } from "./handlers.js";
import { KFault, KInsane, type KCompletion, type KCtx } from "./kctx.js";
import { Kernel, KernelCallError } from "./kernel.js";
import type { KCall, KPort, KTask, KThread } from "./kobjects.js";
import { NativeThread, type KernelRequest, type NativeHost, type NativeProgram } from "./native.js";
import { whyNotRunnable } from "./sched.js";

export interface SpawnOptions {
  /** Hash of the new thread object (0 or absent: the kernel chooses). */
  readonly hash?: number;
  /** CPU time from this scheduler port; absent: the boot thread's time (as the suite's extra threads). */
  readonly scheduler?: KPort;
  /** A label for traces (defaults to the thread's root-view address in hex). */
  readonly label?: string;
}

/** What spawnNative returns: the kernel thread, its runner, and its root-view name. */
export interface NativeHandle {
  readonly thread: KThread;
  readonly runner: NativeThread;
  readonly name: number;
  readonly label: string;
}

/** One call a native thread made, as the host saw it (for deterministic traces). */
export interface TraceEntry {
  readonly label: string;
  readonly call: string;
  readonly outcome: Outcome["kind"] | string;
}

export class KernelNativeHost implements NativeHost {
  /** The runner of every native kernel thread. */
  readonly runners = new Map<KThread, NativeThread>();
  readonly trace: TraceEntry[] = [];
  /** Record every call in `trace` (off in the benchmark). */
  tracing = true;
  private readonly threadOf = new Map<NativeThread, KThread>();
  private readonly labels = new Map<NativeThread, string>();
  /** Runners dropped from the run queue because the kernel said they could not run (stopped, no time...). */
  private readonly parked = new Set<NativeThread>();

  constructor(readonly k: Kernel) {
    // Calls made by other kinds of threads (x86) finish native threads' calls too: hear of every invoke's completions.
    (k as unknown as { completionListeners?: Set<(done: readonly KCompletion[]) => void> }).completionListeners?.add((done) => this.wakeAll(done));
  }

  mayRun(t: NativeThread): boolean {
    const kt = this.threadOf.get(t);
    const can = kt !== undefined && kt.alive && whyNotRunnable(this.k, kt) === null;
    if (!can && !t.blocked && !t.done) this.parked.add(t);
    return can;
  }

  dispatch(t: NativeThread, call: KernelRequest): Outcome {
    const kt = this.threadOf.get(t);
    if (kt === undefined) return this.fail(t, call, new Error("native thread not bound to a kernel thread"));
    let parsed: KCall;
    try {
      parsed = this.k.parse(call);
    } catch (e) {
      if (e instanceof KernelCallError) return this.fail(t, call, new Error(`${this.labelOf(t)}: ${e.message}`));
      throw e;
    }
    const completions: KCompletion[] = [];
    let outcome = this.k.invoke(kt, parsed, completions);
    const own = completions.findIndex((c) => c.thread === kt);
    if (own >= 0 && outcome.kind === "blocked") outcome = completions.splice(own, 1)[0]!.outcome;
    if (outcome.kind === "fault" || outcome.kind === "insanity") outcome = this.afterFault(kt, outcome);
    if (this.tracing) this.trace.push({ label: this.labelOf(t), call: call.name, outcome: outcome.kind === "return" ? outcome.rc : outcome.kind });
    this.settle(completions, kt, call.name);
    return outcome;
  }

  /**
   * A native thread's call faulted or raised an insanity. If the kernel took a fault to a region keeper
   * (the thread waits for the keeper's answer, then the call is re-run), the program sees its call block
   * and later gets the re-run's outcome, as an x86 thread would. With nobody to handle it (the thread
   * would wait on its own exception for good, silently), the program gets the outcome back and the
   * thread goes on (ours: native code handles its own faults and insanities, or fails visibly).
   */
  private afterFault(kt: KThread, outcome: Outcome): Outcome {
    if (kt.wait === null) return outcome;
    if (kt.wait.kind === "exception") {
      kt.wait = null;
      kt.pending = null;
      return outcome;
    }
    return { kind: "blocked" };
  }

  /** Perform a call as kernel thread `kt` from outside the scheduler (the boot thread, a test) and wake whom it finished. */
  callAs(kt: KThread, call: KernelRequest): Outcome {
    const completions: KCompletion[] = [];
    const outcome = this.k.invoke(kt, this.k.parse(call), completions);
    this.settle(completions, kt, call.name);
    return outcome;
  }

  /** Wake the native threads whose blocked calls finished, then re-admit parked runners that can run again. */
  settle(completions: readonly KCompletion[], caller: KThread | null, callName = ""): void {
    this.wakeAll(completions, caller);
    if (STOPS.test(callName)) for (const kt of this.runners.keys()) this.evictIfStuck(kt);
    this.recheck();
  }

  /** Wake each blocked native thread among `completions` with its outcome (once: a woken runner is no longer blocked). */
  private wakeAll(completions: readonly KCompletion[], caller: KThread | null = null): void {
    for (const c of completions) {
      const r = this.runners.get(c.thread);
      if (r === undefined || c.thread === caller || !r.blocked) continue;
      r.wake(c.outcome);
      if (this.tracing) this.trace.push({ label: this.labelOf(r), call: "(woken)", outcome: c.outcome.kind === "return" ? c.outcome.rc : c.outcome.kind });
      this.k.sched.ready(r);
    }
  }

  /** Parked runners that can run again go back to the run queue; those of destroyed threads are dropped. */
  private recheck(): void {
    for (const r of this.parked) {
      const kt = this.threadOf.get(r)!;
      if (!kt.alive) {
        this.parked.delete(r);
        this.k.sched.unready(r);
        continue;
      }
      if (r.done || r.blocked) this.parked.delete(r);
      else if (whyNotRunnable(this.k, kt) === null) {
        this.parked.delete(r);
        this.k.sched.ready(r);
      }
    }
  }

  /** Leave the run queue if `kt`'s runner cannot run now (stopped, destroyed); it comes back when it can. */
  evictIfStuck(kt: KThread): void {
    const r = this.runners.get(kt);
    if (r !== undefined && !r.runnable()) this.k.sched.unready(r);
  }

  /** Bind a runner to a kernel thread and put it in the run queue. */
  bind(kt: KThread, r: NativeThread, label: string): void {
    this.runners.set(kt, r);
    this.threadOf.set(r, kt);
    this.labels.set(r, label);
    this.k.sched.ready(r);
  }

  labelOf(t: NativeThread): string {
    return this.labels.get(t) ?? "?";
  }

  /** End `t`'s program with `error` (a call it got wrong); the host goes on. */
  private fail(t: NativeThread, call: KernelRequest, error: Error): Outcome {
    t.done = true;
    t.crashed = error;
    if (this.tracing) this.trace.push({ label: this.labelOf(t), call: call.name, outcome: "schema-error" });
    return { kind: "not_runnable", why: "blocked" }; // never reaches the program: it is done
  }
}

/** Calls that can stop or destroy another thread (its runner then leaves the run queue at once). */
const STOPS = /_(get_state|set_state|destroy)$/;

const hosts = new WeakMap<Kernel, KernelNativeHost>();

/** The native host of kernel `k` (one per kernel, made on first use). */
export const nativeHost = (k: Kernel): KernelNativeHost => {
  let h = hosts.get(k);
  if (h === undefined) {
    h = new KernelNativeHost(k);
    hosts.set(k, h);
  }
  return h;
};

/** Create a thread object at `va` in `task` with the thread chapter's create handler; throws on refusal. */
const createThreadObject = (k: Kernel, task: KTask, va: number, hash: number): KThread => {
  const ctx: KCtx = { k, self: k.bootThread, task, completions: [] };
  let outcome: Outcome;
  try {
    outcome = KERNEL_HANDLERS["fluke_thread_create_hash"]!(ctx, { new_thread: va, hash });
  } catch (e) {
    if (e instanceof KInsane) throw new Error(`spawnNative at 0x${va.toString(16)}: ${e.message}`);
    if (e instanceof KFault) throw new Error(`spawnNative at 0x${va.toString(16)}: ${e.message}`);
    throw e;
  }
  if (outcome.kind !== "return" || outcome.rc !== "SUCCESS") throw new Error(`spawnNative at 0x${va.toString(16)}: ${JSON.stringify(outcome)}`);
  const o = k.objects.at(k.translate(task, va, "create_ob"));
  if (o?.type !== "thread") throw new Error("spawnNative: created thread not found");
  return o;
};

/**
 * Create a native thread at address `va` of `task` running `program`: the thread object is made by the
 * thread chapter (so it is in the object table, the thread index, and stamped), gets `task` as its task
 * (and joins task.threads), `va` as its thread_va, and CPU time from `opts.scheduler` or the boot thread.
 */
export const spawnNative = (k: Kernel, task: KTask, va: number, program: NativeProgram, opts: SpawnOptions = {}): NativeHandle => {
  const host = nativeHost(k);
  const kt = createThreadObject(k, task, va, opts.hash ?? 0);
  kt.task = task;
  task.threads.add(kt);
  kt.thread_va = va;
  if (opts.scheduler !== undefined) kt.scheduler = opts.scheduler;
  else kt.donor = k.bootThread;
  const runner = new NativeThread(program, host);
  const name = k.nameOf(kt);
  const label = opts.label ?? `0x${name.toString(16)}`;
  host.bind(kt, runner, label);
  return { thread: kt, runner, name, label };
};
