// Linux i386 signals as data: the numbers (SIGHUP 1 .. SIGSYS 31, real-time 32..64), each signal's
// default action, the sigaction flags and the SIG_DFL/SIG_IGN handlers, sigprocmask's `how`, the
// sigaltstack flags, a 64-bit signal set (two u32 words: bit n-1 is signal n), and the two layouts of
// struct sigaction the kernel reads: rt_sigaction's (174: handler, flags, restorer, 8-byte mask) and
// the old sigaction's (67: handler, 32-bit mask, flags, restorer). The values are Linux's
// (asm/signal.h, asm-generic/signal-defs.h); linux-signals.test.ts checks them against the host's
// headers with `gcc -m32` when it can. Above: linux-sigframe.ts and the process manager's signal
// delivery. Below: nothing.

export const SIG = Object.freeze({
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
});
/** The kernel's real-time range; glibc reserves 32 and 33 for itself, so its SIGRTMIN is 34. */
export const SIGRTMIN = 32;
export const SIGRTMAX = 64;
export const NSIG = 64;

export type DefaultAction = "term" | "core" | "ignore" | "stop" | "cont";
const DEFAULTS: Readonly<Record<number, DefaultAction>> = Object.freeze({
  1: "term", 2: "term", 3: "core", 4: "core", 5: "core", 6: "core", 7: "core", 8: "core", 9: "term", 10: "term",
  11: "core", 12: "term", 13: "term", 14: "term", 15: "term", 16: "term", 17: "ignore", 18: "cont", 19: "stop",
  20: "stop", 21: "stop", 22: "stop", 23: "ignore", 24: "core", 25: "core", 26: "term", 27: "term", 28: "ignore",
  29: "term", 30: "term", 31: "core",
});
/** What SIG_DFL does for a signal (signal(7)); real-time signals terminate. Undefined outside 1..64. */
export const defaultAction = (sig: number): DefaultAction | undefined =>
  DEFAULTS[sig] ?? (sig >= SIGRTMIN && sig <= SIGRTMAX ? "term" : undefined);
export const isValidSignal = (sig: number): boolean => Number.isInteger(sig) && sig >= 1 && sig <= NSIG;
/** SIGKILL and SIGSTOP: no handler, no ignoring, no blocking (sigaction on them gives EINVAL). */
export const isUncatchable = (sig: number): boolean => sig === SIG.KILL || sig === SIG.STOP;

const NAMES = new Map<number, string>(Object.entries(SIG).filter(([n]) => n !== "POLL").map(([n, v]) => [v, "SIG" + n]));
/** "SIGINT", "SIGRTMIN+3"; undefined outside 1..64. */
export const signalName = (sig: number): string | undefined =>
  NAMES.get(sig) ?? (sig >= SIGRTMIN && sig <= SIGRTMAX ? (sig === SIGRTMIN ? "SIGRTMIN" : `SIGRTMIN+${sig - SIGRTMIN}`) : undefined);

export const SA = Object.freeze({
  NOCLDSTOP: 0x1, NOCLDWAIT: 0x2, SIGINFO: 0x4, UNSUPPORTED: 0x400, EXPOSE_TAGBITS: 0x800,
  RESTORER: 0x0400_0000, ONSTACK: 0x0800_0000, RESTART: 0x1000_0000, NODEFER: 0x4000_0000, RESETHAND: 0x8000_0000,
});
export const SIG_DFL = 0;
export const SIG_IGN = 1;
/** sigprocmask/rt_sigprocmask `how`. */
export const SIG_HOW = Object.freeze({ BLOCK: 0, UNBLOCK: 1, SETMASK: 2 });
/** sigaltstack flags and sizes (i386 asm/signal.h). */
export const SS = Object.freeze({ ONSTACK: 1, DISABLE: 2, AUTODISARM: 0x8000_0000 });
export const MINSIGSTKSZ = 2048;
export const SIGSTKSZ = 8192;
/** rt_sigaction/rt_sigprocmask accept only this sigsetsize (else EINVAL). */
export const SIGSET_SIZE = 8;

