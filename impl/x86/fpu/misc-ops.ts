// The non-arithmetic value operations of the x87: FRNDINT, FSCALE, FXTRACT and the partial
// remainders FPREM/FPREM1 (with their quotient bits), all exact or rounded once at 64 bits.
// Above: fpu.ts; below: arith.ts (operand screening), round.ts, float80.ts.

import { checkOperand1, checkOperands2, invalid } from "./arith.js";
import { intToF80, roundToInteger } from "./convert.js";
import { BIAS, Cls, classify, f80, inf, lsbExp, normalized, zero, type F80 } from "./float80.js";
import { roundExt, roundShift, RC_ZERO, ZE, type OpCtx } from "./round.js";

export function frndint(ctx: OpCtx, a: F80): F80 {
  const sp = checkOperand1(ctx, a);
  if (sp) return sp;
  const c = classify(a);
  if (c === Cls.Zero || c === Cls.Inf || lsbExp(a) >= 0) return a;
  const q = roundToInteger(ctx, a);
  if (q === 0n) return zero(a.sign);
  const r = intToF80(q);
  return f80(a.sign, r.exp, r.sig);
}

/** Truncate a finite value toward zero to a clamped JS integer (for FSCALE's scale factor). */
function truncClamped(b: F80): number {
  if (b.sig === 0n) return 0;
  const { e } = normalized(b);
  if (e > 20) return b.sign ? -(1 << 20) : 1 << 20;
  const [q] = roundShift(0, b.sig, -lsbExp(b), RC_ZERO);
  return b.sign ? -Number(q) : Number(q);
}

export function fscale(ctx: OpCtx, a: F80, b: F80): F80 {
  const sp = checkOperands2(ctx, a, b);
  if (sp) return sp;
  const ca = classify(a);
  const cb = classify(b);
  if (cb === Cls.Inf) {
    if (b.sign === 0) return ca === Cls.Zero ? invalid(ctx) : ca === Cls.Inf ? a : inf(a.sign);
    return ca === Cls.Inf ? invalid(ctx) : ca === Cls.Zero ? a : zero(a.sign);
  }
  if (ca === Cls.Inf || ca === Cls.Zero) return a;
  return roundExt(ctx, a.sign, a.sig, lsbExp(a) + truncClamped(b), 64);
}

/** FXTRACT: [exponent, significand] (the significand is pushed on top). */
export function fxtract(ctx: OpCtx, a: F80): [F80, F80] {
  const sp = checkOperand1(ctx, a);
  if (sp) return [sp, sp];
  const c = classify(a);
  if (c === Cls.Zero) {
    ctx.flags |= ZE;
    return [inf(1), a];
  }
  if (c === Cls.Inf) return [inf(0), a];
  const { m, e } = normalized(a);
  return [intToF80(BigInt(e)), f80(a.sign, BIAS, m)];
}

/** Result of FPREM/FPREM1: remainder, low quotient bits and whether the reduction is complete. */
export interface PremResult {
  r: F80;
  q: number; // low 3 bits of the quotient (C0 = bit 2, C3 = bit 1, C1 = bit 0); -1: NaN/invalid
  partial: boolean; // C2
}

function premFinite(ctx: OpCtx, a: F80, b: F80, ieee: boolean): PremResult {
  const na = normalized(a);
  const nb = normalized(b);
  const d = na.e - nb.e;
  if (d < (ieee ? -1 : 0)) return { r: roundExt(ctx, a.sign, a.sig, lsbExp(a), 64), q: 0, partial: false };
  const partial = d >= 64;
  const shift = partial ? d - ((d & 31) | 32) : 0;
  // a / (b * 2^shift), both as integers in units of 2^unit.
  const num = d >= 0 ? na.m << BigInt(d - shift) : na.m;
  const den = d >= 0 ? nb.m : nb.m << 1n;
  const unit = d >= 0 ? nb.e - 63 + shift : na.e - 63;
  let q = num / den;
  let rem = num - q * den;
  if (ieee && !partial) {
    const twice = rem * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) {
      q += 1n;
      rem -= den;
    }
  }
  const sign = rem < 0n ? a.sign ^ 1 : a.sign;
  const mag = rem < 0n ? -rem : rem;
  const r = mag === 0n ? zero(a.sign) : roundExt(ctx, sign, mag, unit, 64);
  return { r, q: Number(q & 7n), partial };
}

/** FPREM (truncating quotient) or FPREM1 (`ieee`: round-to-nearest quotient). */
export function fprem(ctx: OpCtx, a: F80, b: F80, ieee: boolean): PremResult {
  const sp = checkOperands2(ctx, a, b);
  if (sp) return { r: sp, q: -1, partial: false };
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Cls.Inf || cb === Cls.Zero) return { r: invalid(ctx), q: -1, partial: false };
  if (ca === Cls.Zero) return { r: a, q: 0, partial: false };
  if (cb === Cls.Inf) return { r: roundExt(ctx, a.sign, a.sig, lsbExp(a), 64), q: 0, partial: false };
  return premFinite(ctx, a, b, ieee);
}
