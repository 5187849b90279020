// The x87 transcendental instructions on 80-bit values: FSIN FCOS FSINCOS FPTAN (operands of
// magnitude >= 2^63 are out of range: C2 = 1), FPATAN, F2XM1, FYL2X, FYL2XP1, with the special
// cases of the Intel tables. Values are computed in fixed point with at least ~190 extra bits
// (bigmath.ts) and rounded once to 64 bits per RC. Above: exec-value.ts; below: bigmath.ts,
// arith.ts (operand screening), round.ts, float80.ts.

import { checkOperand1, checkOperands2, invalid } from "./arith.js";
import { atanF, atanh2F, divF, expm1F, ln2F, lnF, mulF, piF, sinCosF } from "./bigmath.js";
import { Cls, classify, f80, inf, lsbExp, normalized, ONE, zero, type F80 } from "./float80.js";
import { DE, PE, roundExt, UE, ZE, type OpCtx } from "./round.js";

const GUARD = 200;

function toFixed(x: F80, P: number): bigint {
  const s = lsbExp(x) + P;
  const v = s >= 0 ? x.sig << BigInt(s) : x.sig >> BigInt(-s);
  return x.sign ? -v : v;
}

/**
 * Round an approximate fixed-point value that is never exact: the true magnitude lies just above
 * |v| (below = false) or just below it (below = true).
 */
function fromFixed(ctx: OpCtx, v: bigint, P: number, below = false): F80 {
  if (v === 0n) return zero(0);
  const sign = v < 0n ? 1 : 0;
  const m = sign ? -v : v;
  return roundExt(ctx, sign, below ? (m << 1n) - 1n : (m << 1n) | 1n, -P - 1, 64);
}

function precisionFor(x: F80): number {
  return GUARD + Math.max(0, -normalized(x).e);
}

/**
 * The pi of the argument reduction: like Intel's x87, the host reduces with pi truncated to 66
 * significant bits (0xC90FDAA22168C234C * 2^-66); measured: 66 bits match, 72+ do not.
 */
const PI_BITS = 66;

function reductionPi(P: number): bigint {
  const drop = BigInt(P + 2 - PI_BITS);
  return (piF(P) >> drop) << drop;
}

/** Reduce x modulo pi/2: [r at scale P, quadrant k mod 4]. */
function reduce(x: F80, P: number): [bigint, number] {
  const X = toFixed(x, P + 70);
  const half = reductionPi(P + 70) >> 1n;
  const quarter = half >> 1n;
  const ax = X < 0n ? -X : X;
  if (ax <= quarter) return [X >> 70n, 0];
  let k = (X + (X < 0n ? -quarter : quarter)) / half;
  let r = X - k * half;
  if (r > quarter) [r, k] = [r - half, k + 1n];
  if (r < -quarter) [r, k] = [r + half, k - 1n];
  return [r >> 70n, Number(((k % 4n) + 4n) % 4n)];
}

/** Common screening of the trig instructions; returns a final value, null = out of range. */
function trigScreen(ctx: OpCtx, x: F80): F80 | null | undefined {
  const sp = checkOperand1(ctx, x);
  if (sp) return sp;
  const c = classify(x);
  if (c === Cls.Inf) return invalid(ctx);
  if (c !== Cls.Zero && normalized(x).e >= 63) return null;
  return undefined;
}

/** Fixed-point sin and cos of x, with the direction of their error for tiny arguments. */
interface SinCos {
  sin: bigint;
  cos: bigint;
  P: number;
  sinBelow: boolean; // |sin| is just below the computed value (x^3 term vanished)
  cosBelow: boolean; // |cos| is just below the computed value (x^2 term vanished)
}

function sinCosOf(x: F80): SinCos {
  const P = precisionFor(x);
  const [r, k] = reduce(x, P);
  const [s, c] = sinCosF(r, P);
  const sBelow = s === r;
  const cBelow = c === 1n << BigInt(P);
  return {
    sin: [s, c, -s, -c][k]!,
    cos: [c, -s, -c, s][k]!,
    P,
    sinBelow: k & 1 ? cBelow : sBelow,
    cosBelow: k & 1 ? sBelow : cBelow,
  };
}


