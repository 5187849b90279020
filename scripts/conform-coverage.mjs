#!/usr/bin/env node
// `npm run conform:coverage`: line and branch coverage of model/ and impl/kernel/ reached by the
// conformance suite alone. Runs a bounded `fluke conform` campaign on the built-in kernel under c8 (tsx
// as the loader, so the TypeScript sources are measured), writes text-summary and HTML reports to
// coverage/conform/, prints line and branch figures per folder from c8's json-summary, and exits 1 when
// impl/kernel/ lines fall under IMPL_KERNEL_MIN_LINES (or the campaign fails). Env: CONFORM_COVERAGE_RUNS
// (default 3000), CONFORM_COVERAGE_MIN_LINES (default 90), FLUKE_SEED (fixed by default: reproducible).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const IMPL_KERNEL_MIN_LINES = Number(process.env.CONFORM_COVERAGE_MIN_LINES || 90);
const root = resolve(import.meta.dirname, "..");
const dir = join(root, "coverage", "conform");
const runs = process.env.CONFORM_COVERAGE_RUNS || "3000";
const seed = process.env.FLUKE_SEED || "20261130";

rmSync(dir, { recursive: true, force: true });
const c8 = join(root, "node_modules", "c8", "bin", "c8.js");
const r = spawnSync(process.execPath, [
  c8, "--reporter=text-summary", "--reporter=html", "--reporter=json-summary", "--reports-dir", dir,
  "--include", "model/**", "--include", "impl/kernel/**",
  "--exclude", "**/*.test.ts", "--exclude", "**/*testkit*", "--exclude", "**/*scenario*", "--exclude", "**/bench/**",
  process.execPath, "bin/fluke.mjs", "conform", "--adapter", "impl", "--runs", runs, "--max-commands", "50", "--seed", seed,
], { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  console.error(`conform:coverage: the campaign failed (status ${r.status})`);
  process.exit(1);
}

const summary = JSON.parse(readFileSync(join(dir, "coverage-summary.json"), "utf8"));
const folders = { "model/": [0, 0, 0, 0], "impl/kernel/": [0, 0, 0, 0] };
for (const [file, s] of Object.entries(summary)) {
  if (file === "total") continue;
  const rel = relative(root, file).split("\\").join("/");
  for (const [f, acc] of Object.entries(folders)) {
    if (!rel.startsWith(f)) continue;
    acc[0] += s.lines.covered; acc[1] += s.lines.total; acc[2] += s.branches.covered; acc[3] += s.branches.total;
  }
}
const pct = (a, b) => (b === 0 ? 100 : (100 * a) / b);
let ok = true;
for (const [f, [lc, lt, bc, bt]] of Object.entries(folders)) {
  console.log(`conform:coverage: ${f.padEnd(12)} lines ${pct(lc, lt).toFixed(2)}% (${lc}/${lt}), branches ${pct(bc, bt).toFixed(2)}% (${bc}/${bt})`);
  if (f === "impl/kernel/" && (lt === 0 || pct(lc, lt) < IMPL_KERNEL_MIN_LINES)) ok = false;
}
console.log(`conform:coverage: HTML report in ${relative(root, dir)}/index.html`);
if (!ok) {
  console.error(`conform:coverage: impl/kernel/ line coverage is under ${IMPL_KERNEL_MIN_LINES}%`);
  process.exit(1);
}
