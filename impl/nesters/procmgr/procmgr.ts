// The process manager nester: it runs unmodified Linux i386 programs as its children. From its parent
// it takes a memory pool, a file tree and the console (Parent protocol); each guest process is a task
// whose keeper port is the manager's, so the guest's `int $0x80` arrives as an exception message (trap
// reflection): a native server thread per process decodes the Linux call, performs it with the common
// protocols (files through the file-system nester, memory through the memory manager, processes
// itself), delivers pending signals, and replies with the new registers. The kernel knows nothing of Linux.
// Above: the stack (impl/nesters/stack.ts). Below: sys-*.ts, exec.ts, proc-state.ts, libnest, libc.
import { FLUKE_EXC_MSG_ADDR, FLUKE_EXC_REPLY_SET_REGS, trapExcCode } from "../../../spec/kernel-api/x86.js";
import { spawnNative } from "../../kernel/native-host.js";
import { invoke, must } from "../libc/client.js";
import { keepRef, newRef, ok, type Nest, type NestEnv } from "../libnest/env.js";
import { Dispatch, fail, reply, serve, type Reply } from "../libnest/serve.js";
import { newPortSet, refTo, spawnPooledChild } from "../libnest/ports.js";
import { Checkpoint, Memory, Parent, Process } from "../protocol/protocols.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import type { ProcmgrState } from "../protocol/checkpoint-image.js";
import { CheckpointError, freezeAll, park, restoreState, snapshot, thawAll } from "./checkpoint.js";
import { execProgram } from "./exec.js";
import { closeFile, type Remote } from "./files.js";
import { ERRNO } from "./linux-errno.js";
import { waitStatus } from "./linux-consts.js";
import { SA, SI, SIG, SIG_IGN, sigsetFirst } from "./linux-signals.js";
import { STOP_SERVER, deliverSignals, faultSignal } from "./signals.js";
import { syscallLabel } from "./linux-syscalls.js";
import { REG_NAMES, log, waitUntil, type PM, type Proc, type ProcmgrConfig, type Regs } from "./pm.js";
import { exitProcess, newProcess, postSignal, reap, startThread } from "./proc-state.js";
import { SYSCALLS, type SysCtx, type SysResult } from "./sys.js";
import { serving, unblocked } from "./sys-proc.js";
import "./sys-file.js";
import "./sys-mem.js";
import "./sys-misc.js";

export type { ProcmgrConfig } from "./pm.js";

const INT80 = trapExcCode(0x80);
const TRAP_BASE = trapExcCode(0);
const FAULT_BASE = 0x200;

/** The signal a processor exception of guest code raises (Linux's i386 traps). */
export const signalOfTrap = (vector: number): number => {
  switch (vector) {
    case 0: return SIG.FPE; // #DE
    case 1: case 3: return SIG.TRAP; // #DB, #BP (int3)
    case 6: return SIG.ILL; // #UD
    case 7: case 16: case 19: return SIG.FPE; // #NM, #MF, #XM
    case 17: return SIG.BUS; // #AC
    default: return SIG.SEGV; // #GP, #PF, INTO, BOUND, int n without a gate
  }
};

/** si_code of a trap's signal, as Linux's i386 trap handlers give it (SI_KERNEL for #GP and int n). */
const trapSiCode = (vector: number): number => {
  switch (vector) {
    case 0: return SI.FPE_INTDIV;
    case 3: return SI.KERNEL; // int3: SI_KERNEL on i386
    case 1: return SI.TRAP_TRACE;
    case 6: return SI.ILL_ILLOPC;
    case 17: return SI.BUS_ADRALN;
    default: return SI.KERNEL;
  }
};

const regsOf = (words: readonly number[]): Regs => {
  const r = {} as Regs;
  REG_NAMES.forEach((n, i) => void (r[n] = (words[3 + i] ?? 0) >>> 0));
  return r;
};

const resume = (r: Regs): Reply => ({ status: FLUKE_EXC_REPLY_SET_REGS, words: REG_NAMES.map((n) => r[n] >>> 0), refs: [] });

/** Serve one exception of process `p`. */
function* onException(pm: PM, p: Proc, words: readonly number[]): Nest<Reply> {
  const code = words[0]! >>> 0;
  if (p.state !== "running" || code === STOP_SERVER) return { ...fail(0), stop: true };
  p.inManager = true;
  try {
    return yield* serveException(pm, p, code, words);
  } finally {
    p.inManager = false;
  }
}

