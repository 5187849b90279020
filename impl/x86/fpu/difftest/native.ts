// The native x87 oracle driver: compiles difftest/harness.c with the system gcc into
// difftest/build/x87-oracle (git-ignored) on first use and runs batches of cases through it.
// Above: run.ts; below: the host CPU's x87 (x86_64 executes x87 code exactly as 32-bit mode).

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Case } from "./cases.js";
import type { Outcome } from "./emulate.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ORACLE = join(HERE, "build", "x87-oracle");

const hex = (b: number[]): string => b.map((x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string): number[] => Array.from({ length: s.length / 2 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));

export function buildOracle(): string {
  const src = join(HERE, "harness.c");
  if (!existsSync(ORACLE) || statSync(ORACLE).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(dirname(ORACLE), { recursive: true });
    execFileSync("gcc", ["-O1", "-o", ORACLE, src], { stdio: "inherit" });
  }
  return ORACLE;
}

export function runNative(cases: Case[]): Outcome[] {
  const input = cases.map((c) => `${c.op.toString(16)} ${c.modrm.toString(16)} ${c.eflags.toString(16)} ${hex(c.image)} ${hex(c.mem)}\n`).join("");
  const res = spawnSync(buildOracle(), { input, maxBuffer: 1 << 28, encoding: "utf8" });
  if (res.status !== 0) throw new Error("x87 oracle failed: " + res.stderr);
  const lines = res.stdout.trim().split("\n");
  if (lines.length !== cases.length) throw new Error(`x87 oracle: ${lines.length} results for ${cases.length} cases`);
  return lines.map((l) => {
    const [img, ef, mem, sig] = l.split(" ");
    return { image: unhex(img!), eflags: parseInt(ef!, 16), mem: unhex(mem!), signal: Number(sig) };
  });
}
