// The execution core shared by the x87 instruction handlers: the register file plus the P6's
// rules for finishing an instruction (unmasked invalid/denormal/zero-divide leave the destination
// and TOP untouched; flags are ORed into the status word; ES/B follow the masks). Above: the
// handler tables (exec-mem.ts, exec-reg.ts, exec-trans.ts) and fpu.ts; below: regfile.ts, round.ts.

import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";
import * as M_round from "./round.js";
import type { OpCtx } from "./round.js";
import { RegFile } from "./regfile.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { INDEFINITE } = M_float80;
const { DE, IE, makeCtx, SF, ZE } = M_round;

export class Core extends RegFile {
  /** EFLAGS ZF/PF/CF result of the last FCOMI-class instruction, or -1. */
  eflagsOut = -1;

  ctx(): OpCtx {
    return makeCtx(this.cw);
  }

  /**
   * True when an unmasked pre-computation exception (IE, DE, ZE) stops the instruction; the
   * flags are trimmed to what the P6 reports in that case.
   */
  blocked(ctx: OpCtx): boolean {
    const un = ctx.flags & ~ctx.masks;
    if (un & IE) ctx.flags &= IE | SF;
    else if (un & DE) ctx.flags &= DE;
    else if (un & ZE) ctx.flags &= ZE | DE;
    else return false;
    if (!(ctx.flags & SF)) ctx.c1 = 0;
    return true;
  }

  /** Merge this instruction's flags and C1 into the status word. */
  raise(ctx: OpCtx): void {
    this.sw |= ctx.flags & 0x7f;
    if (ctx.c1 >= 0) this.setC1(ctx.c1);
    this.updateSummary();
  }

  /** Stack underflow: IE + SF, C1 = 0, masked result is the real indefinite. */
  underflow(ctx: OpCtx): F80 {
    ctx.flags = IE | SF;
    ctx.c1 = 0;
    return INDEFINITE;
  }

  /** ST(i), or the underflow response when it is empty. */
  opnd(ctx: OpCtx, i: number): F80 {
    return this.isEmpty(i) ? this.underflow(ctx) : this.st(i);
  }

  /** Write a result to ST(dst) (and pop) unless an unmasked exception blocks it. */
  finish(ctx: OpCtx, dst: number, v: F80, pop: boolean): void {
    if (!this.blocked(ctx)) {
      this.set(dst, v);
      if (pop) this.pop();
    }
    this.raise(ctx);
  }

  /** Finish an instruction that only pops (or does nothing) when not blocked. */
  finishPop(ctx: OpCtx, pops: number): boolean {
    const ok = !this.blocked(ctx);
    if (ok) for (let i = 0; i < pops; i++) this.pop();
    this.raise(ctx);
    return ok;
  }
}