function* serveException(pm: PM, p: Proc, code: number, words: readonly number[]): Nest<Reply> {
  let regs = regsOf(words);
  let result: SysResult | null = null;
  // A checkpoint is being taken: a system call arriving now is made after the thaw (or after a restore).
  if (p.freezing === true && code === INT80) return resume(yield* park(pm, p, { ...regs, eip: (regs.eip - 2) >>> 0 }));
  if (code === INT80) {
    const nr = regs.eax >>> 0, entry = SYSCALLS.get(nr);
    p.syscalls++;
    const c: SysCtx = { pm, p, regs, a: [regs.ebx, regs.ecx, regs.edx, regs.esi, regs.edi, regs.ebp] };
    if (entry === undefined) {
      if (!pm.reported.has(nr)) {
        pm.reported.add(nr);
        log(pm, `procmgr: unknown system call ${syscallLabel(nr)} (${nr}) from pid ${p.pid}: ENOSYS`);
      }
      result = -ERRNO.ENOSYS;
    } else result = yield* entry.fn(c);
    if (pm.cfg.traceSyscalls === true) log(pm, `[${p.pid}] ${entry?.name ?? nr}(${c.a.slice(0, 3).map((x) => "0x" + (x >>> 0).toString(16)).join(", ")}) = ${typeof result === "number" ? result : "exit" in result ? `exit ${result.exit}` : "regs"}`);
    if (typeof result === "number") {
      // A call a handler interrupted is restarted if the handler asked for it (SA_RESTART), as Linux does.
      const sig = sigsetFirst(unblocked(p));
      if (result === -ERRNO.EINTR && sig === 0 && p.freezing === true) {
        regs = { ...regs, eip: (regs.eip - 2) >>> 0 }; // given up for a checkpoint: made again (EAX is still the call number)
      } else if (result === -ERRNO.EINTR && sig !== 0 && (p.actions[sig]!.flags & SA.RESTART) !== 0 && p.actions[sig]!.handler > SIG_IGN) {
        regs = { ...regs, eip: (regs.eip - 2) >>> 0 };
      } else regs = { ...regs, eax: result >>> 0 };
    } else if ("regs" in result) regs = result.regs;
  } else if (code >= FAULT_BASE && code < TRAP_BASE) {
    // A page fault: si_addr and cr2 the address, SEGV_MAPERR where nothing is mapped, else SEGV_ACCERR.
    const addr = (words[FLUKE_EXC_MSG_ADDR] ?? 0) >>> 0;
    p.cr2 = addr;
    yield* faultSignal(p, SIG.SEGV, { code: p.space.find(addr) === undefined ? SI.SEGV_MAPERR : SI.SEGV_ACCERR, addr, trapno: 14, err: 0, cr2: addr });
  } else if (code >= TRAP_BASE && code < TRAP_BASE + 256) {
    const vector = code - TRAP_BASE, sig = signalOfTrap(vector);
    yield* faultSignal(p, sig, { code: trapSiCode(vector), addr: sig === SIG.SEGV || sig === SIG.TRAP ? 0 : regs.eip, trapno: vector, err: (words[FLUKE_EXC_MSG_ADDR] ?? 0) >>> 0, cr2: p.cr2 ?? 0 });
  } else {
    yield* faultSignal(p, SIG.SEGV); // an insanity of a Fluke call the guest made itself
  }
  if (result === null || typeof result === "number" || "regs" in result) {
    const d = yield* deliverSignals(pm, p, regs);
    if ("exit" in d) result = d;
    else regs = d;
  }
  if (result !== null && typeof result !== "number" && "exit" in result) {
    yield* exitProcess(pm, p, result.exit);
    return { ...fail(0), stop: true };
  }
  if (p.freezing === true) regs = yield* park(pm, p, regs);
  return resume(regs);
}

/** A native server thread of the manager for process `p`'s exceptions. */
const startServer = (pm: PM, p: Proc): void => {
  const env = pm.env;
  spawnNative(env.k, env.task, env.alloc.alloc("thread"), serve(env, p.pset, (w) => onException(pm, p, w), 0), { label: `pm:${p.pid}` });
};

/** Ports of the manager's own services (aliases; guest keeper ports use pids, from 2). */
const PROCESS_ALIAS = 0x4000_0001, PARENT_ALIAS = 0x4000_0002, CHECKPOINT_ALIAS = 0x4000_0003;

