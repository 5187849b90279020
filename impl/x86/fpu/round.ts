// Rounding of exact intermediate results to the x87 destination formats (extended under precision
// control 24/53/64, single, double) with the P6's exception behaviour: tininess detected after
// rounding, masked underflow denormalises, unmasked overflow/underflow re-bias the exponent by
// 24576, C1 reports "rounded up". Above: arith.ts, convert.ts, transcend.ts; below: float80.ts.

import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { BIAS, bitLength, f80 } = M_float80;

export const IE = 0x01;
export const DE = 0x02;
export const ZE = 0x04;
export const OE = 0x08;
export const UE = 0x10;
export const PE = 0x20;
export const SF = 0x40;

export const RC_NEAREST = 0;
export const RC_DOWN = 1;
export const RC_UP = 2;
export const RC_ZERO = 3;

/** Per-instruction context: control-word fields in, exception flags and C1 out. */
export interface OpCtx {
  rc: number; // rounding control 0..3
  pc: number; // significand bits for + - * / sqrt: 24, 53 or 64
  masks: number; // CW bits 0..5 (1 = masked)
  flags: number; // exception flags raised by this instruction (IE..PE, SF)
  c1: number; // C1 as this instruction leaves it (-1: unchanged)
  trapped: boolean; // an unmasked overflow/underflow happened (memory stores are suppressed)
}

export function makeCtx(cw: number): OpCtx {
  const pcf = (cw >> 8) & 3;
  const pc = pcf === 0 ? 24 : pcf === 2 ? 53 : 64;
  return { rc: (cw >> 10) & 3, pc, masks: cw & 0x3f, flags: 0, c1: 0, trapped: false };
}

/** A destination format: precision, exponent bias and the largest finite biased exponent. */
export interface Format {
  readonly p: number;
  readonly bias: number;
  readonly emax: number;
}

export const SINGLE: Format = { p: 24, bias: 127, emax: 0xfe };
export const DOUBLE: Format = { p: 53, bias: 1023, emax: 0x7fe };
export const EXTENDED: Format = { p: 64, bias: BIAS, emax: 0x7ffe };

/** Rounded result: biased exponent (0 for denormal) and significand of at most p bits. */
export interface Rounded {
  sign: number;
  bexp: number;
  q: bigint;
}

/** q = m / 2^sh rounded per rc; also whether it was inexact and whether the magnitude grew. */
export function roundShift(sign: number, m: bigint, sh: number, rc: number): [bigint, boolean, boolean] {
  if (sh <= 0) return [m << BigInt(-sh), false, false];
  const s = BigInt(sh);
  const q = m >> s;
  const r = m - (q << s);
  if (r === 0n) return [q, false, false];
  let up: boolean;
  if (rc === RC_NEAREST) {
    const half = 1n << (s - 1n);
    up = r > half || (r === half && (q & 1n) === 1n);
  } else if (rc === RC_DOWN) up = sign === 1;
  else if (rc === RC_UP) up = sign === 0;
  else up = false;
  return [up ? q + 1n : q, true, up];
}

function overflowResult(ctx: OpCtx, sign: number, fmt: Format, p: number): Rounded {
  const toInf =
    ctx.rc === RC_NEAREST || (ctx.rc === RC_DOWN && sign === 1) || (ctx.rc === RC_UP && sign === 0);
  ctx.c1 = toInf ? 1 : 0;
  if (toInf) return { sign, bexp: fmt.emax + 1, q: 1n << BigInt(p - 1) };
  return { sign, bexp: fmt.emax, q: (1n << BigInt(p)) - 1n };
}

/**
 * Round the exact value (-1)^sign * m * 2^e2 (m > 0) to `p` significant bits in format `fmt`,
 * raising PE/UE/OE into ctx. Unmasked O/U on the extended format wraps the exponent by 24576.
 */
export function roundTo(ctx: OpCtx, sign: number, m: bigint, e2: number, fmt: Format, p = fmt.p): Rounded {
  const n = bitLength(m);
  let bexp = e2 + n - 1 + fmt.bias;
  let [q, inexact, up] = roundShift(sign, m, n - p, ctx.rc);
  if (bitLength(q) > p) {
    q >>= 1n;
    bexp++;
  }
  const wrap = fmt === EXTENDED ? 24576 : 0;
  if (bexp > fmt.emax) {
    if (ctx.masks & OE) {
      ctx.flags |= OE | PE;
      return overflowResult(ctx, sign, fmt, p);
    }
    ctx.flags |= OE | (inexact ? PE : 0);
    ctx.c1 = up ? 1 : 0;
    ctx.trapped = true;
    if (wrap && bexp - wrap > fmt.emax) {
      // Too large even for the re-biased exponent (only FSCALE gets here): infinity, PE, C1 = 1.
      ctx.flags |= PE;
      ctx.c1 = 1;
      return { sign, bexp: fmt.emax + 1, q: 1n << BigInt(p - 1) };
    }
    return { sign, bexp: (bexp - wrap) & 0x7fff, q };
  }
  if (bexp < 1) {
    if (!(ctx.masks & UE)) {
      ctx.flags |= UE | (inexact ? PE : 0);
      ctx.c1 = up ? 1 : 0;
      ctx.trapped = true;
      // Too tiny even for the re-biased exponent (only FSCALE gets here): a signed zero.
      if (wrap && bexp + wrap < 1) {
        ctx.flags |= PE;
        ctx.c1 = 0;
        return { sign, bexp: 0, q: 0n };
      }
      return { sign, bexp: (bexp + wrap) & 0x7fff, q };
    }
    const lsb = 1 - fmt.bias - (p - 1);
    const [q2, inex2, up2] = roundShift(sign, m, lsb - e2, ctx.rc);
    if (inex2) ctx.flags |= UE | PE;
    ctx.c1 = up2 ? 1 : 0;
    return { sign, bexp: bitLength(q2) >= p ? 1 : 0, q: q2 };
  }
  if (inexact) ctx.flags |= PE;
  ctx.c1 = up ? 1 : 0;
  return { sign, bexp, q };
}

/** Round to the extended format at precision p (default: the precision control). */
export function roundExt(ctx: OpCtx, sign: number, m: bigint, e2: number, p = ctx.pc): F80 {
  const r = roundTo(ctx, sign, m, e2, EXTENDED, p);
  return f80(r.sign, r.bexp, r.q << BigInt(64 - p));
}
