// The standard stack of a running system, as the issue describes it: root kernel → memory manager →
// file-system nester → process manager → init (a native client of the Process protocol) → an
// unmodified Linux i386 program. runStack boots it, runs the
// deterministic scheduler until the program's first process has ended (or the instruction budget is
// spent), and returns its wait status; the console is the caller's (host standard I/O for the CLI, buffers
// in tests). Above: cli/run.ts, tests. Below: boot.ts, memmgr, fs/server.ts, procmgr/procmgr.ts.
import { boot } from "./boot.js";
import { fsNester, type Console } from "./fs/server.js";
import type { Bind } from "./fs/vfs.js";
import { procmgr } from "./procmgr/procmgr.js";
import { init } from "./init/init.js";
import { EPOCH_SEC } from "./procmgr/pm.js";
import type { Kernel } from "../kernel/kernel.js";
import { tracer } from "./tracer/tracer.js";
import { nullNester } from "./null/null.js";
import type { TraceEvent } from "./tracer/formats.js";
import type { Nest, NestEnv } from "./libnest/env.js";
import { checkpointer, type CheckpointerControl } from "./checkpointer/checkpointer.js";
import type { Image } from "./protocol/checkpoint-image.js";
import { debuggerNester } from "./debugger/debugger.js";
import type { DebugLink } from "./debugger/link.js";

const MiB = 1024 * 1024;

export interface StackOptions {
  /** Host directory of the guest root. */
  readonly root: string;
  /** Program path inside the guest, its argv (argv[0] included) and environment. */
  readonly path: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  readonly cwd?: string;
  readonly console: Console;
  /** Host directories shown read-only in the guest (fs/vfs-lower.ts Bind). */
  readonly binds?: readonly Bind[];
  /** Files created in the writable layer before the program starts (test inputs, binaries). */
  readonly files?: readonly { readonly path: string; readonly bytes: Uint8Array; readonly mode?: number }[];
  /** Memory of the whole system and the quota of one process (bytes). */
  readonly memBytes?: number;
  readonly processQuota?: number;
  /** Seed of AT_RANDOM and getrandom. */
  readonly seed?: number;
  /** Stop after this much virtual time (instructions and kernel operations); the run counts as timed out. */
  readonly maxTime?: number;
  /** Diagnostics of the nesters (unknown system calls, failed execs, the syscall trace). */
  readonly log?: (line: string) => void;
  readonly traceSyscalls?: boolean;
  /** Asked between slices of the run whether to stop now (a host-time limit); counts as a timeout. */
  readonly shouldStop?: () => boolean;
  /**
   * Trace the run: the tracer nester (tracer/tracer.ts) sits between the file-system nester and the
   * process manager and gives `sink` every protocol exchange and every Linux system call of the guest.
   */
  readonly trace?: { readonly sink: (e: TraceEvent) => void };
  /**
   * Interposing nesters between the file-system nester and the process manager, outermost first: the
   * guest's system calls pass them in this order on their way to the process manager, and the process
   * manager's service calls pass them in the reverse order. "tracer" needs `trace`; with `trace` and no
   * "tracer" here, the tracer is the innermost.
   */
  readonly nest?: readonly NesterName[];
  /**
   * With "checkpointer" in `nest`: when to take a checkpoint (at virtual time `at`, or when `requested()`
   * says so, asked between slices), what then (stop the run: the default; or let it go on), and where the
   * image goes.
   */
  readonly checkpoint?: {
    readonly at?: number;
    readonly requested?: () => boolean;
    readonly then?: "stop" | "continue";
    readonly onImage: (img: Image) => void;
    readonly onError?: (message: string) => void;
  };
  /** Go on from a checkpoint image instead of starting `path` (the image's run settings are used; `path`, `argv` and `envp` are ignored). */
  readonly restore?: Image;
  /**
   * Debug the program with gdb over `link` (debugger/debugger.ts): the debugger nester (the first
   * "debugger" in `nest`, else the innermost interposer) holds the program at its first instruction
   * until gdb attaches. `idleMs`: let the program go on if gdb stays silent that long. A "debugger" in `nest`
   * without this option interposes but stays idle.
   */
  readonly debug?: { readonly link: DebugLink; readonly idleMs?: number };
}

export type NesterName = "null" | "tracer" | "checkpointer" | "debugger";
export const NESTER_NAMES: readonly NesterName[] = ["null", "tracer", "checkpointer", "debugger"];

export interface StackResult {
  /** Linux wait status of the first process, or null if it had not ended (timeout, or the system stalled). */
  readonly status: number | null;
  readonly timedOut: boolean;
  /** Virtual time at the end. */
  readonly time: number;
  readonly kernel: Kernel;
  /** A checkpoint was taken and the run stopped there (StackOptions.checkpoint). */
  readonly checkpointed: boolean;
}

type Child = { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };

