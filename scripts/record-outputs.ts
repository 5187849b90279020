// `npm run record:outputs [-- --check]`: record what each workload of impl/nesters/procmgr/workloads.ts
// prints (stdout, stderr, exit status) with an ORACLE that is not our system, into
// impl/nesters/procmgr/recorded-outputs.json, which run.test.ts compares our stack against. `--check`
// re-runs the oracles and compares with the committed file (exit 1 on any difference) without writing.
//
// Oracles, in order of preference:
//  - "native": `setarch i686 chroot ROOT /lib/ld-linux.so.2 --argv0 NAME PATH ARGS`, when the host can
//    execute i386 code (probed with /bin/true; most CI kernels can, this machine cannot). The input files
//    go to ROOT/tmp/wl/ for the run and are removed after.
//  - "qemu-i386" (Debian package qemu-user): `qemu-i386 -cpu pentium3 -L ROOT ROOT/lib/ld-linux.so.2
//    --library-path ROOT/lib/i386-linux-gnu:ROOT/usr/lib/i386-linux-gnu --argv0 NAME PATH ARGS`, env
//    exactly the workload's, cwd /. Why the explicit loader: qemu 7.2 translates paths through -L for
//    open() but not for statx(), so ld.so, finding the host lacks /lib/i386-linux-gnu, marks that
//    directory missing and then cannot find libreadline for gawk; --library-path with the host paths of
//    the guest's library directories works for both calls (qemu falls back to the host path when
//    ROOT+path does not exist) and, unlike LD_LIBRARY_PATH, leaves the program's environment alone.
//    --argv0 gives the program the argv[0] the workload names (what it prints in messages). Input files
//    must be visible at the same absolute guest path: -L falls back to the host's /tmp/wl/, so they are
//    created there for the run and removed after (a /tmp/wl/ not made by this script is an error).
//  - "host-tools": a workload that execs other programs (bash pipelines, env -i PROG) cannot run under
//    qemu-user here (no binfmt_misc for the exec'd i386 binaries); its `hostOracle` shell command computes
//    the expected output with the host's GNU tools on the same guest root and inputs, LC_ALL=C. Only
//    stdout and the exit status are meaningful for these entries (stderr is recorded but is the host's).
// Every oracle runs as `sh -c 'cat STDIN | exec env -i VARS... ORACLE'`, cwd /: standard input is a
// pipe, as in a shell pipeline (node's own stdio is a socketpair, on which bash sources ~/.bashrc, and
// a regular file changes wc's column widths), and `env -i` gives the program exactly the workload's
// environment in its order (qemu 7.2 reverses the order it is given; the recorder probes that and
// compensates). A status > 128 from sh is taken as the signal 128+n that killed the oracle.
// Above: a developer, after changing workloads.ts. Below: qemu-i386, setarch/chroot, bash,
// scripts/guest-root.ts.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_GUEST_DIR, ensureGuestRoot, type Lock } from "./guest-root.js";
import { DEFAULT_ENV, WL_DIR, WORKLOADS, workloadDigest, type Workload } from "../impl/nesters/procmgr/workloads.js";

export const RECORDED_FILE = fileURLToPath(new URL("../impl/nesters/procmgr/recorded-outputs.json", import.meta.url));

export type OracleKind = "native" | "qemu-i386" | "host-tools";

/** Bytes as JSON: UTF-8 text when it round-trips, else base64. */
export type Bytes = { readonly text: string } | { readonly base64: string };

export interface RecordedEntry {
  readonly name: string;
  /** workloadDigest of the workload when recorded: a different digest means the recording is stale. */
  readonly digest: string;
  readonly oracle: OracleKind;
  /** The command line that produced it (ROOT stands for the guest root, WL for the host input directory). */
  readonly command: readonly string[];
  readonly stdout: Bytes;
  readonly stderr: Bytes;
  /** Linux wait status: exit code << 8, or the signal number. */
  readonly status: number;
}

