// Signal frames: a hand-computed rt and old frame (addresses, alignment, every sigcontext word, the
// mask, the trampoline code, the handler's registers), the sigaltstack cases, the frame layouts
// against the host's asm/sigcontext.h, asm/siginfo.h and asm/ucontext.h (gcc -m32, with the kernel's
// frame structs mirrored from arch/x86/include/asm/sigframe.h), and fast-check properties: a frame
// built from random registers and masks restores to the same registers and mask, and restoring
// random bytes never throws and yields only user-changeable flags. Above: vitest. Below:
// linux-sigframe.ts, linux-signals.ts, linux-cabi.ts, seed.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evalI386, skipNote } from "./linux-cabi.js";
import { ERRNO } from "./linux-errno.js";
import {
  EFLAGS, RT_SIGFRAME, RT_SIGRETURN_CODE, SIGCONTEXT, SIGFRAME, SIGINFO, SIGRETURN_CODE, SIGRETURN_EFLAGS, UCONTEXT, USER_CS, USER_DS,
  buildSignalFrame, restoreFromSigframe, sigframeSize, sigreturnFrameAddress, type SignalFrame, type SignalFrameInput,
} from "./linux-sigframe.js";
import { SA, SI, SIG, SS, blockableMask, sigsetOf, type SigSet } from "./linux-signals.js";
import type { Result } from "./result.js";
import { fuzzSeed } from "./seed.js";

const must = <T>(r: Result<T>): T => { if (!r.ok) throw new Error(r.error.message); return r.value; };
const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const REGS = { eax: 0xfffffffc, ebx: 1, ecx: 2, edx: 3, esi: 4, edi: 5, ebp: 0xbfffe100, esp: 0xbffff000, eip: 0x0804_8123, eflags: 0x0000_0746, gs: 0x33 };
const BASE: SignalFrameInput = { regs: REGS, blocked: sigsetOf(SIG.HUP, 40), sig: SIG.USR1, action: { handler: 0x0804_9000, flags: SA.RESTORER, restorer: 0xb7e0_1234 } };

