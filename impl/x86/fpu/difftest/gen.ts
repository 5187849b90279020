// Operand generator of the x87 differential test: a seeded PRNG and the edge classes of 80-bit,
// 64-bit, 32-bit, integer and BCD operands (zeros, denormals, pseudo-denormals, infinities,
// QNaN/SNaN, unsupported formats, near overflow/underflow, halfway cases, integer limits).
// Above: cases.ts builds whole machine states from these; below: float80.ts.

import { f80, type F80 } from "../float80.js";

/** mulberry32-style PRNG with helpers for BigInt operands. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bits(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(n)) - 1n);
  }
}

const J = 1n << 63n;

/** A significand with structure: random, few bits set, halfway patterns at the PC positions. */
export function genSig(r: Rng): bigint {
  switch (r.int(8)) {
    case 0: // exactly representable at 24 or 53 bits
      return J | (r.bits(63) & ~((1n << BigInt(r.pick([40, 11]))) - 1n));
    case 1: {
      // halfway / near-halfway at 24, 53 or 64 bits
      const pos = BigInt(r.pick([39, 10]));
      const base = (J | r.bits(63)) & ~((1n << (pos + 1n)) - 1n);
      const v = base | (1n << pos);
      return r.chance(0.25) ? v - 1n : r.chance(0.25) ? v + 1n : v;
    }
    case 2:
      return J | (r.chance(0.5) ? (1n << 63n) - 1n : 0n) | (r.bits(63) & r.bits(63) & r.bits(63));
    case 3:
      return J | ((1n << 63n) - 1n - r.bits(8));
    default:
      return J | r.bits(63);
  }
}

export type ValueKind = "any" | "normal" | "finite";

/** A random 80-bit operand from the edge classes (or only normal / finite ones). */
export function genF80(r: Rng, kind: ValueKind = "any"): F80 {
  const sign = r.int(2);
  const k = kind === "normal" ? 0 : kind === "finite" ? r.int(6) : r.int(16);
  switch (k) {
    case 0:
    case 1:
      return f80(sign, 0x3fff + r.int(130) - 65, genSig(r));
    case 2:
      return f80(sign, 1 + r.int(0x7ffe), genSig(r));
    case 3:
      return f80(sign, r.chance(0.5) ? 1 + r.int(80) : 0x7ffe - r.int(80), genSig(r));
    case 4:
      return f80(sign, 0, 0n);
    case 5:
      return f80(sign, 0, r.bits(64) >> BigInt(r.int(63)) & ~J);
    case 6:
      return f80(sign, 0, J | r.bits(63)); // pseudo-denormal
    case 7:
      return f80(sign, 0x7fff, J);
    case 8:
      return f80(sign, 0x7fff, J | (1n << 62n) | r.bits(62)); // QNaN
    case 9:
      return f80(sign, 0x7fff, J | (r.bits(62) | 1n)); // SNaN
    case 10:
      return f80(1, 0x7fff, 0xc000000000000000n);
    case 11:
      return f80(sign, 1 + r.int(0x7ffe), r.bits(63)); // unnormal
    case 12:
      return f80(sign, 0x7fff, r.chance(0.5) ? 0n : r.bits(63) | 1n); // pseudo-inf / pseudo-NaN
    case 13:
      return f80(sign, 0x3fff + r.int(8), J | (r.bits(63) & ~((1n << 60n) - 1n))); // short values
    default:
      return f80(sign, 0x3fff + r.int(40) - 20, genSig(r));
  }
}

/** A value near `a` (for cancellation in + and -, close compares). */
export function genNear(r: Rng, a: F80): F80 {
  const sig = a.sig ^ (r.bits(64) >> BigInt(r.int(64)));
  return f80(r.int(2), Math.max(0, Math.min(0x7fff, a.exp + r.int(5) - 2)), sig | (a.exp ? J : 0n));
}

/** Bits of a single (n = 32) or double (n = 64) operand. */
export function genReal(r: Rng, n: 32 | 64): bigint {
  const fb = n === 32 ? 23 : 52;
  const eb = n === 32 ? 8 : 11;
  const emax = (1 << eb) - 1;
  const sign = BigInt(r.int(2)) << BigInt(n - 1);
  const frac = r.bits(fb);
  const k = r.int(10);
  const e = k < 5 ? (emax >> 1) + r.int(40) - 20 : k === 5 ? 0 : k === 6 ? emax : r.int(emax + 1);
  let f = frac;
  if (k === 6 && r.chance(0.3)) f = 0n;
  if (k === 5 && r.chance(0.2)) f = 0n;
  return sign | (BigInt(e) << BigInt(fb)) | f;
}

/** A two's-complement integer of `bits` bits, biased towards the limits and small values. */
export function genInt(r: Rng, bits: number): bigint {
  const lim = 1n << BigInt(bits - 1);
  switch (r.int(5)) {
    case 0:
      return BigInt.asUintN(bits, r.pick([0n, 1n, -1n, lim - 1n, -lim, 10n, -10n]));
    case 1:
      return BigInt.asUintN(bits, BigInt(r.int(2000) - 1000));
    default:
      return r.bits(bits);
  }
}

/** 10 bytes of packed BCD with valid digits. */
export function genBcd(r: Rng): number[] {
  const out: number[] = [];
  const digits = r.int(19);
  for (let i = 0; i < 9; i++) {
    const d = 2 * i < digits ? r.int(100) : 0;
    out.push(((Math.floor(d / 10) << 4) | d % 10) & 0xff);
  }
  out.push(r.chance(0.5) ? 0x80 : 0);
  return out;
}
