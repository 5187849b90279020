// Synchronous exceptions in the abstract model: where an insanity or an unresolved memory fault goes.
// A fault first goes to the keeper of the region that refused it (an idempotent call; on reply the
// faulting call is retried). Otherwise, and for insanities: the thread's trap handler if exceptions are
// enabled and a handler is set, else an idempotent call to the task's keeper, else the thread blocks.
// Owned by the thread chapter (placeholder: every exception blocks the thread).
import type { Ctx } from "./ctx.js";
import type { MemFault } from "./errors.js";
import type { Insanity } from "../spec/kernel-api/common.js";

export type SyncException = { readonly kind: "insanity"; readonly code: Insanity } | { readonly kind: "fault"; readonly fault: MemFault };

/** Route a synchronous exception of ctx.self; ctx.self.pending holds the call to retry, if any. */
export const deliverException = (ctx: Ctx, exc: SyncException): void => {
  void exc;
  ctx.self.wait = { kind: "exception" };
};
