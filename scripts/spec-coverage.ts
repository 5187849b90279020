// `npm run spec:coverage`: how much of the spec the model covers. Reports the calls in the spec (by
// chapter and provenance), the calls with a model handler, and which return codes and insanity codes the
// model's tests reach. It runs the vitest suite of model/ with FLUKE_RECORD_OUTCOMES set, so that
// model/testkit.ts's Driver (and the property tests) record every distinct outcome, then aggregates.
// Options: --from FILE aggregates an existing recording instead of running the tests; --strict exits 1
// if any call, return code or insanity listed by a row is unreached. Below: spec/, model/handlers.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INSANITIES, RETURN_CODES, type CallDef } from "../spec/kernel-api/common.js";
import { ALL_CALLS, KERNEL_CALLS } from "../spec/kernel-api/registry.js";
import { HANDLERS } from "../model/handlers.js";
import type { OutcomeRecord } from "../model/outcome-log.js";

/** Run the model's tests with recording on; returns the recorded lines. */
const record = (): OutcomeRecord[] => {
  const dir = mkdtempSync(join(tmpdir(), "fluke-cov-"));
  const file = join(dir, "outcomes.jsonl");
  writeFileSync(file, "");
  const vitest = join("node_modules", "vitest", "vitest.mjs");
  const r = spawnSync(process.execPath, [vitest, "run", "model", "--reporter=dot"], {
    stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, FLUKE_RECORD_OUTCOMES: file },
  });
  if (r.status !== 0) console.error("note: some model tests failed; coverage counts what they reached");
  const out = parse(readFileSync(file, "utf8"));
  rmSync(dir, { recursive: true, force: true });
  return out;
};

const parse = (text: string): OutcomeRecord[] =>
  text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as OutcomeRecord);

interface Reached { calls: Set<string>; rc: Map<string, Set<string>>; ins: Map<string, Set<string>> }

const aggregate = (recs: readonly OutcomeRecord[]): Reached => {
  const r: Reached = { calls: new Set(), rc: new Map(), ins: new Map() };
  const add = (m: Map<string, Set<string>>, k: string, v: string): void => {
    m.set(k, (m.get(k) ?? new Set()).add(v));
  };
  for (const x of recs) {
    if (x.kind === "not_runnable") continue;
    r.calls.add(x.call);
    if (x.rc !== undefined) add(r.rc, x.call, x.rc);
    if (x.code !== undefined) add(r.ins, x.call, x.code);
  }
  return r;
};

const countBy = (calls: readonly CallDef[], key: (c: CallDef) => string): string =>
  [...calls.reduce((m, c) => m.set(key(c), (m.get(key(c)) ?? 0) + 1), new Map<string, number>())]
    .map(([k, n]) => `${k} ${n}`).join(", ");

/** Lines "call: missing codes" for rows whose listed codes were not all reached. */
const gaps = (r: Reached): string[] => {
  const out: string[] = [];
  for (const c of ALL_CALLS) {
    const miss = [
      ...c.returns.filter((rc) => !(r.rc.get(c.name)?.has(rc) ?? false)),
      ...c.insanities.filter((code) => !(r.ins.get(c.name)?.has(code) ?? false)).map((x) => `INSANITY_${x}`),
    ];
    if (!r.calls.has(c.name)) out.push(`  ${c.name}: never reached`);
    else if (miss.length > 0) out.push(`  ${c.name}: ${miss.join(", ")}`);
  }
  return out;
};

const main = (): void => {
  const from = process.argv.indexOf("--from");
  const recs = from > 0 ? parse(readFileSync(process.argv[from + 1] ?? "", "utf8")) : record();
  const r = aggregate(recs);
  const handled = ALL_CALLS.filter((c) => HANDLERS[c.name] !== undefined);
  const rcAll = new Set([...r.rc.values()].flatMap((s) => [...s]));
  const insAll = new Set([...r.ins.values()].flatMap((s) => [...s]));
  const rowPairs = ALL_CALLS.reduce((n, c) => n + c.returns.length + c.insanities.length, 0);
  const rowHit = ALL_CALLS.reduce((n, c) => n + c.returns.filter((x) => r.rc.get(c.name)?.has(x)).length
    + c.insanities.filter((x) => r.ins.get(c.name)?.has(x)).length, 0);
  const lines = [
    `calls in the spec: ${KERNEL_CALLS.length} kernel calls + ${ALL_CALLS.length - KERNEL_CALLS.length} harness actions`,
    `  by chapter: ${countBy(ALL_CALLS, (c) => c.chapter)}`,
    `  by provenance: ${countBy(ALL_CALLS, (c) => c.provenance)}`,
    `calls with a model handler: ${handled.length} of ${ALL_CALLS.length}`,
    `calls reached by the model's tests: ${ALL_CALLS.filter((c) => r.calls.has(c.name)).length} of ${ALL_CALLS.length}`,
    `return codes reached: ${rcAll.size} of ${RETURN_CODES.length}; unreached: ${RETURN_CODES.filter((x) => !rcAll.has(x)).join(", ") || "none"}`,
    `insanity codes reached: ${insAll.size} of ${INSANITIES.length}; unreached: ${INSANITIES.filter((x) => !insAll.has(x)).join(", ") || "none"}`,
    `(call, listed code) pairs reached: ${rowHit} of ${rowPairs}`,
  ];
  const g = gaps(r);
  console.log([...lines, ...(g.length > 0 ? ["listed but not reached:", ...g] : [])].join("\n"));
  if (process.argv.includes("--strict") && g.length > 0) process.exit(1);
};

main();
