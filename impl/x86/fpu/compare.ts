// Ordered and unordered comparison of two 80-bit operands as FCOM/FUCOM/FCOMI/FTST/FICOM perform
// it: unsupported formats and (for the ordered forms) any NaN raise IE; denormals raise DE.
// Above: fpu.ts maps the outcome onto C3/C2/C0 or ZF/PF/CF; below: float80.ts, round.ts.

import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";
import * as M_round from "./round.js";
import type { OpCtx } from "./round.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { Cls, classify, normalized } = M_float80;
const { DE, IE } = M_round;

export const CMP_GT = 0;
export const CMP_LT = 1;
export const CMP_EQ = 2;
export const CMP_UN = 3;

function magnitudeCmp(a: F80, b: F80): number {
  const na = normalized(a);
  const nb = normalized(b);
  if (na.e !== nb.e) return na.e > nb.e ? 1 : -1;
  return na.m === nb.m ? 0 : na.m > nb.m ? 1 : -1;
}

/** Compare a with b; `unordered` selects FUCOM semantics (QNaN operands do not raise IE). */
export function compare(ctx: OpCtx, a: F80, b: F80, unordered: boolean): number {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Cls.Unsupported || cb === Cls.Unsupported || ca === Cls.SNaN || cb === Cls.SNaN) {
    ctx.flags |= IE;
    return CMP_UN;
  }
  if (ca === Cls.QNaN || cb === Cls.QNaN) {
    if (!unordered) ctx.flags |= IE;
    return CMP_UN;
  }
  if (ca === Cls.Denormal || cb === Cls.Denormal) ctx.flags |= DE;
  const za = ca === Cls.Zero;
  const zb = cb === Cls.Zero;
  if (za && zb) return CMP_EQ;
  if (za) return b.sign ? CMP_GT : CMP_LT;
  if (zb) return a.sign ? CMP_LT : CMP_GT;
  if (a.sign !== b.sign) return a.sign ? CMP_LT : CMP_GT;
  let m: number;
  if (ca === Cls.Inf || cb === Cls.Inf) m = ca === cb ? 0 : ca === Cls.Inf ? 1 : -1;
  else m = magnitudeCmp(a, b);
  if (a.sign) m = -m;
  return m === 0 ? CMP_EQ : m > 0 ? CMP_GT : CMP_LT;
}
