// `fluke run [options] -- PROGRAM [ARGS...]`: run an unmodified Linux i386 program on the full stack
// (root kernel → memory manager → file-system nester → process manager → program). Host standard input,
// output and error are the console; the host's current directory is shown read-only at the same path in
// the guest and is the program's working directory (files the program writes stay in the run's memory
// layer, and are listed at the end, so a program can never change host files). Exit status: the
// program's, 128 + N when a signal N ended it, 124 on --timeout, 125 when fluke itself failed.
// Above: cli/main.ts. Below: impl/nesters/stack.ts, scripts/guest-root.ts.
import { closeSync, existsSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { isatty } from "node:tty";
import { DEFAULT_GUEST_DIR, ensureGuestRoot } from "../scripts/guest-root.js";
import { NESTER_NAMES, type NesterName } from "../impl/nesters/stack.js";
import { checkpointOptions } from "./checkpoint.js";

export const RUN_HELP = `Usage: fluke run [options] -- PROGRAM [ARGS...]

Runs an unmodified Debian 12 i386 program nested: root kernel -> memory manager -> file-system
nester -> process manager -> PROGRAM. PROGRAM is a path inside the guest root, or a name looked up
in the guest's PATH (/usr/local/bin:/usr/bin:/bin). Host standard input, output and error are the
program's console.

The host's current directory appears read-only at the same path inside the guest and is the
program's working directory, so 'fluke run -- /usr/bin/sort FILE' sorts a host file. Files the
program writes live in the run's memory layer and are listed on standard error at the end; host
files are never changed.

Options:
  --root DIR          guest root directory (default: the Debian 12 i386 root in .cache/guest-root,
                      downloaded with apt-get on first use)
  --no-bind           do not show the host's current directory; the guest starts in /
  --env NAME=VALUE    add to the program's environment (repeatable); the default environment is
                      PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C
  --timeout SECONDS   stop after this much host time (exit status 124)
  --max-time UNITS    stop after this much virtual time (retired instructions plus kernel
                      operations; exit status 124); runs are deterministic in virtual time
  --mem MIB           memory of the whole system (default 512)
  --quota MIB         memory quota of each process (default 256)
  --seed N            seed of AT_RANDOM and getrandom (default 1)
  --nest NAME[,NAME...]
                      interposing nesters between the program and the process manager, in that
                      order: null (forwards everything; the baseline of one layer), tracer (needs
                      --trace), checkpointer (needs --image; see impl/nesters/checkpointer/README.md),
                      debugger (idle unless --debug is given)
  --image FILE        with the checkpointer: where checkpoint images go ('fluke checkpoint FILE' asks
                      a running system for one; 'fluke restore FILE' goes on from it)
  --checkpoint-at N   with the checkpointer: take a checkpoint when the virtual time reaches N
  --checkpoint-then W after a checkpoint: stop (the default; exit status 0) or continue
  --debug=PORT        run under the debugger nester: the program waits at its first instruction
                      until gdb attaches with 'target remote :PORT' (loopback only; PORT 0 picks a
                      free port, printed); see impl/nesters/debugger/README.md
  --strace            print every system call of the program to standard error
  --trace=FILE        run under the tracer nester (between the file-system nester and the process
                      manager) and write every protocol request and reply and every Linux system
                      call of every process, with virtual timestamps, to FILE
  --trace-format=F    text (strace-like, the default), jsonl (one JSON object per event) or chrome
                      (Chrome trace-event JSON, opens in Perfetto)
  --verbose           print the nesters' diagnostics (refused execs, unknown system calls) as they
                      happen; without it, unknown system calls are listed once at the end
  -h, --help          this text

Exit status: the program's; 128+N if signal N ended it; 124 on a timeout; 125 if fluke failed.
`;

interface RunOptions {
  root: string | null;
  bind: boolean;
  env: string[];
  timeout: number | null;
  maxTime: number | null;
  mem: number;
  quota: number;
  seed: number;
  strace: boolean;
  trace: string | null;
  traceFormat: "text" | "jsonl" | "chrome";
  verbose: boolean;
  nest: NesterName[];
  program: string[];
  image: string | null;
  checkpointAt: number | null;
  checkpointThen: "stop" | "continue";
  debug: number | null;
}

const parse = (args: string[]): RunOptions | string => {
  const o: RunOptions = { root: null, bind: true, env: [], timeout: null, maxTime: null, mem: 512, quota: 256, seed: 1, strace: false, trace: null, traceFormat: "text", verbose: false, nest: [], program: [], image: null, checkpointAt: null, checkpointThen: "stop", debug: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | null => (i + 1 < args.length ? args[++i]! : null);
    const num = (name: string, min: number): number | string => {
      const v = value();
      const n = v === null ? NaN : Number(v);
      return Number.isFinite(n) && n >= min ? n : `${name} needs a number >= ${min}`;
    };
    if (a === "--") {
      o.program = args.slice(i + 1);
      break;
    }
    if (a === "--root") {
      const v = value();
      if (v === null) return "--root needs a directory";
      o.root = resolve(v);
    } else if (a === "--no-bind") o.bind = false;
    else if (a === "--env") {
      const v = value();
      if (v === null || !v.includes("=")) return "--env needs NAME=VALUE";
      o.env.push(v);
    } else if (a === "--strace") o.strace = true;
    else if (a === "--debug" || a.startsWith("--debug=")) {
      const v = a.startsWith("--debug=") ? a.slice(8) : value();
      const n = v === null || !/^\d+$/.test(v) ? NaN : Number(v);
      if (!(n >= 0 && n <= 65535)) return "--debug needs a TCP port (--debug=PORT, 0 for any free port)";
      o.debug = n;
    }
    else if (a.startsWith("--trace=")) {
      o.trace = a.slice("--trace=".length);
      if (o.trace === "") return "--trace needs a file (--trace=FILE)";
    } else if (a.startsWith("--trace-format=")) {
      const f = a.slice("--trace-format=".length);
      if (f !== "text" && f !== "jsonl" && f !== "chrome") return "--trace-format is text, jsonl or chrome";
      o.traceFormat = f;
    }
    else if (a === "--verbose") o.verbose = true;
    else if (a === "--image" || a.startsWith("--image=")) {
      const v = a.startsWith("--image=") ? a.slice(8) : value();
      if (v === null || v === "") return "--image needs a file";
      o.image = resolve(v);
    } else if (a === "--checkpoint-at" || a.startsWith("--checkpoint-at=")) {
      const v = a.startsWith("--checkpoint-at=") ? a.slice(16) : value();
      const n = v === null ? NaN : Number(v);
      if (!Number.isSafeInteger(n) || n < 0) return "--checkpoint-at needs a virtual time (a whole number >= 0)";
      o.checkpointAt = n;
    } else if (a === "--checkpoint-then" || a.startsWith("--checkpoint-then=")) {
      const v = a.startsWith("--checkpoint-then=") ? a.slice(18) : value();
      if (v !== "stop" && v !== "continue") return "--checkpoint-then is stop or continue";
      o.checkpointThen = v;
    }
    else if (a === "--nest" || a.startsWith("--nest=")) {
      const v = a.startsWith("--nest=") ? a.slice(7) : value();
      if (v === null || v === "") return `--nest needs a list of nesters (${NESTER_NAMES.join(", ")})`;
      for (const n of v.split(",")) {
        if (!(NESTER_NAMES as readonly string[]).includes(n)) return `--nest: unknown nester '${n}' (known: ${NESTER_NAMES.join(", ")})`;
        o.nest.push(n as NesterName);
      }
    }
    else if (["--timeout", "--max-time", "--mem", "--quota", "--seed"].includes(a)) {
      const n = num(a, a === "--seed" ? 0 : a === "--timeout" || a === "--max-time" ? 0 : 1);
      if (typeof n === "string") return n;
      if (a === "--timeout") o.timeout = n;
      else if (a === "--max-time") o.maxTime = n;
      else if (a === "--mem") o.mem = n;
      else if (a === "--quota") o.quota = n;
      else o.seed = n >>> 0;
    } else if (!a.startsWith("-")) {
      o.program = args.slice(i);
      break;
    } else return `unknown option ${a}`;
  }
  if (o.program.length === 0) return "no program given (fluke run -- PROGRAM [ARGS...])";
  if (o.nest.includes("tracer") && o.trace === null) return "--nest tracer needs --trace=FILE";
  if ((o.image !== null || o.checkpointAt !== null) && !o.nest.includes("checkpointer")) return "--image and --checkpoint-at need --nest checkpointer";
  if (o.nest.includes("checkpointer") && o.image === null) return "--nest checkpointer needs --image FILE (where checkpoints go)";
  return o;
};

const GUEST_PATH = ["/usr/local/bin", "/usr/bin", "/bin"];

/** The guest path of `name`: as given if it has a slash, else the first PATH entry holding it. */
const lookup = (root: string, name: string): string | null => {
  if (name.includes("/")) return name;
  for (const d of GUEST_PATH) if (existsSync(join(root, d, name))) return `${d}/${name}`;
  return null;
};

/** Host console: blocking reads and writes on fds 0..2, retried while the fd is non-blocking and busy. */
export const hostConsole = () => {
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  const retry = <T>(f: () => T): T => {
    for (;;) {
      try {
        return f();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        Atomics.wait(sleep, 0, 0, 5);
      }
    }
  };
  let stdinDone = false;
  return {
    write(fd: 1 | 2, bytes: Uint8Array): void {
      let at = 0;
      try {
        while (at < bytes.length) at += retry(() => writeSync(fd, bytes, at, bytes.length - at));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EPIPE") throw e;
      }
    },
    read(max: number): Uint8Array {
      if (stdinDone) return new Uint8Array(0);
      const buf = new Uint8Array(max);
      try {
        const n = retry(() => readSync(0, buf, 0, max, null));
        if (n === 0) stdinDone = true;
        return buf.subarray(0, n);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EOF") stdinDone = true;
        else throw e;
        return new Uint8Array(0);
      }
    },
    terminal(fd: 0 | 1 | 2): { rows: number; cols: number } | null {
      if (!isatty(fd)) return null;
      const s = fd === 2 ? process.stderr : process.stdout;
      return { rows: s.rows ?? 24, cols: s.columns ?? 80 };
    },
  };
};

export const runMain = async (args: string[]): Promise<number> => {
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h") {
    process.stdout.write(RUN_HELP);
    return args.length === 0 ? 2 : 0;
  }
  const o = parse(args);
  if (typeof o === "string") {
    process.stderr.write(`fluke run: ${o}\nTry 'fluke run --help'.\n`);
    return 2;
  }
  let root: string;
  try {
    root = o.root ?? ensureGuestRoot(DEFAULT_GUEST_DIR);
  } catch (e) {
    process.stderr.write(`fluke run: cannot prepare the guest root: ${(e as Error).message}\n`);
    return 125;
  }
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    process.stderr.write(`fluke run: guest root ${root} is not a directory\n`);
    return 125;
  }
  const path = lookup(root, o.program[0]!);
  if (path === null) {
    process.stderr.write(`fluke run: ${o.program[0]}: not found in the guest's PATH (${GUEST_PATH.join(":")})\n`);
    return 127;
  }
  const cwd = o.bind ? process.cwd() : "/";
  const { runStack } = await import("../impl/nesters/stack.js");
  const deadline = o.timeout === null ? null : Date.now() + o.timeout * 1000;
  let stoppedByClock = false;
  const unknown: string[] = [];
  const { formatSink } = await import("../impl/nesters/tracer/formats.js");
  let traceFd: number | null = null;
  if (o.trace !== null) {
    try {
      traceFd = openSync(resolve(o.trace), "w");
    } catch (e) {
      process.stderr.write(`fluke run: cannot write the trace to ${o.trace}: ${(e as Error).message}\n`);
      return 125;
    }
  }
  const fd = traceFd;
  const traceOut = fd === null ? null : formatSink(o.traceFormat, (s) => void writeSync(fd, s));
  let link: import("../impl/nesters/debugger/link.js").DebugLink | null = null;
  if (o.debug !== null) {
    try {
      link = await (await import("../impl/nesters/debugger/link.js")).listenDebug(o.debug);
    } catch (e) {
      process.stderr.write(`fluke run: ${(e as Error).message}\n`);
      return 125;
    }
    process.stderr.write(`fluke: waiting for gdb on 127.0.0.1:${link.port} (in gdb: target remote :${link.port})\n`);
  }
  const r = runStack({
    root, path, argv: o.program, cwd,
    envp: ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C", ...o.env],
    binds: o.bind ? [{ guest: cwd, host: cwd }] : [],
    console: hostConsole(),
    memBytes: o.mem * 1024 * 1024, processQuota: o.quota * 1024 * 1024, seed: o.seed,
    maxTime: o.maxTime ?? undefined, traceSyscalls: o.strace,
    trace: traceOut === null ? undefined : { sink: traceOut.sink }, nest: o.nest,
    debug: link === null ? undefined : { link },
    checkpoint: o.image === null ? undefined : checkpointOptions(o.image, o.checkpointAt, o.checkpointThen),
    log: (line) => {
      if (o.verbose || o.strace || line.startsWith("fluke:")) process.stderr.write(`${line}\n`);
      else if (line.includes("unknown system call")) unknown.push(line.replace(/^procmgr: unknown system call (\S+ \(\d+\)).*$/, "$1"));
    },
    shouldStop: () => {
      if (deadline !== null && Date.now() > deadline) stoppedByClock = true;
      return stoppedByClock;
    },
  });
  await link?.close();
  if (traceOut !== null && fd !== null) {
    traceOut.end();
    closeSync(fd);
  }
  if (unknown.length > 0) process.stderr.write(`fluke: the program made system calls fluke does not implement (they returned ENOSYS): ${unknown.join(", ")}\n`);
  if (r.timedOut || stoppedByClock) {
    process.stderr.write(`fluke run: stopped after ${stoppedByClock ? `${o.timeout} s` : `${r.time} units of virtual time`} (timeout)\n`);
    return 124;
  }
  if (r.checkpointed) {
    process.stderr.write(`fluke run: checkpoint written to ${o.image} at virtual time ${r.time}; the run stopped (go on with: fluke restore ${o.image})\n`);
    return 0;
  }
  return exitCode("run", r.status);
};

/** The shell's exit status for a Linux wait status; 125 (and why) when the program never ended. */
export const exitCode = (cmd: string, status: number | null): number => {
  if (status === null) {
    process.stderr.write(`fluke ${cmd}: the system stopped with no runnable thread before the program ended\n`);
    return 125;
  }
  const sig = status & 0x7f;
  return sig === 0 ? (status >> 8) & 0xff : 128 + sig;
};
