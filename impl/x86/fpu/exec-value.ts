// Handlers of the D9 E0..FF register forms: FCHS FABS FTST FXAM, the constant loads (rounded per
// RC from exact values), stack-pointer moves, and the one- and two-operand value operations
// (FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1 and the transcendentals). Above: exec-reg.ts;
// below: arith.ts, misc-ops.ts, transcend.ts, ops.ts, core.ts.

import { sqrt } from "./arith.js";
import type { Core } from "./core.js";
import { classify, f80, INDEFINITE, ONE, POS_ZERO, type F80 } from "./float80.js";
import { fprem, frndint, fscale, fxtract } from "./misc-ops.js";
import { fcom, loadPush } from "./ops.js";
import { IE, roundShift, SF, type OpCtx } from "./round.js";
import { f2xm1, fpatan, fptan, fsin, fcos, fsincos, fyl2x, fyl2xp1 } from "./transcend.js";
import type { RegRow } from "./exec-reg.js";

/** 128-bit significands of the x87 constants (value = hex * 2^(exp - 127)). */
const CONSTS: readonly [bigint, number][] = [
  [0xd49a784bcd1b8afe492bf6ff4dafdb4cn, 1], // log2(10)
  [0xb8aa3b295c17f0bbbe87fed0691d3e88n, 0], // log2(e)
  [0xc90fdaa22168c234c4c6628b80dc1cd1n, 1], // pi
  [0x9a209a84fbcff7988f8959ac0b7c9178n, -2], // log10(2)
  [0xb17217f7d1cf79abc9e3b39803f2f6afn, -1], // ln(2)
];

function constant(ctx: OpCtx, k: number): F80 {
  const [m, e] = CONSTS[k]!;
  const [q] = roundShift(0, m, 64, ctx.rc);
  return f80(0, 16383 + e, q);
}

function ldconst(get: (ctx: OpCtx) => F80): RegRow["fn"] {
  return (c) => {
    const ctx = c.ctx();
    loadPush(c, ctx, get(ctx));
  };
}

/** ST(0) := f(ST(0)). */
function unary(f: (ctx: OpCtx, x: F80) => F80): RegRow["fn"] {
  return (c) => {
    const ctx = c.ctx();
    if (c.isEmpty(0)) return c.finish(ctx, 0, c.underflow(ctx), false);
    c.finish(ctx, 0, f(ctx, c.st(0)), false);
  };
}

/** ST(1) := f(ST(0), ST(1)) and pop (FYL2X, FYL2XP1, FPATAN), or ST(0) := f(..) (FSCALE). */
function binary(f: (ctx: OpCtx, x: F80, y: F80) => F80 | null, toSt1: boolean): RegRow["fn"] {
  return (c) => {
    const ctx = c.ctx();
    if (c.isEmpty(0) || c.isEmpty(1)) return c.finish(ctx, toSt1 ? 1 : 0, c.underflow(ctx), toSt1);
    const r = f(ctx, c.st(0), c.st(1));
    if (r === null) return c.raise(ctx); // out of domain: flags only
    c.finish(ctx, toSt1 ? 1 : 0, r, toSt1);
  };
}

function fxam(c: Core): void {
  const x = c.st(0);
  if (c.isEmpty(0)) return c.setCond(1, 0, x.sign, 1);
  const cls = classify(x);
  const code = [4, 6, 2, 3, 1, 1, 0][cls]!;
  c.setCond(code >> 2, (code >> 1) & 1, x.sign, code & 1);
}

/** FPREM / FPREM1: remainder to ST(0), quotient bits to C0 C3 C1, C2 = incomplete. */
function prem(ieee: boolean): RegRow["fn"] {
  return (c) => {
    const ctx = c.ctx();
    const r = c.isEmpty(0) || c.isEmpty(1) ? { r: c.underflow(ctx), q: -1, partial: false } : fprem(ctx, c.st(0), c.st(1), ieee);
    c.sw &= ~0x400; // C2 = 0; NaN, invalid and stack-fault results leave C0 and C3 alone
    const blocked = c.blocked(ctx);
    if (!blocked) c.set(0, r.r);
    c.raise(ctx);
    if (blocked || r.q < 0) return;
    const q = r.partial ? 0 : r.q; // a partial remainder reports no quotient bits
    c.setCond((q >> 1) & 1, r.partial ? 1 : 0, q & 1, (q >> 2) & 1);
  };
}

