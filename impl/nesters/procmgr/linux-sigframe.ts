// Linux i386 signal frames, byte for byte. Delivering a signal to a handler pushes, below the
// interrupted ESP (or at the top of the sigaltstack for SA_ONSTACK), either `struct rt_sigframe`
// (SA_SIGINFO: pretcode, sig, pinfo, puc, a 128-byte siginfo_t and a ucontext holding the struct
// sigcontext and the 64-bit mask) or the old `struct sigframe` (pretcode, sig, sigcontext, the unused
// 624-byte fpstate, extramask, retcode); the handler starts at its address with ESP at the frame,
// EAX = sig and, for rt frames, EDX = &info, ECX = &uc (the regparm(3) arguments). rt_sigreturn (173)
// and sigreturn (119) read the frame back. `buildSignalFrame` returns the bytes and the address to
// copy them to; `restoreFromSigframe` decodes bytes read from the guest and never throws. Neither
// touches memory. Above: the process manager's signal delivery and its sigreturn handlers. Below:
// linux-signals.ts (sets, flags), linux-errno.ts, result.ts.
import { ERRNO } from "./linux-errno.js";
import { SA, SI, SS, blockableMask, readSigset, sigset, writeSigset, type SigSet } from "./linux-signals.js";
import { fail, ok, type Result } from "./result.js";

/** The interrupted user registers. Segment selectors default to Linux's user ones (CS 0x73, DS/ES/SS 0x7b, FS/GS 0). */
export interface SignalRegs {
  readonly eax: number; readonly ebx: number; readonly ecx: number; readonly edx: number;
  readonly esi: number; readonly edi: number; readonly ebp: number; readonly esp: number;
  readonly eip: number; readonly eflags: number;
  readonly cs?: number; readonly ds?: number; readonly es?: number; readonly fs?: number; readonly gs?: number; readonly ss?: number;
}
export const USER_CS = 0x73;
export const USER_DS = 0x7b;

/** EFLAGS bits. */
export const EFLAGS = Object.freeze({ CF: 1 << 0, FIXED: 1 << 1, PF: 1 << 2, AF: 1 << 4, ZF: 1 << 6, SF: 1 << 7, TF: 1 << 8, IF: 1 << 9, DF: 1 << 10, OF: 1 << 11, RF: 1 << 16, AC: 1 << 18 });
/** The flags sigreturn takes from the frame (Linux's FIX_EFLAGS without RF: ours, since our CPU has no debug faults). */
export const SIGRETURN_EFLAGS = EFLAGS.CF | EFLAGS.PF | EFLAGS.AF | EFLAGS.ZF | EFLAGS.SF | EFLAGS.TF | EFLAGS.DF | EFLAGS.OF | EFLAGS.AC;
/** User-mode EFLAGS outside the frame's control: reserved bit 1 and IF. */
export const USER_EFLAGS_BASE = EFLAGS.FIXED | EFLAGS.IF;

/** struct sigcontext (asm/sigcontext.h, i386): 22 words, 88 bytes. Selectors are 16 bits zero-extended. */
export const SIGCONTEXT = Object.freeze({
  size: 88, gs: 0, fs: 4, es: 8, ds: 12, edi: 16, esi: 20, ebp: 24, esp: 28, ebx: 32, edx: 36, ecx: 40, eax: 44,
  trapno: 48, err: 52, eip: 56, cs: 60, eflags: 64, esp_at_signal: 68, ss: 72, fpstate: 76, oldmask: 80, cr2: 84,
});
/** siginfo_t (i386): 128 bytes; the union starts at 12. */
export const SIGINFO = Object.freeze({
  size: 128, si_signo: 0, si_errno: 4, si_code: 8, si_pid: 12, si_uid: 16, si_value: 20, si_status: 20,
  si_utime: 24, si_stime: 28, si_addr: 12,
});
/** The kernel's struct ucontext (i386): uc_flags, uc_link, uc_stack (ss_sp, ss_flags, ss_size), uc_mcontext, uc_sigmask (8 bytes). */
export const UCONTEXT = Object.freeze({ size: 116, uc_flags: 0, uc_link: 4, uc_stack: 8, uc_mcontext: 20, uc_sigmask: 108 });
/** struct rt_sigframe (arch/x86/include/asm/sigframe.h, native i386). */
export const RT_SIGFRAME = Object.freeze({ size: 268, pretcode: 0, sig: 4, pinfo: 8, puc: 12, info: 16, uc: 144, retcode: 260 });
/** struct sigframe: the sigcontext is followed by an unused struct _fpstate_32 (624 bytes) kept for extramask's offset. */
export const SIGFRAME = Object.freeze({ size: 732, pretcode: 0, sig: 4, sc: 8, fpstate_unused: 96, extramask: 720, retcode: 724 });

