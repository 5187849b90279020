// `npm run bench:nesting`: the Fluke paper's nesting figures for our system. The benchmark programs of
// programs.ts (memtest, appel2, readtest, matconn, cc1) are run (a) natively when the host can execute
// i386 code, under qemu-i386 on the same guest root, and on the Fluke stack at depth 0 (the absolute
// table); (b) with 1 to 4 null nesters between the program and the process manager (full interposition:
// every protocol and every exception passes each layer), as slowdowns against depth 0; (c) in realistic
// configurations: the tracer (events counted, not stored), the checkpointer (one checkpoint taken at
// half of depth 0's virtual time, the run going on), the debugger with gdb attached but idle
// (idle-gdb.ts), and all three, each only when its nester is in NESTER_NAMES. Wall times are medians of R runs
// (after one warm-up run of the stack per program); virtual time (instructions + kernel operations) is
// deterministic and reported from the runs themselves. Every run's output is checked against qemu-i386's.
// Writes the slowdown figure (SVG) and the figures as JSON into --out (default bench-results/).
// Above: a developer (`npm run bench:nesting -- --help`), bench-nesting.test.ts. Below: programs.ts,
// svg.ts, stack.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { NESTER_NAMES, type NesterName, type StackOptions } from "../stack.js";
import { PROGRAMS, PROGRAM_NAMES, invocation, runFluke, runNative, runQemu, setGuestRoot, type Invocation, type ProgramSpec, type SizeName } from "./programs.js";
import { idleGdb } from "./idle-gdb.js";
import { lineChart, type Series } from "./svg.js";

export const DEPTHS = [0, 1, 2, 3, 4] as const;

export const HELP = `usage: npm run bench:nesting -- [options]

Runs the nesting benchmark programs (${PROGRAM_NAMES.join(", ")}) natively (when this host can
execute i386 code), under qemu-i386 and on the Fluke stack; prints three tables (absolute times; the
slowdown of 1-4 null nesters against depth 0; the tracer / checkpointer / debugger configurations) and
writes nesting.svg (slowdown against depth) and nesting.json into the output directory.

options:
  --runs R        runs per measurement; the median wall time is reported (default 3)
  --quick         small sizes and no warm-up run (a smoke test, not a measurement)
  --only PROGRAM  run only this program (one of ${PROGRAM_NAMES.join(", ")})
  --out DIR       where to write nesting.svg and nesting.json (default bench-results)
  --help          this text

Needs gcc -m32 (gcc-multilib) and qemu-i386 (qemu-user); the guest root is fetched on first use.
Exits 1 if any run's output differs from qemu-i386's (or a run did not finish).`;

export interface Options {
  readonly runs: number;
  readonly quick: boolean;
  readonly only: string | null;
  readonly out: string;
  readonly help: boolean;
}

export const parseArgs = (args: readonly string[]): Options => {
  let runs = 3, quick = false, only: string | null = null, out = "bench-results", help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--runs") {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
    } else if (a === "--quick") quick = true;
    else if (a === "--only") {
      only = value();
      if (!(PROGRAM_NAMES as readonly string[]).includes(only)) throw new Error(`--only: no program ${only} (programs: ${PROGRAM_NAMES.join(", ")})`);
    } else if (a === "--out") out = value();
    else if (a === "--help" || a === "-h") help = true;
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  return { runs, quick, only, out, help };
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One measured configuration of the stack: median wall ms, virtual time, whether outputs matched. */
export interface Measure {
  readonly ms: number;
  readonly time: number;
  /** Virtual time was the same in every run. */
  readonly deterministic: boolean;
  readonly ok: boolean;
  /** Trace events counted (tracer configurations). */
  readonly events?: number;
  /** Checkpoint images taken per run (checkpointer configurations). */
  readonly images?: number;
  /** Stops the idle gdb answered in the last run (debugger configurations). */
  readonly stops?: number;
  readonly problem?: string;
}

