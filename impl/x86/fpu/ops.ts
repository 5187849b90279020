// Instruction building blocks shared by the memory-form and register-form handlers: the eight
// arithmetic operations of an x87 opcode group (FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR, by the
// ModRM reg field), compares into C3/C2/C0 or EFLAGS, and the load-and-push / store-and-pop
// sequences with their stack-fault responses. Above: exec-mem.ts, exec-reg.ts; below: core.ts.

import * as M_arith from "./arith.js";
import * as M_compare from "./compare.js";
import type { Core } from "./core.js";
import type { F80 } from "./float80.js";
import * as M_round from "./round.js";
import type { OpCtx } from "./round.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { addSub, div, mul } = M_arith;
const { CMP_EQ, CMP_LT, CMP_UN, compare } = M_compare;
const { IE, PE, SF } = M_round;

/** ModRM reg field of the arithmetic groups; both operand orders follow ST0 op other. */
export function binop(ctx: OpCtx, op: number, a: F80, b: F80): F80 {
  switch (op) {
    case 0:
      return addSub(ctx, a, b, false);
    case 1:
      return mul(ctx, a, b);
    case 4:
      return addSub(ctx, a, b, true);
    case 5:
      return addSub(ctx, b, a, true);
    case 6:
      return div(ctx, a, b);
    default:
      return div(ctx, b, a);
  }
}

/** dst := ST(0) op other (other is ST(i) or a memory operand); pops when `pop`. */
export function arith(c: Core, ctx: OpCtx, op: number, other: F80 | null, dst: number, pop: boolean): void {
  if (c.isEmpty(0) || other === null) {
    c.finish(ctx, dst, c.underflow(ctx), pop);
    return;
  }
  c.finish(ctx, dst, binop(ctx, op, c.st(0), other), pop);
}

/** Compare ST(0) with other (null = empty register); result to C3/C2/C0, or EFLAGS for FCOMI. */
export function fcom(c: Core, ctx: OpCtx, other: F80 | null, unordered: boolean, pops: number, toEflags = false): void {
  let r: number;
  if (c.isEmpty(0) || other === null) {
    c.underflow(ctx);
    r = CMP_UN;
  } else r = compare(ctx, c.st(0), other, unordered);
  const c3 = r === CMP_EQ || r === CMP_UN ? 1 : 0;
  const c2 = r === CMP_UN ? 1 : 0;
  const c0 = r === CMP_LT || r === CMP_UN ? 1 : 0;
  // Condition codes / EFLAGS are written even when an unmasked exception stops the pops.
  if (toEflags) c.eflagsOut = (c3 << 6) | (c2 << 2) | c0;
  else c.setCond(c3, c2, 0, c0);
  if (c.blocked(ctx)) {
    if (toEflags && !(ctx.flags & SF)) ctx.c1 = -1;
  } else {
    if (toEflags && !(ctx.flags & SF)) ctx.c1 = -1;
    for (let i = 0; i < pops; i++) c.pop();
  }
  c.raise(ctx);
}

/** Push a loaded value; stack overflow dominates conversion exceptions. */
export function loadPush(c: Core, ctx: OpCtx, v: F80): void {
  if (!c.isEmpty(7)) ctx.flags &= SF;
  else if (ctx.flags & IE && c.blocked(ctx)) {
    // An unmasked IE (SNaN source) stops the load; an unmasked DE does not (host CPU).
    c.raise(ctx);
    return;
  }
  c.push(ctx, v);
  c.raise(ctx);
}

/**
 * Store ST(0) through `write` (already probed by the caller) and pop when asked. An empty ST(0)
 * stores the encoding of the real indefinite (masked) or nothing (unmasked).
 */
export function storeTop(c: Core, ctx: OpCtx, pop: boolean, write: (ctx: OpCtx, x: F80) => () => void): void {
  const x = c.opnd(ctx, 0);
  const commit = write(ctx, x);
  if (ctx.trapped) {
    // Unmasked overflow/underflow on a memory store: nothing is stored, PE is not reported.
    ctx.flags &= ~PE;
    ctx.c1 = 0;
  }
  if (c.blocked(ctx) || ctx.trapped) {
    c.raise(ctx);
    return;
  }
  commit();
  if (pop) c.pop();
  c.raise(ctx);
}