/** The 8 retcode bytes Linux still writes (gdb recognises frames by them): `popl %eax; movl $119,%eax; int $0x80`. */
export const SIGRETURN_CODE = Object.freeze([0x58, 0xb8, 0x77, 0, 0, 0, 0xcd, 0x80]);
/** `movl $173,%eax; int $0x80`, padded. */
export const RT_SIGRETURN_CODE = Object.freeze([0xb8, 0xad, 0, 0, 0, 0xcd, 0x80, 0]);

export type FrameKind = "rt" | "old";

/** What a handler's siginfo_t says. pid/uid (kill, rt, SIGCHLD layouts) and addr (faults) share offset 12: addr wins. */
export interface SigInfo {
  readonly signo: number; readonly errno?: number; readonly code: number;
  readonly pid?: number; readonly uid?: number;
  /** sigqueue/timer si_value (offset 20). */
  readonly value?: number;
  /** SIGCHLD: exit status or signal (offset 20, over value), utime/stime in clock ticks. */
  readonly status?: number; readonly utime?: number; readonly stime?: number;
  /** SIGSEGV/SIGBUS/SIGILL/SIGFPE: the faulting address. */
  readonly addr?: number;
}

/** sigaltstack state: ss_sp, ss_size, ss_flags (SS_DISABLE / SS_AUTODISARM as the program set them). */
export interface AltStack { readonly sp: number; readonly size: number; readonly flags: number }

export interface SignalFrameInput {
  readonly regs: SignalRegs;
  /** The mask at the interruption: saved in the frame, restored by sigreturn. */
  readonly blocked: SigSet;
  readonly sig: number;
  readonly action: { readonly handler: number; readonly flags: number; readonly restorer: number };
  /** The siginfo of an rt frame; default { signo: sig, code: SI_USER } with pid and uid 0. */
  readonly info?: SigInfo;
  readonly altstack?: AltStack;
  /**
   * FPU state image to place above the frame (64-byte aligned, as Linux's math frame), its address
   * stored in sigcontext.fpstate. Omitted: fpstate is 0, which glibc accepts and which makes
   * sigreturn leave the FPU as the handler left it (ours: Linux would reset it).
   */
  readonly fpstate?: Uint8Array;
  /** trapno, err and cr2 of a fault (all 0 otherwise). */
  readonly fault?: { readonly trapno: number; readonly err: number; readonly cr2: number };
}

export interface SignalFrame {
  readonly kind: FrameKind;
  /** Where to copy `bytes`; also the handler's ESP. (sp + 4) is 16-byte aligned. */
  readonly sp: number;
  /** The frame, then (with fpstate) padding and the FPU image, up to at most the interrupted ESP. */
  readonly bytes: Uint8Array;
  /** Address of the FPU image, or 0. */
  readonly fpstate: number;
  /** The registers the handler starts with. */
  readonly regs: Required<SignalRegs>;
}

const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Linux's sas_ss_flags for a stack pointer. */
const altFlags = (alt: AltStack | undefined, sp: number): number => {
  if (alt === undefined || alt.size === 0 || (alt.flags & SS.DISABLE) !== 0) return SS.DISABLE;
  return onAltStack(alt, sp) ? SS.ONSTACK : 0;
};
const onAltStack = (alt: AltStack, sp: number): boolean =>
  (alt.flags & SS.AUTODISARM) === 0 && sp > alt.sp >>> 0 && sp - (alt.sp >>> 0) <= alt.size >>> 0;

/** The siginfo_t bytes. */
export const encodeSiginfo = (info: SigInfo): Uint8Array => {
  const b = new Uint8Array(SIGINFO.size), v = viewOf(b), L = SIGINFO;
  v.setInt32(L.si_signo, info.signo, true);
  v.setInt32(L.si_errno, info.errno ?? 0, true);
  v.setInt32(L.si_code, info.code, true);
  v.setUint32(L.si_pid, (info.pid ?? 0) >>> 0, true);
  v.setUint32(L.si_uid, (info.uid ?? 0) >>> 0, true);
  if (info.value !== undefined) v.setUint32(L.si_value, info.value >>> 0, true);
  if (info.status !== undefined) v.setUint32(L.si_status, info.status >>> 0, true);
  if (info.utime !== undefined) v.setUint32(L.si_utime, info.utime >>> 0, true);
  if (info.stime !== undefined) v.setUint32(L.si_stime, info.stime >>> 0, true);
  if (info.addr !== undefined) v.setUint32(L.si_addr, info.addr >>> 0, true);
  return b;
};

