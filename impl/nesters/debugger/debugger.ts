// The debugger nester: an interposer (libnest/interpose.ts) between the process manager and its parent
// that lets gdb debug the Linux program running nested, over the GDB remote serial protocol on a loopback
// TCP port (link.ts, session.ts). It sees each guest process's exceptions through its keeper proxy and
// answers some itself: the int3 of one of gdb's breakpoints, the trap after a single step, the fault of
// the program's first instruction fetch (a new program is held there until gdb attaches: x86-peek.ts
// holdAtStart), and any fault or trap (reported to gdb as the Linux signal, passed on to the process manager
// when gdb continues with it). The process is held stopped by not answering its exception while gdb
// looks at it; memory is read and written through guest-memory.ts, the selectors and x87 registers come
// from x86-peek.ts. Without a link (`--nest debugger` alone) it only forwards, as the null nester does.
// The first process is the one debugged; a forked child runs undebugged (gdb is told with a console
// note), and an int3 of a breakpoint it inherited is removed from it when hit.
// Above: the stack (stack.ts). Below: libnest (interpose, proxy hooks), session.ts, guest-memory.ts.
import { FLUKE_EXC_REPLY_SET_REGS, trapExcCode } from "../../../spec/kernel-api/x86.js";
import type { Nest, NestEnv } from "../libnest/env.js";
import { interpose } from "../libnest/interpose.js";
import type { KeeperAnswer, KeeperCall, KeeperExchange, KeeperProxyHooks } from "../libnest/proxy.js";
import { signalOfTrap } from "../procmgr/procmgr.js";
import { GuestMemory } from "./guest-memory.js";
import type { DebugLink } from "./link.js";
import { GdbSession, stopReply, type Resume, type StoppedThread } from "./session.js";
import { EFLAGS_TF, holdAtStart, peekHidden, requestTrap, taskOfRef } from "./x86-peek.js";

export interface DebuggerConfig {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  /** The connection to gdb (null: interpose but stay idle). The first process waits for gdb at its first instruction. */
  readonly link: DebugLink | null;
  /** Give up on a gdb that stays silent this long (ms; default: wait for ever); the program then goes on. */
  readonly idleMs?: number;
  readonly log?: (line: string) => void;
}

const INT80 = trapExcCode(0x80), TRAP_DB = trapExcCode(1), TRAP_BP = trapExcCode(3);
const FAULT_BASE = 0x200, TRAP_BASE = trapExcCode(0);
const SIGINT = 2, SIGTRAP = 5, SIGKILL = 9, SIGSEGV = 11;
const NR_EXIT = 1, NR_EXECVE = 11, NR_EXIT_GROUP = 252;

/** gdb's signal numbers equal Linux's for the ones a trap raises, except SIGBUS (Linux 7, gdb 10). */
const gdbSignal = (linux: number): number => (linux === 7 ? 10 : linux);
/** The Linux signal an exception raises, or 0 for a system call. */
const signalOf = (code: number): number =>
  code === INT80 ? 0 : code >= TRAP_BASE && code < TRAP_BASE + 256 ? signalOfTrap(code - TRAP_BASE) : SIGSEGV;

const regsOf = (words: readonly number[]): number[] => words.slice(3, 13).map((w) => w >>> 0);
const withRegs = (words: readonly number[], regs: readonly number[]): number[] => [...words.slice(0, 3), ...regs, ...words.slice(13)];
const setRegs = (regs: readonly number[]): number[] => [FLUKE_EXC_REPLY_SET_REGS, ...regs];
const noTF = (regs: number[]): number[] => {
  regs[9] = (regs[9]! & ~EFLAGS_TF) >>> 0;
  return regs;
};

export function* debuggerNester(env: NestEnv, cfg: DebuggerConfig): Nest<void> {
  const link = cfg.link;
  const session = link === null ? null : new GdbSession(link, { idleMs: cfg.idleMs, log: cfg.log });
  let debugged: number | null = null; // pid of the process gdb debugs
  let debuggedTask: ReturnType<typeof taskOfRef> = null;
  if (link !== null && session !== null) {
    // Ctrl-C from gdb while the program runs: stop it after its next instruction
    link.onBetweenSlices = () => {
      if (session.state === "running" && session.poll()) requestTrap(debuggedTask);
    };
  }
  yield* interpose(env, {
    child: cfg.child,
    keeper: function* (pid, taskRef): Nest<KeeperProxyHooks> {
      if (session === null) return {};
      const parent = debugged;
      const task = taskOfRef(env, taskRef);
      if (parent === null) {
        debugged = pid;
        debuggedTask = task;
      }
      const mem = yield* GuestMemory.create(env, taskRef);
      if (parent !== null) {
        session.note(`process ${parent} made process ${pid}; it runs undebugged\n`);
        return childHooks(session, mem);
      }
      const start: { eip: number | null } = { eip: null };
      holdAtStart(env, task, (eip) => void (start.eip = eip));
      return debuggedHooks(pid, session, mem, task, start);
    },
  });
}