/** Operations that replace ST(0) and push a second result (FXTRACT, FPTAN, FSINCOS). */
function twoResults(f: (ctx: OpCtx, x: F80) => [F80, F80] | null, clearC2: boolean): RegRow["fn"] {
  return (c) => {
    const ctx = c.ctx();
    if (c.isEmpty(0) || !c.isEmpty(7)) {
      if (c.isEmpty(0)) c.underflow(ctx);
      else [ctx.flags, ctx.c1] = [IE | SF, 1];
      if (!c.blocked(ctx)) {
        c.set(0, INDEFINITE);
        c.top = (c.top - 1) & 7;
        c.set(0, INDEFINITE);
      }
      if (clearC2) c.sw &= ~0x400;
      return c.raise(ctx);
    }
    const r = f(ctx, c.st(0));
    if (r === null) return c.setCond((c.sw >> 14) & 1, 1, 0, (c.sw >> 8) & 1);
    if (c.blocked(ctx)) return c.raise(ctx);
    c.set(0, r[0]);
    c.push(ctx, r[1]);
    c.raise(ctx);
    if (clearC2) c.sw &= ~0x400;
  };
}

/** FSIN/FCOS: C2 = 1 and ST(0) unchanged when the operand is out of range. */
function trig(f: (ctx: OpCtx, x: F80) => F80 | null): RegRow["fn"] {
  return (c) => {
    const ctx = c.ctx();
    if (c.isEmpty(0)) {
      c.sw &= ~0x400;
      return c.finish(ctx, 0, c.underflow(ctx), false);
    }
    const r = f(ctx, c.st(0));
    if (r === null) return c.setCond((c.sw >> 14) & 1, 1, 0, (c.sw >> 8) & 1);
    c.finish(ctx, 0, r, false);
    c.sw &= ~0x400;
  };
}

const E = (k: number, row: RegRow): [number, RegRow] => [k, row];

export const VALUE_ROWS: readonly [number, RegRow][] = [
  E(0x20, { name: "FCHS", fn: unary((_, x) => f80(x.sign ^ 1, x.exp, x.sig)) }),
  E(0x21, { name: "FABS", fn: unary((_, x) => f80(0, x.exp, x.sig)) }),
  E(0x24, { name: "FTST", fn: (c) => fcom(c, c.ctx(), c.isEmpty(0) ? null : POS_ZERO, false, 0) }),
  E(0x25, { name: "FXAM", fn: fxam }),
  E(0x28, { name: "FLD1", fn: ldconst(() => ONE) }),
  E(0x29, { name: "FLDL2T", fn: ldconst((ctx) => constant(ctx, 0)) }),
  E(0x2a, { name: "FLDL2E", fn: ldconst((ctx) => constant(ctx, 1)) }),
  E(0x2b, { name: "FLDPI", fn: ldconst((ctx) => constant(ctx, 2)) }),
  E(0x2c, { name: "FLDLG2", fn: ldconst((ctx) => constant(ctx, 3)) }),
  E(0x2d, { name: "FLDLN2", fn: ldconst((ctx) => constant(ctx, 4)) }),
  E(0x2e, { name: "FLDZ", fn: ldconst(() => POS_ZERO) }),
  E(0x30, { name: "F2XM1", fn: unary(f2xm1) }),
  E(0x31, { name: "FYL2X", fn: binary(fyl2x, true) }),
  E(0x32, { name: "FPTAN", fn: twoResults(fptan, true) }),
  E(0x33, { name: "FPATAN", fn: binary(fpatan, true) }),
  E(0x34, { name: "FXTRACT", fn: twoResults(fxtract, false) }),
  E(0x35, { name: "FPREM1", fn: prem(true) }),
  E(0x36, { name: "FDECSTP", fn: (c) => ((c.top = (c.top - 1) & 7), c.setC1(0)) }),
  E(0x37, { name: "FINCSTP", fn: (c) => ((c.top = (c.top + 1) & 7), c.setC1(0)) }),
  E(0x38, { name: "FPREM", fn: prem(false) }),
  E(0x39, { name: "FYL2XP1", fn: binary(fyl2xp1, true) }),
  E(0x3a, { name: "FSQRT", fn: unary((ctx, x) => sqrt(ctx, x)) }),
  E(0x3b, { name: "FSINCOS", fn: twoResults(fsincos, true) }),
  E(0x3c, { name: "FRNDINT", fn: unary(frndint) }),
  E(0x3d, { name: "FSCALE", fn: binary(fscale, false) }),
  E(0x3e, { name: "FSIN", fn: trig(fsin) }),
  E(0x3f, { name: "FCOS", fn: trig(fcos) }),
];
