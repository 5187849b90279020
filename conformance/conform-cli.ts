// `fluke conform`: the conformance suite's command. Parses the options, opens the adapter (built-in
// model or impl, or a command speaking conformance/PROTOCOL.md), runs a campaign or replays a file,
// prints a progress line on stderr and the verdict on stdout, and returns the exit status (0: every
// call agreed; 1: a disagreement or a fault; 2: bad usage). Above: cli/main.ts. Below: conform-campaign.ts.
import { resolve } from "node:path";
import { stderr, stdout } from "node:process";
import { openAdapter } from "./adapters/in-process.js";
import { formatCoverage, writeCoverageJson, CoverageRecorder } from "./conform-coverage.js";
import { CHUNK, describeFailure, randomCalls, readReplay, replayFile, runCampaign, writeReplay, type Progress } from "./conform-campaign.js";

export const CONFORM_HELP = `fluke conform: check an implementation of the kernel API against the abstract model

Usage:
  fluke conform [--adapter model|impl|"<command>"] [--runs N] [--max-commands N] [--seed S]
                [--pages N] [--timeout MS] [--out FILE] [--coverage] [--coverage-json FILE]
  fluke conform --replay FILE [--adapter ...] [--timeout MS]

Random call sequences (drawn from the spec's registry schemas by model/prop-gen.ts, after a fixed setup
made through ordinary calls) are sent to the model and to the adapter; every call's outcome and
completions must agree (conformance/PROTOCOL.md says exactly what is compared). The first disagreement is
shrunk and written as a replay file; an adapter fault (crash, garbage, timeout, wrong id, error answer)
stops at once and is written unshrunk.

Options:
  --adapter A        model, impl (the built-in kernel, default), or a shell command that speaks the
                     protocol on stdin/stdout (e.g. "npx tsx conformance/examples/model-adapter.ts")
  --runs N           random sequences to run (default 100)
  --max-commands N   most random calls per sequence (default 30)
  --seed S           fast-check seed (default: FLUKE_SEED, else the clock); printed either way
  --pages N          physical memory of each fresh system, in pages (default 64)
  --timeout MS       longest wait for one answer of a command adapter (default 10000)
  --out FILE         where to write a failing sequence (default ./fluke-conform-failure-<seed>.json)
  --replay FILE      run a written sequence again (on its adapter, or on --adapter)
  --coverage         after the campaign, print which kernel calls, listed return and insanity codes,
                     blocked / fault outcomes and completions the run reached (table and summary line)
  --coverage-json F  write that coverage report as JSON to file F
  --help             this text

Progress (seed of the current chunk of ${CHUNK} runs, runs done, calls checked) goes to stderr.
Exit status: 0 if every call agreed, 1 on a disagreement or a fault, 2 on bad usage.
`;

interface Opts { adapter?: string; runs: number; maxCommands: number; seed: number; pages: number; timeout: number; out?: string; replay?: string; coverage: boolean; coverageJson?: string }

const VALUED = new Set(["--adapter", "--runs", "--max-commands", "--seed", "--pages", "--timeout", "--out", "--replay", "--coverage-json"]);

const parse = (args: readonly string[]): Opts | string => {
  const env = process.env["FLUKE_SEED"];
  const o: Opts = { runs: 100, maxCommands: 30, seed: env !== undefined && env !== "" ? Number(env) : Date.now() % 0x7fff_ffff, pages: 64, timeout: 10_000, coverage: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--coverage") { o.coverage = true; continue; }
    if (!VALUED.has(a)) return `unknown option '${a}'`;
    const v = args[++i];
    if (v === undefined) return `${a} needs a value`;
    const n = Number(v);
    const int = (min: number): number | string => (Number.isInteger(n) && n >= min ? n : `${a} needs an integer >= ${min}, not '${v}'`);
    const set = <K extends keyof Opts>(k: K, x: number | string): string | null => (typeof x === "string" ? x : ((o[k] as number) = x, null));
    const err =
      a === "--adapter" ? ((o.adapter = v), null) : a === "--out" ? ((o.out = v), null) : a === "--replay" ? ((o.replay = v), null)
      : a === "--coverage-json" ? ((o.coverageJson = v), null)
      : a === "--runs" ? set("runs", int(1)) : a === "--max-commands" ? set("maxCommands", int(1)) : a === "--seed" ? set("seed", int(0))
      : a === "--pages" ? set("pages", int(1)) : set("timeout", int(1));
    if (err !== null) return err;
  }
  if (!Number.isInteger(o.seed) || o.seed < 0) return `FLUKE_SEED must be a non-negative integer, not '${env}'`;
  return o;
};

