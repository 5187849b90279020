// Conversions between the x87 register format and the memory formats: single and double reals,
// 16/32/64-bit integers and 18-digit packed BCD, with the P6's exception rules (SNaN loads raise IE
// and are quieted, denormal loads raise DE, out-of-range integer stores give the integer indefinite).
// Above: fpu.ts (instruction layer); below: round.ts and float80.ts.

import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";
import * as M_arith from "./arith.js";
import * as M_round from "./round.js";
import type { Format, OpCtx } from "./round.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { Cls, classify, f80, INDEFINITE, J_BIT, lsbExp, QUIET_BIT, zero } = M_float80;
const { checkOperand1 } = M_arith;
const { DE, DOUBLE, IE, roundShift, roundTo, SINGLE } = M_round;

/** Geometry of a binary memory format (single or double). */
interface MemGeom {
  fmt: Format;
  fracBits: number;
  expMax: number; // all-ones exponent field
}
const G32: MemGeom = { fmt: SINGLE, fracBits: 23, expMax: 0xff };
const G64: MemGeom = { fmt: DOUBLE, fracBits: 52, expMax: 0x7ff };

/** Exact widening of a single/double bit pattern; denormal sources raise DE, SNaN stays SNaN. */
function memToF80(ctx: OpCtx, bits: bigint, g: MemGeom): F80 {
  const fb = BigInt(g.fracBits);
  const sign = Number(bits >> (fb + BigInt(g.fmt.emax.toString(2).length)));
  const e = Number((bits >> fb) & BigInt(g.expMax));
  const frac = bits & ((1n << fb) - 1n);
  const up = BigInt(63 - g.fracBits);
  if (e === g.expMax) return f80(sign, 0x7fff, J_BIT | (frac << up));
  if (e === 0) {
    if (frac === 0n) return zero(sign);
    ctx.flags |= DE;
    const n = frac.toString(2).length;
    const sig = frac << BigInt(64 - n);
    return f80(sign, 1 - g.fmt.bias - g.fracBits + n - 1 + 16383, sig);
  }
  return f80(sign, e - g.fmt.bias + 16383, J_BIT | (frac << up));
}

export function f32ToF80(ctx: OpCtx, bits: number): F80 {
  return memToF80(ctx, BigInt(bits >>> 0), G32);
}

export function f64ToF80(ctx: OpCtx, bits: bigint): F80 {
  return memToF80(ctx, bits, G64);
}

/** FLD m32/m64 semantics: conversion, then SNaN -> IE + quiet. */
export function loadReal(ctx: OpCtx, x: F80): F80 {
  if (classify(x) === Cls.SNaN) {
    ctx.flags |= IE;
    return f80(x.sign, x.exp, x.sig | QUIET_BIT);
  }
  return x;
}

export function intToF80(v: bigint): F80 {
  if (v === 0n) return zero(0);
  const sign = v < 0n ? 1 : 0;
  const m = sign ? -v : v;
  const n = m.toString(2).length;
  return f80(sign, 16383 + n - 1, m << BigInt(64 - n));
}

/** Narrowing store to single/double; returns the bit pattern (caller skips the store if trapped). */
function f80ToMem(ctx: OpCtx, x: F80, g: MemGeom): bigint {
  const fb = BigInt(g.fracBits);
  const signShift = fb + BigInt(g.fmt.emax.toString(2).length);
  const expAll = BigInt(g.expMax) << fb;
  const c = classify(x);
  const saved = ctx.flags;
  const sp = checkOperand1(ctx, x);
  ctx.flags = (ctx.flags & ~DE) | (saved & DE); // stores never report a denormal operand
  if (c === Cls.Unsupported || c === Cls.QNaN || c === Cls.SNaN) {
    const v = sp ?? INDEFINITE;
    const frac = (v.sig >> BigInt(63 - g.fracBits)) & ((1n << fb) - 1n);
    return (BigInt(v.sign) << signShift) | expAll | frac;
  }
  const s = BigInt(x.sign) << signShift;
  if (c === Cls.Inf) return s | expAll;
  if (c === Cls.Zero) return s;
  const r = roundTo(ctx, x.sign, x.sig, lsbExp(x), g.fmt);
  if (r.bexp > g.fmt.emax) return s | expAll;
  return s | (BigInt(r.bexp) << fb) | (r.q & ((1n << fb) - 1n));
}

export function f80ToF32(ctx: OpCtx, x: F80): number {
  return Number(f80ToMem(ctx, x, G32));
}

export function f80ToF64(ctx: OpCtx, x: F80): bigint {
  return f80ToMem(ctx, x, G64);
}

/** Round a finite value to an integer per RC (exact BigInt); sets PE/C1 through ctx. */
export function roundToInteger(ctx: OpCtx, x: F80): bigint {
  const e = lsbExp(x);
  if (x.sig === 0n) return 0n;
  if (e >= 0) return x.sig << BigInt(Math.min(e, 20000));
  const [q, inexact, up] = roundShift(x.sign, x.sig, -e, ctx.rc);
  if (inexact) ctx.flags |= 0x20;
  ctx.c1 = up ? 1 : 0;
  return q;
}

/**
 * FIST/FISTP: the integer (two's complement, `bits` wide) to store, or the integer indefinite when
 * the operand is NaN, infinite, unsupported or out of range (IE).
 */
export function f80ToInt(ctx: OpCtx, x: F80, bits: number): bigint {
  const indef = 1n << BigInt(bits - 1);
  const c = classify(x);
  if (c === Cls.Unsupported || c === Cls.QNaN || c === Cls.SNaN || c === Cls.Inf) {
    ctx.flags |= IE;
    return indef;
  }
  const saved = ctx.flags;
  const q = roundToInteger(ctx, x);
  const v = x.sign ? -q : q;
  if (v < -indef || v >= indef) {
    ctx.flags = saved | IE;
    ctx.c1 = 0;
    return indef;
  }
  return BigInt.asUintN(bits, v);
}

/** FBLD: 18 packed BCD digits (bytes 0..8) and a sign byte (bit 7 of byte 9). */
export function bcdToF80(bytes: ArrayLike<number>): F80 {
  let v = 0n;
  for (let i = 8; i >= 0; i--) {
    const b = bytes[i]! & 0xff;
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  const r = intToF80(v);
  return (bytes[9]! & 0x80) !== 0 ? f80(1, r.exp, r.sig) : r;
}

const BCD_INDEFINITE = [0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff];

/** FBSTP: 10 bytes of packed BCD, or the BCD indefinite on IE. */
export function f80ToBcd(ctx: OpCtx, x: F80): number[] {
  const c = classify(x);
  if (c === Cls.Unsupported || c === Cls.QNaN || c === Cls.SNaN || c === Cls.Inf) {
    ctx.flags |= IE;
    return BCD_INDEFINITE.slice();
  }
  const saved = ctx.flags;
  let q = roundToInteger(ctx, x);
  if (q >= 10n ** 18n) {
    ctx.flags = saved | IE;
    ctx.c1 = 0;
    return BCD_INDEFINITE.slice();
  }
  const out = new Array<number>(10).fill(0);
  for (let i = 0; i < 9; i++) {
    const d = Number(q % 100n);
    q /= 100n;
    out[i] = ((Math.floor(d / 10) << 4) | d % 10) & 0xff;
  }
  out[9] = x.sign ? 0x80 : 0;
  return out;
}
