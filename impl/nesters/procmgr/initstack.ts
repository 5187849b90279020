// The initial stack of a Linux i386 process, built byte for byte as Linux's execve leaves it, for a
// given stack top: from the top down, a zero word, the AT_EXECFN string, the environment strings, the
// argument strings, alignment to 16, the AT_PLATFORM string "i686", the 16 AT_RANDOM bytes, padding,
// then (from the final ESP, 16-byte aligned, up) argc, the argv pointers, NULL, the envp pointers, NULL
// and the auxiliary vector. There is no vDSO, so no AT_SYSINFO/AT_SYSINFO_EHDR: glibc then uses
// `int $0x80` and its own signal trampolines. The AT_RANDOM bytes come from a seed, keeping process
// start deterministic. Above: the process manager (copies `image` to `sp` in the child and starts the
// thread there with EDX = 0). Below: layout.ts (the auxv addresses).
import { PAGE_SIZE } from "../../../spec/kernel-api/common.js";
import { STACK_SIZE } from "./layout.js";
import { ERRNO } from "./linux-errno.js";
import { fail, ok, type Result } from "./result.js";

/** Auxiliary vector types (the System V ABI and Linux's elf.h / auxvec.h numbers). */
export const AT = Object.freeze({
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13, EGID: 14,
  PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, HWCAP2: 26, EXECFN: 31, SYSINFO: 32, SYSINFO_EHDR: 33,
});

/** CPUID leaf 1 EDX feature bits. */
export const CPUID_EDX = Object.freeze({ FPU: 1 << 0, TSC: 1 << 4, CX8: 1 << 8, CMOV: 1 << 15, MMX: 1 << 23, FXSR: 1 << 24, SSE: 1 << 25, SSE2: 1 << 26 });
/**
 * AT_HWCAP on x86 is CPUID.1:EDX. Ours is a P6 with FPU, TSC, CX8 and CMOV and nothing else (no MMX,
 * FXSR or SSE), so glibc picks its i686 baseline routines. impl/x86's CPUID leaf 1 must report the same.
 */
export const I386_HWCAP = CPUID_EDX.FPU | CPUID_EDX.TSC | CPUID_EDX.CX8 | CPUID_EDX.CMOV;
export const PLATFORM = "i686";
/** USER_HZ: the unit of times() and /proc, fixed at 100 on Linux. */
export const CLOCK_TICKS = 100;
/** Linux's MAX_ARG_STRLEN: one argument or environment string, its NUL included. */
export const MAX_ARG_STRLEN = 32 * PAGE_SIZE;
/** Linux caps the argument space at 3/4 of its default 8 MiB stack limit, whatever RLIMIT_STACK says. */
const ARG_SPACE_CAP = (8 * 1024 * 1024 / 4) * 3;

export type GuestString = string | Uint8Array;

export interface StackInput {
  /** Exclusive end of the stack (layout.ts STACK_TOP); must be 16-byte aligned. */
  readonly stackTop: number;
  readonly argv: readonly GuestString[];
  readonly envp: readonly GuestString[];
  /** The path execve was called with (AT_EXECFN), not necessarily argv[0]. */
  readonly execfn: GuestString;
  /** From layout.ts ProcessPlan.auxv. */
  readonly image: { readonly phdr: number; readonly phent: number; readonly phnum: number; readonly base: number; readonly entry: number };
  readonly ids?: { readonly uid: number; readonly euid: number; readonly gid: number; readonly egid: number };
  /** Seed of the 16 AT_RANDOM bytes. */
  readonly randomSeed: number;
  /** RLIMIT_STACK; strings and pointers may use a quarter of it, at most 6 MiB, at least 128 KiB (default 8 MiB, as Linux). */
  readonly stackLimit?: number;
}

export interface InitialStack {
  /** Initial ESP: the address of argc. */
  readonly sp: number;
  /** The bytes from sp to stackTop. */
  readonly image: Uint8Array;
  readonly argv: readonly number[];
  readonly envp: readonly number[];
  readonly auxv: readonly (readonly [number, number])[];
  readonly execfn: number;
  readonly platform: number;
  readonly random: number;
}

