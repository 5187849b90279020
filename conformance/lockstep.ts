// Lockstep driving of the abstract model and the concrete kernel: the same call, by the same thread
// (named by its root-view address), goes to both, and the two results are returned side by side for
// comparison. This is the core the conformance suite builds on; the chapters' differential tests use it
// directly. Above: conformance tests. Below: model/step.ts and impl/kernel/kernel.ts (the only place
// that imports both).
import { boot } from "../model/boot.js";
import type { ModelState } from "../model/state.js";
import { HarnessError, step } from "../model/step.js";
import { Kernel, KernelCallError } from "../impl/kernel/kernel.js";
import type { Outcome } from "../spec/kernel-api/common.js";
import { BOOT_THREAD_VA } from "../model/boot.js";

export interface SideResult {
  readonly outcome: Outcome | "harness-error";
  readonly completions: readonly { readonly thread: number; readonly outcome: Outcome }[];
}

export interface LockstepOptions {
  readonly pages?: number;
  readonly objectLimit?: number;
}

export class Lockstep {
  model: ModelState;
  readonly kernel: Kernel;
  readonly log: { thread: number; name: string; args: Record<string, unknown>; model: SideResult; kernel: SideResult }[] = [];

  constructor(opts: LockstepOptions = {}) {
    this.model = boot(opts);
    this.kernel = new Kernel(opts);
  }

  /** Run one call on both sides; returns both results. */
  call(name: string, args: Record<string, unknown>, thread: number = BOOT_THREAD_VA): { model: SideResult; kernel: SideResult } {
    let m: SideResult;
    try {
      const r = step(this.model, thread, { name, args });
      this.model = r.state;
      m = { outcome: r.outcome, completions: r.completions };
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      m = { outcome: "harness-error", completions: [] };
    }
    let k: SideResult;
    try {
      k = this.kernel.step(thread, { name, args });
    } catch (e) {
      if (!(e instanceof KernelCallError)) throw e;
      k = { outcome: "harness-error", completions: [] };
    }
    this.log.push({ thread, name, args, model: m, kernel: k });
    return { model: m, kernel: k };
  }

  /** The log as text, for a failing test's message. */
  transcript(): string {
    return this.log.map((l) => `${l.name}(${JSON.stringify(l.args)}) by ${l.thread}\n  model:  ${JSON.stringify(l.model)}\n  kernel: ${JSON.stringify(l.kernel)}`).join("\n");
  }
}