describe("procmgr linux-sigframe: hand-computed frames", () => {
  it("builds the old struct sigframe at Linux's aligned address", () => {
    const f = must(buildSignalFrame(BASE)), v = dv(f.bytes), sc = SIGFRAME.sc;
    expect(f.kind).toBe("old");
    expect(f.sp).toBe(0xbfffed1c); // ((0xbffff000 - 732 + 4) & ~15) - 4
    expect((f.sp + 4) % 16).toBe(0);
    expect(f.bytes.length).toBe(732);
    expect([v.getUint32(0, true), v.getUint32(4, true)]).toEqual([0xb7e0_1234, SIG.USR1]);
    const words = Array.from({ length: 22 }, (_, i) => v.getUint32(sc + i * 4, true));
    expect(words).toEqual([0x33, 0, USER_DS, USER_DS, 5, 4, 0xbfffe100, 0xbffff000, 1, 3, 2, 0xfffffffc, 0, 0, 0x0804_8123, USER_CS, 0x746, 0xbffff000, USER_DS, 0, 1, 0]);
    expect(v.getUint32(SIGFRAME.extramask, true)).toBe(1 << (40 - 33));
    expect([...f.bytes.subarray(SIGFRAME.retcode)]).toEqual(SIGRETURN_CODE);
    expect(f.regs).toMatchObject({ eip: 0x0804_9000, esp: 0xbfffed1c, eax: SIG.USR1, edx: 0, ecx: 0, ebx: 1, eflags: 0x246, cs: USER_CS, ss: USER_DS, gs: 0x33 });
  });
  it("builds struct rt_sigframe with siginfo, ucontext and the regparm arguments", () => {
    const info = { signo: SIG.CHLD, code: SI.CLD_EXITED, pid: 42, uid: 1000, status: 3 };
    const f = must(buildSignalFrame({ ...BASE, sig: SIG.CHLD, info, action: { handler: 0x0804_9000, flags: SA.SIGINFO, restorer: 0 } })), v = dv(f.bytes);
    expect(f.kind).toBe("rt");
    expect(f.sp).toBe(0xbfffeeec); // ((0xbffff000 - 268 + 4) & ~15) - 4
    expect(f.bytes.length).toBe(268);
    // No SA_RESTORER: pretcode points at the frame's own retcode (Linux without a vDSO).
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)]).toEqual([f.sp + 260, 17, f.sp + 16, f.sp + 144]);
    expect([16, 20, 24, 28, 32, 36].map((o) => v.getInt32(o, true))).toEqual([17, 0, 1, 42, 1000, 3]);
    expect([144, 148, 152, 156, 160].map((o) => v.getUint32(o, true))).toEqual([0, 0, 0, SS.DISABLE, 0]);
    expect(v.getUint32(144 + 20 + SIGCONTEXT.eip, true)).toBe(0x0804_8123);
    expect(v.getUint32(144 + 20 + SIGCONTEXT.oldmask, true)).toBe(1);
    expect([v.getUint32(252, true), v.getUint32(256, true)]).toEqual([1, 1 << 7]);
    expect([...f.bytes.subarray(260)]).toEqual(RT_SIGRETURN_CODE);
    expect(f.regs).toMatchObject({ eax: 17, edx: f.sp + 16, ecx: f.sp + 144, esp: f.sp });
    const back = must(restoreFromSigframe(f.bytes, "rt"));
    expect(back.regs).toMatchObject({ eax: 0xfffffffc, esp: 0xbffff000, eip: 0x0804_8123, eflags: 0x746 | 0x202 });
    expect(back.mask).toEqual(BASE.blocked);
    expect(sigreturnFrameAddress("rt", f.sp + 4)).toBe(f.sp);
    expect(sigreturnFrameAddress("old", f.sp + 8)).toBe(f.sp);
  });
  it("places an FPU image 64-aligned above the frame", () => {
    const fpu = new Uint8Array(112).fill(0xaa);
    const f = must(buildSignalFrame({ ...BASE, fpstate: fpu, action: { ...BASE.action, flags: SA.SIGINFO | SA.RESTORER } }));
    expect(f.fpstate).toBe(0xbffff000 - 128); // round_down(esp - 112, 64)
    expect(f.sp + f.bytes.length).toBe(f.fpstate + 112);
    expect(f.bytes[f.fpstate - f.sp]).toBe(0xaa);
    expect(must(restoreFromSigframe(f.bytes, "rt")).fpstate).toBe(f.fpstate);
  });
  it("switches to the sigaltstack for SA_ONSTACK and refuses an overflowing one", () => {
    const alt = { sp: 0x5000_0000, size: 0x4000, flags: 0 };
    const on = { ...BASE, altstack: alt, action: { ...BASE.action, flags: SA.ONSTACK | SA.SIGINFO | SA.RESTORER } };
    const f = must(buildSignalFrame(on));
    expect(f.sp).toBe(((0x5000_4000 - 268 + 4) & ~15) - 4);
    expect(dv(f.bytes).getUint32(RT_SIGFRAME.uc + UCONTEXT.uc_stack, true)).toBe(alt.sp);
    // Already on the alternate stack: no switch, the frame goes below the current ESP.
    expect(must(buildSignalFrame({ ...on, regs: { ...REGS, esp: 0x5000_2000 } })).sp).toBe(((0x5000_2000 - 268 + 4) & ~15) - 4);
    const small = buildSignalFrame({ ...on, altstack: { ...alt, size: 200 } });
    expect(small.ok ? 0 : small.error.errno).toBe(ERRNO.EFAULT);
    expect(must(buildSignalFrame({ ...on, altstack: { ...alt, flags: SS.DISABLE } })).sp).toBe(0xbfffeeec);
    const low = buildSignalFrame({ ...BASE, regs: { ...REGS, esp: 100 } });
    expect(low.ok).toBe(false);
  });
  it("restores a tampered frame to user-changeable flags and RPL-3 selectors", () => {
    const f = must(buildSignalFrame(BASE)), b = f.bytes.slice(), v = dv(b);
    v.setUint32(SIGFRAME.sc + SIGCONTEXT.eflags, 0xffff_ffff, true);
    v.setUint32(SIGFRAME.sc + SIGCONTEXT.cs, 0x0008, true);
    v.setUint32(SIGFRAME.sc + SIGCONTEXT.oldmask, 0xffff_ffff, true);
    const r = must(restoreFromSigframe(b, "old"));
    expect(r.regs.eflags).toBe((SIGRETURN_EFLAGS | EFLAGS.IF | EFLAGS.FIXED) >>> 0);
    expect(r.regs.cs).toBe(0x000b);
    expect(r.mask.lo).toBe((0xffff_ffff & ~(1 << 8) & ~(1 << 18)) >>> 0);
    expect(restoreFromSigframe(b.subarray(0, 100), "old").ok).toBe(false);
  });
});