export interface Recording {
  readonly format: 1;
  readonly recorded: string;
  readonly qemu: string | null;
  readonly host: string;
  readonly guestRoot: { readonly packages: Readonly<Record<string, string>> };
  readonly oracles: Readonly<Record<OracleKind, string>>;
  readonly entries: readonly RecordedEntry[];
}

export const toBytes = (b: Buffer): Bytes => {
  const text = b.toString("utf8");
  return Buffer.from(text, "utf8").equals(b) ? { text } : { base64: b.toString("base64") };
};
export const fromBytes = (b: Bytes): Buffer => ("text" in b ? Buffer.from(b.text, "utf8") : Buffer.from(b.base64, "base64"));

export const loadRecording = (file = RECORDED_FILE): Recording => JSON.parse(readFileSync(file, "utf8")) as Recording;

const ORACLE_DOC: Record<OracleKind, string> = {
  "native": "setarch i686 chroot ROOT /lib/ld-linux.so.2 --argv0 NAME PATH ARGS (host executes i386 code)",
  "qemu-i386": "qemu-i386 -cpu pentium3 -L ROOT ROOT/lib/ld-linux.so.2 --library-path ROOT/lib/i386-linux-gnu:ROOT/usr/lib/i386-linux-gnu --argv0 NAME PATH ARGS; input files under the host's /tmp/wl (qemu -L falls back to host paths); explicit loader because qemu 7.2 does not translate statx paths through -L",
  "host-tools": "bash -c HOSTORACLE with the host's GNU tools, LC_ALL=C, on the same guest root ($ROOT) and inputs ($WL): for workloads that exec other programs, which qemu-user cannot follow without binfmt_misc",
};

export const LIB_PATH = (root: string): string => `${root}/lib/i386-linux-gnu:${root}/usr/lib/i386-linux-gnu`;
const envObject = (env: readonly string[]): Record<string, string> =>
  Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

export const canRunNative = (root: string): boolean => {
  const r = spawnSync("setarch", ["i686", "chroot", root, "/bin/true"], { stdio: "ignore", timeout: 10_000 });
  return r.error === undefined && r.status === 0;
};

export const qemuVersion = (): string | null => {
  const r = spawnSync("qemu-i386", ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0 ? r.stdout.split("\n")[0]!.trim() : null;
};

/** The directory holding /tmp/wl's files for one run; a marker file tells ours from someone else's. */
const MARKER = ".record-outputs";
const placeFiles = (dir: string, wl: Workload): void => {
  if (existsSync(dir)) {
    if (!existsSync(join(dir, MARKER))) throw new Error(`${dir} exists and was not made by record-outputs; remove it first`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), "");
  for (const f of wl.files ?? []) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
};

interface Run { readonly entry: RecordedEntry; readonly problem: string | null }

export const statusOf = (r: SpawnSyncReturns<Buffer>): number | null => {
  // The oracle runs under sh (see runOne), which reports a child killed by signal n as exit 128+n.
  if (r.status !== null) return r.status > 128 && r.status < 128 + 65 ? r.status - 128 : r.status << 8;
  if (r.signal !== null) return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 } as Record<string, number>)[r.signal] ?? 0x7f;
  return null;
};

/**
 * Whether qemu-i386 hands the guest its own environment in reverse order (qemu 7.2 builds the guest's
 * envp from a list it prepends to), found by a probe run of the guest's env; the recorder then passes
 * the workload's environment reversed so that the program sees it in the workload's order.
 */
