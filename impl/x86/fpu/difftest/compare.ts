// Comparison of an emulated outcome with the oracle's: control word, status word, tag word, the
// eight registers, EFLAGS (ZF/PF/CF/OF/SF/AF) and the memory buffer (FIP/FOP/FDP of stored
// environments are not compared: they depend on the host addresses). Reports which fields differ
// and the largest register error in ulps. Above: run.ts, vectors.test.ts; below: float80.ts.

import { Cls, classify, fromBytes, lsbExp, type F80 } from "../float80.js";
import type { Outcome } from "./emulate.js";

export interface Diff {
  ok: boolean;
  fields: string[];
  ulp: number; // max ulp error among differing registers (Infinity if not comparable), 0 if none
}

function value(x: F80): [bigint, number] {
  return [x.sign ? -x.sig : x.sig, lsbExp(x)];
}

/** |a - b| in units of b's last place, for finite a and b. */
export function ulpError(a: F80, b: F80): number {
  const ca = classify(a);
  const cb = classify(b);
  const finite = (c: Cls): boolean => c === Cls.Normal || c === Cls.Denormal || c === Cls.Zero;
  if (!finite(ca) || !finite(cb)) return Infinity;
  const [va, ea] = value(a);
  const [vb, eb] = value(b);
  const e = Math.min(ea, eb);
  if (Math.abs(ea - eb) > 200) return Infinity;
  const d = (va << BigInt(ea - e)) - (vb << BigInt(eb - e));
  const ad = d < 0n ? -d : d;
  return Number(ad) / 2 ** (eb - e);
}

const ENV_IGNORED = new Set([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);

export function diffOutcome(key: string, exp: Outcome, got: Outcome): Diff {
  const fields: string[] = [];
  // A fault (#MF -> SIGFPE) leaves the oracle's image meaningless: only the signal counts.
  if (exp.signal !== 0 || got.signal !== 0)
    return exp.signal === got.signal ? { ok: true, fields, ulp: 0 } : { ok: false, fields: ["signal"], ulp: 0 };
  const w = (b: number[], o: number): number => b[o]! | (b[o + 1]! << 8);
  if (w(exp.image, 0) !== w(got.image, 0)) fields.push("cw");
  if (w(exp.image, 4) !== w(got.image, 4)) fields.push("sw");
  if (w(exp.image, 8) !== w(got.image, 8)) fields.push("tw");
  let ulp = 0;
  for (let i = 0; i < 8; i++) {
    const o = 28 + 10 * i;
    if (exp.image.slice(o, o + 10).some((b, k) => b !== got.image[o + k])) {
      fields.push("st" + i);
      ulp = Math.max(ulp, ulpError(fromBytes(got.image, o), fromBytes(exp.image, o)));
    }
  }
  if (exp.eflags !== got.eflags) fields.push("eflags");
  const env = /FNSTENV|FNSAVE/.test(key);
  if (exp.mem.some((b, i) => b !== got.mem[i] && !(env && ENV_IGNORED.has(i)))) fields.push("mem");
  if (exp.signal !== got.signal) fields.push("signal");
  return { ok: fields.length === 0, fields, ulp };
}
