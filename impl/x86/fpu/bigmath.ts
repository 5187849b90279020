// Fixed-point BigInt elementary functions (value = V / 2^P) used to compute the x87
// transcendentals far beyond 64 bits before one final rounding: sin, cos, atan, exp-1, ln, and
// pi / ln 2 to 640 bits. Above: transcend.ts; below: nothing but BigInt.

import { isqrt } from "./arith.js";

const PI_640 =
  0x3243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89452821e638d01377be5466cf34e90c6cc0ac29b7c97c50dd3f84d5b5b54709179216d5d98979fb1bd1310ba698dfb5acn;
const LN2_640 =
  0xb17217f7d1cf79abc9e3b39803f2f6af40f343267298b62d8a0d175b8baafa2be7b876206debac98559552fb4afa1b10ed2eae35c138214427573b291169b8253e96ca16224ae8c51acbda11317c387en;

function scaleConst(c: bigint, P: number): bigint {
  return P <= 640 ? c >> BigInt(640 - P) : c << BigInt(P - 640);
}

/** pi at scale P (exact to 640 fractional bits). */
export function piF(P: number): bigint {
  return scaleConst(PI_640, P);
}

export function ln2F(P: number): bigint {
  return scaleConst(LN2_640, P);
}

/** Product at scale P, truncated toward zero (so series terms reach 0 for either sign). */
export function mulF(a: bigint, b: bigint, P: number): bigint {
  const p = a * b;
  return p >= 0n ? p >> BigInt(P) : -(-p >> BigInt(P));
}

export function divF(a: bigint, b: bigint, P: number): bigint {
  return (a << BigInt(P)) / b;
}

/** sin and cos of |x| <= ~1 by Taylor series. */
export function sinCosF(x: bigint, P: number): [bigint, bigint] {
  const x2 = mulF(x, x, P);
  let s = x;
  let t = x;
  for (let k = 2; t !== 0n; k += 2) {
    t = -mulF(t, x2, P) / BigInt(k * (k + 1));
    s += t;
  }
  const one = 1n << BigInt(P);
  let c = one;
  t = one;
  for (let k = 1; t !== 0n; k += 2) {
    t = -mulF(t, x2, P) / BigInt(k * (k + 1));
    c += t;
  }
  return [s, c];
}

/** atan(t) for 0 <= t <= 1 (three argument halvings, then the Taylor series). */
export function atanF(t: bigint, P: number): bigint {
  const one = 1n << BigInt(P);
  for (let i = 0; i < 3; i++) {
    const root = isqrt((one + mulF(t, t, P)) << BigInt(P));
    t = divF(t, one + root, P);
  }
  const t2 = mulF(t, t, P);
  let s = t;
  let pow = t;
  for (let k = 3; pow !== 0n; k += 2) {
    pow = -mulF(pow, t2, P);
    const term = pow / BigInt(k);
    if (term === 0n) break;
    s += term;
  }
  return s << 3n;
}

/** e^x - 1 for |x| <= ~1. */
export function expm1F(x: bigint, P: number): bigint {
  let s = 0n;
  let t = x;
  for (let k = 2; t !== 0n; k++) {
    s += t;
    t = mulF(t, x, P) / BigInt(k);
  }
  return s;
}

/** 2 * atanh(z) for |z| <= ~1/3: ln((1+z)/(1-z)). */
export function atanh2F(z: bigint, P: number): bigint {
  const z2 = mulF(z, z, P);
  let s = z;
  let pow = z;
  for (let k = 3; ; k += 2) {
    pow = mulF(pow, z2, P);
    const term = pow / BigInt(k);
    if (term === 0n) break;
    s += term;
  }
  return s << 1n;
}

/** ln(m) for m in [1, 2) (scale P). */
export function lnF(m: bigint, P: number): bigint {
  const one = 1n << BigInt(P);
  return atanh2F(divF(m - one, m + one, P), P);
}