export const qemuReversesEnv = (root: string): boolean => {
  const r = spawnSync("qemu-i386", ["-L", root, `${root}/lib/ld-linux.so.2`, "--library-path", LIB_PATH(root), `${root}/usr/bin/env`], { env: { A: "1", B: "2" }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.stdout === "A=1\nB=2\n") return false;
  if (r.stdout === "B=2\nA=1\n") return true;
  throw new Error(`record-outputs: cannot tell how qemu-i386 orders the environment (probe printed ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)})`);
};

const runOne = (root: string, wl: Workload, oracle: OracleKind, reverseEnv = false): Run => {
  const env = wl.env ?? DEFAULT_ENV;
  let cmd: string, args: string[], command: string[], spawnEnv: Record<string, string>, dir: string, hostWl: string;
  const tmp = mkdtempSync(join(tmpdir(), "record-outputs-"));
  if (oracle === "host-tools") {
    hostWl = join(tmp, "wl");
    dir = hostWl;
    cmd = "bash"; args = ["-c", wl.hostOracle!];
    command = ["bash", "-c", wl.hostOracle!];
    spawnEnv = { PATH: "/usr/bin:/bin", LC_ALL: "C", LANG: "C", ROOT: root, WL: hostWl };
  } else if (oracle === "native") {
    dir = join(root, WL_DIR);
    args = ["i686", "chroot", root, "/lib/ld-linux.so.2", "--argv0", wl.argv[0]!, wl.path, ...wl.argv.slice(1)];
    cmd = "setarch";
    command = ["setarch", ...args.map((a) => (a === root ? "ROOT" : a))];
    spawnEnv = envObject(env);
  } else {
    dir = WL_DIR;
    cmd = "qemu-i386";
    args = ["-cpu", "pentium3", "-L", root, `${root}/lib/ld-linux.so.2`, "--library-path", LIB_PATH(root), "--argv0", wl.argv[0]!, wl.path, ...wl.argv.slice(1)];
    command = ["qemu-i386", ...args.map((a) => a.split(root).join("ROOT"))];
    spawnEnv = envObject(reverseEnv ? [...env].reverse() : env);
  }
  try {
    placeFiles(dir, wl);
    // Standard input through a real pipe, as a shell pipeline gives it: not node's `input` (a socketpair:
    // bash sources ~/.bashrc when its stdin is a socket, its "run by rshd" test, and under qemu that
    // falls back to the host's file) and not a regular file (wc sizes its columns from a regular file's
    // size). `exec` makes the oracle the last element of the pipeline, whose status sh returns.
    const stdinFile = join(tmp, "stdin");
    writeFileSync(stdinFile, wl.stdin ?? "");
    // `env -i` then gives the oracle exactly its environment, in order (sh would add PWD and reorder).
    const envList = Object.entries(spawnEnv).map(([k, v]) => `${k}=${v}`);
    command = ["sh", "-c", 'cat STDIN | exec env -i "$@"', ...envList.map((e) => (e.startsWith("WL=") ? "WL=WL" : e.split(root).join("ROOT"))), ...command];
    const r = spawnSync("sh", ["-c", 'cat "$0" | exec env -i "$@"', stdinFile, ...envList, cmd, ...args], { env: { PATH: "/usr/bin:/bin" }, stdio: ["ignore", "pipe", "pipe"], cwd: "/", timeout: 60_000, maxBuffer: 64 << 20 });
    const status = statusOf(r);
    const stdout = r.stdout ?? Buffer.alloc(0), stderr = r.stderr ?? Buffer.alloc(0);
    const entry: RecordedEntry = { name: wl.name, digest: workloadDigest(wl), oracle, command, stdout: toBytes(stdout), stderr: toBytes(stderr), status: status ?? -1 };
    let problem: string | null = null;
    if (r.error !== undefined) problem = `cannot run ${cmd}: ${r.error.message}`;
    else if (status === null || (status & 0x7f) !== 0) problem = `killed by signal ${status === null ? r.signal : status & 0x7f}`;
    else if (status >> 8 !== (wl.exit ?? 0)) problem = `exit code ${status >> 8}, expected ${wl.exit ?? 0}`;
    else if (/qemu|error while loading shared libraries|cannot execute|Exec format error/.test(stderr.toString("utf8"))) problem = `oracle trouble on stderr: ${stderr.toString("utf8").trim()}`;
    if (problem !== null && stderr.length > 0) problem += `\n    stderr: ${stderr.toString("utf8").trim().split("\n").join("\n    ")}`;
    return { entry, problem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
};

const lockVersions = (): Record<string, string> => {
  const lock = JSON.parse(readFileSync(join(DEFAULT_GUEST_DIR, "lock.json"), "utf8")) as Lock;
  const want = ["coreutils", "bash", "sed", "grep", "gawk", "libc6"];
  const out: Record<string, string> = {};
  for (const p of want) {
    const e = lock.entries.find((x) => x.package === p);
    if (e === undefined) throw new Error(`guest-root lock has no ${p}`);
    out[p] = `${e.version} ${e.arch} sha256:${e.sha256}`;
  }
  return out;
};

const sameEntry = (a: RecordedEntry, b: RecordedEntry): string | null => {
  if (a.digest !== b.digest) return "workload changed since recording (digest)";
  if (a.oracle !== b.oracle) return `oracle ${a.oracle} vs ${b.oracle}`;
  if (a.status !== b.status) return `status ${a.status} vs ${b.status}`;
  if (!fromBytes(a.stdout).equals(fromBytes(b.stdout))) return "stdout differs";
  if (!fromBytes(a.stderr).equals(fromBytes(b.stderr))) return "stderr differs";
  return null;
};

const main = (): number => {
  const check = process.argv.includes("--check");
  const root = ensureGuestRoot(DEFAULT_GUEST_DIR);
  const native = canRunNative(root);
  const qemu = qemuVersion();
  console.log(`guest root: ${root}`);
  console.log(`native i386: ${native ? "yes" : "no (host cannot execute i386 code; skipped)"}; qemu: ${qemu ?? "not installed"}`);
  if (!native && qemu === null) {
    console.error("record-outputs: no oracle: the host cannot execute i386 code and qemu-i386 is missing (Debian package qemu-user)");
    return 2;
  }
  const reverseEnv = !native && qemuReversesEnv(root);
  const runs: Run[] = [];
  for (const wl of WORKLOADS) {
    const oracle: OracleKind = wl.hostOracle !== undefined ? "host-tools" : native ? "native" : "qemu-i386";
    const run = runOne(root, wl, oracle, reverseEnv);
    runs.push(run);
    const e = run.entry;
    console.log(`${run.problem === null ? "ok  " : "FAIL"} ${wl.name.padEnd(22)} ${oracle.padEnd(10)} exit ${String(e.status >> 8).padStart(3)}  stdout ${fromBytes(e.stdout).length} B  stderr ${fromBytes(e.stderr).length} B`);
    if (run.problem !== null) console.log(`     ${run.problem}`);
  }
  const failed = runs.filter((r) => r.problem !== null);
  console.log(`${runs.length} workloads: ${runs.length - failed.length} recorded, ${failed.length} failed`);
  if (failed.length > 0) {
    console.error(`record-outputs: oracle runs failed unexpectedly (${failed.map((r) => r.entry.name).join(", ")}); ${check ? "check" : "nothing written"}`);
    return 2;
  }
  if (check) {
    const old = loadRecording();
    const byName = new Map(old.entries.map((e) => [e.name, e]));
    let diffs = 0;
    for (const { entry } of runs) {
      const o = byName.get(entry.name);
      const why = o === undefined ? "not in the recording" : sameEntry(o, entry);
      if (why !== null) { diffs++; console.log(`DIFF ${entry.name}: ${why}`); }
      byName.delete(entry.name);
    }
    for (const name of byName.keys()) { diffs++; console.log(`DIFF ${name}: recorded but no longer a workload`); }
    console.log(diffs === 0 ? `check: all ${runs.length} entries match ${RECORDED_FILE}` : `check: ${diffs} difference(s)`);
    return diffs === 0 ? 0 : 1;
  }
  const rec: Recording = {
    format: 1,
    recorded: new Date().toISOString().slice(0, 10),
    qemu: native ? null : qemu,
    host: `${process.platform} ${process.arch}`,
    guestRoot: { packages: lockVersions() },
    oracles: ORACLE_DOC,
    entries: runs.map((r) => r.entry),
  };
  writeFileSync(RECORDED_FILE, JSON.stringify(rec, null, 1) + "\n");
  console.log(`wrote ${RECORDED_FILE}`);
  return 0;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
