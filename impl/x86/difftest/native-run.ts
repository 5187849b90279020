// `npm run test:x86-native [-- --per-row N --seed S --record --group G]`: the live differential
// campaign. Generates cases from the instruction table, runs them on the oracle (oracle.ts) and
// on the TypeScript CPU (emulate.ts), compares (compare.ts) and prints per-group counts of cases
// and mismatches with the first mismatches in full. With --record it writes the committed test
// vectors impl/x86/vectors/<group>.json.gz replayed by impl/x86/vectors/vectors.test.ts.
// Above: the developer. Below: generator.ts, oracle.ts, emulate.ts, compare.ts, vectors.ts.
import { Cpu } from "../cpu.js";
import { compareOutcome, inconclusive } from "./compare.js";
import { emulate } from "./emulate.js";
import { generate } from "./generator.js";
import { batches, openOracle } from "./oracle.js";
import { writeVectors } from "./vectors.js";
import type { Case, Outcome } from "./protocol.js";

function arg(name: string, dflt: string): string {
  const k = process.argv.indexOf(name);
  return k >= 0 && k + 1 < process.argv.length ? process.argv[k + 1] : dflt;
}

const perRow = Number(arg("--per-row", "24"));
const seed = Number(process.env.FLUKE_SEED ?? arg("--seed", "20261130"));
const onlyGroup = arg("--group", "");
const record = process.argv.includes("--record");
const showMax = Number(arg("--show", "25"));

const oracle = openOracle();
console.log(`oracle: ${oracle.name}`);
console.log(`seed ${seed}, ${perRow} cases per table row${onlyGroup ? `, group ${onlyGroup}` : ""}`);
const cases = generate(seed, perRow).filter((c) => !onlyGroup || c.group === onlyGroup);
const BATCH = 2000;
const expected: (Outcome | null)[] = [];
// one oracle process per batch, and a batch never spans two groups (see batches in oracle.ts)
for (const batch of batches(cases, BATCH)) {
  expected.push(...oracle.run(batch));
  process.stdout.write(`\roracle ${expected.length}/${cases.length}`);
}
console.log("");
const cpu = new Cpu();
const stats = new Map<string, { cases: number; mismatches: number }>();
let shown = 0, total = 0;
const keep: [Case, Outcome][] = [];
let oracleCrashes = 0, unjudged = 0;
cases.forEach((c, k) => {
  const want = expected[k];
  if (want === null) { oracleCrashes++; return; }
  const got = emulate(c, cpu), diff = compareOutcome(c, want, got);
  if (inconclusive(want, got)) unjudged++;
  const s = stats.get(c.group) ?? { cases: 0, mismatches: 0 };
  s.cases++;
  if (diff.length > 0) {
    s.mismatches++; total++;
    if (shown++ < showMax) console.log(`MISMATCH ${c.group} ${c.name} code ${Buffer.from(c.code).toString("hex")}: ${diff.join("; ")}`);
  }
  stats.set(c.group, s);
  keep.push([c, want]);
});
console.log("group        cases  mismatches");
for (const [g, s] of [...stats].sort()) console.log(`${g.padEnd(12)} ${String(s.cases).padStart(6)}  ${s.mismatches}`);
console.log(`total        ${String(cases.length - oracleCrashes).padStart(6)}  ${total}`);
if (oracleCrashes > 0) console.log(`${oracleCrashes} cases skipped: the oracle crashed or hung on them`);
if (unjudged > 0) console.log(`${unjudged} cases inconclusive (both timed out, or a fault outside the test pages where the oracle has other memory)`);
if (record) {
  const files = writeVectors(keep, oracle.name, seed, perRow);
  console.log(`recorded ${files.join(", ")}`);
}
process.exitCode = total === 0 ? 0 : 1;
