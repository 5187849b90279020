// Small helpers for the model's tests: drive a thread through a sequence of calls and keep the latest
// state. Not used by the model itself.
import { BOOT_THREAD_VA, boot, type BootOptions } from "./boot.js";
import { step } from "./step.js";
import type { Completion, ModelState, ThreadName } from "./state.js";
import type { Outcome } from "../spec/kernel-api/common.js";
import { recordOutcome } from "./outcome-log.js";

/** Record a step's outcome and its completions (a completion counts for the call its thread blocked in). */
const recordStep = (blockedIn: Map<ThreadName, string>, thread: ThreadName, name: string, o: Outcome, cs: readonly Completion[]): void => {
  recordOutcome(name, o);
  if (o.kind === "blocked" || o.kind === "fault") blockedIn.set(thread, name);
  else if (o.kind !== "not_runnable") blockedIn.delete(thread);
  for (const c of cs) recordOutcome(blockedIn.get(c.thread) ?? "unknown", c.outcome);
};

/** A mutable driver around the pure step function. */
export class Driver {
  s: ModelState;
  readonly log: { thread: ThreadName; name: string; outcome: Outcome; completions: readonly Completion[] }[] = [];
  /** The call each blocked thread is in, so completions are recorded under its name (FLUKE_RECORD_OUTCOMES). */
  readonly blockedIn = new Map<ThreadName, string>();
  constructor(opts: BootOptions = {}) {
    this.s = boot(opts);
  }
  /** Run one call as `thread` (default: the boot thread) and return its outcome. */
  call(name: string, args: Record<string, unknown>, thread: ThreadName = BOOT_THREAD_VA): Outcome {
    const r = step(this.s, thread, { name, args });
    this.s = r.state;
    recordStep(this.blockedIn, thread, name, r.outcome, r.completions);
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
