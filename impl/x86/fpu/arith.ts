// The exactly rounded x87 arithmetic operations on 80-bit values: add, subtract, multiply, divide,
// square root, with the P6's operand checks (unsupported formats -> invalid, NaN propagation by
// larger significand, denormal-operand flag). Exact intermediates are BigInts, rounded once by
// round.ts. Above: the instruction layer (fpu.ts); below: round.ts and float80.ts.

import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";
import * as M_round from "./round.js";
import type { OpCtx } from "./round.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { Cls, classify, f80, INDEFINITE, inf, isNaNCls, lsbExp, quiet, zero } = M_float80;
const { DE, IE, RC_DOWN, roundExt, ZE } = M_round;

/** NaN result of a two-operand operation (P6 rules), raising IE for signalling NaNs. */
export function propagateNaN(ctx: OpCtx, a: F80, b: F80): F80 {
  const ca = classify(a);
  const cb = classify(b);
  const sa = ca === Cls.SNaN;
  const sb = cb === Cls.SNaN;
  if (sa || sb) ctx.flags |= IE;
  const na = isNaNCls(ca);
  const nb = isNaNCls(cb);
  if (na && nb) {
    if (sa !== sb) return quiet(sa ? b : a);
    if (a.sig < b.sig) return quiet(b);
    if (b.sig < a.sig) return quiet(a);
    return quiet(a.sign <= b.sign ? a : b);
  }
  return quiet(na ? a : b);
}

/** Shared operand screening: returns the final result for NaN/unsupported operands, else null. */
export function checkOperands2(ctx: OpCtx, a: F80, b: F80): F80 | null {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) {
    ctx.flags |= IE;
    return INDEFINITE;
  }
  if (isNaNCls(ca) || isNaNCls(cb)) return propagateNaN(ctx, a, b);
  if (ca === Cls.Denormal || cb === Cls.Denormal) ctx.flags |= DE;
  return null;
}

export function checkOperand1(ctx: OpCtx, a: F80): F80 | null {
  const c = classify(a);
  if (c === Cls.Unsupported) {
    ctx.flags |= IE;
    return INDEFINITE;
  }
  if (c === Cls.SNaN) {
    ctx.flags |= IE;
    return quiet(a);
  }
  if (c === Cls.QNaN) return a;
  if (c === Cls.Denormal) ctx.flags |= DE;
  return null;
}

/** Invalid operation on non-NaN operands: IE (a denormal operand is then not reported). */
export function invalid(ctx: OpCtx): F80 {
  ctx.flags = (ctx.flags & ~DE) | IE;
  return INDEFINITE;
}

/** Exact sum of two finite values, rounded at precision p. */
function addFinite(ctx: OpCtx, a: F80, b: F80, p: number): F80 {
  let ea = lsbExp(a);
  let eb = lsbExp(b);
  let va = a.sign ? -a.sig : a.sig;
  let vb = b.sign ? -b.sig : b.sig;
  if (a.sig === 0n) ea = eb;
  else if (b.sig === 0n) eb = ea;
  else {
    // Beyond 70 bits apart the smaller operand is below half an ulp of any result: a sticky 1.
    if (ea - eb > 70) [vb, eb] = [b.sign ? -1n : 1n, ea - 70];
    else if (eb - ea > 70) [va, ea] = [a.sign ? -1n : 1n, eb - 70];
  }
  const e = Math.min(ea, eb);
  const s = (va << BigInt(ea - e)) + (vb << BigInt(eb - e));
  if (s === 0n) {
    ctx.c1 = 0;
    return zero(a.sign === b.sign ? a.sign : ctx.rc === RC_DOWN ? 1 : 0);
  }
  return s < 0n ? roundExt(ctx, 1, -s, e, p) : roundExt(ctx, 0, s, e, p);
}

/** a + b, or a - b when `subtract`; rounded per precision control unless p is given. */
export function addSub(ctx: OpCtx, a: F80, b0: F80, subtract: boolean, p = ctx.pc): F80 {
  const sp = checkOperands2(ctx, a, b0);
  if (sp) return sp;
  const b = subtract ? f80(b0.sign ^ 1, b0.exp, b0.sig) : b0;
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Cls.Inf || cb === Cls.Inf) {
    if (ca === Cls.Inf && cb === Cls.Inf && a.sign !== b.sign) return invalid(ctx);
    return ca === Cls.Inf ? a : b;
  }
  return addFinite(ctx, a, b, p);
}

export function mul(ctx: OpCtx, a: F80, b: F80, p = ctx.pc): F80 {
  const sp = checkOperands2(ctx, a, b);
  if (sp) return sp;
  const ca = classify(a);
  const cb = classify(b);
  const sign = a.sign ^ b.sign;
  if (ca === Cls.Inf || cb === Cls.Inf) {
    if (ca === Cls.Zero || cb === Cls.Zero) return invalid(ctx);
    return inf(sign);
  }
  if (ca === Cls.Zero || cb === Cls.Zero) return zero(sign);
  return roundExt(ctx, sign, a.sig * b.sig, lsbExp(a) + lsbExp(b), p);
}

export function div(ctx: OpCtx, a: F80, b: F80, p = ctx.pc): F80 {
  const sp = checkOperands2(ctx, a, b);
  if (sp) return sp;
  const ca = classify(a);
  const cb = classify(b);
  const sign = a.sign ^ b.sign;
  if (ca === Cls.Inf) return cb === Cls.Inf ? invalid(ctx) : inf(sign);
  if (cb === Cls.Inf) return zero(sign);
  if (cb === Cls.Zero) {
    if (ca === Cls.Zero) return invalid(ctx);
    ctx.flags = (ctx.flags & ~DE) | ZE;
    return inf(sign);
  }
  if (ca === Cls.Zero) return zero(sign);
  const k = 134;
  const num = a.sig << BigInt(k);
  const q = num / b.sig;
  const sticky = num - q * b.sig !== 0n ? 1n : 0n;
  return roundExt(ctx, sign, (q << 1n) | sticky, lsbExp(a) - lsbExp(b) - k - 1, p);
}

/** Integer square root floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(ctx: OpCtx, a: F80, p = ctx.pc): F80 {
  const sp = checkOperand1(ctx, a);
  if (sp) return sp;
  const c = classify(a);
  if (c === Cls.Zero) return a;
  if (a.sign) return invalid(ctx);
  if (c === Cls.Inf) return a;
  const e = lsbExp(a);
  const k = (e & 1) === 0 ? 140 : 141;
  const n = a.sig << BigInt(k);
  const s = isqrt(n);
  const sticky = n - s * s !== 0n ? 1n : 0n;
  return roundExt(ctx, 0, (s << 1n) | sticky, (e - k) / 2 - 1, p);
}