/** The chain of interposing nesters above `inner`, outermost first (StackOptions.nest). */
const interposers = (o: StackOptions, inner: Child, ckpt: CheckpointerControl, onImage: (img: Image) => void): Child => {
  const names = [...(o.nest ?? [])];
  if (o.trace !== undefined && !names.includes("tracer")) names.push("tracer");
  if (o.debug !== undefined && !names.includes("debugger")) names.push("debugger");
  const linked = names.indexOf("debugger"); // the one that talks to gdb
  let child = inner;
  for (let i = names.length - 1; i >= 0; i--) {
    const below = child, name = names[i]!;
    if (name === "tracer") {
      if (o.trace === undefined) throw new Error("runStack: the tracer nester needs the trace option (a sink)");
      const sink = o.trace.sink;
      child = { name: "tracer", program: (env) => tracer(env, { child: below, sink }) };
    } else if (name === "checkpointer") {
      const c = o.checkpoint;
      const run = { root: o.root, binds: [...(o.binds ?? [])], memBytes: o.memBytes ?? 512 * MiB, processQuota: o.processQuota ?? 256 * MiB, seed: o.seed ?? 1, nest: [...(o.nest ?? [])] };
      child = {
        name: "checkpointer",
        program: (env) => checkpointer(env, {
          child: below, run, then: c?.then ?? "stop", control: ckpt, onImage,
          onError: c?.onError ?? ((m) => o.log?.(`checkpointer: ${m}`)), restoreFiles: o.restore?.files,
        }),
      };
    } else if (name === "debugger") {
      const d = i === linked ? o.debug : undefined;
      child = { name: `debugger${i}`, program: (env) => debuggerNester(env, { child: below, link: d?.link ?? null, idleMs: d?.idleMs, log: o.log }) };
    } else child = { name: `null${i}`, program: (env) => nullNester(env, { child: below }) };
  }
  return child;
};

/**
 * init, the process manager's child. When tracing, a second tracer sits between the two, so the Process
 * protocol traffic (create_child, exec, wait, exit) is recorded too: the tracer above the process
 * manager sees its service calls and the guests' system calls, this one what its client asks of it.
 */
const initChild = (o: StackOptions): Child => {
  const adopt = o.restore?.run.initPid;
  const ini: Child = { name: "init", program: (ie) => init(ie, { path: o.path, argv: o.argv, envp: o.envp, cwd: o.cwd ?? "/", adopt }) };
  if (o.trace === undefined) return ini;
  const sink = o.trace.sink;
  return { name: "tracer-init", program: (env) => tracer(env, { child: ini, sink, only: ["Parent", "Process"] }) };
};

export const runStack = (o: StackOptions): StackResult => {
  let status: number | null = null;
  const withCheckpointer = (o.nest ?? []).includes("checkpointer");
  if (o.restore !== undefined && !withCheckpointer) throw new Error("runStack: a restore needs the checkpointer in nest");
  const ckpt: CheckpointerControl = {};
  let imaged = false;
  const onImage = (img: Image): void => {
    o.checkpoint?.onImage(img); // a writer that throws leaves no image: the checkpointer reports it, the run goes on
    imaged = true;
  };
  const memBytes = o.memBytes ?? 512 * MiB;
  const pm: Child = {
    name: "procmgr",
    program: (pe) => procmgr(pe, {
      seed: o.seed ?? 1, processQuota: o.processQuota ?? 256 * MiB, onExit: (s) => void (status = s), log: o.log, traceSyscalls: o.traceSyscalls,
      child: initChild(o), checkpointable: withCheckpointer || undefined,
      restore: o.restore === undefined ? undefined : { procmgr: o.restore.procmgr, pages: o.restore.pages },
    }),
  };
  const k: Kernel = boot({
    poolBytes: memBytes,
    child: {
      name: "fs",
      program: (env) => fsNester(env, {
        root: o.root, console: o.console, childQuota: memBytes, files: o.files, binds: o.binds,
        now: () => ({ sec: EPOCH_SEC + Math.floor(k.sched.now / 1e8), nsec: (k.sched.now % 1e8) * 10 }),
        child: interposers(o, pm, ckpt, onImage),
      }),
    },
  });
  if (o.restore !== undefined) k.sched.now = o.restore.time; // the clock goes on from the checkpoint
  const maxTime = o.maxTime ?? Number.MAX_SAFE_INTEGER;
  const SLICE = 5_000_000;
  let timedOut = false;
  // A checkpoint is due at virtual time `at` or when the host asks; it starts as soon as the process
  // manager has offered its port (the checkpointer's request says whether it started).
  let checkpointAt = withCheckpointer ? o.checkpoint?.at ?? Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  let due = false;
  const stopAfterImage = (o.checkpoint?.then ?? "stop") === "stop";
  while (status === null) {
    const before = k.sched.now;
    if (k.sched.now >= checkpointAt) {
      due = true;
      checkpointAt = Number.MAX_SAFE_INTEGER;
    }
    if (withCheckpointer && o.checkpoint?.requested?.() === true) due = true;
    if (due && ckpt.request?.() === true) due = false;
    const r = k.sched.run(Math.min(SLICE, maxTime - k.sched.now, due ? 100_000 : Math.max(1, checkpointAt - k.sched.now)));
    if (status !== null) break;
    if (imaged && stopAfterImage) break;
    o.debug?.link.betweenSlices();
    if (k.sched.now >= maxTime || o.shouldStop?.() === true) {
      timedOut = true;
      break;
    }
    if (r !== "limit" && k.sched.now === before) break; // nothing can run: the system stalled
    if (r !== "limit") break;
  }
  return { status, timedOut, time: k.sched.now, kernel: k, checkpointed: imaged && stopAfterImage && status === null };
};
