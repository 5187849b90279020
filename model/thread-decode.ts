// Argument checks shared by the thread chapter's handlers (the decode half of "decode, then perform"):
// the current-thread rules, and the validity of a pending call carried in state. Each throws Insane or
// MemFault before anything changes. Above: model/thread*.ts. Below: model/objects.ts, model/memory.ts.
import { CALLS_BY_NAME } from "../spec/kernel-api/registry.js";
import type { PendingCall } from "../spec/kernel-api/thread.js";
import type { Ctx } from "./ctx.js";
import { insane } from "./errors.js";
import { translate } from "./memory.js";
import { lookupForDestroy } from "./object-ops.js";
import { lookup } from "./objects.js";
import type { AbstractCall, ThreadObj } from "./state.js";

/**
 * Current-only calls: `cur_thread` must be the caller's own object as its task sees it (a fault if the
 * address does not translate; NOT_CURRENT_THREAD if it is anything else).
 */
export const checkCurrent = (ctx: Ctx, curThread: number): ThreadObj => {
  if (translate(ctx.s, ctx.task, curThread, "read").paddr !== ctx.self.paddr) insane("NOT_CURRENT_THREAD");
  return ctx.self;
};

/**
 * Not-current calls: CURRENT_THREAD if `va` is the caller's own object, then the usual object checks
 * (for destroy, an invalid thread is accepted: decision 3 of common.md).
 */
export const otherThread = (ctx: Ctx, va: number, forDestroy = false): ThreadObj => {
  if (translate(ctx.s, ctx.task, va, "read").paddr === ctx.self.paddr) insane("CURRENT_THREAD");
  return forDestroy ? lookupForDestroy(ctx, va, "thread") : lookup(ctx.s, ctx.task, va, "thread");
};

/**
 * A pending call in imported state must name a registry row and match its argument schema, as an x86
 * eip in the entry area must be an entry point (INVALID_ADDRESS otherwise). Returns a private copy.
 */
export const checkPendingCall = (c: PendingCall | null): AbstractCall | null => {
  if (c === null) return null;
  const row = CALLS_BY_NAME.get(c.name);
  const parsed = row?.args.safeParse(c.args);
  if (parsed === undefined || !parsed.success) return insane("INVALID_ADDRESS");
  return { name: c.name, args: parsed.data as Record<string, unknown> };
};

/** A copy of a pending call for export (state never aliases the model's records). */
export const exportCall = (c: AbstractCall | null): PendingCall | null =>
  c === null ? null : { name: c.name, args: structuredClone(c.args) as Record<string, unknown> };
