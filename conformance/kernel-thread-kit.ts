// Shared fixture of the differential tests of the thread, mutex, cond and ref chapters: a Lockstep world
// where every call must give deeply equal results on the model and the kernel (outcome and completions,
// in order), objects at fixed root addresses, and runnable threads made only through the public API
// (fluke_thread_create, then fluke_thread_set_state with the root task and a scheduler port).
// Above: conformance/kernel-{thread,mutex,cond,ref}*.test.ts. Below: conformance/lockstep.ts.
import { expect } from "vitest";
import type { Outcome } from "../spec/kernel-api/common.js";
import type { ThreadState } from "../spec/kernel-api/thread.js";
import { Lockstep, type SideResult } from "./lockstep.js";

export { BOOT, COND, EMPTY, MUTEX, NO_REFS, PORT, REF, ROOT, THREAD, UNMAPPED, blankState } from "../impl/kernel/sync-scenarios.js";
import { BOOT, MUTEX, NO_REFS, PORT, REF, ROOT, THREAD, blankState } from "../impl/kernel/sync-scenarios.js";

/** The return code of an outcome ("INS:<code>" for an insanity), or its kind. */
export const rc = (o: Outcome | "harness-error" | undefined): string =>
  o === undefined || o === "harness-error" ? String(o) : o.kind === "return" ? o.rc : o.kind === "insanity" ? `INS:${o.code}` : o.kind;

export class World {
  readonly ls: Lockstep;
  last: SideResult = { outcome: "harness-error", completions: [] };
  private refs = 200;

  constructor(opts: { objectLimit?: number } = {}) {
    this.ls = new Lockstep(opts);
    this.ok("fluke_port_create", { new_port: PORT(0) });
  }

  /** Run a call on both sides, require equal results, return the outcome. */
  call(thread: number, name: string, args: Record<string, unknown>): Outcome {
    const r = this.ls.call(name, args, thread);
    expect(r.kernel, `${name} diverged\n${this.ls.transcript()}`).toEqual(r.model);
    this.last = r.model;
    if (r.model.outcome === "harness-error") throw new Error(`harness error in ${name}`);
    return r.model.outcome;
  }

  /** A call that must succeed; returns its out-parameters. */
  ok(name: string, args: Record<string, unknown>, thread = BOOT): Record<string, unknown> {
    const o = this.call(thread, name, args);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name} gave ${JSON.stringify(o)}\n${this.ls.transcript()}`);
    return o.out;
  }

  /** Code of a call's outcome. */
  code(thread: number, name: string, args: Record<string, unknown>): string {
    return rc(this.call(thread, name, args));
  }

  /** Code of the last step's completion of `thread`, or "none". */
  done(thread: number): string {
    const c = this.last.completions.find((x) => x.thread === thread);
    return c === undefined ? "none" : rc(c.outcome);
  }

  /** A fresh reference pointing at the object at `target` (0: null). */
  ref(target = 0): number {
    const va = REF(this.refs++);
    this.ok("fluke_ref_create", { new_ref: va });
    if (target !== 0) this.ok("fluke_ref_copy", { src_ref: this.refOf(target), dst_ref: va });
    return va;
  }

  /** A reference to `target` made with its type's _reference call. */
  private refOf(target: number): number {
    const va = REF(this.refs++);
    this.ok("fluke_ref_create", { new_ref: va });
    const type = target === ROOT ? "task" : target >= 0x8000 && target < 0x9000 ? "port" : target >= 0x6000 && target < 0x6800 ? "mutex" : "thread";
    this.ok(`fluke_${type}_reference`, { [type]: target, [`new_${type}_ref`]: va });
    return va;
  }

  /** Thread number `i` at THREAD(i): created and made runnable in the root task on port 0's time. */
  thread(i: number, over: Partial<ThreadState> = {}, sched = true): number {
    const va = THREAD(i);
    this.ok("fluke_thread_create", { new_thread: va });
    const task_ref = this.ref(ROOT);
    const scheduler_ref = sched ? this.ref(PORT(0)) : 0;
    this.ok("fluke_thread_set_state", { thread: va, state: blankState(va, over), ...NO_REFS, task_ref, scheduler_ref });
    return va;
  }
}