export function fsin(ctx: OpCtx, x: F80): F80 | null {
  const sp = trigScreen(ctx, x);
  if (sp !== undefined) return sp;
  if (x.sig === 0n) return x;
  const sc = sinCosOf(x);
  return fromFixed(ctx, sc.sin, sc.P, sc.sinBelow);
}

export function fcos(ctx: OpCtx, x: F80): F80 | null {
  const sp = trigScreen(ctx, x);
  if (sp !== undefined) return sp;
  if (x.sig === 0n) return ONE;
  const sc = sinCosOf(x);
  return fromFixed(ctx, sc.cos, sc.P, sc.cosBelow);
}

/** [sin, cos] (cos ends on top). */
export function fsincos(ctx: OpCtx, x: F80): [F80, F80] | null {
  const sp = trigScreen(ctx, x);
  if (sp !== undefined) return sp === null ? null : [sp, sp];
  if (x.sig === 0n) return [x, ONE];
  const sc = sinCosOf(x);
  const cos = fromFixed(ctx, sc.cos, sc.P, sc.cosBelow);
  const sin = fromFixed(ctx, sc.sin, sc.P, sc.sinBelow); // C1 follows the sine (measured)
  return [sin, cos];
}

/** [tan, 1.0] (1.0 ends on top). */
export function fptan(ctx: OpCtx, x: F80): [F80, F80] | null {
  const sp = trigScreen(ctx, x);
  if (sp !== undefined) return sp === null ? null : [sp, sp];
  if (x.sig === 0n) return [x, ONE];
  const sc = sinCosOf(x);
  return [fromFixed(ctx, divF(sc.sin, sc.cos, sc.P), sc.P), ONE];
}

/** atan2(y, x) for finite non-zero operands (only the ratio of magnitudes matters). */
function atan2Finite(ctx: OpCtx, y: F80, x: F80): F80 {
  const ny = normalized(y);
  const nx = normalized(x);
  const d = ny.e - nx.e;
  const yLess = d < 0 || (d === 0 && ny.m <= nx.m);
  const [num, den, k] = yLess ? [ny.m, nx.m, -d] : [nx.m, ny.m, d];
  const P = GUARD + Math.max(0, k);
  const t = (num << BigInt(P)) / den >> BigInt(k);
  let a = yLess ? atanF(t, P) : (piF(P) >> 1n) - atanF(t, P);
  if (x.sign) a = piF(P) - a;
  return fromFixed(ctx, y.sign ? -a : a, P);
}

/** FPATAN: atan(y / x) with the quadrant of (x, y); x = ST(0), y = ST(1). */
export function fpatan(ctx: OpCtx, x: F80, y: F80): F80 {
  const sp = checkOperands2(ctx, x, y);
  if (sp) return sp;
  const cx = classify(x);
  const cy = classify(y);
  const P = GUARD;
  const pi = piF(P);
  const signed = (v: bigint): F80 => fromFixed(ctx, y.sign ? -v : v, P);
  if (cy === Cls.Zero) return x.sign ? signed(pi) : y;
  if (cy === Cls.Inf) {
    if (cx === Cls.Inf) return signed(x.sign ? (pi * 3n) >> 2n : pi >> 2n);
    return signed(pi >> 1n);
  }
  if (cx === Cls.Inf) return x.sign ? signed(pi) : zero(y.sign);
  if (cx === Cls.Zero) return signed(pi >> 1n);
  return atan2Finite(ctx, y, x);
}

/** F2XM1: 2^x - 1 (defined for -1 <= x <= 1). */
export function f2xm1(ctx: OpCtx, x: F80): F80 {
  const sp = checkOperand1(ctx, x);
  if (sp) return sp;
  const c = classify(x);
  if (c === Cls.Zero) return x;
  if (c === Cls.Inf) return x.sign ? f80(1, 16383, 1n << 63n) : x;
  const P = precisionFor(x);
  const { m, e } = normalized(x);
  if (e >= 0 && !(e === 0 && m === 1n << 63n)) {
    // Outside -1..+1 the host leaves ST(0) unchanged and reports PE.
    ctx.flags |= PE;
    return x;
  }
  return fromFixed(ctx, expm1F(mulF(toFixed(x, P + 8), ln2F(P + 8), P + 8) >> 8n, P), P);
}

