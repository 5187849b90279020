// `npm run golden:diff [-- --only NAME,...] [--max-time T] [--wall S]`: run every golden workload
// (golden/workloads.json) on our stack, one after another, and compare stdout, stderr and the exit
// status (stdout includes the files a workload created, printed by its `post` snippet) with the oracle's
// recording in golden/recorded.json (`npm run golden:record`). Prints one line per workload (pass, FAIL
// with what differs and the first differing line, or did-not-run with the reason; a failure, timeout
// or crash comes with the tail of the nesters' log and of its trace), then `N of 94 programs pass` (a program passes when
// all its workloads pass) and the wall time of our run next to the oracle's. Exit status 1 if any
// workload does not pass. `--traces`: each workload runs with the tracer nester and its normalised trace
// must also equal the stored one in golden/traces/ (golden/traces.ts; `npm run golden:update` records
// them): the guest root's versions are checked against golden/traces/VERSIONS.json first (a mismatch
// fails at once with a plain message), and a workload whose trace is missing or stale fails.
// Above: a developer, CI by hand. Below: impl/nesters/stack.ts runStack, golden/traces.ts.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runStack } from "../impl/nesters/stack.js";
import type { TraceEvent } from "../impl/nesters/tracer/formats.js";
import { DEFAULT_GUEST_DIR, ensureGuestRoot } from "./guest-root.js";
import { fromBytes } from "./record-outputs.js";
import type { GoldenEntry, GoldenRecording } from "./golden-record.js";
import { compareTrace, currentVersions, loadIndex, loadStoredTrace, loadVersions, TraceCollector, versionMismatch } from "../golden/traces.js";
import { fileBytes, GOLDEN_DEFAULT_ENV, goldenDigest, loadGolden, normalise, ourCommand, PROGRAM_COUNT, RECORDED_GOLDEN, type GoldenWorkload } from "../golden/workloads.js";

/** Virtual-time limit of one workload (10 ns units: 1e11 = 1000 virtual seconds). */
export const DEFAULT_MAX_TIME = 1e11;

export interface GoldenOutcome {
  readonly name: string;
  readonly program: string;
  readonly result: "pass" | "FAIL" | "did-not-run";
  readonly detail: string;
  readonly logTail: readonly string[];
  readonly wallMs: number;
  readonly virtualTime: number;
}

export interface RunOutput { stdout: Buffer; stderr: Buffer; status: number | null; timedOut: boolean; time: number; log: string[]; error: string | null; wallMs: number }

/** Run one workload on our stack. */
export const runGolden = (root: string, w: GoldenWorkload, maxTime = DEFAULT_MAX_TIME, wallLimitMs = 300_000, trace = false, traceSink?: (e: TraceEvent) => void): RunOutput => {
  const out: Buffer[] = [], err: Buffer[] = [], log: string[] = [];
  let stdin = Buffer.from(w.stdin ?? "", "utf8");
  const cmd = ourCommand(w);
  const t0 = performance.now();
  try {
    const r = runStack({
      root, path: cmd.path, argv: cmd.argv, envp: w.env ?? GOLDEN_DEFAULT_ENV, cwd: w.cwd ?? "/",
      console: {
        write: (fd, b) => void (fd === 1 ? out : err).push(Buffer.from(b)),
        read: (n) => { const c = stdin.subarray(0, n); stdin = stdin.subarray(c.length); return new Uint8Array(c); },
        terminal: () => null,
      },
      // The recorder's marker file is in the oracle's /tmp/wl too (it shows in `ls -A /tmp/wl`).
      files: [{ path: "/tmp/wl/.golden-record", text: "" }, ...(w.files ?? [])].map((f) => ({ path: f.path, bytes: fileBytes(f), ...(f.mode === undefined ? {} : { mode: f.mode }) })),
      maxTime, log: (l) => void log.push(l), traceSyscalls: trace, ...(traceSink === undefined ? {} : { trace: { sink: traceSink } }),
      shouldStop: () => performance.now() - t0 > wallLimitMs,
    });
    return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), status: r.status, timedOut: r.timedOut, time: r.time, log, error: null, wallMs: performance.now() - t0 };
  } catch (e) {
    return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), status: null, timedOut: false, time: 0, log, error: (e as Error).stack ?? String(e), wallMs: performance.now() - t0 };
  }
};

