// The process manager nester: it runs unmodified Linux i386 programs as its children. From its parent
// it takes a memory pool, a file tree and the console (Parent protocol); each guest process is a task
// whose keeper port is the manager's, so the guest's `int $0x80` arrives as an exception message (trap
// reflection): a native server thread per process decodes the Linux call, performs it with the common
// protocols (files through the file-system nester, memory through the memory manager, processes
// itself), delivers pending signals, and replies with the new registers. The kernel knows nothing of Linux.
// Above: the stack (impl/nesters/stack.ts). Below: sys-*.ts, exec.ts, proc-state.ts, libnest, libc.
import { FLUKE_EXC_REPLY_SET_REGS, trapExcCode } from "../../../spec/kernel-api/x86.js";
import { spawnNative } from "../../kernel/native-host.js";
import { must } from "../libc/client.js";
import { newRef, ok, type Nest, type NestEnv } from "../libnest/env.js";
import { fail, serve, type Reply } from "../libnest/serve.js";
import { Parent } from "../protocol/protocols.js";
import { execProgram } from "./exec.js";
import type { Remote } from "./files.js";
import { ERRNO } from "./linux-errno.js";
import { waitStatus } from "./linux-consts.js";
import { SA, SI, SIG, SIG_DFL, SIG_IGN, actionAfterDelivery, defaultAction, handlerMask, sigsetAdd, sigsetDel, sigsetFirst, sigsetHas } from "./linux-signals.js";
import { buildSignalFrame } from "./linux-sigframe.js";
import { syscallLabel } from "./linux-syscalls.js";
import { REG_NAMES, log, waitUntil, type PM, type Proc, type ProcmgrConfig, type Regs } from "./pm.js";
import { exitProcess, newProcess, startThread } from "./proc-state.js";
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
const signalOfTrap = (vector: number): number => {
  switch (vector) {
    case 0: return SIG.FPE; // #DE
    case 1: case 3: return SIG.TRAP; // #DB, #BP (int3)
    case 6: return SIG.ILL; // #UD
    case 7: case 16: case 19: return SIG.FPE; // #NM, #MF, #XM
    case 17: return SIG.BUS; // #AC
    default: return SIG.SEGV; // #GP, #PF, INTO, BOUND, int n without a gate
  }
};

const regsOf = (words: readonly number[]): Regs => {
  const r = {} as Regs;
  REG_NAMES.forEach((n, i) => void (r[n] = (words[3 + i] ?? 0) >>> 0));
  return r;
};

const resume = (r: Regs): Reply => ({ status: FLUKE_EXC_REPLY_SET_REGS, words: REG_NAMES.map((n) => r[n] >>> 0), refs: [] });

/** Deliver the pending signals `p` does not block: default actions, or a handler frame on its stack. */
function* deliverSignals(pm: PM, p: Proc, regs: Regs): Nest<Regs | { exit: number }> {
  for (;;) {
    const sig = sigsetFirst(unblocked(p));
    if (sig === 0) return regs;
    p.pending = sigsetDel(p.pending, sig);
    const action = p.actions[sig]!;
    if (action.handler === SIG_IGN) continue;
    if (action.handler === SIG_DFL) {
      const d = defaultAction(sig);
      if (d === "ignore" || d === "cont" || d === "stop") continue; // no job control (ours): stops are ignored
      return { exit: waitStatus.signaled(sig, d === "core") };
    }
    const frame = buildSignalFrame({ regs, blocked: p.mask, sig, action, info: { signo: sig, code: SI.USER, pid: p.pid, uid: 0 } });
    if (!frame.ok || !p.space.write(frame.value.sp, frame.value.bytes)) return { exit: waitStatus.signaled(SIG.SEGV, true) };
    p.mask = handlerMask(p.mask, action, sig);
    p.actions[sig] = actionAfterDelivery(action);
    const f = frame.value.regs;
    regs = { eax: f.eax, ebx: f.ebx, ecx: f.ecx, edx: f.edx, esi: f.esi, edi: f.edi, ebp: f.ebp, esp: f.esp, eip: f.eip, eflags: f.eflags };
  }
}

/** A synchronous signal from the guest's own fault: blocked or ignored, it kills (Linux's force_sig). */
function* faultSignal(p: Proc, sig: number): Nest<void> {
  const a = p.actions[sig]!;
  if (a.handler === SIG_DFL || a.handler === SIG_IGN || sigsetHas(p.mask, sig)) {
    p.actions[sig] = { ...a, handler: SIG_DFL };
    p.mask = sigsetDel(p.mask, sig);
  }
  p.pending = sigsetAdd(p.pending, sig);
}

/** Serve one exception of process `p`. */
function* onException(pm: PM, p: Proc, words: readonly number[]): Nest<Reply> {
  if (p.state !== "running") return { ...fail(0), stop: true };
  const code = words[0]! >>> 0;
  let regs = regsOf(words);
  let result: SysResult | null = null;
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
      if (result === -ERRNO.EINTR && sig !== 0 && (p.actions[sig]!.flags & SA.RESTART) !== 0 && p.actions[sig]!.handler > SIG_IGN) {
        regs = { ...regs, eip: (regs.eip - 2) >>> 0 };
      } else regs = { ...regs, eax: result >>> 0 };
    } else if ("regs" in result) regs = result.regs;
  } else if (code >= FAULT_BASE && code < TRAP_BASE) {
    yield* faultSignal(p, SIG.SEGV);
  } else if (code >= TRAP_BASE && code < TRAP_BASE + 256) {
    yield* faultSignal(p, signalOfTrap(code - TRAP_BASE));
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
  return resume(regs);
}

/** A native server thread of the manager for process `p`'s exceptions. */
const startServer = (pm: PM, p: Proc): void => {
  const env = pm.env;
  spawnNative(env.k, env.task, env.alloc.alloc("thread"), serve(env, p.pset, (w) => onException(pm, p, w), 0), { label: `pm:${p.pid}` });
};

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
  const cpuRef = yield* newRef(env);
  yield* ok("fluke_port_reference", { port: cpu, new_port_ref: cpuRef });

  const pm: PM = { env, cfg, fs, console: con, procs: new Map(), nextPid: 2, mutex, cond, cpuRef, reported: new Set(), roots: new Set(), randomCounter: 0 };
  serving.start = (_c: SysCtx, child: Proc) => startServer(pm, child);

  const first = yield* newProcess(pm, null);
  pm.roots.add(first.pid);
  con.forEach((ref, fd) => {
    const f: Remote = { kind: "remote", ref, refs: 1, flags: fd === 0 ? 0 : 1, path: "/dev/console", isDir: false, dirNext: 0 };
    first.fds.set(fd, { file: f, cloexec: false });
  });
  const regs = yield* execProgram(pm, first, { path: cfg.path, argv: cfg.argv, envp: cfg.envp });
  if (typeof regs === "number" || regs === "killed") {
    const errno = regs === "killed" ? ERRNO.ENOMEM : -regs;
    log(pm, `fluke: cannot run ${cfg.path}: ${errnoName(errno)}`);
    cfg.onExit(waitStatus.exited(errno === ERRNO.ENOENT ? 127 : 126));
    return;
  }
  yield* startThread(pm, first, regs);
  startServer(pm, first);
  yield* waitUntil(pm, () => first.state === "zombie");
  cfg.onExit(first.status);
}

const errnoName = (n: number): string => Object.entries(ERRNO).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;
