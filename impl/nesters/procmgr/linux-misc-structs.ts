// The small i386 kernel structures of the time, resource, memory-vector and TLS calls: struct timespec
// (32-bit, the old calls), struct __kernel_timespec (64-bit, the *_time64 calls glibc tries first),
// struct timeval, struct rlimit and rlimit64, struct iovec arrays (readv/writev), struct user_desc
// (set_thread_area/get_thread_area, clone's CLONE_SETTLS), struct sysinfo, struct tms, struct rusage
// and struct statfs64; plus the little-endian helpers linux-structs.ts shares. Everything here is
// re-exported by linux-structs.ts. Above: linux-structs.ts and the process manager. Below: nothing.
import { ERRNO } from "./linux-errno.js";
import { fail, ok, type Result } from "./result.js";

// ---- little-endian helpers -------------------------------------------------------------------

const TWO32 = 0x1_0000_0000;
export const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
/** Stores a JavaScript integer (|v| <= 2^53) as a 64-bit two's-complement little-endian value. */
export const put64 = (v: DataView, off: number, value: number): void => {
  v.setUint32(off, value >>> 0, true);
  v.setUint32(off + 4, Math.floor(value / TWO32) >>> 0, true);
};
/** An unsigned 64-bit field as a number (exact below 2^53). */
export const getU64 = (v: DataView, off: number): number => v.getUint32(off + 4, true) * TWO32 + v.getUint32(off, true);
/** A signed 64-bit field as a number (exact within ±2^53). */
export const getI64 = (v: DataView, off: number): number => v.getInt32(off + 4, true) * TWO32 + v.getUint32(off, true);

const words = (values: readonly number[], bytesPerWord = 4): Uint8Array => {
  const b = new Uint8Array(values.length * bytesPerWord), v = viewOf(b);
  values.forEach((x, i) => (bytesPerWord === 8 ? put64(v, i * 8, x) : v.setUint32(i * 4, x >>> 0, true)));
  return b;
};

// ---- time ------------------------------------------------------------------------------------

export interface TimeSpec { readonly sec: number; readonly nsec: number }
export interface TimeVal { readonly sec: number; readonly usec: number }

/** struct timespec of the 32-bit calls (nanosleep, clock_gettime 265): tv_sec s32, tv_nsec s32. */
export const TIMESPEC32_SIZE = 8;
export const encodeTimespec32 = (t: TimeSpec): Uint8Array => words([t.sec, t.nsec]);
export const decodeTimespec32 = (b: Uint8Array, off = 0): TimeSpec => {
  const v = viewOf(b);
  return { sec: v.getInt32(off, true), nsec: v.getInt32(off + 4, true) };
};

/** struct __kernel_timespec of the *_time64 calls: tv_sec s64, tv_nsec s64. */
export const KERNEL_TIMESPEC_SIZE = 16;
export const encodeKernelTimespec = (t: TimeSpec): Uint8Array => words([t.sec, t.nsec], 8);
/** On a 32-bit kernel only the low 32 bits of tv_nsec count (Linux's get_timespec64). Range checks (EINVAL) are the caller's. */
export const decodeKernelTimespec = (b: Uint8Array, off = 0): TimeSpec => {
  const v = viewOf(b);
  return { sec: getI64(v, off), nsec: v.getInt32(off + 8, true) };
};

/** struct timeval (gettimeofday, utimes, rusage): tv_sec s32, tv_usec s32. */
export const TIMEVAL_SIZE = 8;
export const encodeTimeval = (t: TimeVal): Uint8Array => words([t.sec, t.usec]);
export const decodeTimeval = (b: Uint8Array, off = 0): TimeVal => {
  const v = viewOf(b);
  return { sec: v.getInt32(off, true), usec: v.getInt32(off + 4, true) };
};

// ---- resource limits -------------------------------------------------------------------------

