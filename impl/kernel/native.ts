// Native threads: TypeScript code (the nesters) running as ordinary Fluke threads. A native thread's
// program is a generator that yields kernel calls ({ name, args }, the abstract call of the spec) and
// receives their outcomes, so it blocks and resumes under the same scheduler as x86 threads. A program
// that throws does not take the host down: the thread stops and the error is kept for the kernel to
// report. Above: impl/kernel/kernel.ts creates them; nesters (impl/nesters) write the programs.
// Below: impl/kernel/scheduler.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import { KERNEL_OP_COST, type Schedulable } from "./scheduler.js";

export interface KernelRequest {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

export type NativeProgram = Generator<KernelRequest, void, Outcome>;

/** The kernel side of a native thread: performs one call for it. */
export interface NativeHost {
  dispatch(t: NativeThread, call: KernelRequest): Outcome;
  /** Extra conditions (stopped, no task, no CPU time) decided by the kernel's thread chapter. */
  mayRun(t: NativeThread): boolean;
}

export class NativeThread implements Schedulable {
  blocked = false;
  done = false;
  crashed: Error | null = null;
  /** The call this thread is blocked in, if any (exported by get_state as a restartable call). */
  pending: KernelRequest | null = null;
  private resume: Outcome | undefined;
  private started = false;

  constructor(private readonly program: NativeProgram, private readonly host: NativeHost) {}

  runnable(): boolean {
    return !this.blocked && !this.done && this.host.mayRun(this);
  }

  /** Finish the blocked call with `outcome` (the kernel calls this when it wakes the thread). */
  wake(outcome: Outcome): void {
    this.blocked = false;
    this.pending = null;
    this.resume = outcome;
  }

  runSlice(budget: number): number {
    let used = 0;
    while (used < budget && this.runnable()) {
      const next = this.advance();
      if (next === undefined) break;
      used += KERNEL_OP_COST;
      const outcome = this.host.dispatch(this, next);
      if (outcome.kind === "blocked") {
        this.blocked = true;
        this.pending = next;
      } else this.resume = outcome;
    }
    return Math.max(used, 1);
  }

  /** Run the program to its next call; undefined when it ended or crashed. */
  private advance(): KernelRequest | undefined {
    try {
      const r = this.started ? this.program.next(this.resume!) : this.program.next(undefined as unknown as Outcome);
      this.started = true;
      this.resume = undefined;
      if (r.done === true) {
        this.done = true;
        return undefined;
      }
      return r.value;
    } catch (e) {
      this.done = true;
      this.crashed = e instanceof Error ? e : new Error(String(e));
      return undefined;
    }
  }
}
