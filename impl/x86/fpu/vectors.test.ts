// Replays the x87 vectors recorded from the host CPU (vectors/x87-oracle-N.json.gz) on the
// TypeScript FPU, so the differential test also runs where native x87 execution is impossible.
// Everything must match bit for bit except the transcendentals (at most 1 ulp, bounded mismatch
// rate), whose host implementation is not correctly rounded.

import { describe, expect, it } from "vitest";
import { diffOutcome } from "./difftest/compare.js";
import { emulate } from "./difftest/emulate.js";
import { loadVectors } from "./difftest/vectors.js";

/** Measured limits (mismatching cases per 100) for the instructions that are not yet exact. */
const TOLERATED: Record<string, { rate: number; maxUlp: number }> = {
  // Recorded with 300 cases per instruction: F2XM1 5, FYL2X 6, FYL2XP1 3, FPTAN 19, FPATAN 7,
  // FSIN 1, FCOS 1, FSINCOS 6 mismatching cases; every register error <= 1 ulp.
  "D9 F2XM1": { rate: 2, maxUlp: 1 },
  "D9 FYL2X": { rate: 2.5, maxUlp: 1 },
  "D9 FYL2XP1": { rate: 1.5, maxUlp: 1 },
  "D9 FPTAN": { rate: 7, maxUlp: 1 },
  "D9 FPATAN": { rate: 2.5, maxUlp: 1 },
  "D9 FSIN": { rate: 0.5, maxUlp: 1 },
  "D9 FCOS": { rate: 0.5, maxUlp: 1 },
  "D9 FSINCOS": { rate: 2.5, maxUlp: 1 },
};

const vectors = loadVectors();

describe("x87 oracle vectors", () => {
  it("cover every instruction group", () => {
    expect(vectors.size).toBeGreaterThan(130);
  });

  for (const [key, list] of vectors) {
    it(`${key}: ${list.length} vectors`, () => {
      let bad = 0;
      let maxUlp = 0;
      const first: string[] = [];
      for (const v of list) {
        const d = diffOutcome(key, v.expected, emulate(v.c));
        if (d.ok) continue;
        bad++;
        maxUlp = Math.max(maxUlp, d.ulp);
        if (first.length < 3) first.push(`${v.c.op.toString(16)} ${v.c.modrm.toString(16)}: ${d.fields.join(",")}`);
      }
      const tol = TOLERATED[key];
      if (!tol) expect(first, `${bad} mismatches`).toEqual([]);
      else {
        expect((100 * bad) / list.length).toBeLessThanOrEqual(tol.rate);
        expect(maxUlp).toBeLessThanOrEqual(tol.maxUlp);
      }
    });
  }
});