describe("procmgr linux-sigframe: properties", () => {
  const u32 = fc.nat({ max: 0xffff_ffff });
  const sel = fc.nat({ max: 0xffff });
  const regs = fc.record({ eax: u32, ebx: u32, ecx: u32, edx: u32, esi: u32, edi: u32, ebp: u32, esp: fc.integer({ min: 0x1_0000, max: 0xc000_0000 }), eip: u32, eflags: u32, cs: sel, ds: sel, es: sel, fs: sel, gs: sel, ss: sel });
  const mask: fc.Arbitrary<SigSet> = fc.record({ lo: u32, hi: u32 });
  it("a frame restores to the interrupted registers and mask", () => {
    fc.assert(fc.property(regs, mask, fc.integer({ min: 1, max: 64 }), fc.boolean(), u32, (r, m, sig, rt, restorer) => {
      const flags = SA.RESTORER | (rt ? SA.SIGINFO : 0);
      const f: SignalFrame = must(buildSignalFrame({ regs: r, blocked: m, sig, action: { handler: 0x1000, flags, restorer } }));
      expect((f.sp + 4) % 16).toBe(0);
      expect(f.sp + f.bytes.length).toBeLessThanOrEqual(r.esp);
      expect(f.bytes.length).toBe(sigframeSize(f.kind));
      expect(f.regs.eflags & (EFLAGS.DF | EFLAGS.TF)).toBe(0);
      const back = must(restoreFromSigframe(f.bytes, f.kind));
      const { cs, ss, ds, es, fs, gs, eflags, ...gprs } = back.regs;
      const { cs: c0, ss: s0, ds: d0, es: e0, fs: f0, gs: g0, eflags: fl0, ...gprs0 } = r;
      expect(gprs).toEqual(gprs0);
      expect(eflags).toBe(((fl0 & SIGRETURN_EFLAGS) | 0x202) >>> 0);
      expect([cs, ss, ds, es, fs, gs]).toEqual([c0 | 3, s0 | 3, d0, e0, f0, g0]);
      expect(back.mask).toEqual(blockableMask(m));
    }), { seed: fuzzSeed("signal frame round trip"), numRuns: 500 });
  });
  it("restoring arbitrary bytes never throws and gives a defined context", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 800 }), fc.constantFrom("rt" as const, "old" as const), (bytes, kind) => {
      const r = restoreFromSigframe(bytes, kind);
      expect(r.ok).toBe(bytes.length >= sigframeSize(kind));
      if (!r.ok) return;
      expect(r.value.regs.eflags & ~(SIGRETURN_EFLAGS | 0x202)).toBe(0);
      expect(r.value.regs.eflags & 0x202).toBe(0x202);
      expect(r.value.regs.cs & 3).toBe(3);
      expect(r.value.mask.lo & ((1 << 8) | (1 << 18))).toBe(0);
    }), { seed: fuzzSeed("sigreturn from random bytes"), numRuns: 500 });
  });
});

describe("procmgr linux-sigframe: the host's i386 headers agree", () => {
  it("sigcontext, siginfo, ucontext and the mirrored kernel frames", () => {
    const prelude = `
struct k_ucontext { unsigned long uc_flags; void *uc_link; stack_t uc_stack; struct sigcontext uc_mcontext; unsigned long uc_sigmask[2]; };
struct k_rt_sigframe { char *pretcode; int sig; void *pinfo; void *puc; siginfo_t info; struct k_ucontext uc; char retcode[8]; };
struct k_sigframe { char *pretcode; int sig; struct sigcontext sc; struct _fpstate_32 fpstate_unused; unsigned long extramask[1]; char retcode[8]; };`;
    const rows: [string, number, string][] = [
      ...Object.entries(SIGCONTEXT).map(([k, v]) => [`sc.${k}`, v, k === "size" ? "sizeof(struct sigcontext)" : `offsetof(struct sigcontext, ${k})`] as [string, number, string]),
      ...Object.entries(SIGINFO).map(([k, v]) => [`si.${k}`, v, k === "size" ? "sizeof(siginfo_t)" : `offsetof(siginfo_t, ${k})`] as [string, number, string]),
      ...Object.entries(UCONTEXT).filter(([k]) => k !== "size").map(([k, v]) => [`uc.${k}`, v, `offsetof(struct ucontext, ${k})`] as [string, number, string]),
      ["k_uc.size", UCONTEXT.size, "sizeof(struct k_ucontext)"], ["k_uc.uc_sigmask", UCONTEXT.uc_sigmask, "offsetof(struct k_ucontext, uc_sigmask)"],
      ["stack_t", 12, "sizeof(stack_t)"], ["ss_flags", 4, "offsetof(stack_t, ss_flags)"], ["ss_size", 8, "offsetof(stack_t, ss_size)"],
      ...Object.entries(RT_SIGFRAME).map(([k, v]) => [`rt.${k}`, v, k === "size" ? "sizeof(struct k_rt_sigframe)" : `offsetof(struct k_rt_sigframe, ${k})`] as [string, number, string]),
      ...Object.entries(SIGFRAME).map(([k, v]) => [`old.${k}`, v, k === "size" ? "sizeof(struct k_sigframe)" : `offsetof(struct k_sigframe, ${k})`] as [string, number, string]),
    ];
    const got = evalI386(["linux/signal.h", "asm/siginfo.h", "asm/sigcontext.h", "asm/ucontext.h"], Object.fromEntries(rows.map(([n, , e]) => [n, e])), prelude);
    if (got === null) { skipNote("signal frame layouts"); return; }
    expect(rows.filter(([n, v]) => got.get(n) !== v).map(([n, v]) => `${n}: ours ${v}, headers ${got.get(n)}`)).toEqual([]);
    process.stdout.write(`[procmgr] signal frame layouts: ${rows.length} values agree with the host's headers (gcc -m32)\n`);
  });
});
