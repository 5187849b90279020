// Synchronous exceptions, held-back asynchronous ones, and the end-of-step settling in the concrete kernel
// (spec/kernel-api/thread.md "Exceptions", x86.md "Exception handlers"; same rules as model/exceptions.ts).
// A fault first goes to the keeper of the region that refused it (an idempotent kernel call; on reply the
// faulting call is re-run); otherwise, and for insanities and processor traps, to the thread's trap
// handler if exceptions are enabled and one is set, else to its task's keeper, else the thread blocks
// ("exception" wait). Interrupts and reliable-IPC alerts are delivered to their handler when exceptions
// are enabled, held back otherwise. Entering a handler saves eax ecx edx eip eflags and the call in
// progress and disables exceptions until fluke_thread_return_from_exception. Runnability (whyNotRunnable)
// is decided by sched.ts and re-exported here for kernel.ts. Above: kernel.ts, thread-*.ts, the IPC
// transport (onKernelReply). Below: ipc-kernel.ts, thread-wait.ts, sched.ts, spec/kernel-api/x86.ts.
import { FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_STOPPED, type Insanity } from "../../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import {
  FLUKE_EXC_CLIENT_ALERT, FLUKE_EXC_INTERRUPT, FLUKE_EXC_MSG_WORDS, FLUKE_EXC_REPLY_SET_REGS, FLUKE_EXC_REPLY_SET_REGS_WORDS,
  FLUKE_EXC_SERVER_ALERT, X86_REGISTERS, faultExcCode, insanityExcCode, trapExcCode,
} from "../../spec/kernel-api/x86.js";
import type { KCompletion, KCtx, KFault } from "./kctx.js";
import { live, type KPort, type KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";
import { ipcKernelCall } from "./ipc-kernel.js";
import { ipcOf, type KernelCallPurpose, type KThreadIpc } from "./ipc-state.js";
import { threadIndex } from "./kthreads.js";
import { settleDonations } from "./sched.js";
import { cancelWait } from "./thread-wait.js";

export { whyNotRunnable } from "./sched.js";

export type KSyncException =
  | { readonly kind: "insanity"; readonly code: Insanity }
  | { readonly kind: "fault"; readonly fault: KFault }
  /** A processor exception of x86 code (vector 0..255, incl. int n). */
  | { readonly kind: "trap"; readonly vector: number; readonly error: number };

/** The exception code of x86.md (ecx on handler entry, word 0 of a keeper message). */
export const excCode = (e: KSyncException): number =>
  e.kind === "insanity" ? insanityExcCode(e.code) : e.kind === "fault" ? faultExcCode(e.fault.access) : trapExcCode(e.vector);

/** The address word (edx on handler entry, word 1 of a keeper message). */
export const excAddr = (e: KSyncException): number => (e.kind === "fault" ? e.fault.addr >>> 0 : e.kind === "trap" ? e.error >>> 0 : 0);

/**
 * The 15-word message of a kernel call to a keeper for `t` (x86.md "Keeper messages"). `toRegionKeeper`:
 * the call goes to the keeper of the region that refused the fault, and word 14 is the offset of the
 * access within that region; in any other message it is 0.
 */
export const exceptionMessage = (t: KThread, e: KSyncException, toRegionKeeper = false): number[] => {
  const trap = t.pending === null ? 0 : (CALLS_BY_NAME.get(t.pending.name)?.trap ?? 0);
  const regionOff = toRegionKeeper && e.kind === "fault" ? e.fault.regionOff >>> 0 : 0;
  const words = [excCode(e), excAddr(e), t.thread_va, ...X86_REGISTERS.map((r) => t.regs[r]), trap, regionOff];
  if (words.length !== FLUKE_EXC_MSG_WORDS) throw new Error("exception message layout");
  return words;
};

export const exceptionsEnabled = (t: KThread): boolean => (t.flags & FLUKE_THREAD_EXCEPTION_ENABLE) !== 0;

/** Perform: enter a handler: save the registers and the call in progress, load the x86 entry registers. */
export const enterHandler = (t: KThread, handler: number, code: number, addr: number): void => {
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

/** Set by the x86 runner: adjusts a thread's registers when its call raises an insanity (x86.md). */
export const excHooks: { onInsanity: ((t: KThread) => void) | null } = { onInsanity: null };

/** Route a synchronous exception of ctx.self; ctx.self.pending holds the call to retry, if any. */
export const deliverException = (ctx: KCtx, exc: KSyncException): void => {
  const t = ctx.self;
  if (exc.kind === "insanity") excHooks.onInsanity?.(t); // x86 threads: the call is abandoned (eip past it)
  const rk: KPort | null = exc.kind === "fault" ? live(live(exc.fault.region)?.keeper ?? null) : null;
  if (rk !== null) return ipcKernelCall(ctx, t, rk, exceptionMessage(t, exc, true), "fault");
  if (exceptionsEnabled(t) && t.handlers.trap !== 0) return enterHandler(t, t.handlers.trap, excCode(exc), excAddr(exc));
  const tk = live(live(t.task)?.keeper ?? null);
  if (tk !== null) return ipcKernelCall(ctx, t, tk, exceptionMessage(t, exc), "exception");
  t.wait = { kind: "exception" };
};

/** The asynchronous exception `t` would take now: a posted interrupt first, then a reliable-IPC alert. */
const heldAsync = (t: KThread): { handler: number; code: number; take: () => void } | null => {
  if (t.interrupt_pending && t.handlers.interrupt !== 0) {
    return { handler: t.handlers.interrupt, code: FLUKE_EXC_INTERRUPT, take: () => void (t.interrupt_pending = false) };
  }
  const ipc = t.ext["ipc"] as KThreadIpc | undefined;
  const side = ipc?.alertPending ?? null;
  const handler = side === "client" ? t.handlers.client_alert : side === "server" ? t.handlers.server_alert : 0;
  if (handler === 0 || ipc === undefined) return null;
  const code = side === "client" ? FLUKE_EXC_CLIENT_ALERT : FLUKE_EXC_SERVER_ALERT;
  return { handler, code, take: () => void (ipc.alertPending = null) };
};

/**
 * Deliver a held-back interrupt or alert of `t` if it can take it now (exceptions enabled, not stopped,
 * the matching handler set, not blocked on an unhandled exception). A blocked call is cancelled and
 * saved, to be re-issued by return_from_exception. Returns true if one was delivered.
 */
export const deliverHeld = (ctx: KCtx, t: KThread): boolean => {
  if (!exceptionsEnabled(t) || (t.flags & FLUKE_THREAD_STOPPED) !== 0 || t.wait?.kind === "exception") return false;
  const h = heldAsync(t);
  if (h === null) return false;
  cancelWait(ctx, t);
  h.take();
  enterHandler(t, h.handler, h.code, 0);
  return true;
};

/**
 * End of every step: deliver alerts that the IPC chapter posted to threads that can take them now, and
 * end donations whose target stopped using the time (the model's settleAlerts and settleDonations).
 */
export const settleStep = (k: Kernel, completions: KCompletion[]): void => {
  for (const t of [...threadIndex(k).threads]) {
    const ipc = t.ext["ipc"] as KThreadIpc | undefined;
    if (ipc === undefined || ipc.alertPending === null) continue;
    deliverHeld({ k, self: t, task: t.task ?? k.rootTask, completions }, t);
  }
  settleDonations(k, completions);
};

/**
 * The keeper answered the kernel call `t` made for an exception (called by the IPC transport). "fault":
 * the faulting call is re-run. "exception": a reply whose word 0 is FLUKE_EXC_REPLY_SET_REGS (11 words or
 * more) loads eax..eflags from words 1..10 and drops the interrupted call; any other reply resumes the
 * thread as it was, re-running its call if it has one.
 */
export const onKernelReply = (ctx: KCtx, t: KThread, purpose: KernelCallPurpose, reply: readonly number[]): void => {
  if (purpose === "exception" && reply[0] === FLUKE_EXC_REPLY_SET_REGS && reply.length >= FLUKE_EXC_REPLY_SET_REGS_WORDS) {
    X86_REGISTERS.forEach((r, i) => {
      t.regs[r] = reply[i + 1]! >>> 0;
    });
    t.pending = null;
    t.wait = null;
    return;
  }
  if (t.pending !== null) ctx.k.resumePending(ctx, t);
  else t.wait = null;
};

/** Post the alert of side `side` to `t` (merged into one already pending), for the IPC chapter. */
export const postAlert = (t: KThread, side: "client" | "server"): void => {
  const ipc = ipcOf(t);
  if (ipc.alertPending === null) ipc.alertPending = side;
};
