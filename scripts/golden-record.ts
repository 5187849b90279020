// `npm run golden:record [-- --only NAME,...]`: record the expected result of every golden workload
// (golden/workloads.json) with an ORACLE that is not our system, into golden/recorded.json, which
// `npm run golden:diff` and golden/golden.test.ts compare our stack against. The oracles
// (golden/README.md explains the choice for each workload):
//  - "qemu-i386": the program under `qemu-i386 -cpu pentium3` through the guest root's ld.so, exactly as
//    scripts/record-outputs.ts runs it (its header explains the qemu 7.2 workarounds: explicit loader,
//    --library-path, --argv0, environment order, stdin through a pipe). `setup` programs run the same
//    way first; `post` runs with the host's bash and GNU coreutils on the same files ($RUN = qemu, so a
//    program built by the workload runs under qemu). Input files under /tmp/wl go to the host's /tmp/wl
//    (qemu's -L falls back to host paths); other input files (/etc/passwd...) go into the guest root for
//    the run and are removed after.
//  - "qemu-i386" with another argv (`oracle.qemu`): a driver that would exec a sub-program (cpp → cc1 -E)
//    is replaced by the sub-program with the arguments the driver gives it (`cpp -###`).
//  - "host-tools" (`oracle.host`): a workload that execs other i386 programs (gcc → cc1/as/collect2/ld,
//    make, bash pipelines, diff3/sdiff → diff, env PROG) cannot run under qemu-user here (no binfmt_misc);
//    a host bash command gives the expected output (the host's GNU tools are the same versions as the
//    guest's: Debian 12; an i386 program it builds with `gcc -m32` runs under $QEMU).
// The wall time of each oracle run and of the whole recording are stored, to compare with ours.
// Above: a developer, after changing golden/workloads-gen.ts. Below: qemu-i386, bash, scripts/guest-root.ts.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_GUEST_DIR, ensureGuestRoot } from "./guest-root.js";
import { LIB_PATH, qemuReversesEnv, qemuVersion, statusOf, toBytes, type Bytes } from "./record-outputs.js";
import { fileBytes, GOLDEN_DEFAULT_ENV, goldenDigest, loadGolden, POST_MARKER, RECORDED_GOLDEN, type GoldenWorkload } from "../golden/workloads.js";

export type GoldenOracle = "qemu-i386" | "host-tools";

export interface GoldenEntry {
  readonly name: string;
  readonly program: string;
  readonly digest: string;
  readonly oracle: GoldenOracle;
  readonly stdout: Bytes;
  readonly stderr: Bytes;
  /** Linux wait status. */
  readonly status: number;
  /** Wall time of the oracle run, ms. */
  readonly wallMs: number;
}

export interface GoldenRecording {
  readonly format: 1;
  readonly recorded: string;
  readonly qemu: string | null;
  readonly host: string;
  /** Wall time of all qemu-i386 runs (setup + program), and of the whole recording, ms. */
  readonly qemuWallMs: number;
  readonly totalWallMs: number;
  readonly entries: readonly GoldenEntry[];
}

const WL = "/tmp/wl";
const MARKER = ".golden-record";

const envObject = (env: readonly string[]): Record<string, string> => Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

const findInRoot = (root: string, name: string): string => {
  if (name.startsWith("/")) return name;
  for (const d of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) if (existsSync(join(root, d, name))) return `${d}/${name}`;
  throw new Error(`golden-record: ${name} not in the guest root`);
};

interface Ran { stdout: Buffer; stderr: Buffer; status: number; ms: number }

