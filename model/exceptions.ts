// Exceptions in the abstract model (spec/kernel-api/thread.md "Exceptions", x86.md "Exception
// handlers"). Synchronous: an unresolved fault first goes to the keeper of the region that refused it
// (an idempotent kernel call; on reply the faulting call is re-run); otherwise, and for insanities and
// processor traps, the thread's trap handler if exceptions are enabled and one is set, else an
// idempotent call to its task's keeper, else the thread blocks. Asynchronous (interrupts, and alerts
// that the IPC chapter posts in ThreadIpc.alertPending): delivered to the matching handler when
// exceptions are enabled, held back otherwise. Entering a handler saves
// eax ecx edx eip eflags and the interrupted call, and disables exceptions until
// fluke_thread_return_from_exception. Above: model/step.ts, model/restart.ts, model/thread*.ts, the IPC
// transport (onKernelReply). Below: model/ipc-kernel.ts, model/thread-wait.ts, spec/kernel-api/x86.ts.
import {
  FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED, type Insanity,
} from "../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../spec/kernel-api/registry.js";
import {
  FLUKE_EXC_CLIENT_ALERT, FLUKE_EXC_INTERRUPT, FLUKE_EXC_MSG_WORDS, FLUKE_EXC_SERVER_ALERT, FLUKE_EXC_REPLY_SET_REGS, FLUKE_EXC_REPLY_SET_REGS_WORDS, X86_REGISTERS,
  faultExcCode, insanityExcCode, trapExcCode,
} from "../spec/kernel-api/x86.js";
import type { Ctx } from "./ctx.js";
import type { MemFault } from "./errors.js";
import { ipcKernelCall, type KernelCallPurpose } from "./ipc-kernel.js";
import { deref } from "./objects.js";
import { resumePending } from "./restart.js";
import type { Completion, ModelState, Oid, ThreadObj } from "./state.js";
import { cancelWait } from "./thread-wait.js";

export type SyncException =
  | { readonly kind: "insanity"; readonly code: Insanity }
  | { readonly kind: "fault"; readonly fault: MemFault }
  /** A processor exception of x86 code (vector 0..255, incl. int n); the model's calls never raise one. */
  | { readonly kind: "trap"; readonly vector: number; readonly error: number };

/** The exception code of x86.md (ecx on handler entry, word 0 of a keeper message). */
export const excCode = (e: SyncException): number =>
  e.kind === "insanity" ? insanityExcCode(e.code) : e.kind === "fault" ? faultExcCode(e.fault.access) : trapExcCode(e.vector);

/** The address word (edx on handler entry, word 1 of a keeper message): fault address or trap error code. */
export const excAddr = (e: SyncException): number =>
  e.kind === "fault" ? e.fault.addr >>> 0 : e.kind === "trap" ? e.error >>> 0 : 0;

/**
 * The 15-word message of a kernel call to a keeper for `t` (x86.md "Keeper messages"). `toRegionKeeper`:
 * the call goes to the keeper of the region that refused the fault, and word 14 is the offset of the
 * access within that region; in any other message it is 0.
 */
export const exceptionMessage = (t: ThreadObj, e: SyncException, toRegionKeeper = false): number[] => {
  const trap = t.pending === null ? 0 : (CALLS_BY_NAME.get(t.pending.name)?.trap ?? 0);
  const regionOff = toRegionKeeper && e.kind === "fault" ? e.fault.regionOff >>> 0 : 0;
  const words = [excCode(e), excAddr(e), t.thread_va, ...X86_REGISTERS.map((r) => t.regs[r]), trap, regionOff];
  if (words.length !== FLUKE_EXC_MSG_WORDS) throw new Error("exception message layout");
  return words;
};

const livePort = (s: ModelState, oid: Oid | null): Oid | null => deref(s, oid, "port")?.oid ?? null;

/** The keeper port of the region that refused a fault, if it has a live one. */
const regionKeeper = (s: ModelState, e: SyncException): Oid | null =>
  e.kind === "fault" ? livePort(s, deref(s, e.fault.region, "region")?.keeper ?? null) : null;

/** The keeper port of `t`'s task, if it has a live one. */
const taskKeeper = (s: ModelState, t: ThreadObj): Oid | null => livePort(s, deref(s, t.task, "task")?.keeper ?? null);

export const exceptionsEnabled = (t: ThreadObj): boolean => (t.flags & FLUKE_THREAD_EXCEPTION_ENABLE) !== 0;