const writeSigcontext = (v: DataView, at: number, r: Required<SignalRegs>, fp: number, oldmask: number, fault: SignalFrameInput["fault"]): void => {
  const C = SIGCONTEXT;
  const put = (off: number, x: number): void => v.setUint32(at + off, x >>> 0, true);
  put(C.gs, r.gs & 0xffff); put(C.fs, r.fs & 0xffff); put(C.es, r.es & 0xffff); put(C.ds, r.ds & 0xffff);
  put(C.edi, r.edi); put(C.esi, r.esi); put(C.ebp, r.ebp); put(C.esp, r.esp); put(C.ebx, r.ebx); put(C.edx, r.edx);
  put(C.ecx, r.ecx); put(C.eax, r.eax); put(C.trapno, fault?.trapno ?? 0); put(C.err, fault?.err ?? 0);
  put(C.eip, r.eip); put(C.cs, r.cs & 0xffff); put(C.eflags, r.eflags); put(C.esp_at_signal, r.esp);
  put(C.ss, r.ss & 0xffff); put(C.fpstate, fp); put(C.oldmask, oldmask); put(C.cr2, fault?.cr2 ?? 0);
};

const withDefaults = (r: SignalRegs): Required<SignalRegs> => ({
  eax: r.eax >>> 0, ebx: r.ebx >>> 0, ecx: r.ecx >>> 0, edx: r.edx >>> 0, esi: r.esi >>> 0, edi: r.edi >>> 0,
  ebp: r.ebp >>> 0, esp: r.esp >>> 0, eip: r.eip >>> 0, eflags: r.eflags >>> 0,
  cs: r.cs ?? USER_CS, ds: r.ds ?? USER_DS, es: r.es ?? USER_DS, fs: r.fs ?? 0, gs: r.gs ?? 0, ss: r.ss ?? USER_DS,
});

/** Linux's align_sigframe for i386: so that (sp + 4) is a multiple of 16 at the handler's entry. */
export const alignSigframe = (sp: number): number => ((((sp + 4) >>> 0) & ~15) - 4) >>> 0;

/**
 * The frame Linux's ia32_setup_rt_frame (SA_SIGINFO) or ia32_setup_frame builds. Fails with EFAULT
 * (code "sigframe-overflow") where Linux would force SIGSEGV: a frame that would run off the
 * sigaltstack, or below address 0.
 */
export const buildSignalFrame = (input: SignalFrameInput): Result<SignalFrame> => {
  const kind: FrameKind = (input.action.flags & SA.SIGINFO) !== 0 ? "rt" : "old";
  const size = kind === "rt" ? RT_SIGFRAME.size : SIGFRAME.size;
  const regs = withDefaults(input.regs), alt = input.altstack;
  let sp = regs.esp;
  const nested = (altFlags(alt, sp) & SS.ONSTACK) !== 0;
  let entering = false;
  if ((input.action.flags & SA.ONSTACK) !== 0 && alt !== undefined && altFlags(alt, sp) === 0) {
    sp = (alt.sp >>> 0) + (alt.size >>> 0);
    entering = true;
  }
  const fpLen = input.fpstate?.length ?? 0;
  let fp = 0;
  if (fpLen > 0) { sp = Math.floor((sp - fpLen) / 64) * 64; fp = sp; }
  if (sp - size < 12 || sp > 0xffff_ffff) return fail("sigframe-overflow", ERRNO.EFAULT, "signal frame would wrap around the address space");
  const frame = alignSigframe(sp - size);
  if ((nested || entering) && !(frame > alt!.sp >>> 0 && frame - (alt!.sp >>> 0) <= alt!.size >>> 0))
    return fail("sigframe-overflow", ERRNO.EFAULT, "signal frame overflows the sigaltstack");
  const end = fpLen > 0 ? fp + fpLen : frame + size;
  const bytes = new Uint8Array(end - frame), v = viewOf(bytes);
  if (fpLen > 0) bytes.set(input.fpstate!, fp - frame);
  const F = kind === "rt" ? RT_SIGFRAME : SIGFRAME;
  const pretcode = (input.action.flags & SA.RESTORER) !== 0 ? input.action.restorer >>> 0 : frame + F.retcode;
  v.setUint32(F.pretcode, pretcode, true);
  v.setUint32(F.sig, input.sig, true);
  bytes.set(kind === "rt" ? RT_SIGRETURN_CODE : SIGRETURN_CODE, F.retcode);
  let edx = 0, ecx = 0;
  if (kind === "rt") {
    const R = RT_SIGFRAME, U = UCONTEXT;
    edx = frame + R.info; ecx = frame + R.uc;
    v.setUint32(R.pinfo, edx, true);
    v.setUint32(R.puc, ecx, true);
    bytes.set(encodeSiginfo(input.info ?? { signo: input.sig, code: SI.USER }), R.info);
    // uc_flags 0 (no XSAVE), uc_link 0; uc_stack as the program set it (no sigaltstack: SS_DISABLE).
    const stack = alt ?? { sp: 0, size: 0, flags: SS.DISABLE };
    v.setUint32(R.uc + U.uc_stack, stack.sp >>> 0, true);
    v.setUint32(R.uc + U.uc_stack + 4, stack.flags >>> 0, true);
    v.setUint32(R.uc + U.uc_stack + 8, stack.size >>> 0, true);
    writeSigcontext(v, R.uc + U.uc_mcontext, regs, fp, input.blocked.lo, input.fault);
    writeSigset(bytes, R.uc + U.uc_sigmask, input.blocked);
  } else {
    writeSigcontext(v, SIGFRAME.sc, regs, fp, input.blocked.lo, input.fault);
    v.setUint32(SIGFRAME.extramask, input.blocked.hi >>> 0, true);
  }
  const entry: Required<SignalRegs> = {
    ...regs, eip: input.action.handler >>> 0, esp: frame, eax: input.sig >>> 0, edx, ecx,
    eflags: (regs.eflags & ~(EFLAGS.DF | EFLAGS.TF | EFLAGS.RF)) >>> 0, cs: USER_CS, ds: USER_DS, es: USER_DS, ss: USER_DS,
  };
  return ok({ kind, sp: frame, bytes, fpstate: fp, regs: entry });
};

