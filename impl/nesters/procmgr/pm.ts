// The process manager's state: the process table, each process's task, thread, address space, files,
// signal state and family, and the helpers its system calls share (blocking on the manager's one
// condition variable, virtual time, reporting unknown calls once). A guest process is an ordinary
// Fluke task whose keeper port belongs to the manager; a native thread of the manager serves that
// port, so a process blocked in a system call (wait4, a pipe read) blocks only its own server thread.
// Above: procmgr.ts, exec.ts, sys-*.ts. Below: guest-mem.ts, files.ts, libnest.
import type { KTask, KThread } from "../../kernel/kobjects.js";
import { ok, type Nest, type NestEnv } from "../libnest/env.js";
import type { GuestSpace } from "./guest-mem.js";
import type { OFile } from "./files.js";
import { SIGACTION_DEFAULT, SIGSET_EMPTY, type Sigaction, type SigSet } from "./linux-signals.js";

/** The ten registers of a keeper message, in its order (spec/kernel-api/x86.ts X86_REGISTERS). */
export interface Regs {
  eax: number; ebx: number; ecx: number; edx: number; esi: number; edi: number; ebp: number; esp: number; eip: number; eflags: number;
}
export const REG_NAMES = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip", "eflags"] as const;

export interface Fd {
  readonly file: OFile;
  cloexec: boolean;
}

export interface Proc {
  readonly pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: "running" | "exiting" | "zombie";
  /** Linux wait status once a zombie. */
  status: number;
  /** Objects in the manager's memory: the task, references to it, its thread, its keeper port and set. */
  task: number;
  taskRef: number;
  ktask: KTask | null;
  thread: number;
  kthread: KThread | null;
  keeperPort: number;
  pset: number;
  /** A reference to the process's Memory pool. */
  memory: number;
  space: GuestSpace;
  brk: { base: number; cur: number; end: number };
  readonly fds: Map<number, Fd>;
  cwd: string;
  umask: number;
  exe: string;
  actions: Sigaction[];
  mask: SigSet;
  pending: SigSet;
  /** The signal that ended it (for the exit report), or 0. */
  children: Set<Proc>;
  tidAddress: number;
  /** Host-visible counters for the report. */
  syscalls: number;
  /** True while the manager serves one of its exceptions (its registers are in the manager's hands). */
  inManager: boolean;
  /** True when the task's keeper is a port of an interposer (Parent.wrap_keeper): exceptions reach the manager through it. */
  wrapped: boolean;
  /** The synchronous signal of the process's last fault or trap and what its handler's frame tells (si_code, si_addr, trapno, err, cr2). */
  fault?: { readonly sig: number; readonly code: number; readonly addr: number; readonly trapno: number; readonly err: number; readonly cr2: number };
  /** The address of its last page fault (Linux's thread.cr2: what every later signal frame's cr2 shows). */
  cr2?: number;
  /** Checkpointing (checkpoint.ts): set while the manager freezes its processes; a blocked call gives up and is restarted. */
  freezing?: boolean;
  /** Frozen: the registers the process resumes with (in the manager, or stopped running its own code). */
  frozen?: Regs;
  /** Frozen while running its own code: the thread's state from fluke_thread_get_state (it is stopped). */
  stopped?: Record<string, unknown>;
}

export interface ProcmgrConfig {
  /** Seed of AT_RANDOM and getrandom. */
  readonly seed: number;
  /** Memory quota per process, bytes. */
  readonly processQuota: number;
  /** Told when the manager's native child says it is done (Process.exit), with its status. */
  readonly onExit: (status: number) => void;
  /** The native child to start (the init nester that runs the program through the Process protocol). */
  readonly child?: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  /** Diagnostics (unknown system calls, refused execs); default: none. */
  readonly log?: (line: string) => void;
  /** Trace every system call (strace-like lines) to `log`. */
  readonly traceSyscalls?: boolean;
  /** Run under a checkpointer: offer it the manager's Checkpoint port (Parent.offer_checkpoint) at start. */
  readonly checkpointable?: boolean;
  /** Start from a checkpoint image's process-manager state instead of an empty table (checkpoint.ts). */
  readonly restore?: unknown;
}

export interface PM {
  readonly env: NestEnv;
  readonly cfg: ProcmgrConfig;
  /** References (in the manager) to the FileSystem port and the console's three FileDescription ports. */
  readonly fs: number;
  readonly console: readonly [number, number, number];
  readonly procs: Map<number, Proc>;
  nextPid: number;
  /** The manager's mutex and condition: every state change that may unblock someone broadcasts. */
  readonly mutex: number;
  readonly cond: number;
  /** A reference to the port whose link gives guest threads CPU time. */
  readonly cpuRef: number;
  readonly reported: Set<number>;
  /** Processes the manager started itself (their end is reported to its parent, not reaped early). */
  readonly roots: Set<number>;
  randomCounter: number;
  /** Whether the parent interposes on keepers (Parent.wrap_keeper): unknown until asked, false after its first refusal. */
  wrapKeepers?: boolean;
}

export const newActions = (): Sigaction[] => Array.from({ length: 65 }, () => SIGACTION_DEFAULT);
export const emptySet = (): SigSet => SIGSET_EMPTY;

/** Wake every thread of the manager that waits for a change. */
export function* broadcast(pm: PM): Nest<void> {
  yield* ok("fluke_mutex_lock", { mutex: pm.mutex });
  yield* ok("fluke_cond_broadcast", { cond: pm.cond });
  yield* ok("fluke_mutex_unlock", { mutex: pm.mutex });
}

/** Block until `ready()` holds (re-checked after every broadcast). */
export function* waitUntil(pm: PM, ready: () => boolean): Nest<void> {
  if (ready()) return;
  yield* ok("fluke_mutex_lock", { mutex: pm.mutex });
  while (!ready()) yield* ok("fluke_cond_wait", { cond: pm.cond, mutex: pm.mutex });
  yield* ok("fluke_mutex_unlock", { mutex: pm.mutex });
}

/** Virtual wall-clock time (ours): a fixed epoch plus 10 ns per unit of the kernel's virtual time. */
export const EPOCH_SEC = 1_767_225_600; // 2026-01-01T00:00:00Z
export const clock = (pm: PM): { sec: number; nsec: number } => {
  const ns = pm.env.k.sched.now * 10;
  return { sec: EPOCH_SEC + Math.floor(ns / 1e9), nsec: ns % 1e9 };
};
/** Time since boot, for CLOCK_MONOTONIC. */
export const monotonic = (pm: PM): { sec: number; nsec: number } => {
  const ns = pm.env.k.sched.now * 10;
  return { sec: Math.floor(ns / 1e9), nsec: ns % 1e9 };
};

export const log = (pm: PM, line: string): void => pm.cfg.log?.(line);
