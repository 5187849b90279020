// The benchmark programs of the nesting figures (our analogs of the Fluke paper's test programs) and the
// three ways to run one: on the full Fluke stack (runStack, any nesting), under qemu-i386 on the same
// guest root, and natively when the host can execute i386 code. memtest, appel2, readtest and matconn
// are C sources of programs/ built with the host's `gcc -m32 -O2` (gcc-multilib), dynamically linked:
// at run time they use the guest root's ld.so and libc. cc1 is the guest root's own compiler proper,
// compiling a C source of this folder; its input is preprocessed first with the host's `gcc -m32 -E -P`
// (under qemu-user, cc1 would look for its include directories with stat(), which qemu does not
// translate to the guest root), so what is measured is cc1 parsing, optimizing and emitting assembly.
// Binaries and the preprocessed input are cached in .cache/bench-programs/ (rebuilt when a source is
// newer); nothing built is committed. Every program prints one deterministic line (cc1: the assembly).
// Above: programs.test.ts, bench-nesting.ts. Below: stack.ts (runStack), gcc, qemu-i386.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { runStack, type StackOptions } from "../stack.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const SRC_DIR = join(HERE, "programs");
export const BUILD_DIR = resolve(HERE, "..", "..", "..", ".cache", "bench-programs");

export const PROGRAM_NAMES = ["memtest", "appel2", "readtest", "matconn", "cc1"] as const;
export type ProgramName = (typeof PROGRAM_NAMES)[number];

/** Sizes: "test" for programs.test.ts, "quick" for a smoke run of the benchmark, "full" its default. */
export type SizeName = "test" | "quick" | "full";

/** Guest path of cc1 on the Debian 12 guest root. */
export const CC1 = "/usr/lib/gcc/i686-linux-gnu/12/cc1";
/** Where the program (or cc1's input) is placed in the guest's writable layer, and the guest's cwd. */
export const GUEST_DIR = "/tmp/bench";

export interface ProgramSpec {
  readonly name: ProgramName;
  /** What the size means, for the printed header. */
  readonly what: string;
  /** The program's arguments (after argv[0]) at each size; for cc1 the name of the source it compiles. */
  readonly sizes: Readonly<Record<SizeName, readonly string[]>>;
}

/**
 * cc1's input: a small C source of the repository (an endless loop, no headers), so a run measures cc1
 * itself (start-up, option and target set-up, parsing, the -O2 pass pipeline, assembly output) within
 * this machine's budget: a source with libc headers costs twice the instructions and seven times the
 * host time.
 */
const LOOP_C = "impl/nesters/procmgr/tests/loop.c";

export const PROGRAMS: readonly ProgramSpec[] = [
  { name: "memtest", what: "MiB allocated, touched, verified", sizes: { test: ["2"], quick: ["2"], full: ["16"] } },
  { name: "appel2", what: "protection traps", sizes: { test: ["200"], quick: ["100"], full: ["3000"] } },
  { name: "readtest", what: "KiB read × rounds", sizes: { test: ["64", "4"], quick: ["32", "2"], full: ["128", "16"] } },
  { name: "matconn", what: "24×24 products (24 connections each)", sizes: { test: ["2"], quick: ["1"], full: ["12"] } },
  { name: "cc1", what: "C source compiled with cc1 -O2", sizes: { test: [LOOP_C], quick: [LOOP_C], full: [LOOP_C] } },
];

