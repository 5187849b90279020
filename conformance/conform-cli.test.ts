// Tests of `fluke conform` as a user runs it (bin/fluke.mjs in a child process): the help names every
// option, a campaign on the built-in kernel agrees and reports progress on stderr, a broken adapter makes
// it fail with status 1 and write a replay file that `--replay` runs again (failing again on the broken
// adapter, passing on the kernel), FLUKE_SEED sets the seed, and bad usage exits with status 2.
// Below: conform-cli.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readReplay } from "./conform-campaign.js";
import { seedOf } from "./conform-kit.js";

const SEED = seedOf("conform (cli)", 0xc11_2026);
const dir = mkdtempSync(join(tmpdir(), "fluke-conform-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fluke = (args: string[], env: Record<string, string> = {}): { status: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ["bin/fluke.mjs", ...args], { encoding: "utf8", env: { ...process.env, FLUKE_SEED: "", ...env } /* an empty FLUKE_SEED counts as unset */ });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

describe("fluke conform", () => {
  it("--help names every option, and fluke --help lists conform", () => {
    const r = fluke(["conform", "--help"]);
    expect(r.status).toBe(0);
    for (const o of ["--adapter", "--runs", "--max-commands", "--seed", "--pages", "--timeout", "--out", "--replay"]) expect(r.out).toContain(o);
    expect(fluke(["--help"]).out).toMatch(/fluke conform/);
  });

  it("a campaign on the built-in kernel agrees, with a progress line on stderr", () => {
    const r = fluke(["conform", "--adapter", "impl", "--runs", "20", "--max-commands", "20", "--seed", String(SEED)]);
    expect(r.status, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/all agree: 20 runs, \d+ calls checked/);
    expect(r.err).toMatch(new RegExp(`conform: seed ${SEED}, \\d+/20 runs, \\d+ calls checked`));
  });

  it("FLUKE_SEED sets the seed", () => {
    const r = fluke(["conform", "--adapter", "model", "--runs", "2"], { FLUKE_SEED: "4242" });
    expect(r.status).toBe(0);
    expect(r.out).toContain("seed 4242");
  });

  it("a broken adapter fails with status 1 and a replay file that --replay runs again", () => {
    const out = join(dir, "failure.json");
    const cmd = "node --import tsx conformance/examples/broken-adapter.ts --fault flip";
    const r = fluke(["conform", "--adapter", cmd, "--runs", "100", "--seed", String(SEED), "--out", out]);
    expect(r.status, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/DISAGREEMENT/);
    expect(r.out).toContain(`written to ${out}`);
    expect(existsSync(out)).toBe(true);
    expect(readReplay(out).adapter).toBe(cmd);
    const again = fluke(["conform", "--replay", out]);
    expect(again.status, again.out + again.err).toBe(1);
    expect(again.out).toMatch(/reproduced: DISAGREEMENT/);
    const onKernel = fluke(["conform", "--replay", out, "--adapter", "impl"]);
    expect(onKernel.status, onKernel.out + onKernel.err).toBe(0);
    expect(onKernel.out).toMatch(/does not reproduce/);
  });

  it("bad usage exits with status 2", () => {
    expect(fluke(["conform", "--runs", "many"]).status).toBe(2);
    expect(fluke(["conform", "--frobnicate"]).status).toBe(2);
  });
});