export interface Rlimit { readonly cur: number; readonly max: number }
export interface Rlimit64 { readonly cur: bigint; readonly max: bigint }
const INF32 = 0xffff_ffff;
const INF64 = 0xffff_ffff_ffff_ffffn;

/** struct rlimit (ugetrlimit 191, setrlimit 75): two u32; RLIM_INFINITY is 0xffffffff. */
export const RLIMIT_SIZE = 8;
export const encodeRlimit = (r: Rlimit): Uint8Array => words([r.cur, r.max]);
export const decodeRlimit = (b: Uint8Array, off = 0): Rlimit => {
  const v = viewOf(b);
  return { cur: v.getUint32(off, true), max: v.getUint32(off + 4, true) };
};
/** The old getrlimit (76) shows values above 0x7fffffff as 0x7fffffff (Linux's sys_old_getrlimit). */
export const oldGetrlimitValue = (x: number): number => Math.min(x >>> 0, 0x7fff_ffff);

/** struct rlimit64 (prlimit64 340): two u64; RLIM64_INFINITY is all ones. */
export const RLIMIT64_SIZE = 16;
export const encodeRlimit64 = (r: Rlimit64): Uint8Array => {
  const b = new Uint8Array(RLIMIT64_SIZE), v = viewOf(b);
  v.setBigUint64(0, BigInt.asUintN(64, r.cur), true);
  v.setBigUint64(8, BigInt.asUintN(64, r.max), true);
  return b;
};
export const decodeRlimit64 = (b: Uint8Array, off = 0): Rlimit64 => {
  const v = viewOf(b);
  return { cur: v.getBigUint64(off, true), max: v.getBigUint64(off + 8, true) };
};
/** Linux's conversions between a 32-bit kernel's limits and prlimit64's: infinity maps to infinity, larger values saturate. */
export const rlim64ToRlim = (x: bigint): number => (x >= BigInt(INF32) ? INF32 : Number(x));
export const rlimToRlim64 = (x: number): bigint => (x >>> 0 === INF32 ? INF64 : BigInt(x >>> 0));

// ---- iovec -----------------------------------------------------------------------------------

export interface Iovec { readonly base: number; readonly len: number }
/** UIO_MAXIOV, and MAX_RW_COUNT (INT_MAX rounded down to a page): the most one readv/writev moves. */
export const UIO_MAXIOV = 1024;
export const MAX_RW_COUNT = 0x7fff_f000;
export const IOVEC_SIZE = 8;

/**
 * The iovec array of readv/writev/preadv at `addr`, read with `readWord` (a guest u32 load that gives
 * undefined on a fault). As Linux: count above UIO_MAXIOV or negative gives EINVAL, an unreadable
 * array EFAULT, a length that is negative as ssize_t EINVAL; lengths past MAX_RW_COUNT in total are
 * cut so the sum is MAX_RW_COUNT.
 */
export const decodeIovecs = (readWord: (addr: number) => number | undefined, addr: number, count: number): Result<Iovec[]> => {
  if (count < 0 || count > UIO_MAXIOV) return fail("iovec-count", ERRNO.EINVAL, `iovcnt ${count} out of range`);
  const out: Iovec[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = readWord((addr + i * IOVEC_SIZE) >>> 0), len = readWord((addr + i * IOVEC_SIZE + 4) >>> 0);
    if (base === undefined || len === undefined) return fail("iovec-fault", ERRNO.EFAULT, `iovec ${i} unreadable`);
    if ((len | 0) < 0) return fail("iovec-len", ERRNO.EINVAL, `iovec ${i} length negative`);
    const cut = Math.min(len >>> 0, MAX_RW_COUNT - total);
    total += cut;
    out.push({ base: base >>> 0, len: cut });
  }
  return ok(out);
};

// ---- user_desc (TLS) -------------------------------------------------------------------------