/** Hooks of a process gdb does not debug (or no longer): a trap flag or int3 that came from the debugger is taken back. */
const childHooks = (session: GdbSession, mem: GuestMemory | null): KeeperProxyHooks => ({
  *answer(words, call): Nest<KeeperAnswer | null> {
    const code = words[0]! >>> 0, regs = regsOf(words);
    if (code === TRAP_DB && (regs[9]! & EFLAGS_TF) !== 0) return { reply: setRegs(noTF(regs)) };
    const orig = session.breakpoints.get((regs[8]! - 1) >>> 0);
    if (code === TRAP_BP && orig !== undefined && mem !== null) {
      mem.words = words;
      mem.call = call;
      if (yield* mem.write((regs[8]! - 1) >>> 0, Uint8Array.of(orig))) return { reply: setRegs(noTF([...regs.slice(0, 8), (regs[8]! - 1) >>> 0, regs[9]!])) };
    }
    return null;
  },
});

/** Why an exception stops the debugged process for gdb (a stop reply), or null to let it pass. */
type Stop = { readonly reply: string; readonly sig: number; readonly regs: number[]; readonly forward: boolean };

const FAULT_EXEC = FAULT_BASE + 2;

const debuggedHooks = (pid: number, session: GdbSession, mem: GuestMemory | null, task: ReturnType<typeof taskOfRef>, start: { eip: number | null }): KeeperProxyHooks => {
  let first = true;
  let stepping = false;
  let fatal = 0; // the signal of the last fault or trap passed on to the manager

  const thread = (regs: number[]): StoppedThread => {
    const hidden = peekHidden(task);
    return {
      pid,
      view: { regs, selectors: hidden?.selectors ?? [0x73, 0x7b, 0x7b, 0x7b, 0, 0], fpu: hidden?.fpu ?? null },
      read: (addr, len) => (mem === null ? nothing() : mem.read(addr, len)),
      write: (addr, bytes) => (mem === null ? refuse() : mem.write(addr, bytes)),
    };
  };

  const isHeldStart = (words: readonly number[]): boolean => (words[0]! >>> 0) === FAULT_EXEC && (words[11]! >>> 0) === 0 && start.eip !== null;

  /** Why this exception stops the process (before it is forwarded), or null. */
  const stopFor = (words: readonly number[]): Stop | null => {
    const code = words[0]! >>> 0, regs = regsOf(words);
    if (first) {
      first = false;
      // held before its first instruction (x86-peek.ts holdAtStart): the fetch at 0 was ours
      if (isHeldStart(words)) {
        regs[8] = start.eip!;
        return { reply: stopReply(SIGTRAP, pid), sig: 0, regs, forward: false };
      }
      return { reply: stopReply(SIGTRAP, pid), sig: 0, regs, forward: code === INT80 || code < FAULT_BASE };
    }
    const bp = (regs[8]! - 1) >>> 0;
    if (code === TRAP_BP && session.breakpoints.has(bp)) {
      stepping = false;
      regs[8] = bp;
      return { reply: stopReply(SIGTRAP, pid, "swbreak:;"), sig: 0, regs: noTF(regs), forward: false };
    }
    if (code === TRAP_DB && (stepping || session.interruptPending)) {
      const sig = stepping ? SIGTRAP : SIGINT;
      stepping = false;
      return { reply: stopReply(sig, pid), sig: 0, regs: noTF(regs), forward: false };
    }
    if (session.poll() || session.interruptPending) return { reply: stopReply(SIGINT, pid), sig: 0, regs: noTF(regs), forward: true };
    if (code === INT80) return null;
    stepping = false;
    const sig = signalOf(code);
    return { reply: stopReply(gdbSignal(sig), pid), sig, regs: noTF(regs), forward: true };
  };

  /** The keeper reply (or message to forward) for gdb's resumption `r` of a stop. */
  function* resume(words: readonly number[], stop: Stop, r: Resume): Nest<KeeperAnswer | null> {
    const regs = stop.regs;
    if (r.kind === "kill") {
      if (mem !== null) {
        mem.words = withRegs(words, regs);
        const k = yield* mem.kill(pid, SIGKILL);
        if (k.length > 0) return { reply: k };
      }
      return { forward: withRegs(words, regs) }; // no way to kill: let it go
    }
    const step = r.kind === "step";
    stepping = step;
    if (step) regs[9] = (regs[9]! | EFLAGS_TF) >>> 0;
    // an exception still to be served (a system call, a fault gdb passes on) goes to the manager
    if (stop.forward && (stop.sig === 0 || r.kind === "detach" || r.sig !== 0)) {
      if (stop.sig !== 0) fatal = stop.sig;
      return { forward: withRegs(words, regs) };
    }
    if (r.kind !== "detach" && r.sig !== 0 && mem !== null) {
      // a signal gdb asks for: the manager posts and delivers it on the thread's behalf
      mem.words = withRegs(words, regs);
      const k = yield* mem.kill(pid, r.sig === 10 ? 7 : r.sig);
      if (k.length < 11 || k[0] !== FLUKE_EXC_REPLY_SET_REGS) return { reply: k };
      const after = k.slice(1, 11);
      if (after[8] === regs[8]) after[0] = regs[0]!; // no handler frame: kill's result is not the program's eax
      return { reply: setRegs(after) };
    }
    return { reply: setRegs(regs) };
  }

  function* hold(words: readonly number[], call: KeeperCall, stop: Stop): Nest<KeeperAnswer | null> {
    if (mem !== null) {
      mem.words = withRegs(words, stop.regs);
      mem.call = call;
    }
    const r = yield* session.stopped(thread(stop.regs), stop.reply);
    return yield* resume(words, stop, r);
  }

  // once gdb is gone, int3 bytes it left behind are taken back as the program reaches them
  const orphan = childHooks(session, mem);
  return {
    *answer(words, call): Nest<KeeperAnswer | null> {
      if (!session.active) {
        if (first && isHeldStart(words)) {
          first = false; // gdb went away before the program started: let it start
          const regs = regsOf(words);
          regs[8] = start.eip!;
          return { reply: setRegs(regs) };
        }
        return yield* orphan.answer!(words, call);
      }
      const code = words[0]! >>> 0;
      if (code === INT80 && !first) {
        const nr = words[3]! >>> 0;
        if ((nr === NR_EXIT || nr === NR_EXIT_GROUP) && !session.interruptPending) {
          session.exited(`W${((words[4]! >>> 0) & 0xff).toString(16).padStart(2, "0")}`);
          return null;
        }
      }
      const stop = stopFor(words);
      return stop === null ? null : yield* hold(words, call, stop);
    },
    *amend(x: KeeperExchange, call): Nest<readonly number[] | null> {
      // a new program replaced the one whose bytes the breakpoints saved
      if ((x.words[0]! >>> 0) === INT80 && x.words[3] === NR_EXECVE && x.reply[0] === FLUKE_EXC_REPLY_SET_REGS && x.reply[1] === 0 && session.breakpoints.size > 0) {
        session.breakpoints.clear();
        session.note(`process ${pid} started a new program; its breakpoints are gone\n`);
      }
      // a single step over a system call stops after it
      if (!stepping || !session.active || x.reply[0] !== FLUKE_EXC_REPLY_SET_REGS || x.reply.length < 11) return null;
      stepping = false;
      const regs = noTF(x.reply.slice(1, 11).map((w) => w >>> 0));
      const stop: Stop = { reply: stopReply(SIGTRAP, pid), sig: 0, regs, forward: false };
      const a = yield* hold(withRegs(x.words, regs), call, stop);
      if (a === null) return null;
      return "reply" in a ? a.reply : setRegs(regsOf(a.forward));
    },
    *after(x: KeeperExchange): Nest<void> {
      if (x.last && session.active) session.exited(fatal !== 0 ? `X${gdbSignal(fatal).toString(16).padStart(2, "0")}` : "X09");
    },
  };
};

function* nothing(): Nest<Uint8Array | null> {
  return null;
}
function* refuse(): Nest<boolean> {
  return false;
}
