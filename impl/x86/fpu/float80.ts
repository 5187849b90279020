// The 80-bit extended-precision value of the x87 FPU as an explicit record: sign, 15-bit biased
// exponent and 64-bit significand (explicit integer bit J at bit 63). This is the lowest layer of
// impl/x86/fpu: the rounding, arithmetic, conversion and register-file modules above it build on
// these helpers; below it there is nothing but BigInt.

/** One extended-precision value. `sig` is always in [0, 2^64). */
export interface F80 {
  readonly sign: number; // 0 or 1
  readonly exp: number; // 0..0x7fff, biased by 16383
  readonly sig: bigint; // 64-bit significand incl. explicit integer bit
}

export const BIAS = 16383;
export const EXP_MAX = 0x7fff;
export const J_BIT = 1n << 63n;
export const QUIET_BIT = 1n << 62n;
export const SIG_MASK = (1n << 64n) - 1n;

/** Operand classes as the P6 sees them (unsupported formats are separate classes). */
export enum Cls {
  Zero,
  Denormal, // exp 0, significand non-zero (includes pseudo-denormals with J = 1)
  Normal,
  Inf,
  QNaN,
  SNaN,
  Unsupported, // unnormal, pseudo-infinity, pseudo-NaN
}

export function f80(sign: number, exp: number, sig: bigint): F80 {
  return { sign, exp, sig };
}

export const INDEFINITE: F80 = f80(1, EXP_MAX, 0xc000000000000000n);
export const POS_ZERO: F80 = f80(0, 0, 0n);
export const ONE: F80 = f80(0, BIAS, J_BIT);

export function zero(sign: number): F80 {
  return f80(sign, 0, 0n);
}

export function inf(sign: number): F80 {
  return f80(sign, EXP_MAX, J_BIT);
}

export function classify(x: F80): Cls {
  const j = (x.sig & J_BIT) !== 0n;
  if (x.exp === 0) return x.sig === 0n ? Cls.Zero : Cls.Denormal;
  if (x.exp === EXP_MAX) {
    if (!j) return Cls.Unsupported;
    if (x.sig === J_BIT) return Cls.Inf;
    return (x.sig & QUIET_BIT) !== 0n ? Cls.QNaN : Cls.SNaN;
  }
  return j ? Cls.Normal : Cls.Unsupported;
}

export function isNaNCls(c: Cls): boolean {
  return c === Cls.QNaN || c === Cls.SNaN;
}

export function quiet(x: F80): F80 {
  return f80(x.sign, x.exp, x.sig | QUIET_BIT);
}

export function negate(x: F80): F80 {
  return f80(x.sign ^ 1, x.exp, x.sig);
}

export function withSign(x: F80, sign: number): F80 {
  return f80(sign, x.exp, x.sig);
}

/** Effective (unbiased) exponent of the significand's lsb: value = sig * 2^lsbExp(x). */
export function lsbExp(x: F80): number {
  return Math.max(x.exp, 1) - BIAS - 63;
}

/** Bit length of a non-negative BigInt (0 for 0). */
export function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  if (v < 0x100000000n) return 32 - Math.clz32(Number(v));
  if (v < 0x10000000000000000n) {
    const hi = Number(v >> 32n);
    return hi ? 64 - Math.clz32(hi) : 32 - Math.clz32(Number(v & 0xffffffffn));
  }
  if (v < 1n << 192n) {
    const hi = v >> 64n;
    return 64 + bitLength(hi);
  }
  const n = v.toString(16);
  const top = parseInt(n[0]!, 16);
  return (n.length - 1) * 4 + (32 - Math.clz32(top));
}

export function fromBytes(b: ArrayLike<number>, off = 0): F80 {
  let sig = 0n;
  for (let i = 7; i >= 0; i--) sig = (sig << 8n) | BigInt(b[off + i]! & 0xff);
  const se = (b[off + 8]! & 0xff) | ((b[off + 9]! & 0xff) << 8);
  return f80(se >> 15, se & 0x7fff, sig);
}

export function toBytes(x: F80, out: number[] | Uint8Array = new Array<number>(10), off = 0): number[] | Uint8Array {
  let s = x.sig;
  for (let i = 0; i < 8; i++) {
    out[off + i] = Number(s & 0xffn);
    s >>= 8n;
  }
  const se = (x.sign << 15) | x.exp;
  out[off + 8] = se & 0xff;
  out[off + 9] = se >> 8;
  return out;
}

/** Hex form "SEEE_SSSSSSSSSSSSSSSS" (sign+exponent as 4 hex digits, significand as 16). */
export function toHex(x: F80): string {
  const se = ((x.sign << 15) | x.exp).toString(16).padStart(4, "0");
  return se + x.sig.toString(16).padStart(16, "0");
}

export function fromHex(h: string): F80 {
  const se = parseInt(h.slice(0, 4), 16);
  return f80(se >> 15, se & 0x7fff, BigInt("0x" + h.slice(4, 20)));
}

export function sameBits(a: F80, b: F80): boolean {
  return a.sign === b.sign && a.exp === b.exp && a.sig === b.sig;
}

/**
 * Normalise a finite non-zero value: significand m with J set and the unbounded unbiased exponent
 * e of its leading bit, so that value = m * 2^(e - 63).
 */
export function normalized(x: F80): { m: bigint; e: number } {
  const n = bitLength(x.sig);
  return { m: x.sig << BigInt(64 - n), e: lsbExp(x) + n - 1 };
}
