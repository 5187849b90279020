// Live differential test against the host x87, run only where it is possible (x86_64 Linux with
// gcc): a small random sample per instruction group, compared exactly outside the
// transcendentals. Elsewhere (CI on other hosts) the recorded vectors cover the same ground.

import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { genCase, instrSpecs, type Case } from "./cases.js";
import { diffOutcome } from "./compare.js";
import { emulate } from "./emulate.js";
import { Rng } from "./gen.js";
import { runNative } from "./native.js";

function nativePossible(): boolean {
  if (process.arch !== "x64" || process.platform !== "linux") return false;
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const TRANSCENDENTAL = /F2XM1|FYL2X|FYL2XP1|FPTAN|FPATAN|FSIN|FCOS|FSINCOS/;
const SEED = Number(process.env.FLUKE_SEED ?? 2026);

describe.skipIf(!nativePossible())("x87 against the host CPU (live)", () => {
  it(`matches bit for bit on a random sample (seed ${SEED})`, () => {
    console.log(`x87 live difftest seed: ${SEED} (replay with FLUKE_SEED=${SEED})`);
    const rng = new Rng(SEED);
    const cases: Case[] = [];
    for (const spec of instrSpecs()) for (let i = 0; i < 10; i++) cases.push(genCase(rng, spec));
    const native = runNative(cases);
    const bad: string[] = [];
    cases.forEach((c, i) => {
      const d = diffOutcome(c.key, native[i]!, emulate(c));
      if (!d.ok && !(TRANSCENDENTAL.test(c.key) && d.ulp <= 2)) bad.push(`${c.key}: ${d.fields.join(",")}`);
    });
    expect(bad).toEqual([]);
  });
});
