// Process system calls of the Linux personality: exit, fork/vfork/clone (process form), execve, wait4,
// the ids and groups, kill, the signal actions and masks, sigreturn, and the TLS and thread-address
// calls glibc's start-up makes. A blocking wait (wait4, sigsuspend) waits on the manager's condition
// and gives up with EINTR when a signal the process does not block arrives.
// Above: procmgr.ts through the SYSCALLS table. Below: proc-state.ts, exec.ts, linux-signals.ts,
// linux-sigframe.ts, x86-bridge.ts.
import type { Nest } from "../libnest/env.js";
import { execProgram } from "./exec.js";
import { interrupted } from "./files.js";
import { ERRNO } from "./linux-errno.js";
import { CLONE, W, waitStatus } from "./linux-consts.js";
import { decodeUserDesc, encodeUserDesc, GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN, isClearingUserDesc } from "./linux-misc-structs.js";
import {
  SIG, SIGSET_SIZE, applySigprocmask, blockableMask, decodeOldSigaction, decodeRtSigaction, encodeOldSigaction, encodeRtSigaction,
  isUncatchable, isValidSignal, readSigset, sigset, sigsetAndNot, sigsetIsEmpty, writeSigset, type SigSet,
} from "./linux-signals.js";
import { restoreFromSigframe, sigframeSize, sigreturnFrameAddress, type FrameKind } from "./linux-sigframe.js";
import { forkProcess, postSignal, reap } from "./proc-state.js";
import { waitUntil, type Proc } from "./pm.js";
import { EFAULT, define, get, put, s32, str, u32le, type SysCtx, type SysResult } from "./sys.js";
import { setTls } from "./x86-bridge.js";

/** Start serving a new process (set by procmgr.ts: it owns the server threads). */
export const serving: { start: ((c: SysCtx, child: Proc) => void) | null } = { start: null };

function* fork(c: SysCtx, flags: number, stack: number, parentTid: number, tls: number, childTid: number): Nest<SysResult> {
  if ((flags & CLONE.VM) !== 0 && (flags & CLONE.VFORK) === 0) return -ERRNO.ENOSYS; // threads: not yet (ours)
  if ((flags & CLONE.THREAD) !== 0) return -ERRNO.EINVAL;
  const regs = stack !== 0 ? { ...c.regs, esp: stack } : c.regs;
  const child = yield* forkProcess(c.pm, c.p, regs);
  if (typeof child === "number") return child;
  if ((flags & CLONE.SETTLS) !== 0) {
    const b = (yield* get(c, tls, 16));
    if (b !== null) installTls(child, b);
  }
  if ((flags & CLONE.PARENT_SETTID) !== 0) (yield* put(c, parentTid, u32le(child.pid)));
  if ((flags & CLONE.CHILD_SETTID) !== 0) yield* child.space.write(childTid, u32le(child.pid));
  if ((flags & CLONE.CHILD_CLEARTID) !== 0) child.tidAddress = childTid;
  serving.start!(c, child);
  return child.pid;
}

/** set_thread_area's descriptor into the thread's CPU; the entry number used, or -errno. */
const installTls = (p: Proc, b: Uint8Array): number => {
  const d = decodeUserDesc(b);
  let entry = d.entryNumber >>> 0;
  if (entry === 0xffffffff) entry = GDT_ENTRY_TLS_MIN;
  if (entry < GDT_ENTRY_TLS_MIN || entry >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -ERRNO.EINVAL;
  if (d.contents === 3) return -ERRNO.EINVAL;
  const limit = d.limitInPages ? ((d.limit << 12) | 0xfff) >>> 0 : d.limit >>> 0;
  setTls(p.kthread!, entry, isClearingUserDesc(d) || d.segNotPresent ? undefined : { base: d.baseAddr >>> 0, limit });
  return entry;
};

/** A NULL-terminated array of string pointers in guest memory. */
function* strArray(c: SysCtx, addr: number): Nest<string[] | number> {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; i < 0x20000; i++) {
    const ptr = yield* c.p.space.u32(addr + 4 * i);
    if (ptr === null) return EFAULT;
    if (ptr === 0) return out;
    const s = yield* str(c, ptr, 32 * 4096);
    if (typeof s === "number") return s;
    out.push(s);
  }
  return -ERRNO.E2BIG;
}

