// Argument checks shared by the thread chapter's handlers in the concrete kernel (the decode half of
// "decode, then perform"; same rules as model/thread-decode.ts): the current-thread rules, and the
// validity of a pending call carried in imported state. Each throws KInsane or KFault before anything
// changes. Above: thread-*.ts. Below: decode.ts, kernel.ts (translate), spec/kernel-api/registry.ts.
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import type { PendingCall } from "../../spec/kernel-api/thread.js";
import { lookup, lookupValid } from "./decode.js";
import { kinsane, type KCtx } from "./kctx.js";
import type { KCall, KThread } from "./kobjects.js";

/** Current-only calls: `cur` must be the caller's own object as its task sees it (else NOT_CURRENT_THREAD). */
export const checkCurrent = (ctx: KCtx, cur: number): KThread => {
  if (ctx.k.translate(ctx.task, cur, "read") !== ctx.self.paddr) kinsane("NOT_CURRENT_THREAD");
  return ctx.self;
};

/** Not-current calls: CURRENT_THREAD if `va` is the caller, then the object checks (destroy accepts an invalid thread). */
export const otherThread = (ctx: KCtx, va: number, forDestroy = false): KThread => {
  if (ctx.k.translate(ctx.task, va, "read") === ctx.self.paddr) kinsane("CURRENT_THREAD");
  return forDestroy ? lookupValid(ctx, va, "thread") : lookup(ctx, va, "thread");
};

/** A pending call in imported state must name a registry row and match its schema (else INVALID_ADDRESS). */
export const checkPendingCall = (c: PendingCall | null): KCall | null => {
  if (c === null) return null;
  const parsed = CALLS_BY_NAME.get(c.name)?.args.safeParse(c.args);
  if (parsed === undefined || !parsed.success) return kinsane("INVALID_ADDRESS");
  return { name: c.name, args: parsed.data as Record<string, unknown> };
};

/** A copy of a pending call for export (exported state never aliases the kernel's records). */
export const exportCall = (c: KCall | null): PendingCall | null =>
  c === null ? null : { name: c.name, args: structuredClone(c.args) as Record<string, unknown> };
