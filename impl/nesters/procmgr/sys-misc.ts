// The rest of the Linux personality: uname, user and group ids (everyone is root: uid/gid 0), resource
// limits, virtual time (clock_gettime and friends read the kernel's virtual time, never the host clock),
// deterministic getrandom (from the run's seed), sysinfo, the scheduler queries, and calls answered
// with a fixed value or error that glibc and coreutils handle (rseq and statx: ENOSYS, so glibc falls back).
// Above: procmgr.ts through the SYSCALLS table. Below: pm.ts, linux-structs.ts.
import type { Nest } from "../libnest/env.js";
import { ERRNO } from "./linux-errno.js";
import { CLOCK, RLIMIT, RLIM_INFINITY } from "./linux-consts.js";
import { encodeUtsname } from "./linux-structs.js";
import {
  encodeKernelTimespec, encodeRlimit, encodeRlimit64, encodeRusage, encodeSysinfo, encodeTimespec32, encodeTimeval, encodeTms, rlimToRlim64,
} from "./linux-misc-structs.js";
import { clock, monotonic, type PM } from "./pm.js";
import { define, put, type SysCtx, type SysResult } from "./sys.js";

/** What uname reports (ours: a Linux 6.1 i686 machine named "fluke"). */
export const UNAME = Object.freeze({
  sysname: "Linux", nodename: "fluke", release: "6.1.0-fluke", version: "#1 SMP Fluke-TS", machine: "i686", domainname: "(none)",
});

/** Limits the process sees (ours: Linux's defaults for a root shell, a 1024-descriptor table). */
const limits = (r: number): { cur: number; max: number } => {
  switch (r) {
    case RLIMIT.STACK: return { cur: 8 * 1024 * 1024, max: RLIM_INFINITY };
    case RLIMIT.NOFILE: return { cur: 1024, max: 1024 };
    case RLIMIT.CORE: return { cur: 0, max: RLIM_INFINITY };
    case RLIMIT.NPROC: return { cur: 1024, max: 1024 };
    default: return { cur: RLIM_INFINITY, max: RLIM_INFINITY };
  }
};

const now = (pm: PM, id: number): { sec: number; nsec: number } | null => {
  switch (id) {
    case CLOCK.REALTIME: case CLOCK.REALTIME_COARSE: case CLOCK.TAI: return clock(pm);
    case CLOCK.MONOTONIC: case CLOCK.MONOTONIC_RAW: case CLOCK.MONOTONIC_COARSE: case CLOCK.BOOTTIME:
    case CLOCK.PROCESS_CPUTIME_ID: case CLOCK.THREAD_CPUTIME_ID: return monotonic(pm);
    default: return null;
  }
};

/** Deterministic bytes (xorshift of the run's seed and a counter; not secret, as the issue asks). */
const randomBytes = (pm: PM, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  let x = (pm.cfg.seed ^ 0x9e3779b9 ^ Math.imul(++pm.randomCounter, 0x85ebca6b)) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
};

const ret = (n: number) => function* (): Nest<SysResult> { return n; };
const zero = ret(0);

function* clockGettime(c: SysCtx, wide: boolean): Nest<number> {
  const t = now(c.pm, c.a[0]!);
  if (t === null) return -ERRNO.EINVAL;
  return (yield* put(c, c.a[1]!, wide ? encodeKernelTimespec(t) : encodeTimespec32(t)));
}

