// Signals: numbers, default actions, SA_/SS_/SIG_ constants and both struct sigaction layouts
// against the host's i386 headers (gcc -m32, skipped with a note without it), hand-computed
// sigaction bytes, and the 64-bit signal set checked against a bigint model with fast-check.
// Above: vitest. Below: linux-signals.ts, linux-cabi.ts, seed.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evalI386, skipNote } from "./linux-cabi.js";
import {
  MINSIGSTKSZ, OLD_SIGACTION, RT_SIGACTION, SA, SI, SIG, SIGSET_EMPTY, SIGSTKSZ, SIG_HOW, SS, actionAfterDelivery, applySigprocmask,
  decodeOldSigaction, decodeRtSigaction, defaultAction, encodeOldSigaction, encodeRtSigaction, handlerMask, isUncatchable, sigset,
  sigsetAdd, sigsetAndNot, sigsetDel, sigsetFirst, sigsetHas, sigsetOf, sigsetOr, signalName, type SigSet,
} from "./linux-signals.js";
import { fuzzSeed } from "./seed.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("procmgr linux-signals", () => {
  it("numbers and default actions follow signal(7)", () => {
    expect([SIG.HUP, SIG.KILL, SIG.CHLD, SIG.STOP, SIG.SYS]).toEqual([1, 9, 17, 19, 31]);
    expect(["HUP", "QUIT", "CHLD", "CONT", "TSTP", "WINCH", "URG", "SEGV", "PIPE"].map((n) => defaultAction(SIG[n as keyof typeof SIG])))
      .toEqual(["term", "core", "ignore", "cont", "stop", "ignore", "ignore", "core", "term"]);
    expect([defaultAction(32), defaultAction(64), defaultAction(0), defaultAction(65)]).toEqual(["term", "term", undefined, undefined]);
    for (let s = 1; s <= 64; s++) expect(defaultAction(s)).toBeDefined();
    expect([signalName(2), signalName(29), signalName(32), signalName(35)]).toEqual(["SIGINT", "SIGIO", "SIGRTMIN", "SIGRTMIN+3"]);
    expect([isUncatchable(9), isUncatchable(19), isUncatchable(15)]).toEqual([true, true, false]);
  });
  it("encodes rt_sigaction's and the old sigaction's layouts", () => {
    const act = { handler: 0x0804_9000, flags: SA.SIGINFO | SA.RESTORER | SA.RESTART, restorer: 0xb7e0_0010, mask: sigsetOf(SIG.INT, 33, 64) };
    expect(hex(encodeRtSigaction(act))).toBe("00900408" + "04000014" + "1000e0b7" + "02000000" + "01000080");
    expect(decodeRtSigaction(encodeRtSigaction(act))).toEqual(act);
    expect(hex(encodeOldSigaction(act))).toBe("00900408" + "02000000" + "04000014" + "1000e0b7");
    expect(decodeOldSigaction(encodeOldSigaction(act))).toEqual({ ...act, mask: sigset(2) });
  });
  it("computes handler masks, sigprocmask and SA_RESETHAND as Linux", () => {
    const act = { handler: 0x1000, flags: 0, restorer: 0, mask: sigsetOf(SIG.TERM, SIG.KILL) };
    expect(handlerMask(sigsetOf(SIG.HUP), act, SIG.USR1)).toEqual(sigsetOf(SIG.HUP, SIG.TERM, SIG.USR1));
    expect(handlerMask(SIGSET_EMPTY, { ...act, flags: SA.NODEFER }, SIG.USR1)).toEqual(sigsetOf(SIG.TERM));
    expect(applySigprocmask(sigsetOf(1), SIG_HOW.BLOCK, sigsetOf(9, 19, 2))).toEqual(sigsetOf(1, 2));
    expect(applySigprocmask(sigsetOf(1, 2), SIG_HOW.UNBLOCK, sigsetOf(1))).toEqual(sigsetOf(2));
    expect(applySigprocmask(sigsetOf(1), SIG_HOW.SETMASK, sigsetOf(40))).toEqual(sigsetOf(40));
    expect(applySigprocmask(sigsetOf(1), 3, sigsetOf(40))).toBeUndefined();
    expect(actionAfterDelivery({ ...act, flags: SA.RESETHAND | SA.SIGINFO })).toEqual({ ...act, handler: 0, flags: SA.RESETHAND | SA.SIGINFO });
  });
  it("signal sets agree with a 64-bit bigint model", () => {
    const toBig = (s: SigSet): bigint => (BigInt(s.hi >>> 0) << 32n) | BigInt(s.lo >>> 0);
    const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
    const set = fc.record({ lo: fc.nat({ max: 0xffff_ffff }), hi: fc.nat({ max: 0xffff_ffff }) });
    const sig = fc.integer({ min: 1, max: 64 });
    fc.assert(fc.property(set, set, sig, (a, b, s) => {
      const A = toBig(a), B = toBig(b);
      expect(sigsetHas(a, s)).toBe((A & bit(s)) !== 0n);
      expect(toBig(sigsetAdd(a, s))).toBe(A | bit(s));
      expect(toBig(sigsetDel(a, s))).toBe(A & ~bit(s));
      expect(toBig(sigsetOr(a, b))).toBe(A | B);
      expect(toBig(sigsetAndNot(a, b))).toBe(A & ~B);
      const first = sigsetFirst(a);
      if (A === 0n) expect(first).toBe(0);
      else { expect((A & bit(first)) !== 0n).toBe(true); expect(A & (bit(first) - 1n)).toBe(0n); }
    }), { seed: fuzzSeed("sigset"), numRuns: 500 });
  });
  it("agrees with the host's asm/signal.h, signal-defs.h and siginfo.h", () => {
    const rows: [string, number, string][] = [
      ...Object.entries(SIG).map(([k, v]) => [`SIG${k}`, v, `SIG${k}`] as [string, number, string]),
      ...Object.entries(SA).filter(([k]) => !["UNSUPPORTED", "EXPOSE_TAGBITS"].includes(k)).map(([k, v]) => [`SA_${k}`, v >>> 0, `(unsigned)SA_${k}`] as [string, number, string]),
      ...Object.entries(SS).map(([k, v]) => [`SS_${k}`, v >>> 0, `(unsigned)SS_${k}`] as [string, number, string]),
      ...Object.entries(SIG_HOW).map(([k, v]) => [`SIG_${k}`, v, `SIG_${k}`] as [string, number, string]),
      ["MINSIGSTKSZ", MINSIGSTKSZ, "MINSIGSTKSZ"], ["SIGSTKSZ", SIGSTKSZ, "SIGSTKSZ"], ["SIGRTMIN", 32, "SIGRTMIN"],
      ...(["USER", "KERNEL", "QUEUE", "TIMER", "MESGQ", "ASYNCIO", "SIGIO", "TKILL"] as const).map((k) => [`SI_${k}`, SI[k], `SI_${k}`] as [string, number, string]),
      ...(["CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED", "SEGV_MAPERR", "SEGV_ACCERR", "BUS_ADRALN", "BUS_ADRERR", "ILL_ILLOPC", "ILL_PRVOPC", "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "TRAP_BRKPT", "TRAP_TRACE"] as const).map((k) => [k, SI[k], k] as [string, number, string]),
      // The old sigaction is the UAPI struct sigaction of i386 user space; rt_sigaction's is the kernel's, mirrored here.
      ["old.size", OLD_SIGACTION.size, "sizeof(struct sigaction)"], ["old.sa_mask", OLD_SIGACTION.sa_mask, "offsetof(struct sigaction, sa_mask)"],
      ["old.sa_flags", OLD_SIGACTION.sa_flags, "offsetof(struct sigaction, sa_flags)"], ["old.sa_restorer", OLD_SIGACTION.sa_restorer, "offsetof(struct sigaction, sa_restorer)"],
      ...Object.entries(RT_SIGACTION).map(([k, v]) => [`rt.${k}`, v, k === "size" ? "sizeof(struct k_sigaction_i386)" : `offsetof(struct k_sigaction_i386, k_${k})`] as [string, number, string]),
    ];
    const prelude = "struct k_sigaction_i386 { __sighandler_t k_sa_handler; unsigned long k_sa_flags; __sigrestore_t k_sa_restorer; unsigned long k_sa_mask[2]; };";
    const got = evalI386(["linux/signal.h", "asm/siginfo.h"], Object.fromEntries(rows.map(([n, , e]) => [n, e])), prelude);
    if (got === null) { skipNote("signal constants"); return; }
    expect(rows.filter(([n, v]) => got.get(n) !== v).map(([n, v]) => `${n}: ours ${v}, headers ${got.get(n)}`)).toEqual([]);
    process.stdout.write(`[procmgr] signal constants: ${rows.length} values agree with the host's headers (gcc -m32)\n`);
  });
});