export interface UserDesc {
  /** GDT index; 0xffffffff (-1) asks set_thread_area to pick a free TLS slot and write it back. */
  readonly entryNumber: number;
  readonly baseAddr: number;
  readonly limit: number;
  readonly seg32bit: boolean;
  /** 0 data, 1 data expand-down, 2 code (3 is refused by Linux: EINVAL). */
  readonly contents: number;
  readonly readExecOnly: boolean;
  readonly limitInPages: boolean;
  readonly segNotPresent: boolean;
  readonly useable: boolean;
}
/** struct user_desc (asm/ldt.h): three u32, then the flag bit-fields in the fourth word. */
export const USER_DESC = Object.freeze({
  size: 16, entry_number: 0, base_addr: 4, limit: 8, flags: 12,
  SEG_32BIT: 1 << 0, CONTENTS_SHIFT: 1, CONTENTS_MASK: 3 << 1, READ_EXEC_ONLY: 1 << 3, LIMIT_IN_PAGES: 1 << 4,
  SEG_NOT_PRESENT: 1 << 5, USEABLE: 1 << 6,
});
/** The three GDT TLS slots of i386 Linux (GDT_ENTRY_TLS_MIN..MAX); glibc uses the first it is given. */
export const GDT_ENTRY_TLS_MIN = 6;
export const GDT_ENTRY_TLS_ENTRIES = 3;
/** The selector a program loads for a GDT entry at user privilege: (entry << 3) | 3. */
export const tlsSelector = (entry: number): number => ((entry << 3) | 3) & 0xffff;

export const decodeUserDesc = (b: Uint8Array, off = 0): UserDesc => {
  const v = viewOf(b), f = v.getUint32(off + USER_DESC.flags, true), U = USER_DESC;
  return {
    entryNumber: v.getUint32(off + U.entry_number, true), baseAddr: v.getUint32(off + U.base_addr, true),
    limit: v.getUint32(off + U.limit, true), seg32bit: (f & U.SEG_32BIT) !== 0,
    contents: (f & U.CONTENTS_MASK) >>> U.CONTENTS_SHIFT, readExecOnly: (f & U.READ_EXEC_ONLY) !== 0,
    limitInPages: (f & U.LIMIT_IN_PAGES) !== 0, segNotPresent: (f & U.SEG_NOT_PRESENT) !== 0, useable: (f & U.USEABLE) !== 0,
  };
};
export const encodeUserDesc = (d: UserDesc): Uint8Array => {
  const U = USER_DESC;
  const flags = (d.seg32bit ? U.SEG_32BIT : 0) | ((d.contents & 3) << U.CONTENTS_SHIFT) | (d.readExecOnly ? U.READ_EXEC_ONLY : 0) |
    (d.limitInPages ? U.LIMIT_IN_PAGES : 0) | (d.segNotPresent ? U.SEG_NOT_PRESENT : 0) | (d.useable ? U.USEABLE : 0);
  return words([d.entryNumber, d.baseAddr, d.limit, flags]);
};
/** Linux's LDT_empty/LDT_zero: a descriptor set_thread_area treats as "clear this slot". */
export const isClearingUserDesc = (d: UserDesc): boolean =>
  d.baseAddr === 0 && d.limit === 0 && d.contents === 0 && !d.seg32bit && !d.limitInPages && !d.useable &&
  d.readExecOnly === d.segNotPresent;

// ---- sysinfo, tms, rusage, statfs64 ----------------------------------------------------------