/** si_code values (asm-generic/siginfo.h). */
export const SI = Object.freeze({
  USER: 0, KERNEL: 0x80, QUEUE: -1, TIMER: -2, MESGQ: -3, ASYNCIO: -4, SIGIO: -5, TKILL: -6,
  CLD_EXITED: 1, CLD_KILLED: 2, CLD_DUMPED: 3, CLD_TRAPPED: 4, CLD_STOPPED: 5, CLD_CONTINUED: 6,
  SEGV_MAPERR: 1, SEGV_ACCERR: 2, BUS_ADRALN: 1, BUS_ADRERR: 2, ILL_ILLOPC: 1, ILL_PRVOPC: 5,
  FPE_INTDIV: 1, FPE_INTOVF: 2, FPE_FLTDIV: 3, TRAP_BRKPT: 1, TRAP_TRACE: 2,
});

// ---- signal sets -----------------------------------------------------------------------------

/** A 64-signal set: bit n-1 of the 64 bits is signal n; `lo` holds signals 1..32, `hi` 33..64 (the kernel's two words). */
export interface SigSet { readonly lo: number; readonly hi: number }
export const SIGSET_EMPTY: SigSet = Object.freeze({ lo: 0, hi: 0 });
export const SIGSET_FULL: SigSet = Object.freeze({ lo: 0xffff_ffff, hi: 0xffff_ffff });
export const sigset = (lo: number, hi = 0): SigSet => ({ lo: lo >>> 0, hi: hi >>> 0 });
/** The set of the given signals (numbers outside 1..64 are ignored). */
export const sigsetOf = (...sigs: number[]): SigSet => sigs.reduce(sigsetAdd, SIGSET_EMPTY);
export const sigsetHas = (s: SigSet, sig: number): boolean =>
  isValidSignal(sig) && ((sig <= 32 ? s.lo >>> (sig - 1) : s.hi >>> (sig - 33)) & 1) === 1;
export function sigsetAdd(s: SigSet, sig: number): SigSet {
  if (!isValidSignal(sig)) return s;
  return sig <= 32 ? sigset(s.lo | (1 << (sig - 1)), s.hi) : sigset(s.lo, s.hi | (1 << (sig - 33)));
}
export const sigsetDel = (s: SigSet, sig: number): SigSet => {
  if (!isValidSignal(sig)) return s;
  return sig <= 32 ? sigset(s.lo & ~(1 << (sig - 1)), s.hi) : sigset(s.lo, s.hi & ~(1 << (sig - 33)));
};
export const sigsetOr = (a: SigSet, b: SigSet): SigSet => sigset(a.lo | b.lo, a.hi | b.hi);
export const sigsetAnd = (a: SigSet, b: SigSet): SigSet => sigset(a.lo & b.lo, a.hi & b.hi);
export const sigsetAndNot = (a: SigSet, b: SigSet): SigSet => sigset(a.lo & ~b.lo, a.hi & ~b.hi);
export const sigsetIsEmpty = (s: SigSet): boolean => s.lo === 0 && s.hi === 0;
export const sigsetEquals = (a: SigSet, b: SigSet): boolean => a.lo >>> 0 === b.lo >>> 0 && a.hi >>> 0 === b.hi >>> 0;
/** The lowest-numbered signal in the set (Linux delivers synchronous ones first, then the lowest), or 0. */
export const sigsetFirst = (s: SigSet): number =>
  s.lo !== 0 ? 32 - Math.clz32(s.lo & -s.lo) : s.hi !== 0 ? 64 - Math.clz32(s.hi & -s.hi) : 0;
/** What a mask may hold: never SIGKILL or SIGSTOP (Linux removes them silently). */
export const blockableMask = (s: SigSet): SigSet => sigsetDel(sigsetDel(s, SIG.KILL), SIG.STOP);

/** sigprocmask's new mask from the old one (undefined for a bad `how`: EINVAL). */
export const applySigprocmask = (blocked: SigSet, how: number, set: SigSet): SigSet | undefined => {
  switch (how) {
    case SIG_HOW.BLOCK: return blockableMask(sigsetOr(blocked, set));
    case SIG_HOW.UNBLOCK: return sigsetAndNot(blocked, set);
    case SIG_HOW.SETMASK: return blockableMask(set);
    default: return undefined;
  }
};