function* wait4(c: SysCtx, pid: number, statusAddr: number, options: number, rusage: number): Nest<number> {
  if ((options & ~(W.NOHANG | W.UNTRACED | W.CONTINUED | W.NOTHREAD | W.ALL | W.CLONE)) !== 0) return -ERRNO.EINVAL;
  const p = c.p;
  const wanted = (x: Proc): boolean => (pid > 0 ? x.pid === pid : pid === 0 ? x.pgid === p.pgid : pid === -1 ? true : x.pgid === -pid);
  const candidates = (): Proc[] => [...p.children].filter(wanted);
  for (;;) {
    const list = candidates();
    if (list.length === 0) return -ERRNO.ECHILD;
    const z = list.find((x) => x.state === "zombie");
    if (z !== undefined) {
      if (statusAddr !== 0 && (yield* put(c, statusAddr, u32le(z.status))) !== 0) return EFAULT;
      if (rusage !== 0) (yield* put(c, rusage, new Uint8Array(72)));
      yield* reap(c.pm, z, false);
      return z.pid;
    }
    if ((options & W.NOHANG) !== 0) return 0;
    yield* waitUntil(c.pm, () => candidates().some((x) => x.state === "zombie") || candidates().length === 0 || interrupted(p));
    if (interrupted(p) && !candidates().some((x) => x.state === "zombie")) return -ERRNO.EINTR;
  }
}

function* kill(c: SysCtx, pid: number, sig: number): Nest<number> {
  if (sig !== 0 && !isValidSignal(sig)) return -ERRNO.EINVAL;
  const pm = c.pm;
  const targets = [...pm.procs.values()].filter((x) => x.state === "running" &&
    (pid > 0 ? x.pid === pid : pid === 0 ? x.pgid === c.p.pgid : pid === -1 ? x.pid !== 1 : x.pgid === -pid));
  if (targets.length === 0) return -ERRNO.ESRCH;
  for (const t of targets) yield* postSignal(pm, t, sig);
  return 0;
}

function* sigaction(c: SysCtx, rt: boolean): Nest<number> {
  const [sig, act, oact, size] = c.a as [number, number, number, number];
  if (rt && size !== SIGSET_SIZE) return -ERRNO.EINVAL;
  if (!isValidSignal(sig)) return -ERRNO.EINVAL;
  const old = c.p.actions[sig]!;
  if (act !== 0) {
    if (isUncatchable(sig)) return -ERRNO.EINVAL;
    const b = (yield* get(c, act, rt ? 20 : 16));
    if (b === null) return EFAULT;
    const a = rt ? decodeRtSigaction(b) : decodeOldSigaction(b);
    c.p.actions[sig] = { ...a, mask: blockableMask(a.mask) };
  }
  if (oact !== 0 && (yield* put(c, oact, rt ? encodeRtSigaction(old) : encodeOldSigaction(old))) !== 0) return EFAULT;
  return 0;
}

function* sigprocmask(c: SysCtx, rt: boolean): Nest<number> {
  const [how, set, oset, size] = c.a as [number, number, number, number];
  if (rt && size !== SIGSET_SIZE) return -ERRNO.EINVAL;
  const old = c.p.mask;
  if (set !== 0) {
    const b = (yield* get(c, set, rt ? 8 : 4));
    if (b === null) return EFAULT;
    const s = rt ? readSigset(b) : sigset(new DataView(b.buffer, b.byteOffset).getUint32(0, true));
    const next = applySigprocmask(old, how, s);
    if (next === undefined) return -ERRNO.EINVAL;
    c.p.mask = rt ? next : { lo: next.lo, hi: old.hi };
  }
  if (oset !== 0) {
    const out = new Uint8Array(rt ? 8 : 4);
    if (rt) writeSigset(out, 0, old);
    else new DataView(out.buffer).setUint32(0, old.lo, true);
    if ((yield* put(c, oset, out)) !== 0) return EFAULT;
  }
  return 0;
}

function* sigreturn(c: SysCtx, kind: FrameKind): Nest<SysResult> {
  const at = sigreturnFrameAddress(kind, c.regs.esp);
  const b = (yield* get(c, at, sigframeSize(kind)));
  const r = b === null ? null : restoreFromSigframe(b, kind, c.regs.eflags);
  if (r === null || !r.ok) return { exit: waitStatus.signaled(SIG.SEGV, true) };
  c.p.mask = r.value.mask;
  const g = r.value.regs;
  return { regs: { eax: g.eax, ebx: g.ebx, ecx: g.ecx, edx: g.edx, esi: g.esi, edi: g.edi, ebp: g.ebp, esp: g.esp, eip: g.eip, eflags: g.eflags } };
}

const ret = (n: number) => function* (): Nest<SysResult> { return n; };

