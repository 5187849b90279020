// The context a chapter handler runs in: the draft state it may change, the calling thread, its task,
// and the completions it produces for other threads. Handlers return a ReturnOutcome or BlockedOutcome;
// they throw Insane or MemFault (model/errors.ts) while decoding, before changing anything.
import type { Outcome, ReturnCode } from "../spec/kernel-api/common.js";
import { rootVa } from "./memory.js";
import type { Completion, ModelState, Oid, ThreadObj } from "./state.js";

export interface Ctx {
  readonly s: ModelState;
  readonly self: ThreadObj;
  readonly task: Oid;
  readonly completions: Completion[];
}

/** A handler: decode (may throw), then perform (must not throw). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (ctx: Ctx, args: any) => Outcome;

export const ok = (out: Record<string, unknown> = {}): Outcome => ({ kind: "return", rc: "SUCCESS", out });
export const ret = (rc: ReturnCode, out: Record<string, unknown> = {}): Outcome => ({ kind: "return", rc, out });
export const blocked = (): Outcome => ({ kind: "blocked" });

/** Report that a blocked thread's call finished with `outcome`; clears its wait and pending call. */
export const complete = (s: ModelState, completions: Completion[], t: ThreadObj, outcome: Outcome): void => {
  t.wait = null;
  t.pending = null;
  completions.push({ thread: rootVa(t.paddr), outcome });
};