const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
export const readSigset = (b: Uint8Array, off = 0): SigSet => {
  const v = viewOf(b);
  return sigset(v.getUint32(off, true), v.getUint32(off + 4, true));
};
export const writeSigset = (b: Uint8Array, off: number, s: SigSet): void => {
  const v = viewOf(b);
  v.setUint32(off, s.lo >>> 0, true);
  v.setUint32(off + 4, s.hi >>> 0, true);
};

// ---- struct sigaction ------------------------------------------------------------------------

export interface Sigaction {
  /** SIG_DFL, SIG_IGN or the handler's address. */
  readonly handler: number;
  readonly flags: number;
  /** The return trampoline glibc passes with SA_RESTORER (__restore_rt or __restore). */
  readonly restorer: number;
  readonly mask: SigSet;
}
export const SIGACTION_DEFAULT: Sigaction = Object.freeze({ handler: SIG_DFL, flags: 0, restorer: 0, mask: SIGSET_EMPTY });

/** rt_sigaction's struct sigaction (the kernel's, i386): sa_handler, sa_flags, sa_restorer, sa_mask[2]; 20 bytes. */
export const RT_SIGACTION = Object.freeze({ size: 20, sa_handler: 0, sa_flags: 4, sa_restorer: 8, sa_mask: 12 });
export const decodeRtSigaction = (b: Uint8Array, off = 0): Sigaction => {
  const v = viewOf(b), L = RT_SIGACTION;
  return { handler: v.getUint32(off + L.sa_handler, true), flags: v.getUint32(off + L.sa_flags, true), restorer: v.getUint32(off + L.sa_restorer, true), mask: readSigset(b, off + L.sa_mask) };
};
export const encodeRtSigaction = (a: Sigaction): Uint8Array => {
  const b = new Uint8Array(RT_SIGACTION.size), v = viewOf(b), L = RT_SIGACTION;
  v.setUint32(L.sa_handler, a.handler >>> 0, true);
  v.setUint32(L.sa_flags, a.flags >>> 0, true);
  v.setUint32(L.sa_restorer, a.restorer >>> 0, true);
  writeSigset(b, L.sa_mask, a.mask);
  return b;
};

/** The old sigaction syscall's struct old_sigaction: sa_handler, sa_mask (one word: signals 1..32), sa_flags, sa_restorer; 16 bytes. */
export const OLD_SIGACTION = Object.freeze({ size: 16, sa_handler: 0, sa_mask: 4, sa_flags: 8, sa_restorer: 12 });
/** Signals 33..64 are absent from the old layout: decoding gives hi = 0, as Linux's siginitset. */
export const decodeOldSigaction = (b: Uint8Array, off = 0): Sigaction => {
  const v = viewOf(b), L = OLD_SIGACTION;
  return { handler: v.getUint32(off + L.sa_handler, true), mask: sigset(v.getUint32(off + L.sa_mask, true)), flags: v.getUint32(off + L.sa_flags, true), restorer: v.getUint32(off + L.sa_restorer, true) };
};
export const encodeOldSigaction = (a: Sigaction): Uint8Array => {
  const b = new Uint8Array(OLD_SIGACTION.size), v = viewOf(b), L = OLD_SIGACTION;
  v.setUint32(L.sa_handler, a.handler >>> 0, true);
  v.setUint32(L.sa_mask, a.mask.lo >>> 0, true);
  v.setUint32(L.sa_flags, a.flags >>> 0, true);
  v.setUint32(L.sa_restorer, a.restorer >>> 0, true);
  return b;
};

/**
 * The mask while a handler runs (Linux's signal_delivered): the interrupted mask, plus the action's
 * sa_mask, plus the signal itself unless SA_NODEFER.
 */
export const handlerMask = (blocked: SigSet, action: Sigaction, sig: number): SigSet => {
  const m = sigsetOr(blocked, action.mask);
  return blockableMask((action.flags & SA.NODEFER) !== 0 ? m : sigsetAdd(m, sig));
};
/** The action after delivery: SA_RESETHAND puts back SIG_DFL (Linux resets only the handler; the flags stay). */
export const actionAfterDelivery = (action: Sigaction): Sigaction =>
  (action.flags & SA.RESETHAND) !== 0 ? { ...action, handler: SIG_DFL } : action;