const spawnPiped = (stdin: string, env: Record<string, string>, cmd: string, args: readonly string[], cwd: string): Ran => {
  const tmp = mkdtempSync(join(tmpdir(), "golden-record-"));
  try {
    const stdinFile = join(tmp, "stdin");
    writeFileSync(stdinFile, stdin);
    const envList = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const t0 = performance.now();
    const r = spawnSync("sh", ["-c", 'cat "$0" | exec env -i "$@"', stdinFile, ...envList, cmd, ...args], { env: { PATH: "/usr/bin:/bin" }, stdio: ["ignore", "pipe", "pipe"], cwd, timeout: 120_000, maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    if (r.error !== undefined) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
    return { stdout: r.stdout, stderr: r.stderr, status: statusOf(r) ?? -1, ms };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
};

const placeFiles = (root: string, w: GoldenWorkload): string[] => {
  if (existsSync(WL)) {
    if (!existsSync(join(WL, MARKER))) throw new Error(`${WL} exists and was not made by golden-record; remove it first`);
    rmSync(WL, { recursive: true, force: true });
  }
  mkdirSync(WL, { recursive: true });
  writeFileSync(join(WL, MARKER), "");
  const inRoot: string[] = [];
  for (const f of w.files ?? []) {
    const host = f.path.startsWith(`${WL}/`) ? f.path : join(root, f.path);
    if (host !== f.path) {
      if (existsSync(host)) throw new Error(`golden-record: ${host} exists in the guest root; will not overwrite it`);
      inRoot.push(host);
    }
    mkdirSync(dirname(host), { recursive: true });
    writeFileSync(host, fileBytes(f));
    chmodSync(host, f.mode ?? 0o644);
  }
  return inRoot;
};

export const recordOne = (root: string, w: GoldenWorkload, reverseEnv: boolean): { entry: GoldenEntry; qemuMs: number; problem: string | null } => {
  const env = w.env ?? GOLDEN_DEFAULT_ENV;
  const qemuArgs = ["-cpu", "pentium3", "-L", root, `${root}/lib/ld-linux.so.2`, "--library-path", LIB_PATH(root)];
  const QEMU = ["qemu-i386", ...qemuArgs].join(" ");
  const hostEnv = { PATH: "/usr/bin:/bin", LC_ALL: "C", LANG: "C", TZ: "UTC", ROOT: root, QEMU, RUN: QEMU, RUNSTATIC: "qemu-i386 -cpu pentium3" };
  const qemuEnv = envObject(reverseEnv ? [...env].reverse() : env);
  const inRoot = placeFiles(root, w);
  const out: Buffer[] = [], err: Buffer[] = [];
  let status = 0, qemuMs = 0, problem: string | null = null;
  const t0 = performance.now();
  try {
    if (w.oracle !== undefined && "host" in w.oracle) {
      const r = spawnPiped(w.stdin ?? "", hostEnv, "bash", ["-c", w.oracle.host], w.cwd ?? "/");
      out.push(r.stdout); err.push(r.stderr); status = r.status;
    } else {
      for (const s of w.setup ?? []) {
        const r = spawnPiped("", qemuEnv, "qemu-i386", [...qemuArgs, "--argv0", s[0]!, `${root}${findInRoot(root, s[0]!)}`, ...s.slice(1)], "/");
        qemuMs += r.ms;
        out.push(r.stdout); err.push(r.stderr);
        if (r.status !== 0) { problem = `setup ${s.join(" ")} failed with status ${r.status}`; break; }
      }
      if (problem === null) {
        const argv = w.oracle !== undefined && "qemu" in w.oracle ? w.oracle.qemu : [w.path, ...w.argv.slice(1)];
        const r = spawnPiped(w.stdin ?? "", qemuEnv, "qemu-i386", [...qemuArgs, "--argv0", w.argv[0]!, `${root}${argv[0]}`, ...argv.slice(1)], w.cwd ?? "/");
        qemuMs += r.ms;
        out.push(r.stdout); err.push(r.stderr); status = r.status;
        if (w.post !== undefined) {
          const p = spawnPiped("", hostEnv, "bash", ["-c", w.post], "/");
          out.push(Buffer.from(`${POST_MARKER}\n`), p.stdout); err.push(p.stderr);
        }
      }
    }
  } finally {
    rmSync(WL, { recursive: true, force: true });
    for (const f of inRoot) rmSync(f, { force: true });
  }
  const stdout = Buffer.concat(out), stderr = Buffer.concat(err);
  if (problem === null) {
    if ((status & 0x7f) !== 0) problem = `killed by signal ${status & 0x7f}`;
    else if (status >> 8 !== (w.exit ?? 0)) problem = `exit code ${status >> 8}, expected ${w.exit ?? 0}`;
    else if (/qemu|error while loading shared libraries|cannot execute|Exec format error/.test(stderr.toString("utf8"))) problem = `oracle trouble on stderr`;
  }
  if (problem !== null && stderr.length > 0) problem += `\n    stderr: ${stderr.toString("utf8").trim().split("\n").slice(0, 8).join("\n    ")}`;
  const oracle: GoldenOracle = w.oracle !== undefined && "host" in w.oracle ? "host-tools" : "qemu-i386";
  return { entry: { name: w.name, program: w.program, digest: goldenDigest(w), oracle, stdout: toBytes(stdout), stderr: toBytes(stderr), status, wallMs: Math.round(performance.now() - t0) }, qemuMs, problem };
};

const main = (): number => {
  const args = process.argv.slice(2);
  const oi = args.indexOf("--only");
  const only = oi >= 0 ? new Set(args[oi + 1]!.split(",")) : null;
  const root = ensureGuestRoot(DEFAULT_GUEST_DIR);
  const qemu = qemuVersion();
  if (qemu === null) { console.error("golden-record: qemu-i386 is missing (Debian package qemu-user)"); return 2; }
  const reverseEnv = qemuReversesEnv(root);
  const workloads = loadGolden().filter((w) => only === null || only.has(w.name));
  const t0 = performance.now();
  let qemuMs = 0;
  const entries: GoldenEntry[] = [];
  const failed: string[] = [];
  for (const w of workloads) {
    const r = recordOne(root, w, reverseEnv);
    qemuMs += r.qemuMs;
    entries.push(r.entry);
    const e = r.entry;
    console.log(`${r.problem === null ? "ok  " : "FAIL"} ${w.name.padEnd(24)} ${e.oracle.padEnd(10)} exit ${String(e.status >> 8).padStart(3)}  stdout ${e.stdout && ("text" in e.stdout ? e.stdout.text.length : e.stdout.base64.length)} B  ${e.wallMs} ms`);
    if (r.problem !== null) { console.log(`     ${r.problem}`); failed.push(w.name); }
  }
  const totalMs = performance.now() - t0;
  console.log(`${entries.length} workloads: ${entries.length - failed.length} recorded, ${failed.length} failed`);
  console.log(`oracle wall time: ${(totalMs / 1000).toFixed(1)} s in all, of which qemu-i386 runs ${(qemuMs / 1000).toFixed(1)} s`);
  if (failed.length > 0) { console.error(`golden-record: oracle runs failed (${failed.join(", ")}); nothing written`); return 2; }
  let all = entries;
  if (only !== null && existsSync(RECORDED_GOLDEN)) {
    const old = JSON.parse(readFileSync(RECORDED_GOLDEN, "utf8")) as GoldenRecording;
    const fresh = new Map(entries.map((e) => [e.name, e]));
    all = loadGolden().map((w) => fresh.get(w.name) ?? old.entries.find((e) => e.name === w.name)).filter((e): e is GoldenEntry => e !== undefined);
  }
  const rec: GoldenRecording = {
    format: 1, recorded: new Date().toISOString().slice(0, 10), qemu, host: `${process.platform} ${process.arch} (${hostname() === "" ? "?" : "host"})`,
    qemuWallMs: Math.round(all.reduce((a, e) => a + (e.oracle === "qemu-i386" ? e.wallMs : 0), 0)), totalWallMs: Math.round(all.reduce((a, e) => a + e.wallMs, 0)), entries: all,
  };
  writeFileSync(RECORDED_GOLDEN, JSON.stringify(rec, null, 1) + "\n");
  console.log(`wrote ${RECORDED_GOLDEN}`);
  return 0;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