export function* procmgr(env: NestEnv, cfg: ProcmgrConfig): Nest<void> {
  env.memory = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [env.memory]);
  const fs = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_filesystem_service, {}, [], [fs]);
  const con = [yield* newRef(env), yield* newRef(env), yield* newRef(env)] as const;
  yield* must(env.parent, Parent.methods.get_console, {}, [], [...con]);
  const mutex = env.alloc.alloc("mutex"), cond = env.alloc.alloc("cond");
  yield* ok("fluke_mutex_create", { new_mutex: mutex });
  yield* ok("fluke_cond_create", { new_cond: cond });
  const cpu = env.alloc.alloc("port");
  yield* ok("fluke_port_create", { new_port: cpu });
  const cpuRef = yield* refTo(env, cpu);

  const pm: PM = { env, cfg, fs, console: con, procs: new Map(), nextPid: 2, mutex, cond, cpuRef, reported: new Set(), roots: new Set(), randomCounter: 0 };
  serving.start = (_c: SysCtx, child: Proc) => startServer(pm, child);

  // The manager's own services: Process (for its native child) and Parent (the child's way to them).
  const ports = yield* newPortSet(env);
  const processRef = yield* refTo(env, yield* ports.newPort(PROCESS_ALIAS));
  const parentRef = yield* refTo(env, yield* ports.newPort(PARENT_ALIAS));
  const d = processService(pm, processRef);
  if (cfg.checkpointable === true) yield* offerCheckpoint(pm);
  if (cfg.restore !== undefined) {
    const img = cfg.restore as { procmgr: ProcmgrState; pages: Record<string, string> };
    try {
      yield* restoreState(pm, img.procmgr, img.pages, (p) => startServer(pm, p));
    } catch (e) {
      // A refused kernel call (an image whose numbers the kernel rejects) is a failed restore too.
      log(pm, `fluke: the restore failed: ${(e as Error).message}`);
      return; // nothing runs: the system stops
    }
  }
  if (cfg.child !== undefined) yield* spawnPooledChild(env, parentRef, cfg.child);
  yield* serve(env, ports.pset, (w, meta) => d.handle(w, meta));
}

