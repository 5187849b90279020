// Tests of the conform run's spec coverage (conform-coverage.ts): a bounded campaign on the built-in
// kernel reaches every kernel call of the registry, and the report's numbers add up (per-call counts
// equal the answers given, reached + missing listed codes equal the registry's lists, the summary line
// says what the rows say); completions are credited to the blocked call; `fluke conform --coverage`
// prints the table and summary and `--coverage-json` writes the same report. Below: conform-coverage.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KERNEL_CALLS } from "../spec/kernel-api/registry.js";
import { openAdapter } from "./adapters/in-process.js";
import { runCampaign } from "./conform-campaign.js";
import { CoverageRecorder, formatCoverage, summaryLine, type CoverageReport } from "./conform-coverage.js";
import { seedOf } from "./conform-kit.js";

const SEED = seedOf("conform (coverage)", 0xc0_2026);
const dir = mkdtempSync(join(tmpdir(), "fluke-conform-cov-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("conform coverage", () => {
  it("a bounded impl run reaches every kernel call, and the numbers add up", async () => {
    const cov = new CoverageRecorder();
    const inner = openAdapter("impl", { timeoutMs: 10_000 });
    let answers = 0;
    const counting = {
      label: inner.label, reset: (p: number, m?: number) => inner.reset(p, m), close: () => inner.close(),
      call: async (t: number, n: string, a: Record<string, unknown>) => { answers++; return inner.call(t, n, a); },
    };
    const adapter = cov.wrap(counting);
    try {
      const res = await runCampaign(adapter, { runs: 400, maxCommands: 40, seed: SEED });
      expect(res.failed).toBeNull();
    } finally {
      await adapter.close();
    }
    const r: CoverageReport = cov.report();
    expect(r.rows.map((x) => x.name)).toEqual(KERNEL_CALLS.map((c) => c.name));
    expect(r.calls).toEqual({ reached: 112, total: 112 });
    // Every answer is counted once: under a kernel call's row, or under a harness action (not in the rows).
    const harness = [...cov.byCall.values()].filter((c) => !KERNEL_CALLS.some((k) => k.name === c.name)).reduce((n, c) => n + c.calls, 0);
    expect(r.rows.reduce((n, x) => n + x.calls, 0) + harness).toBe(answers);
    let total = 0, reached = 0;
    for (const x of r.rows) {
      const def = KERNEL_CALLS.find((c) => c.name === x.name)!;
      const listed = [...def.returns.filter((c) => c !== "SUCCESS"), ...def.insanities.map((c) => `INSANITY_${c}`)];
      const got = listed.filter((c) => !x.missing.includes(c));
      for (const c of got) expect(c.startsWith("INSANITY_") ? x.insanity[c.slice(9)] : x.rc[c], `${x.name} ${c}`).toBeGreaterThan(0);
      total += listed.length;
      reached += got.length;
      // Every answer is exactly one of: a return, an insanity, a fault, blocked (a blocked call's later
      // completion adds one more return or insanity, never more than the blocked count).
      const direct = Object.values(x.rc).reduce((a, b) => a + b, 0) + Object.values(x.insanity).reduce((a, b) => a + b, 0) + x.fault + x.blocked + x.notRunnable;
      expect(direct).toBeGreaterThanOrEqual(x.calls);
      expect(direct).toBeLessThanOrEqual(x.calls + x.blocked);
    }
    expect(r.errorCodes).toEqual({ total, reached });
    expect(total).toBe(KERNEL_CALLS.reduce((n, c) => n + c.returns.filter((x) => x !== "SUCCESS").length + c.insanities.length, 0));
    expect(summaryLine(r)).toBe(`calls reached 112 of 112 (100.0%), listed error codes reached ${reached} of ${total} (${((100 * reached) / total).toFixed(1)}%)`);
    expect(formatCoverage(r).trimEnd().split("\n")).toHaveLength(KERNEL_CALLS.length + 2);
  }, 120_000);

  it("a completion is credited to the blocked call of its thread", () => {
    const cov = new CoverageRecorder();
    cov.record(0x2080, "fluke_mutex_lock", { outcome: { kind: "blocked" }, completions: [] });
    cov.record(0x2100, "fluke_mutex_unlock", { outcome: { kind: "return", rc: "SUCCESS", out: {} }, completions: [{ thread: 0x2080, outcome: { kind: "return", rc: "SUCCESS", out: {} } }] });
    const rows = new Map(cov.report().rows.map((x) => [x.name, x]));
    expect(rows.get("fluke_mutex_lock")).toMatchObject({ calls: 1, blocked: 1, rc: { SUCCESS: 1 } });
    expect(rows.get("fluke_mutex_unlock")).toMatchObject({ calls: 1, completions: 1, rc: { SUCCESS: 1 } });
  });

  it("fluke conform --coverage prints the table, --coverage-json writes the report", () => {
    const file = join(dir, "cov.json");
    const r = spawnSync(process.execPath, ["bin/fluke.mjs", "conform", "--adapter", "impl", "--runs", "30", "--max-commands", "20", "--seed", String(SEED), "--coverage", "--coverage-json", file], { encoding: "utf8", env: { ...process.env, FLUKE_SEED: "" } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fluke_mutex_lock +\d+/m);
    const line = /calls reached (\d+) of 112 \([\d.]+%\), listed error codes reached (\d+) of (\d+) \([\d.]+%\)/.exec(r.stdout);
    expect(line).not.toBeNull();
    const j = JSON.parse(readFileSync(file, "utf8")) as CoverageReport & { summary: string };
    expect(j.summary).toBe(line![0]);
    expect(j.calls.reached).toBe(Number(line![1]));
    expect(j.rows).toHaveLength(KERNEL_CALLS.length);
    expect(spawnSync(process.execPath, ["bin/fluke.mjs", "conform", "--help"], { encoding: "utf8" }).stdout).toContain("--coverage-json");
  }, 60_000);
});