const firstDiff = (a: string, b: string): string => {
  const x = a.split("\n"), y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: ours ${JSON.stringify(x[i] ?? "<end>").slice(0, 120)} vs expected ${JSON.stringify(y[i] ?? "<end>").slice(0, 120)}`;
  }
  return "same lines";
};

/** Compare one run with its recording: null when they agree. */
export const compareGolden = (w: GoldenWorkload, rec: GoldenEntry, o: RunOutput): string | null => {
  const diffs: string[] = [];
  if (o.status !== rec.status) diffs.push(`status ${o.status} vs expected ${rec.status}`);
  const ours = normalise(w, o.stdout.toString("latin1")), exp = normalise(w, fromBytes(rec.stdout).toString("latin1"));
  if (ours !== exp) diffs.push(`stdout (${firstDiff(ours, exp)})`);
  const oe = o.stderr.toString("latin1"), ee = fromBytes(rec.stderr).toString("latin1");
  if (oe !== ee) diffs.push(`stderr (${firstDiff(oe, ee)})`);
  return diffs.length === 0 ? null : diffs.join("; ");
};

export const loadGoldenRecording = (): GoldenRecording | null => (existsSync(RECORDED_GOLDEN) ? (JSON.parse(readFileSync(RECORDED_GOLDEN, "utf8")) as GoldenRecording) : null);

/** Null when the workload's trace equals the stored one; else why not (missing, stale, or the first difference). */
export const traceProblem = (w: GoldenWorkload, c: TraceCollector, index: ReturnType<typeof loadIndex>): string | null => {
  const ie = index[w.name];
  if (ie === undefined) return "trace: none recorded (npm run golden:update)";
  if (ie.digest !== goldenDigest(w)) return "trace: stale (the workload changed since it was recorded): npm run golden:update";
  const stored = loadStoredTrace(w.name, ie);
  if (stored === null) return `trace: golden/traces has no file for it (INDEX.json lists a ${ie.form} trace)`;
  const d = compareTrace(c, stored);
  return d === null ? null : `trace: ${d}`;
};

const main = (): number => {
  const args = process.argv.slice(2);
  const opt = (k: string): string | undefined => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  const only = opt("--only")?.split(",");
  const maxTime = Number(opt("--max-time") ?? DEFAULT_MAX_TIME);
  const traces = args.includes("--traces");
  const wall = Number(opt("--wall") ?? (traces ? 1800 : 300)) * 1000;
  const root = ensureGuestRoot(DEFAULT_GUEST_DIR);
  const rec = loadGoldenRecording();
  if (rec === null) { console.error("golden-diff: no golden/recorded.json: run npm run golden:record"); return 2; }
  const index = traces ? loadIndex() : {};
  if (traces) {
    const why = versionMismatch(loadVersions(), currentVersions());
    if (why !== null) { console.error(`golden-diff --traces: ${why}`); return 1; }
  }
  const all = loadGolden();
  const workloads = all.filter((w) => only === undefined || only.includes(w.name) || only.includes(w.program));
  const outcomes: GoldenOutcome[] = [];
  const t0 = performance.now();
  for (const w of workloads) {
    const e = rec.entries.find((x) => x.name === w.name);
    let o: GoldenOutcome;
    if (e === undefined || e.digest !== goldenDigest(w)) {
      o = { name: w.name, program: w.program, result: "did-not-run", detail: e === undefined ? "no recording (npm run golden:record)" : "recording is stale (workload changed): npm run golden:record", logTail: [], wallMs: 0, virtualTime: 0 };
    } else {
      // Always traced: a workload that fails, hangs or crashes is reported with its trace tail.
      const c = new TraceCollector();
      const r = runGolden(root, w, maxTime, wall, false, c.sink);
      const tail = [...r.log.slice(-6), ...c.tail().slice(-8).map((l) => `trace: ${l}`)];
      if (r.error !== null) o = { name: w.name, program: w.program, result: "FAIL", detail: `crashed: ${r.error.split("\n").slice(0, 3).join(" | ")}`, logTail: tail, wallMs: r.wallMs, virtualTime: r.time };
      else if (r.timedOut) o = { name: w.name, program: w.program, result: "FAIL", detail: `did not finish (virtual time ${r.time.toExponential(2)} of ${maxTime.toExponential(0)}, ${(r.wallMs / 1000).toFixed(0)} s wall)`, logTail: tail, wallMs: r.wallMs, virtualTime: r.time };
      else if (r.status === null) o = { name: w.name, program: w.program, result: "FAIL", detail: "the system stalled before the program ended", logTail: tail, wallMs: r.wallMs, virtualTime: r.time };
      else {
        let why = compareGolden(w, e, r);
        if (why === null && traces) why = traceProblem(w, c, index);
        o = { name: w.name, program: w.program, result: why === null ? "pass" : "FAIL", detail: why ?? "", logTail: why === null ? [] : tail, wallMs: r.wallMs, virtualTime: r.time };
      }
    }
    outcomes.push(o);
    console.log(`${o.result.padEnd(11)} ${w.name.padEnd(24)} ${(o.wallMs / 1000).toFixed(1).padStart(6)} s  ${o.detail}`);
    for (const l of o.logTail) console.log(`            | ${l.slice(0, 200)}`);
  }
  const ms = performance.now() - t0;
  const programs = [...new Set(workloads.map((w) => w.program))];
  const passing = programs.filter((p) => outcomes.filter((o) => o.program === p).every((o) => o.result === "pass"));
  const failing = programs.filter((p) => !passing.includes(p));
  if (failing.length > 0) console.log(`failing programs: ${failing.join(", ")}`);
  const ran = new Set(workloads.map((w) => w.name));
  const recMs = rec.entries.filter((e) => ran.has(e.name)).reduce((a, e) => a + e.wallMs, 0);
  const recQemu = rec.entries.filter((e) => ran.has(e.name) && e.oracle === "qemu-i386").reduce((a, e) => a + e.wallMs, 0);
  console.log(`wall time: ours ${(ms / 1000).toFixed(1)} s for ${workloads.length} workloads; oracle (golden:record) ${(recMs / 1000).toFixed(1)} s, of which qemu-i386 workloads ${(recQemu / 1000).toFixed(1)} s`);
  console.log(`${passing.length} of ${only === undefined ? PROGRAM_COUNT : programs.length} programs pass`);
  return outcomes.every((o) => o.result === "pass") ? 0 : 1;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