/** log2(x) for finite x > 0 at scale P; exact (second result) when x is a power of two. */
function log2Fixed(x: F80, P: number): [bigint, boolean] {
  const { m, e } = normalized(x);
  const whole = BigInt(e) << BigInt(P);
  if (m === 1n << 63n) return [whole, true];
  const mf = m << BigInt(P - 63);
  return [whole + divF(lnF(mf, P), ln2F(P), P), false];
}

/** FYL2X: y * log2(x); x = ST(0), y = ST(1). */
export function fyl2x(ctx: OpCtx, x: F80, y: F80): F80 {
  const sp = checkOperands2(ctx, x, y);
  if (sp) return sp;
  const cx = classify(x);
  const cy = classify(y);
  if (x.sign && cx !== Cls.Zero) return invalid(ctx);
  if (cx === Cls.Zero) {
    if (cy === Cls.Zero) return invalid(ctx);
    ctx.flags &= ~DE;
    if (cy !== Cls.Inf) ctx.flags |= ZE;
    return inf(y.sign ^ 1);
  }
  if (cx === Cls.Inf) return cy === Cls.Zero ? invalid(ctx) : inf(y.sign);
  const isOne = x.exp === 16383 && x.sig === 1n << 63n;
  if (cy === Cls.Inf) return isOne ? invalid(ctx) : inf(y.sign ^ (x.exp < 16383 ? 1 : 0));
  if (cy === Cls.Zero || isOne) return zero(y.sign ^ (x.exp < 16383 ? 1 : 0));
  const P = GUARD + 64;
  const [L, exact] = log2Fixed(x, P);
  if (exact) {
    // log2(x) is the integer e: round y * e once; the host still reports PE (and UE if tiny).
    const e = L >> BigInt(P);
    const r = roundExt(ctx, y.sign ^ (e < 0n ? 1 : 0), y.sig * (e < 0n ? -e : e), lsbExp(y), 64);
    ctx.flags |= PE | (r.exp === 0 && ctx.masks & UE ? UE : 0);
    return r;
  }
  const neg = L < 0n ? 1 : 0;
  const aL = neg ? -L : L;
  return roundExt(ctx, y.sign ^ neg, ((y.sig * aL) << 1n) | 1n, lsbExp(y) - P - 1, 64);
}

/** ln(1 + X) at scale P (X > -1): the atanh series near 0, normalisation elsewhere. */
function lnOnePlus(X: bigint, P: number): bigint {
  const one = 1n << BigInt(P);
  const ax = X < 0n ? -X : X;
  if (ax <= one >> 2n) return atanh2F(divF(X, 2n * one + X, P), P);
  const m = one + X;
  const e = m.toString(2).length - 1 - P;
  const mn = e >= 0 ? m >> BigInt(e) : m << BigInt(-e);
  return lnF(mn, P) + BigInt(e) * ln2F(P);
}

/**
 * FYL2XP1: y * log2(x + 1); x = ST(0), y = ST(1). Outside the documented domain the host still
 * computes the function for x > -1; for x <= -1 it returns x itself and reports only PE.
 */
export function fyl2xp1(ctx: OpCtx, x: F80, y: F80): F80 {
  const sp = checkOperands2(ctx, x, y);
  if (sp) return sp;
  const cx = classify(x);
  const cy = classify(y);

  if (cx === Cls.Zero) return cy === Cls.Inf ? invalid(ctx) : zero(x.sign ^ y.sign);
  if (cx === Cls.Inf) return x.sign || cy === Cls.Zero ? invalid(ctx) : inf(y.sign);
  if (cy === Cls.Inf) return inf(y.sign ^ x.sign);
  if (cy === Cls.Zero) return zero(x.sign ^ y.sign);
  const P = precisionFor(x) + 64;
  const X = toFixed(x, P);
  const one = 1n << BigInt(P);
  if (X <= -one) {
    ctx.flags |= PE;
    return x;
  }
  const L = divF(lnOnePlus(X, P), ln2F(P), P);
  const neg = L < 0n ? 1 : 0;
  const aL = neg ? -L : L;
  return roundExt(ctx, y.sign ^ neg, ((y.sig * aL) << 1n) | 1n, lsbExp(y) - P - 1, 64);
}