export const programSpec = (name: string): ProgramSpec => {
  const p = PROGRAMS.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no benchmark program ${name} (programs: ${PROGRAM_NAMES.join(", ")})`);
  return p;
};

const fresh = (out: string, src: string): boolean => existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;

/** Build a C program of programs/ (if its binary is missing or older than its source); returns the binary's host path. */
export const buildProgram = (name: Exclude<ProgramName, "cc1">): string => {
  const src = join(SRC_DIR, `${name}.c`), out = join(BUILD_DIR, name);
  mkdirSync(BUILD_DIR, { recursive: true });
  if (!fresh(out, src)) {
    const tmp = `${out}.${process.pid}.tmp`;
    try {
      execFileSync("gcc", ["-m32", "-O2", "-Wall", "-o", tmp, src], { stdio: "pipe" });
    } catch (e) {
      const msg = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
      throw new Error(`cannot build the i386 benchmark program ${name}.c: gcc -m32 is needed (install gcc-multilib).\n${msg}`);
    }
    renameSync(tmp, out);
  }
  return out;
};

export const REPO_DIR = resolve(HERE, "..", "..", "..");

/** The guest-side name of cc1's input for a repository C source: its base name with .i. */
const cc1InputName = (source: string): string => source.replace(/^.*\//, "").replace(/\.c$/, ".i");

/**
 * The preprocessed translation unit of the repository C source `source` (a path from the repository's
 * top) that cc1 compiles: host `gcc -m32 -E -P`, with spec/kernel-api on the include path for the
 * kernel's freestanding test programs (fluke.h); cached.
 */
export const cc1Input = (source: string): string => {
  const src = join(REPO_DIR, source), out = join(BUILD_DIR, cc1InputName(source));
  mkdirSync(BUILD_DIR, { recursive: true });
  if (!fresh(out, src)) {
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync("gcc", ["-m32", "-O2", "-march=i686", "-E", "-P", "-I", join(REPO_DIR, "spec", "kernel-api"), "-o", tmp, src], { stdio: "pipe" });
    renameSync(tmp, out);
  }
  return out;
};

/** One program at one size, ready to run anywhere: its guest path, argv, and the files it needs in GUEST_DIR. */
export interface Invocation {
  readonly name: ProgramName;
  readonly path: string;
  readonly argv: readonly string[];
  /** Files to place in GUEST_DIR (host path → name). */
  readonly files: readonly { readonly name: string; readonly host: string; readonly mode: number }[];
}

export const invocation = (name: ProgramName, args: readonly string[]): Invocation => {
  if (name === "cc1") {
    const src = args[0] ?? "impl/nesters/procmgr/tests/loop.c";
    const input = cc1InputName(src);
    return {
      name, path: CC1,
      argv: ["cc1", "-fpreprocessed", "-quiet", "-O2", "-march=i686", input, "-o", "-"],
      files: [{ name: input, host: cc1Input(src), mode: 0o644 }],
    };
  }
  return { name, path: `${GUEST_DIR}/${name}`, argv: [name, ...args], files: [{ name, host: buildProgram(name), mode: 0o755 }] };
};

export const ENV = ["LANG=C", "PATH=/usr/bin:/bin"];

export interface RunOutcome {
  readonly stdout: string;
  readonly stderr: string;
  /** Linux wait status (exited n = n << 8), or null (did not end). */
  readonly status: number | null;
  /** Host wall time of the run (ms). */
  readonly ms: number;
}

export interface FlukeOutcome extends RunOutcome {
  /** Virtual time at the end (instructions and kernel operations): deterministic. */
  readonly time: number;
  readonly timedOut: boolean;
}

/** Run on the full Fluke stack (the program and its files in the guest's writable layer, cwd GUEST_DIR). */
export const runFluke = (inv: Invocation, o: Partial<Pick<StackOptions, "nest" | "trace" | "maxTime" | "log" | "checkpoint" | "debug">> = {}): FlukeOutcome => {
  const out: Buffer[] = [], err: Buffer[] = [];
  const files = inv.files.map((f) => ({ path: `${GUEST_DIR}/${f.name}`, bytes: new Uint8Array(readFileSync(f.host)), mode: f.mode }));
  const t0 = performance.now();
  const r = runStack({
    root: guestRootDir(), path: inv.path, argv: inv.argv, envp: ENV, cwd: GUEST_DIR,
    console: { write: (fd, b) => void (fd === 1 ? out : err).push(Buffer.from(b)), read: () => new Uint8Array(0), terminal: () => null },
    files, maxTime: o.maxTime ?? 1e11, nest: o.nest, trace: o.trace, checkpoint: o.checkpoint, debug: o.debug, log: o.log ?? (() => {}),
  });
  const ms = performance.now() - t0;
  return { stdout: Buffer.concat(out).toString("latin1"), stderr: Buffer.concat(err).toString("latin1"), status: r.status, ms, time: r.time, timedOut: r.timedOut };
};

let rootDir: string | undefined;
/** The guest root's host directory (set by the caller once it has made sure it exists: guestRoot()). */
export const setGuestRoot = (dir: string): void => void (rootDir = dir);
const guestRootDir = (): string => {
  if (rootDir === undefined) throw new Error("bench programs: setGuestRoot first");
  return rootDir;
};

/** The wait status of a spawnSync result (exited n = n << 8, killed by s = s), null if it did not run. */
const waitStatus = (r: ReturnType<typeof spawnSync>): number | null =>
  r.error !== undefined ? null : r.status !== null ? r.status << 8 : r.signal !== null ? signalNumber(r.signal) : null;
const signalNumber = (s: NodeJS.Signals): number => ({ SIGKILL: 9, SIGSEGV: 11, SIGABRT: 6, SIGBUS: 7, SIGILL: 4, SIGFPE: 8 } as Record<string, number>)[s] ?? 127;

/**
 * A host directory standing in for GUEST_DIR under qemu-i386 and natively: the files of the invocation
 * copied into a fresh temporary directory, which is the cwd of the run (the programs are given relative
 * paths there); removed by `done`.
 */
const hostDir = (inv: Invocation): { dir: string; done: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), "fluke-bench-"));
  for (const f of inv.files) writeFileSync(join(dir, f.name), readFileSync(f.host), { mode: f.mode });
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
};

/** argv[1..] with GUEST_DIR paths made relative (the host runs use the temporary directory as cwd). */
const hostPath = (inv: Invocation, dir: string): string => (inv.path.startsWith(`${GUEST_DIR}/`) ? join(dir, inv.path.slice(GUEST_DIR.length + 1)) : `${guestRootDir()}${inv.path}`);

/**
 * Under qemu-i386 with the guest root's loader and libraries, as scripts/record-outputs.ts runs it
 * (-cpu pentium3, -L ROOT, ROOT/lib/ld-linux.so.2 --library-path with the guest's library directories,
 * --argv0), environment exactly ENV.
 */
export const runQemu = (inv: Invocation): RunOutcome => {
  const root = guestRootDir();
  const { dir, done } = hostDir(inv);
  try {
    const libs = `${root}/lib/i386-linux-gnu:${root}/usr/lib/i386-linux-gnu`;
    const t0 = performance.now();
    const r = spawnSync("qemu-i386", ["-cpu", "pentium3", "-L", root, `${root}/lib/ld-linux.so.2`, "--library-path", libs, "--argv0", inv.argv[0]!, hostPath(inv, dir), ...inv.argv.slice(1)], {
      cwd: dir, env: Object.fromEntries(ENV.map((e) => e.split("=", 2) as [string, string])), stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28,
    });
    const ms = performance.now() - t0;
    if (r.error !== undefined) throw new Error(`qemu-i386 did not run: ${r.error.message} (install qemu-user)`);
    return { stdout: r.stdout.toString("latin1"), stderr: r.stderr.toString("latin1"), status: waitStatus(r), ms };
  } finally {
    done();
  }
};

/**
 * Natively, when the host executes i386 code: the program run directly (its interpreter is the host's
 * /lib/ld-linux.so.2 and libc, so the anchor is the host's i386 libc, not the guest root's); cc1 is not
 * run natively (it is the guest root's and would need a chroot). Returns a reason string when it cannot.
 */
export const runNative = (inv: Invocation): RunOutcome | string => {
  if (inv.name === "cc1") return "cc1 is the guest root's binary (a chroot would be needed)";
  const { dir, done } = hostDir(inv);
  try {
    const t0 = performance.now();
    const r = spawnSync(hostPath(inv, dir), inv.argv.slice(1), { cwd: dir, env: Object.fromEntries(ENV.map((e) => e.split("=", 2) as [string, string])), stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
    const ms = performance.now() - t0;
    if (r.error !== undefined) return `this host cannot execute i386 code (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
    return { stdout: r.stdout.toString("latin1"), stderr: r.stderr.toString("latin1"), status: waitStatus(r), ms };
  } finally {
    done();
  }
};