/** The Process protocol (for native clients such as init) and the Parent protocol of the manager's child. */
const processService = (pm: PM, processRef: number): Dispatch => {
  const env = pm.env;
  const P = Process.methods;
  /** Processes made through the protocol, by id (their pid). */
  const made = new Map<number, Proc>();
  const mine = (alias: number, want: number): boolean => alias === want;
  return new Dispatch()
    .on(P.create_child, function* (_m, meta) {
      if (!mine(meta.alias, PROCESS_ALIAS)) return fail(ERRNO.EPERM);
      const p = yield* newProcess(pm, null);
      pm.roots.add(p.pid);
      made.set(p.pid, p);
      return reply(P.create_child, { child: p.pid });
    })
    .on(P.exec, function* (m, meta) {
      if (!mine(meta.alias, PROCESS_ALIAS)) return fail(ERRNO.EPERM);
      const p = made.get(m.child);
      if (p === undefined || p.thread !== 0 || p.state !== "running") return fail(ERRNO.ESRCH);
      p.cwd = m.cwd === "" ? "/" : m.cwd;
      for (let fd = 0; fd < 3; fd++) {
        const ref = yield* keepRef(env, meta.refs[fd]!);
        const f: Remote = { kind: "remote", ref, refs: 1, flags: fd === 0 ? 0 : 1, path: "/dev/console", isDir: false, dirNext: 0, console: fd };
        const old = p.fds.get(fd);
        p.fds.set(fd, { file: f, cloexec: false });
        if (old !== undefined) yield* closeFile(pm, old.file);
      }
      const split = (s: string): string[] => (s === "" ? [] : s.split("\0"));
      const regs = yield* execProgram(pm, p, { path: m.path, argv: split(m.argv), envp: split(m.envp) });
      if (typeof regs === "number" || regs === "killed") {
        const errno = regs === "killed" ? ERRNO.ENOMEM : -regs;
        log(pm, `fluke: cannot run ${m.path}: ${errnoName(errno)}`);
        return fail(errno);
      }
      yield* startThread(pm, p, regs);
      startServer(pm, p);
      return reply(P.exec, {});
    })
    .on(P.wait, function* (m, meta) {
      if (!mine(meta.alias, PROCESS_ALIAS)) return fail(ERRNO.EPERM);
      // A process restored from a checkpoint that the manager had started itself counts as made here.
      const p = made.get(m.child) ?? (pm.roots.has(m.child) ? pm.procs.get(m.child) : undefined);
      if (p === undefined) return fail(ERRNO.ECHILD);
      if (p.thread === 0 && p.state === "running") return fail(ERRNO.ECHILD); // never started
      yield* waitUntil(pm, () => p.state === "zombie");
      made.delete(p.pid);
      const status = p.status;
      yield* reap(pm, p, false);
      return reply(P.wait, { status });
    })
    .on(P.kill, function* (m, meta) {
      if (!mine(meta.alias, PROCESS_ALIAS)) return fail(ERRNO.EPERM);
      const p = made.get(m.child);
      if (p === undefined || p.state !== "running") return fail(ERRNO.ESRCH);
      yield* postSignal(pm, p, m.signal);
      return reply(P.kill, {});
    })
    .on(P.exit, function* (m, meta) {
      if (!mine(meta.alias, PROCESS_ALIAS)) return fail(ERRNO.EPERM);
      pm.cfg.onExit(m.status);
      return reply(P.exit, {});
    })
    .on(Parent.methods.get_process_service, function* (_m, meta) {
      if (!mine(meta.alias, PARENT_ALIAS)) return fail(ERRNO.EPERM);
      const r = yield* keepRef(env, processRef);
      return reply(Parent.methods.get_process_service, {}, [r], [r]);
    })
    .on(Parent.methods.get_console, function* (_m, meta) {
      if (!mine(meta.alias, PARENT_ALIAS)) return fail(ERRNO.EPERM);
      return reply(Parent.methods.get_console, {}, [...pm.console]); // the manager's own console, passed through
    })
    .on(Parent.methods.get_filesystem_service, function* (_m, meta) {
      if (!mine(meta.alias, PARENT_ALIAS)) return fail(ERRNO.EPERM);
      return reply(Parent.methods.get_filesystem_service, {}, [pm.fs]); // short-circuit: the file system's own port
    })
    .on(Parent.methods.get_memory_service, function* (_m, meta) {
      if (!mine(meta.alias, PARENT_ALIAS)) return fail(ERRNO.EPERM);
      const r = yield* newRef(env);
      yield* must(env.memory, Memory.methods.create_sub_pool, { quota: pm.cfg.processQuota }, [], [r]);
      return reply(Parent.methods.get_memory_service, {}, [r], [r]);
    });
};

/**
 * Under a checkpointer: a port of its own (a port set and a server thread of their own, since the main
 * service thread may be blocked in Process.wait) speaking the Checkpoint protocol, offered to the parent.
 */
function* offerCheckpoint(pm: PM): Nest<void> {
  const env = pm.env;
  const ports = yield* newPortSet(env);
  const ref = yield* refTo(env, yield* ports.newPort(CHECKPOINT_ALIAS));
  let encoded = new Uint8Array(0);
  const C = Checkpoint.methods;
  const d = new Dispatch()
    .on(C.freeze, function* () {
      try {
        yield* freezeAll(pm);
        const st = yield* snapshot(pm);
        encoded = new Uint8Array(Buffer.from(JSON.stringify(st)));
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw e;
        log(pm, `procmgr: checkpoint refused: ${e.message}`);
        yield* thawAll(pm);
        return fail(ERRNO.EBUSY);
      }
      return reply(C.freeze, { size: encoded.length });
    })
    .on(C.read_state, function* (m) {
      const end = Math.min(encoded.length, m.offset + Math.min(m.length, MAX_FIELD_BYTES));
      return reply(C.read_state, { data: encoded.subarray(Math.min(m.offset, end), end) });
    })
    .on(C.thaw, function* () {
      encoded = new Uint8Array(0);
      yield* thawAll(pm);
      return reply(C.thaw, {});
    });
  spawnNative(env.k, env.task, env.alloc.alloc("thread"), serve(env, ports.pset, (w, meta) => d.handle(w, meta)), { label: "pm:checkpoint" });
  const r = yield* invoke(env.parent, Parent.methods.offer_checkpoint, {}, [ref]);
  if (r.status !== 0) log(pm, `procmgr: the parent takes no checkpoint port (errno ${r.status})`);
}

const errnoName = (n: number): string => Object.entries(ERRNO).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;