/** The realistic configurations of table (c): the nesters they need, and whether they trace. */
export const CONFIGS: readonly { readonly name: string; readonly nest: readonly string[]; readonly trace: boolean }[] = [
  { name: "tracer", nest: [], trace: true },
  { name: "checkpointer", nest: ["checkpointer"], trace: false },
  { name: "debugger (idle)", nest: ["debugger"], trace: false },
  { name: "all three", nest: ["checkpointer", "debugger"], trace: true },
];
/** A configuration with the debugger has gdb attached, idle (idle-gdb.ts). */
const withGdb = (nest: readonly string[]): boolean => nest.includes("debugger");

const available = (nest: readonly string[]): string[] => nest.filter((n) => !(NESTER_NAMES as readonly string[]).includes(n));

export interface ProgramResult {
  readonly name: string;
  readonly args: readonly string[];
  readonly expected: string;
  readonly native: { readonly ms: number; readonly ok: boolean } | string;
  readonly qemu: number;
  readonly depths: readonly Measure[];
  readonly configs: Readonly<Record<string, Measure | string>>;
}

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const fmtX = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}x` : "-");
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "-");
const pad = (s: string, n: number): string => s.padStart(n);

/** One configuration of the stack to measure. */
interface Setup {
  readonly label: string;
  readonly nest: readonly NesterName[];
  readonly trace: boolean;
  /** Take one checkpoint at this virtual time and go on (the checkpointer configurations). */
  readonly checkpointAt?: number;
  /** gdb attached to the debugger nester, idle (idle-gdb.ts). */
  readonly gdb?: boolean;
}

interface Tally {
  ms: number[];
  times: number[];
  ok: boolean;
  events: number;
  images: number;
  stops: number;
  problem?: string;
}

/** One run of `s`, added to its tally; its output checked against `expected`. */
const runOnce = (inv: Invocation, s: Setup, expected: string, t: Tally): void => {
  let n = 0;
  const gdb = s.gdb === true ? idleGdb() : undefined;
  const r = runFluke(inv, {
    nest: s.nest, trace: s.trace ? { sink: () => void n++ } : undefined, debug: gdb === undefined ? undefined : { link: gdb },
    ...(s.checkpointAt === undefined ? {} : { checkpoint: { at: s.checkpointAt, then: "continue" as const, onImage: () => void t.images++, onError: (m: string) => void (t.problem ??= `checkpoint: ${m}`) } }),
  });
  if (r.status !== 0 || r.stdout !== expected) {
    t.ok = false;
    t.problem ??= r.status === null ? (r.timedOut ? "timed out" : "did not finish") : r.status !== 0 ? `wait status ${r.status}: ${r.stderr.slice(0, 200)}` : "output differs from qemu-i386's";
  }
  t.ms.push(r.ms);
  t.times.push(r.time);
  t.events = n;
  t.stops = gdb?.stops() ?? 0;
};

const summary = (s: Setup, t: Tally): Measure => ({
  ms: t.ms.length === 0 ? NaN : median(t.ms), time: t.times[0] ?? NaN, deterministic: t.times.every((x) => x === t.times[0]), ok: t.ok,
  ...(s.trace ? { events: t.events } : {}), ...(s.checkpointAt === undefined ? {} : { images: t.images / t.ms.length }),
  ...(s.gdb === true ? { stops: t.stops } : {}),
  ...(t.problem === undefined ? {} : { problem: t.problem }),
});

/** The per-layer slowdowns of one series t_0..t_4: geometric (t_d/t_0)^(1/d) - 1 and incremental (t_d - t_{d-1})/t_0. */
export const perLayer = (t: readonly number[]): { ratio: number[]; geo: number[]; inc: number[] } => ({
  ratio: t.map((x) => x / t[0]!),
  geo: t.map((x, d) => (d === 0 ? 0 : (x / t[0]!) ** (1 / d) - 1)),
  inc: t.map((x, d) => (d === 0 ? 0 : (x - t[d - 1]!) / t[0]!)),
});

const runProgram = (p: ProgramSpec, o: Options, nativeOk: boolean | string, io: Io): ProgramResult => {
  const size: SizeName = o.quick ? "quick" : "full";
  const args = p.sizes[size];
  const inv = invocation(p.name, args);
  const say = (what: string) => (s: string): void => io.err(`[bench:nesting] ${p.name}: ${what} ${s}`);
  say("qemu-i386")(`(${o.runs} runs)`);
  const q = Array.from({ length: o.runs }, () => runQemu(inv));
  const expected = q[0]!.stdout;
  if (q.some((r) => r.status !== 0 || r.stdout !== expected)) throw new Error(`${p.name}: qemu-i386 runs failed or disagree (status ${q.map((r) => r.status).join(", ")}): ${q[0]!.stderr.slice(0, 300)}`);
  let native: ProgramResult["native"];
  if (typeof nativeOk === "string") native = nativeOk;
  else {
    const first = runNative(inv);
    if (typeof first === "string") native = first;
    else {
      const rs = [first, ...Array.from({ length: o.runs - 1 }, () => runNative(inv))].filter((r): r is Exclude<typeof r, string> => typeof r !== "string");
      native = { ms: median(rs.map((r) => r.ms)), ok: rs.every((r) => r.status === 0 && r.stdout === expected) };
    }
  }
  if (!o.quick) {
    say("warm-up")("");
    runFluke(inv);
  }
  // Depth 0 first (its virtual time places the checkpoint), then every configuration once per round, so
  // the host's warming up and drifting spread evenly over all of them.
  const fresh = (): Tally => ({ ms: [], times: [], ok: true, events: 0, images: 0, stops: 0 });
  const setups: Setup[] = DEPTHS.map((d) => ({ label: `depth ${d}`, nest: Array.from({ length: d }, (): NesterName => "null"), trace: false }));
  const tallies = setups.map(fresh);
  say("depth 0")(`run 1/${o.runs}`);
  runOnce(inv, setups[0]!, expected, tallies[0]!);
  const configs: Record<string, Measure | string> = {};
  const cfgAt = new Map<string, number>();
  for (const c of CONFIGS) {
    const missing = available(c.nest);
    if (missing.length > 0) configs[c.name] = `not available yet (no ${missing.join(", ")} in NESTER_NAMES)`;
    else {
      cfgAt.set(c.name, setups.length);
      setups.push({ label: c.name, nest: c.nest as NesterName[], trace: c.trace, gdb: withGdb(c.nest), ...(c.nest.includes("checkpointer") ? { checkpointAt: Math.floor(tallies[0]!.times[0]! / 2) } : {}) });
      tallies.push(fresh());
    }
  }
  for (let i = 0; i < o.runs; i++) {
    setups.forEach((s, j) => {
      if (i === 0 && j === 0) return;
      say(s.label)(`run ${i + 1}/${o.runs}`);
      try {
        runOnce(inv, s, expected, tallies[j]!);
      } catch (e) {
        tallies[j]!.ok = false;
        tallies[j]!.problem ??= `error: ${(e as Error).message.split("\n")[0]}`;
      }
    });
  }
  const depths = DEPTHS.map((_, d) => summary(setups[d]!, tallies[d]!));
  for (const [name, j] of cfgAt) configs[name] = tallies[j]!.ms.length === 0 ? (tallies[j]!.problem ?? "error") : summary(setups[j]!, tallies[j]!);
  return { name: p.name, args, expected, native, qemu: median(q.map((r) => r.ms)), depths, configs };
};

/** Can this host execute i386 code? true, or the reason it cannot (probed with a built program). */
const probeNative = (): true | string => {
  const inv = invocation("memtest", ["1"]);
  const r = runNative(inv);
  if (typeof r === "string") return r;
  if (r.status === 0 && r.stdout.startsWith("memtest 1 MiB")) return true;
  const refused = /Syntax error|Exec format|cannot execute/i.test(r.stderr);
  return refused ? "this host cannot execute i386 code (exec format error: no IA32 emulation)" : `the native probe failed (wait status ${r.status}: ${r.stderr.trim().slice(0, 120)})`;
};

export const printTables = (results: readonly ProgramResult[], o: Options, nativeNote: string | null, io: Io): void => {
  const W = 10;
  io.out("");
  io.out(`(a) absolute: median wall ms of ${o.runs} run(s); fluke at depth 0; virtual time = instructions + kernel operations (deterministic)`);
  if (nativeNote !== null) io.out(`    native: n/a — ${nativeNote}`);
  io.out(`${"program".padEnd(10)} ${"size".padEnd(26)} ${pad("native", W)} ${pad("qemu-i386", W)} ${pad("fluke d0", W)} ${pad("d0/qemu", W)} ${pad("d0/native", W)} ${pad("virtual d0", 12)}  ok`);
  for (const r of results) {
    const d0 = r.depths[0]!;
    const nat = typeof r.native === "string" ? "n/a" : fmtMs(r.native.ms);
    const vsNat = typeof r.native === "string" ? "n/a" : fmtX(d0.ms / r.native.ms);
    io.out(`${r.name.padEnd(10)} ${r.args.map((a) => a.replace(/^.*\//, "")).join(" ").slice(-26).padEnd(26)} ${pad(nat, W)} ${pad(fmtMs(r.qemu), W)} ${pad(fmtMs(d0.ms), W)} ${pad(fmtX(d0.ms / r.qemu), W)} ${pad(vsNat, W)} ${pad(String(d0.time), 12)}  ${d0.ok ? "yes" : `NO: ${d0.problem}`}`);
  }
  for (const [kind, pick] of [["wall time", (m: Measure) => m.ms], ["virtual time", (m: Measure) => m.time]] as const) {
    io.out("");
    io.out(`(b) full interposition, ${kind}: t_d/t_0 with d null nesters; per layer = (t_d/t_0)^(1/d) - 1 (geometric mean, reported) and Δ_d = (t_d - t_{d-1})/t_0 (the cost of the d-th layer)`);
    io.out(`${"program".padEnd(10)} ${DEPTHS.slice(1).map((d) => pad(`d${d}/d0`, 8)).join(" ")}  ${DEPTHS.slice(1).map((d) => pad(`layer@d${d}`, 9)).join(" ")}  ${DEPTHS.slice(1).map((d) => pad(`Δ${d}`, 7)).join(" ")}  ok`);
    for (const r of results) {
      const s = perLayer(r.depths.map(pick));
      const ok = r.depths.every((m) => m.ok) ? (kind === "virtual time" && !r.depths.every((m) => m.deterministic) ? "yes (virtual time varied between runs)" : "yes") : "NO";
      io.out(`${r.name.padEnd(10)} ${DEPTHS.slice(1).map((d) => pad(fmtX(s.ratio[d]!), 8)).join(" ")}  ${DEPTHS.slice(1).map((d) => pad(pct(s.geo[d]!), 9)).join(" ")}  ${DEPTHS.slice(1).map((d) => pad(pct(s.inc[d]!), 7)).join(" ")}  ${ok}`);
    }
  }
  io.out("");
  io.out(`(c) realistic configurations: wall / virtual time against depth 0 (median of ${o.runs}); the tracer counts events, the checkpointer takes one checkpoint at mid-run and goes on, the debugger has gdb attached but idle (continuing, signals passed on)`);
  io.out(`${"program".padEnd(10)} ${CONFIGS.map((c) => pad(c.name, 22)).join(" ")}`);
  for (const r of results) {
    const d0 = r.depths[0]!;
    const cells = CONFIGS.map((c) => {
      const m = r.configs[c.name];
      if (typeof m === "string" || m === undefined) return pad(m?.startsWith("not available") === true ? "not available yet" : (m ?? "-").slice(0, 22), 22);
      return pad(m.ok ? `${fmtX(m.ms / d0.ms)} / ${fmtX(m.time / d0.time)}` : `NO: ${m.problem ?? ""}`.slice(0, 22), 22);
    });
    io.out(`${r.name.padEnd(10)} ${cells.join(" ")}`);
  }
  const notes = new Set<string>();
  for (const r of results) {
    for (const c of CONFIGS) {
      const m = r.configs[c.name];
      if (typeof m === "string") notes.add(`${c.name}: ${m}`);
      else {
        if (m?.events !== undefined) notes.add(`${c.name}: ${r.name} ${m.events} trace events per run`);
        if (m !== undefined && m.ok && m.problem !== undefined) notes.add(`${c.name}: ${r.name} (output right, but) ${m.problem}`);
        if (m?.stops !== undefined) notes.add(`${c.name}: ${r.name} ${m.stops} stop(s) answered by the idle gdb per run`);
        if (m?.images !== undefined) notes.add(`${c.name}: ${r.name} ${m.images} checkpoint image(s) per run, taken at half of depth 0's virtual time, the run going on`);
      }
    }
  }
  for (const n of notes) io.out(`    ${n}`);
};

/** The slowdown figure: wall-time (solid) and virtual-time (dashed) t_d/t_0 against the depth, per program. */
export const figure = (results: readonly ProgramResult[]): string => {
  const series: Series[] = [];
  results.forEach((r, i) => {
    series.push({ label: `${r.name} wall`, ys: perLayer(r.depths.map((m) => m.ms)).ratio, color: i });
    series.push({ label: `${r.name} virtual`, ys: perLayer(r.depths.map((m) => m.time)).ratio, color: i, dashed: true });
  });
  return lineChart({ title: "Slowdown of full interposition (null nesters) against nesting depth", xLabel: "nesting depth (null nesters between program and process manager)", yLabel: "time / time at depth 0", xTicks: DEPTHS.map(String), series });
};

/** The whole benchmark; returns the exit code (1: a run's output differed or a run failed). */
export const benchNesting = (args: readonly string[], io: Io): number => {
  let o: Options;
  try {
    o = parseArgs(args);
  } catch (e) {
    io.err(`bench:nesting: ${(e as Error).message}`);
    return 2;
  }
  if (o.help) {
    io.out(HELP);
    return 0;
  }
  setGuestRoot(guestRoot());
  const programs = PROGRAMS.filter((p) => o.only === null || p.name === o.only);
  io.out(`bench:nesting — the Fluke paper's nesting figures. Workloads: ${programs.map((p) => `${p.name} (${p.sizes[o.quick ? "quick" : "full"].join(" ")}: ${p.what})`).join("; ")}.`);
  io.out(`Anchors: native i386 (when the host can run it) and qemu-i386 on the same guest root; fluke = the whole stack in-process (root → memmgr → fs → [nesters] → procmgr → program).`);
  io.out(`Each figure is the median wall time of ${o.runs} run(s)${o.quick ? " (quick sizes, no warm-up: a smoke test, not a measurement)" : " after one warm-up run"}, the runs of a program taken round-robin over its configurations; ratios divide two medians; virtual time is deterministic. Outputs are checked against qemu-i386's.`);
  const native = probeNative();
  const nativeNote = native === true ? null : native;
  const results: ProgramResult[] = [];
  for (const p of programs) results.push(runProgram(p, o, native === true ? true : native, io));
  printTables(results, o, nativeNote, io);
  const dir = resolve(o.out);
  mkdirSync(dir, { recursive: true });
  const svg = join(dir, "nesting.svg"), json = join(dir, "nesting.json");
  writeFileSync(svg, figure(results));
  const figures = results.map((r) => ({
    ...r, expected: undefined,
    wall: perLayer(r.depths.map((m) => m.ms)), virtual: perLayer(r.depths.map((m) => m.time)),
  }));
  writeFileSync(json, JSON.stringify({ runs: o.runs, quick: o.quick, native: nativeNote ?? "available", depths: DEPTHS, programs: figures }, null, 1) + "\n");
  io.out("");
  io.out(`figure: ${svg}`);
  io.out(`figures as JSON: ${json}`);
  const bad = results.filter((r) => !r.depths.every((m) => m.ok) || Object.values(r.configs).some((m) => typeof m !== "string" && !m.ok));
  if (bad.length > 0) io.out(`OUTPUT MISMATCH or failed run in: ${bad.map((r) => r.name).join(", ")}`);
  return bad.length > 0 ? 1 : 0;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = benchNesting(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
}