/** Where the frame starts when the restorer traps: rt_sigreturn at ESP - 4 (pretcode was popped), sigreturn at ESP - 8 (and sig). */
export const sigreturnFrameAddress = (kind: FrameKind, esp: number): number => (esp - (kind === "rt" ? 4 : 8)) >>> 0;
/** How many bytes the caller reads at that address (Linux checks the whole frame is accessible). */
export const sigframeSize = (kind: FrameKind): number => (kind === "rt" ? RT_SIGFRAME.size : SIGFRAME.size);

export interface RestoredContext {
  /** EAX is the interrupted EAX: the sigreturn call must return it unchanged. Selectors come from the frame (CS/SS with RPL 3); validate or ignore them. */
  readonly regs: Required<SignalRegs>;
  /** The mask to install, without SIGKILL/SIGSTOP. */
  readonly mask: SigSet;
  /** sigcontext.fpstate: the address of an FPU image to reload, or 0. */
  readonly fpstate: number;
  /** rt frames: the uc_stack to re-apply with sigaltstack's rules (Linux ignores its errors except EFAULT). */
  readonly altstack?: AltStack;
}

/**
 * Decodes a frame for rt_sigreturn ("rt") or sigreturn ("old"), as Linux's restore_sigcontext: the
 * general registers and EIP verbatim, EFLAGS = (currentEflags outside SIGRETURN_EFLAGS) | (frame's
 * inside), CS/SS forced to RPL 3, the mask without SIGKILL/SIGSTOP. Any bytes give a defined result;
 * only a short buffer fails (EFAULT: the caller could not read the frame, Linux's badframe → SIGSEGV).
 */
export const restoreFromSigframe = (bytes: Uint8Array, kind: FrameKind, currentEflags = USER_EFLAGS_BASE): Result<RestoredContext> => {
  const size = sigframeSize(kind);
  if (bytes.length < size) return fail("sigframe-short", ERRNO.EFAULT, `sigreturn frame needs ${size} bytes, got ${bytes.length}`);
  const v = viewOf(bytes);
  const sc = kind === "rt" ? RT_SIGFRAME.uc + UCONTEXT.uc_mcontext : SIGFRAME.sc;
  const w = (off: number): number => v.getUint32(sc + off, true), C = SIGCONTEXT;
  const mask = kind === "rt" ? readSigset(bytes, RT_SIGFRAME.uc + UCONTEXT.uc_sigmask) : sigset(w(C.oldmask), v.getUint32(SIGFRAME.extramask, true));
  const regs: Required<SignalRegs> = {
    eax: w(C.eax), ebx: w(C.ebx), ecx: w(C.ecx), edx: w(C.edx), esi: w(C.esi), edi: w(C.edi), ebp: w(C.ebp),
    esp: w(C.esp), eip: w(C.eip),
    eflags: ((currentEflags & ~SIGRETURN_EFLAGS) | (w(C.eflags) & SIGRETURN_EFLAGS)) >>> 0,
    cs: (w(C.cs) | 3) & 0xffff, ss: (w(C.ss) | 3) & 0xffff, ds: w(C.ds) & 0xffff, es: w(C.es) & 0xffff, fs: w(C.fs) & 0xffff, gs: w(C.gs) & 0xffff,
  };
  const base = { regs, mask: blockableMask(mask), fpstate: w(C.fpstate) };
  if (kind === "old") return ok(base);
  const st = RT_SIGFRAME.uc + UCONTEXT.uc_stack;
  return ok({ ...base, altstack: { sp: v.getUint32(st, true), flags: v.getUint32(st + 4, true), size: v.getUint32(st + 8, true) } });
};