/** A progress reporter writing at most one line a second to stderr (overwritten in place on a terminal). */
const progressLine = (): { tell: (p: Progress) => void; end: () => void } => {
  let lastAt = 0;
  let shown = false;
  const tty = stderr.isTTY === true;
  return {
    tell: (p) => {
      const now = Date.now();
      if (now - lastAt < 1000 && p.runsDone !== p.runs) return;
      lastAt = now;
      shown = true;
      stderr.write(`${tty ? "\r" : ""}conform: seed ${p.seed}, ${p.runsDone}/${p.runs} runs, ${p.calls} calls checked${tty ? "" : "\n"}`);
    },
    end: () => { if (shown && tty) stderr.write("\n"); shown = false; },
  };
};

const replay = async (o: Opts, file: string): Promise<number> => {
  const r = readReplay(file);
  const spec = o.adapter ?? r.adapter;
  const adapter = openAdapter(spec, { timeoutMs: o.timeout });
  try {
    const res = await replayFile(adapter, r);
    stdout.write(`conform --replay ${file}: adapter ${spec}, ${r.calls.length} calls (${randomCalls(r.calls)} random)\n`);
    if (r.failure !== null) stdout.write(`recorded failure: ${r.failure.summary.split("\n")[0]}\n`);
    if (res.failure === null) {
      stdout.write(`every call agreed: the recorded failure does not reproduce\n`);
      return 0;
    }
    stdout.write(`reproduced: ${describeFailure(res.failure, res.steps)}\n`);
    return 1;
  } finally {
    await adapter.close();
  }
};

export const conformMain = async (args: readonly string[]): Promise<number> => {
  if (args.includes("--help") || args.includes("-h")) {
    stdout.write(CONFORM_HELP);
    return 0;
  }
  const o = parse(args);
  if (typeof o === "string") {
    stderr.write(`fluke conform: ${o}. Try 'fluke conform --help'.\n`);
    return 2;
  }
  if (o.replay !== undefined) return replay(o, o.replay);
  const spec = o.adapter ?? "impl";
  stdout.write(`conform: adapter ${spec}, seed ${o.seed} (replay with --seed ${o.seed} or FLUKE_SEED=${o.seed}), ${o.runs} runs of up to ${o.maxCommands} random calls\n`);
  const cov = o.coverage || o.coverageJson !== undefined ? new CoverageRecorder() : null;
  const opened = openAdapter(spec, { timeoutMs: o.timeout });
  const adapter = cov === null ? opened : cov.wrap(opened);
  const progress = progressLine();
  const coverage = (): void => {
    if (cov === null) return;
    const r = cov.report();
    if (o.coverage) stdout.write(`conform: spec coverage of this run (every answer, setup and revivals included${res?.failed ? ", shrinking too" : ""}):\n${formatCoverage(r)}`);
    if (o.coverageJson !== undefined) { writeCoverageJson(resolve(o.coverageJson), r); stdout.write(`conform: coverage written to ${resolve(o.coverageJson)}\n`); }
  };
  let res: Awaited<ReturnType<typeof runCampaign>> | undefined;
  const t0 = performance.now();
  try {
    res = await runCampaign(adapter, { runs: o.runs, maxCommands: o.maxCommands, seed: o.seed, pages: o.pages, onProgress: progress.tell });
    progress.end();
    const secs = (performance.now() - t0) / 1000;
    if (res.failed === null) {
      stdout.write(`conform: all agree: ${res.runsDone} runs, ${res.calls} calls checked in ${secs.toFixed(1)} s (${Math.round(res.calls / secs)} calls/s)\n`);
      coverage();
      return 0;
    }
    const f = res.failed;
    const out = resolve(o.out ?? `fluke-conform-failure-${f.seed}.json`);
    writeReplay(out, spec, f.run, f.seed, o.pages);
    const shrunk = f.run.failure.kind === "disagreement" ? `shrunk (${f.shrinks} shrinks) to` : "unshrunk:";
    stdout.write(`conform: FAILED after ${res.runsDone} runs, ${res.calls} calls checked (chunk seed ${f.seed})\n`
      + `${describeFailure(f.run.failure, f.run.steps)}\n`
      + `counterexample ${shrunk} ${randomCalls(f.run.steps)} random calls, ${f.run.steps.length} calls with setup and revivals\n`
      + `written to ${out}\nreplay with: npx fluke conform --replay ${out}\n`);
    coverage();
    return 1;
  } finally {
    progress.end();
    await adapter.close();
  }
};