/** loads are fixed-point with 16 fraction bits (SI_LOAD_SHIFT); RAM sizes count units of memUnit bytes. */
export interface SysinfoInput {
  readonly uptime: number; readonly loads: readonly [number, number, number];
  readonly totalram: number; readonly freeram: number; readonly sharedram: number; readonly bufferram: number;
  readonly totalswap: number; readonly freeswap: number; readonly procs: number;
  readonly totalhigh: number; readonly freehigh: number; readonly memUnit: number;
}
/** struct sysinfo (linux/sysinfo.h, i386): 64 bytes; procs is a u16 at 40, mem_unit a u32 at 52. */
export const SYSINFO = Object.freeze({ size: 64, uptime: 0, loads: 4, totalram: 16, procs: 40, totalhigh: 44, freehigh: 48, mem_unit: 52 });
export const encodeSysinfo = (s: SysinfoInput): Uint8Array => {
  const b = new Uint8Array(SYSINFO.size), v = viewOf(b);
  b.set(words([s.uptime, ...s.loads, s.totalram, s.freeram, s.sharedram, s.bufferram, s.totalswap, s.freeswap]), 0);
  v.setUint16(SYSINFO.procs, s.procs & 0xffff, true);
  v.setUint32(SYSINFO.totalhigh, s.totalhigh >>> 0, true);
  v.setUint32(SYSINFO.freehigh, s.freehigh >>> 0, true);
  v.setUint32(SYSINFO.mem_unit, s.memUnit >>> 0, true);
  return b;
};

/** struct tms (times 43): four clock_t (s32) in clock ticks (USER_HZ = 100). */
export interface Tms { readonly utime: number; readonly stime: number; readonly cutime: number; readonly cstime: number }
export const TMS_SIZE = 16;
export const encodeTms = (t: Tms): Uint8Array => words([t.utime, t.stime, t.cutime, t.cstime]);

/** struct rusage (getrusage 77, wait4 114): two timevals and fourteen longs, 72 bytes. Counters not given are 0. */
export interface Rusage { readonly utime: TimeVal; readonly stime: TimeVal; readonly maxrss?: number; readonly minflt?: number; readonly majflt?: number; readonly nvcsw?: number; readonly nivcsw?: number }
export const RUSAGE_SIZE = 72;
export const encodeRusage = (r: Rusage): Uint8Array => {
  const longs = new Array<number>(14).fill(0);
  longs[0] = r.maxrss ?? 0; longs[4] = r.minflt ?? 0; longs[5] = r.majflt ?? 0; longs[12] = r.nvcsw ?? 0; longs[13] = r.nivcsw ?? 0;
  return words([r.utime.sec, r.utime.usec, r.stime.sec, r.stime.usec, ...longs]);
};

export interface Statfs64Input {
  readonly type: number; readonly bsize: number; readonly blocks: number; readonly bfree: number; readonly bavail: number;
  readonly files: number; readonly ffree: number; readonly fsid: readonly [number, number];
  readonly namelen: number; readonly frsize: number; readonly flags: number;
}
/** struct statfs64 (asm/statfs.h, i386: packed to 4): 84 bytes; statfs64/fstatfs64 refuse any other size with EINVAL. */
export const STATFS64 = Object.freeze({ size: 84, f_type: 0, f_bsize: 4, f_blocks: 8, f_bfree: 16, f_bavail: 24, f_files: 32, f_ffree: 40, f_fsid: 48, f_namelen: 56, f_frsize: 60, f_flags: 64 });
export const encodeStatfs64 = (s: Statfs64Input): Uint8Array => {
  const b = new Uint8Array(STATFS64.size), v = viewOf(b), L = STATFS64;
  v.setUint32(L.f_type, s.type >>> 0, true);
  v.setUint32(L.f_bsize, s.bsize >>> 0, true);
  put64(v, L.f_blocks, s.blocks); put64(v, L.f_bfree, s.bfree); put64(v, L.f_bavail, s.bavail);
  put64(v, L.f_files, s.files); put64(v, L.f_ffree, s.ffree);
  v.setUint32(L.f_fsid, s.fsid[0] >>> 0, true); v.setUint32(L.f_fsid + 4, s.fsid[1] >>> 0, true);
  v.setUint32(L.f_namelen, s.namelen >>> 0, true);
  v.setUint32(L.f_frsize, s.frsize >>> 0, true);
  v.setUint32(L.f_flags, s.flags >>> 0, true);
  return b;
};
