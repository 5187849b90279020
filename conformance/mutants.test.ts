// Tests of the suite's strength measure (issue 5): every seeded bug of conformance/mutants.json still
// applies exactly once to the current kernel source (so the list stays valid as the code changes), and a
// realistic one (fluke_mutex_trylock answering SUCCESS on a held mutex) applied to a temporary copy of the
// kernel is caught by a bounded conform campaign with a shrunk counterexample of fewer than 10 calls,
// whose written replay file reproduces the disagreement on the mutated copy and agrees on the real kernel.
// Below: mutant-kit.ts, conform-campaign.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openAdapter, InProcessAdapter } from "./adapters/in-process.js";
import { randomCalls, readReplay, replayFile, writeReplay } from "./conform-campaign.js";
import { seedOf } from "./conform-kit.js";
import { campaignOnCopy, checkMutant, copySystem, copyWithMutant, loadMutants } from "./mutant-kit.js";

const CHAPTERS = ["thread", "task", "region", "mapping", "port", "pset", "ipc", "mutex", "cond", "ref", "exc", "vm", "objtab"];

describe("conformance/mutants.json", () => {
  const mutants = loadMutants();

  it("has at least 25 documented mutants with distinct ids, spread over every chapter", () => {
    expect(mutants.length).toBeGreaterThanOrEqual(25);
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
    for (const c of CHAPTERS) expect(mutants.some((m) => m.id.startsWith(`${c}-`)), c).toBe(true);
  });

  it("every mutant applies exactly once to the current impl/kernel source", () => {
    expect(mutants.map((m) => checkMutant(m)).filter((x) => x !== null)).toEqual([]);
  });
});

describe("a mutated kernel is caught", () => {
  const dir = mkdtempSync(join(tmpdir(), "fluke-mutants-test-"));
  const copy = copyWithMutant(loadMutants().find((m) => m.id === "mutex-trylock-wrong-code")!);
  afterAll(() => {
    copy.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("mutex-trylock-wrong-code: a shrunk counterexample under 10 calls, and its replay file reproduces it", async () => {
    const seed = seedOf("mutants (trylock)", 20261130);
    const r = await campaignOnCopy("mutex-trylock-wrong-code", copy.dir, { runs: 1000, maxCommands: 30, seed });
    expect(r.verdict).toBe("killed");
    const f = r.result.failed!;
    expect(f.run.failure.kind).toBe("disagreement");
    expect(randomCalls(f.run.steps)).toBeLessThan(10);
    expect(f.run.steps.filter((s) => s.origin === "random").some((s) => s.name === "fluke_mutex_trylock")).toBe(true);

    const file = join(dir, "replay.json");
    writeReplay(file, "mutant mutex-trylock-wrong-code", f.run, f.seed);
    const replay = readReplay(file);
    const mutated = new InProcessAdapter("mutant", await copySystem(copy.dir));
    const again = await replayFile(mutated, replay);
    expect(again.failure?.kind).toBe("disagreement");
    expect(again.failure?.index).toBe(f.run.failure.index);

    const real = openAdapter("impl");
    expect((await replayFile(real, replay)).failure).toBeNull();
  });
});
