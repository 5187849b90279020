// Replays the committed CPU test vectors (impl/x86/vectors/*.json.gz, recorded from the oracle by
// `npm run test:x86-native -- --record`) on the TypeScript CPU, so CI checks the CPU against the
// oracle without native i386 execution. Above: vitest. Below: impl/x86/difftest (emulate, compare).
import { describe, expect, it } from "vitest";
import { Cpu } from "../cpu.js";
import { compareOutcome } from "../difftest/compare.js";
import { emulate } from "../difftest/emulate.js";
import { readVectors } from "../difftest/vectors.js";

const files = readVectors();

describe("recorded oracle vectors", () => {
  it("exist for every instruction group", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(files.reduce((n, f) => n + f.cases.length, 0)).toBeGreaterThan(10_000);
  });
  for (const f of files) {
    it(`${f.group}: ${f.cases.length} cases match`, () => {
      const cpu = new Cpu();
      const failures: string[] = [];
      for (const [c, want] of f.cases) {
        const d = compareOutcome(c, want, emulate(c, cpu));
        if (d.length > 0) failures.push(`${c.name} ${Buffer.from(c.code).toString("hex")}: ${d.join("; ")}`);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }
});
