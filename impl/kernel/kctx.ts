// What a concrete-kernel handler works with: the kernel, the calling thread and its task, and the list of
// completions (blocked calls of other threads that this call finished). Handlers decode first (throwing
// KInsane or KFault, which leaves every object untouched) and then perform, which cannot fail; this is
// how the kernel keeps every call atomic without an undo log. Above: impl/kernel/<chapter>.ts. Below:
// impl/kernel/kernel.ts.
import type { FaultKind, Insanity, Outcome, ReturnCode } from "../../spec/kernel-api/common.js";
import type { KRegion, KTask, KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";

export interface KCompletion {
  readonly thread: KThread;
  readonly outcome: Outcome;
}

export interface KCtx {
  readonly k: Kernel;
  readonly self: KThread;
  readonly task: KTask;
  readonly completions: KCompletion[];
}

export type KHandler = (ctx: KCtx, args: any) => Outcome; // eslint-disable-line @typescript-eslint/no-explicit-any

export class KInsane extends Error {
  constructor(readonly code: Insanity) {
    super(`FLUKE_INSANITY_${code}`);
  }
}

/**
 * A refused access: `addr` in the faulting thread's task, the region whose keeper hears of it (null:
 * the thread's own exception path), and `regionOff`, the exact offset of the access within that region
 * (from its start_va; word 14 of the keeper message, x86.md), 0 if none.
 */
export class KFault extends Error {
  constructor(readonly addr: number, readonly access: FaultKind, readonly region: KRegion | null, readonly regionOff = 0) {
    super(`fault ${access} at 0x${addr.toString(16)}`);
  }
}

export const kinsane = (code: Insanity): never => {
  throw new KInsane(code);
};

export const ok = (out: Record<string, unknown> = {}): Outcome => ({ kind: "return", rc: "SUCCESS", out });
export const ret = (rc: ReturnCode, out: Record<string, unknown> = {}): Outcome => ({ kind: "return", rc, out });
export const blocked = (): Outcome => ({ kind: "blocked" });

/** Finish thread t's blocked call with `outcome`. */
export const complete = (ctx: KCtx, t: KThread, outcome: Outcome): void => {
  t.wait = null;
  t.pending = null;
  ctx.completions.push({ thread: t, outcome });
};