/**
 * Perform: enter a handler (x86 convention): save eax ecx edx eip eflags and the call in progress, then
 * eax = thread_va, ecx = code, edx = address, eip = handler; exceptions are disabled until return.
 */
export const enterHandler = (t: ThreadObj, handler: number, code: number, addr: number): void => {
  const r = t.regs;
  t.saved = { eax: r.eax, ecx: r.ecx, edx: r.edx, eip: r.eip, eflags: r.eflags, pending: t.pending };
  t.pending = null;
  t.wait = null;
  r.eax = t.thread_va;
  r.ecx = code >>> 0;
  r.edx = addr >>> 0;
  r.eip = handler;
  t.flags &= ~FLUKE_THREAD_EXCEPTION_ENABLE;
};

/** Route a synchronous exception of ctx.self; ctx.self.pending holds the call to retry, if any. */
export const deliverException = (ctx: Ctx, exc: SyncException): void => {
  const t = ctx.self;
  const rk = regionKeeper(ctx.s, exc);
  if (rk !== null) return ipcKernelCall(ctx, t, rk, exceptionMessage(t, exc, true), "fault");
  if (exceptionsEnabled(t) && t.handlers.trap !== 0) return enterHandler(t, t.handlers.trap, excCode(exc), excAddr(exc));
  const tk = taskKeeper(ctx.s, t);
  if (tk !== null) return ipcKernelCall(ctx, t, tk, exceptionMessage(t, exc), "exception");
  t.wait = { kind: "exception" };
};

/** The asynchronous exception `t` would take now: a posted interrupt first, then a reliable-IPC alert. */
const heldAsync = (t: ThreadObj): { handler: number; code: number; take: () => void } | null => {
  if (t.interrupt_pending && t.handlers.interrupt !== 0) {
    return { handler: t.handlers.interrupt, code: FLUKE_EXC_INTERRUPT, take: () => void (t.interrupt_pending = false) };
  }
  const side = t.ipc.alertPending;
  const handler = side === "client" ? t.handlers.client_alert : side === "server" ? t.handlers.server_alert : 0;
  if (handler === 0) return null;
  const code = side === "client" ? FLUKE_EXC_CLIENT_ALERT : FLUKE_EXC_SERVER_ALERT;
  return { handler, code, take: () => void (t.ipc.alertPending = null) };
};

/**
 * Deliver a held-back interrupt or alert of `t` if it can take it now: exceptions enabled, not
 * stopped, the matching handler set, not blocked on an unhandled exception. A thread blocked in a call
 * is woken (its wait cancelled); the call is saved and re-issued by return_from_exception. Returns true
 * if one was delivered.
 */
export const deliverHeld = (ctx: Ctx, t: ThreadObj): boolean => {
  if (!exceptionsEnabled(t) || (t.flags & FLUKE_THREAD_STOPPED) !== 0 || t.wait?.kind === "exception") return false;
  const h = heldAsync(t);
  if (h === null) return false;
  cancelWait(ctx, t);
  h.take();
  enterHandler(t, h.handler, h.code, 0);
  return true;
};

/**
 * End of every step: deliver alerts that other chapters posted (model/ipc-cleanup.ts sets
 * ThreadIpc.alertPending) to threads that can take them now.
 */
export const settleAlerts = (s: ModelState, completions: Completion[]): void => {
  for (const t of [...s.objects.values()]) {
    if (t.type !== "thread" || t.ipc.alertPending === null) continue;
    deliverHeld({ s, self: t, task: t.task ?? s.rootTask, completions }, t);
  }
};

/**
 * The keeper answered the kernel call `t` made for an exception (called by the IPC transport).
 * "fault": the faulting call is re-run. "exception": a reply whose word 0 is FLUKE_EXC_REPLY_SET_REGS
 * (and that has 11 words) loads eax..eflags from words 1..10 and drops the interrupted call; any other
 * reply resumes the thread as it was, re-running its call if it has one.
 */
export const onKernelReply = (ctx: Ctx, t: ThreadObj, purpose: KernelCallPurpose, reply: readonly number[]): void => {
  if (purpose === "exception" && reply[0] === FLUKE_EXC_REPLY_SET_REGS && reply.length >= FLUKE_EXC_REPLY_SET_REGS_WORDS) {
    X86_REGISTERS.forEach((r, i) => {
      t.regs[r] = reply[i + 1]! >>> 0;
    });
    t.pending = null;
    t.wait = null;
    return;
  }
  if (t.pending !== null) resumePending(ctx, t);
  else t.wait = null;
};
