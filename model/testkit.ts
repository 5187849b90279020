// Small helpers for the model's tests: drive a thread through a sequence of calls and keep the latest
// state. Not used by the model itself.
import { BOOT_THREAD_VA, boot, type BootOptions } from "./boot.js";
import { step } from "./step.js";
import type { Completion, ModelState, ThreadName } from "./state.js";
import type { Outcome } from "../spec/kernel-api/common.js";

/** A mutable driver around the pure step function. */
export class Driver {
  s: ModelState;
  readonly log: { thread: ThreadName; name: string; outcome: Outcome; completions: readonly Completion[] }[] = [];
  constructor(opts: BootOptions = {}) {
    this.s = boot(opts);
  }
  /** Run one call as `thread` (default: the boot thread) and return its outcome. */
  call(name: string, args: Record<string, unknown>, thread: ThreadName = BOOT_THREAD_VA): Outcome {
    const r = step(this.s, thread, { name, args });
    this.s = r.state;
    this.log.push({ thread, name, outcome: r.outcome, completions: r.completions });
    return r.outcome;
  }
  /** The completions produced by the last call. */
  get lastCompletions(): readonly Completion[] {
    return this.log.at(-1)?.completions ?? [];
  }
  /** Run a call that must succeed; returns its out-parameters. */
  ok(name: string, args: Record<string, unknown>, thread: ThreadName = BOOT_THREAD_VA): Record<string, unknown> {
    const o = this.call(name, args, thread);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name} did not succeed: ${JSON.stringify(o)}`);
    return o.out;
  }
}
