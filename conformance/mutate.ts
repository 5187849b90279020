// `npm run conform:mutants`: a measure of the conformance suite's strength. Every seeded bug of
// conformance/mutants.json is applied to a temporary copy of the kernel (mutant-kit.ts), and a bounded
// conform campaign (the same runner as `fluke conform`) runs against the mutated kernel. A mutant is
// killed when the campaign finds a disagreement with the model, crashed when the mutated kernel throws
// or answers garbage, survived when every call agreed. Prints a table (verdict, calls until detection,
// shrunk counterexample length, time) and the kill rate. Options: --runs N (default 300), --max-commands
// N (default 30), --seed S (default 20261130), --only ID[,ID...]. Exit status 0 unless a mutant does not
// apply. Below: mutant-kit.ts, conform-campaign.ts.
import { argv, stdout } from "node:process";
import { checkMutant, loadMutants, runMutant, type MutantOutcome } from "./mutant-kit.js";

const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
};

const main = async (): Promise<number> => {
  const runs = Number(opt("--runs", "300"));
  const maxCommands = Number(opt("--max-commands", "30"));
  const seed = Number(opt("--seed", "20261130"));
  const only = opt("--only", "");
  let mutants = loadMutants();
  if (only !== "") mutants = mutants.filter((m) => only.split(",").includes(m.id));
  const bad = mutants.map((m) => checkMutant(m)).filter((x): x is string => x !== null);
  if (bad.length > 0) {
    stdout.write(`mutants that do not apply to the current source:\n  ${bad.join("\n  ")}\n`);
    return 1;
  }
  stdout.write(`conform:mutants: ${mutants.length} mutants, each ${runs} runs of up to ${maxCommands} random calls, seed ${seed}\n\n`);
  const w = Math.max(...mutants.map((m) => m.id.length), 2);
  stdout.write(`${"id".padEnd(w)}  ${"verdict".padEnd(8)}  ${"calls".padStart(7)}  ${"shrunk".padStart(6)}  ${"ms".padStart(6)}  file\n`);
  const out: MutantOutcome[] = [];
  const t0 = performance.now();
  for (const m of mutants) {
    const r = await runMutant(m, { runs, maxCommands, seed });
    out.push(r);
    stdout.write(`${m.id.padEnd(w)}  ${r.verdict.padEnd(8)}  ${String(r.calls).padStart(7)}  ${(r.shrunk === null ? "-" : String(r.shrunk)).padStart(6)}  ${r.ms.toFixed(0).padStart(6)}  ${m.file}\n`);
  }
  const killed = out.filter((r) => r.verdict !== "survived").length;
  const crashed = out.filter((r) => r.verdict === "crashed").length;
  const secs = (performance.now() - t0) / 1000;
  stdout.write(`\nkill rate: ${killed}/${out.length} (${((100 * killed) / Math.max(1, out.length)).toFixed(1)}%), of which ${crashed} by a crash, in ${secs.toFixed(1)} s\n`);
  const survivors = out.filter((r) => r.verdict === "survived").map((r) => r.id);
  if (survivors.length > 0) stdout.write(`survivors: ${survivors.join(", ")}\n`);
  return 0;
};

process.exitCode = await main();