/** 16 bytes from a 32-bit seed (a splitmix-style counter hash: deterministic, well mixed, not secret). */
export const atRandomBytes = (seed: number): Uint8Array => {
  const out = new Uint8Array(16);
  let state = seed >>> 0;
  for (let i = 0; i < 16; i += 4) {
    state = (state + 0x9e37_79b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    out.set([z & 0xff, (z >>> 8) & 0xff, (z >>> 16) & 0xff, z >>> 24], i);
  }
  return out;
};

const encoder = new TextEncoder();
const cString = (s: GuestString): Uint8Array => {
  const body = typeof s === "string" ? encoder.encode(s) : s;
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
};

/** The auxiliary vector in the order Linux's create_elf_tables writes it, AT_NULL last. */
export const auxvFor = (input: StackInput, at: { random: number; execfn: number; platform: number }): [number, number][] => {
  const ids = input.ids ?? { uid: 0, euid: 0, gid: 0, egid: 0 };
  const im = input.image;
  return [
    [AT.HWCAP, I386_HWCAP], [AT.PAGESZ, PAGE_SIZE], [AT.CLKTCK, CLOCK_TICKS], [AT.PHDR, im.phdr], [AT.PHENT, im.phent],
    [AT.PHNUM, im.phnum], [AT.BASE, im.base], [AT.FLAGS, 0], [AT.ENTRY, im.entry], [AT.UID, ids.uid], [AT.EUID, ids.euid],
    [AT.GID, ids.gid], [AT.EGID, ids.egid], [AT.SECURE, 0], [AT.RANDOM, at.random], [AT.HWCAP2, 0], [AT.EXECFN, at.execfn],
    [AT.PLATFORM, at.platform], [AT.NULL, 0],
  ];
};

interface Strings {
  readonly argv: Uint8Array[];
  readonly envp: Uint8Array[];
  readonly execfn: Uint8Array;
}

/** Linux 5.18+ gives a process started with no arguments an empty argv[0]. */
const collectStrings = (input: StackInput): Result<Strings> => {
  const argv = (input.argv.length === 0 ? [""] : input.argv).map(cString);
  const envp = input.envp.map(cString);
  const execfn = cString(input.execfn);
  const all = [execfn, ...envp, ...argv];
  if (all.some((s) => s.indexOf(0) !== s.length - 1)) return fail("embedded-nul", ERRNO.EINVAL, "initstack: a string contains a NUL byte");
  const long = all.find((s) => s.length > MAX_ARG_STRLEN);
  if (long !== undefined) return fail("arg-too-long", ERRNO.E2BIG, `initstack: a string of ${long.length} bytes exceeds MAX_ARG_STRLEN (${MAX_ARG_STRLEN})`);
  const limit = Math.max(Math.min(ARG_SPACE_CAP, (input.stackLimit ?? STACK_SIZE) / 4), MAX_ARG_STRLEN);
  const used = all.reduce((n, s) => n + s.length, 0) + (argv.length + envp.length) * 4;
  if (used > limit) return fail("args-too-big", ERRNO.E2BIG, `initstack: arguments and environment need ${used} bytes, more than the ${limit} allowed`);
  return ok({ argv, envp, execfn });
};

/** Addresses of strings placed downwards from `p`, last first, so they ascend in list order; and the new p. */
const placeDown = (list: readonly Uint8Array[], p: number): [number[], number] => {
  const addrs = new Array<number>(list.length);
  for (let i = list.length - 1; i >= 0; i--) {
    p -= list[i]!.length;
    addrs[i] = p;
  }
  return [addrs, p];
};

const alignDown16 = (a: number): number => a - (a % 16);

/** Build the initial stack image and ESP. */
export const buildInitialStack = (input: StackInput): Result<InitialStack> => {
  const top = input.stackTop;
  if (!Number.isInteger(top) || top % 16 !== 0 || top <= 0 || top > 0x1_0000_0000) {
    return fail("bad-stack-top", ERRNO.EINVAL, "initstack: the stack top must be a 16-byte aligned address");
  }
  const s = collectStrings(input);
  if (!s.ok) return s;
  const { argv: argBytes, envp: envBytes, execfn: execfnBytes } = s.value;
  const execfn = top - 4 - execfnBytes.length;
  const [envp, afterEnv] = placeDown(envBytes, execfn);
  const [argv, argStart] = placeDown(argBytes, afterEnv);
  const platform = alignDown16(argStart) - (PLATFORM.length + 1);
  const random = platform - 16;
  const auxv = auxvFor(input, { random, execfn, platform });
  const words = [argv.length, ...argv, 0, ...envp, 0, ...auxv.flat()];
  const sp = alignDown16(random - auxv.length * 8 - (argv.length + envp.length + 3) * 4);
  if (sp < 0) return fail("args-too-big", ERRNO.E2BIG, "initstack: the arguments do not fit below the stack top");
  const image = new Uint8Array(top - sp);
  const put = (addr: number, b: Uint8Array): void => image.set(b, addr - sp);
  put(execfn, execfnBytes);
  envBytes.forEach((b, i) => put(envp[i]!, b));
  argBytes.forEach((b, i) => put(argv[i]!, b));
  put(platform, cString(PLATFORM));
  put(random, atRandomBytes(input.randomSeed));
  const view = new DataView(image.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return ok({ sp, image, argv, envp, auxv, execfn, platform, random });
};