define({
  *uname(c) { return (yield* put(c, c.a[0]!, encodeUtsname(UNAME))); },
  getuid32: zero, geteuid32: zero, getgid32: zero, getegid32: zero, getuid: zero, geteuid: zero, getgid: zero, getegid: zero,
  setuid32: zero, setgid32: zero, setreuid32: zero, setregid32: zero, setresuid32: zero, setresgid32: zero, setgroups32: zero,
  *getresuid32(c) { for (const a of c.a.slice(0, 3)) if ((yield* put(c, a, new Uint8Array(4))) !== 0) return -ERRNO.EFAULT; return 0; },
  *getresgid32(c) { for (const a of c.a.slice(0, 3)) if ((yield* put(c, a, new Uint8Array(4))) !== 0) return -ERRNO.EFAULT; return 0; },
  getgroups32: zero,
  *ugetrlimit(c) { return c.a[0]! >= 16 ? -ERRNO.EINVAL : (yield* put(c, c.a[1]!, encodeRlimit(limits(c.a[0]!)))); },
  *getrlimit(c) { return c.a[0]! >= 16 ? -ERRNO.EINVAL : (yield* put(c, c.a[1]!, encodeRlimit(limits(c.a[0]!)))); },
  setrlimit: zero,
  *prlimit64(c) {
    const [pid, res, , old] = c.a as [number, number, number, number];
    if (pid !== 0 && pid !== c.p.pid) return -ERRNO.ESRCH;
    if (res >= 16) return -ERRNO.EINVAL;
    if (old !== 0) {
      const l = limits(res);
      return (yield* put(c, old, encodeRlimit64({ cur: rlimToRlim64(l.cur), max: rlimToRlim64(l.max) })));
    }
    return 0;
  },
  *getrusage(c) { return (yield* put(c, c.a[1]!, encodeRusage({ utime: { sec: 0, usec: 0 }, stime: { sec: 0, usec: 0 } }))); },
  *times(c) {
    const ticks = Math.floor(c.pm.env.k.sched.now / 1e6); // 100 Hz clock ticks of virtual time
    if (c.a[0] !== 0 && (yield* put(c, c.a[0]!, encodeTms({ utime: ticks, stime: 0, cutime: 0, cstime: 0 }))) !== 0) return -ERRNO.EFAULT;
    return ticks;
  },
  *sysinfo(c) {
    return (yield* put(c, c.a[0]!, encodeSysinfo({
      uptime: monotonic(c.pm).sec, loads: [0, 0, 0], totalram: 256 * 1024 * 1024, freeram: 128 * 1024 * 1024, sharedram: 0, bufferram: 0,
      totalswap: 0, freeswap: 0, procs: c.pm.procs.size, totalhigh: 0, freehigh: 0, memUnit: 1,
    })));
  },
  clock_gettime: (c) => clockGettime(c, false),
  clock_gettime64: (c) => clockGettime(c, true),
  *clock_getres(c) { return c.a[1] === 0 ? 0 : (yield* put(c, c.a[1]!, encodeTimespec32({ sec: 0, nsec: 1 }))); },
  *clock_getres_time64(c) { return c.a[1] === 0 ? 0 : (yield* put(c, c.a[1]!, encodeKernelTimespec({ sec: 0, nsec: 1 }))); },
  *gettimeofday(c) {
    const t = clock(c.pm);
    return c.a[0] === 0 ? 0 : (yield* put(c, c.a[0]!, encodeTimeval({ sec: t.sec, usec: Math.floor(t.nsec / 1000) })));
  },
  *time(c) {
    const t = clock(c.pm).sec;
    if (c.a[0] !== 0 && (yield* put(c, c.a[0]!, encodeTimespec32({ sec: t, nsec: 0 }).subarray(0, 4))) !== 0) return -ERRNO.EFAULT;
    return t;
  },
  nanosleep: zero, clock_nanosleep: zero, clock_nanosleep_time64: zero, sched_yield: zero,
  *getrandom(c) {
    const n = Math.min(c.a[1]!, 1 << 16);
    return (yield* put(c, c.a[0]!, randomBytes(c.pm, n))) === 0 ? n : -ERRNO.EFAULT;
  },
  *sched_getaffinity(c) {
    if (c.a[1]! < 4) return -ERRNO.EINVAL;
    return (yield* put(c, c.a[2]!, Uint8Array.from([1, 0, 0, 0]))) === 0 ? 4 : -ERRNO.EFAULT;
  },
  *getpriority() { return 20; },
  setpriority: zero,
  *prctl() { return -ERRNO.EINVAL; },
  *personality(c) { return c.a[0] === 0xffffffff ? 0 : 0; },
  fadvise64_64: zero,
  fadvise64: zero,
  *rseq() { return -ERRNO.ENOSYS; },
  *statx() { return -ERRNO.ENOSYS; },
  *faccessat2() { return -ERRNO.ENOSYS; },
  *clone3() { return -ERRNO.ENOSYS; },
});
