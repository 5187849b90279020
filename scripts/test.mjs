#!/usr/bin/env node
// `npm test`: typecheck, then the whole vitest suite, then one plain summary line
// "N passed, N failed" so that a run which executed nothing is visible to CI.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const tc = spawnSync(npx, ["tsc", "--noEmit", "-p", "tsconfig.json"], { stdio: "inherit" });
const typecheckOk = tc.status === 0;
if (!typecheckOk) console.error("typecheck failed");

const dir = mkdtempSync(join(tmpdir(), "fluke-test-"));
const out = join(dir, "vitest.json");
const vt = spawnSync(npx, ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...process.argv.slice(2)], { stdio: "inherit" });
let passed = 0, failed = 0, skipped = 0;
try {
  const r = JSON.parse(readFileSync(out, "utf8"));
  passed = r.numPassedTests; failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
  for (const f of r.testResults ?? []) if (f.status === "failed" && (f.assertionResults ?? []).length === 0) failed++;
} catch {
  failed++;
  console.error("vitest produced no report");
}
rmSync(dir, { recursive: true, force: true });
if (!typecheckOk) failed++;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && vt.status === 0 && passed > 0 ? 0 : 1);