define({
  *exit(c) { return { exit: waitStatus.exited(c.a[0]!) }; },
  *exit_group(c) { return { exit: waitStatus.exited(c.a[0]!) }; },
  fork: (c) => fork(c, 0, 0, 0, 0, 0),
  vfork: (c) => fork(c, CLONE.VFORK | CLONE.VM, 0, 0, 0, 0),
  clone: (c) => fork(c, c.a[0]! & ~CLONE.CSIGNAL, c.a[1]!, c.a[2]!, c.a[3]!, c.a[4]!),
  *execve(c) {
    const path = (yield* str(c, c.a[0]!));
    if (typeof path === "number") return path;
    const argv = yield* strArray(c, c.a[1]!), envp = yield* strArray(c, c.a[2]!);
    if (typeof argv === "number") return argv;
    if (typeof envp === "number") return envp;
    const r = yield* execProgram(c.pm, c.p, { path, argv, envp });
    if (r === "killed") return { exit: waitStatus.signaled(SIG.KILL) };
    return typeof r === "number" ? r : { regs: r };
  },
  wait4: (c) => wait4(c, s32(c.a[0]!), c.a[1]!, c.a[2]!, c.a[3]!),
  waitpid: (c) => wait4(c, s32(c.a[0]!), c.a[1]!, c.a[2]!, 0),
  *getpid(c) { return c.p.pid; },
  *gettid(c) { return c.p.pid; },
  *getppid(c) { return c.p.ppid; },
  *getpgrp(c) { return c.p.pgid; },
  *getpgid(c) {
    const t = c.a[0] === 0 ? c.p : c.pm.procs.get(c.a[0]!);
    return t === undefined ? -ERRNO.ESRCH : t.pgid;
  },
  *setpgid(c) {
    const t = c.a[0] === 0 ? c.p : c.pm.procs.get(c.a[0]!);
    if (t === undefined || (t !== c.p && t.ppid !== c.p.pid)) return -ERRNO.ESRCH;
    if (s32(c.a[1]!) < 0) return -ERRNO.EINVAL;
    t.pgid = c.a[1] === 0 ? t.pid : c.a[1]!;
    return 0;
  },
  *getsid(c) {
    const t = c.a[0] === 0 ? c.p : c.pm.procs.get(c.a[0]!);
    return t === undefined ? -ERRNO.ESRCH : t.sid;
  },
  *setsid(c) {
    if (c.p.pgid === c.p.pid) return -ERRNO.EPERM;
    c.p.sid = c.p.pgid = c.p.pid;
    return c.p.pid;
  },
  kill: (c) => kill(c, s32(c.a[0]!), c.a[1]!),
  tkill: (c) => kill(c, s32(c.a[0]!), c.a[1]!),
  tgkill: (c) => kill(c, s32(c.a[1]!), c.a[2]!),
  rt_sigaction: (c) => sigaction(c, true),
  sigaction: (c) => sigaction(c, false),
  rt_sigprocmask: (c) => sigprocmask(c, true),
  sigprocmask: (c) => sigprocmask(c, false),
  rt_sigreturn: (c) => sigreturn(c, "rt"),
  sigreturn: (c) => sigreturn(c, "old"),
  *rt_sigpending(c) {
    const out = new Uint8Array(8);
    writeSigset(out, 0, c.p.pending);
    return (yield* put(c, c.a[0]!, out.subarray(0, Math.min(8, c.a[1]!))));
  },
  *rt_sigsuspend(c) {
    const b = (yield* get(c, c.a[0]!, 8));
    if (b === null) return EFAULT;
    const saved = c.p.mask;
    c.p.mask = blockableMask(readSigset(b));
    yield* waitUntil(c.pm, () => interrupted(c.p));
    // The handler runs with the temporary mask; sigreturn restores the saved one (ours: restored at once).
    c.p.mask = saved;
    return -ERRNO.EINTR;
  },
  *pause(c) {
    yield* waitUntil(c.pm, () => interrupted(c.p));
    return -ERRNO.EINTR;
  },
  sigaltstack: ret(0),
  *set_tid_address(c) {
    c.p.tidAddress = c.a[0]!;
    return c.p.pid;
  },
  set_robust_list: ret(0),
  *futex(c) {
    const op = c.a[1]! & 0x7f;
    return op === 1 ? 0 : -ERRNO.EAGAIN; // FUTEX_WAKE wakes nobody (one thread per process); FUTEX_WAIT: the value changed
  },
  *set_thread_area(c) {
    const b = (yield* get(c, c.a[0]!, 16));
    if (b === null) return EFAULT;
    const entry = installTls(c.p, b);
    if (entry < 0) return entry;
    const d = decodeUserDesc(b);
    return (yield* put(c, c.a[0]!, encodeUserDesc({ ...d, entryNumber: entry })));
  },
  *alarm() { return 0; },
});

export const unblocked = (p: Proc): SigSet => sigsetAndNot(p.pending, p.mask);
export const hasUnblocked = (p: Proc): boolean => !sigsetIsEmpty(unblocked(p));
