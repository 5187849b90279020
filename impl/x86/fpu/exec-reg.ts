// Handlers of the x87 register forms (ModRM mod == 3), one table row per (opcode D8..DF, modrm low
// six bits), including the undocumented aliases the P6 executes (FSTP1, FCOM2, FCOMP3, FXCH4,
// FCOMP5, FFREEP, FXCH7, FSTP8, FSTP9). Above: fpu.ts dispatches here; below: ops.ts, core.ts,
// and exec-value.ts for the D9 E0..FF value operations.

import type { Core } from "./core.js";
import * as M_float80 from "./float80.js";
import * as M_ops from "./ops.js";
import { VALUE_ROWS } from "./exec-value.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { INDEFINITE } = M_float80;
const { arith, fcom, loadPush } = M_ops;

/** A register-form handler: i = ModRM rm (the ST(i) index), eflags for FCMOVcc. */
export type RegHandler = (c: Core, i: number, eflags: number) => void;

export interface RegRow {
  name: string;
  fn: RegHandler;
  noWait?: boolean;
  control?: boolean;
}

const CF = 0x01;
const PF = 0x04;
const ZF = 0x40;

function arithRow(name: string, op: number, toSti: boolean, pop: boolean): RegRow {
  return {
    name,
    fn: (c, i) => {
      const ctx = c.ctx();
      arith(c, ctx, op, c.isEmpty(i) ? null : c.st(i), toSti ? i : 0, pop);
    },
  };
}

function comRow(name: string, unordered: boolean, pops: number, toEflags = false): RegRow {
  return {
    name,
    fn: (c, i) => {
      const ctx = c.ctx();
      fcom(c, ctx, c.isEmpty(i) ? null : c.st(i), unordered, pops, toEflags);
    },
  };
}

function fld(c: Core, i: number): void {
  const ctx = c.ctx();
  loadPush(c, ctx, c.opnd(ctx, i));
}

function fxch(c: Core, i: number): void {
  const ctx = c.ctx();
  let a = c.st(0);
  let b = c.st(i);
  if (c.isEmpty(0) || c.isEmpty(i)) {
    c.underflow(ctx);
    if (c.blocked(ctx)) return c.raise(ctx);
    if (c.isEmpty(0)) a = INDEFINITE;
    if (c.isEmpty(i)) b = INDEFINITE;
  }
  c.set(0, b);
  c.set(i, a);
  c.raise(ctx);
}

function fst(pop: boolean): RegHandler {
  return (c, i) => {
    const ctx = c.ctx();
    c.finish(ctx, i, c.opnd(ctx, 0), pop);
  };
}

/**
 * D9 D8+i (FSTP1): as FSTP ST(i), except that with an empty ST(0) the host CPU only pops (no
 * stack fault, ST(i) unchanged, C1 = 0).
 */
function fstp1(c: Core, i: number): void {
  if (!c.isEmpty(0)) return fst(true)(c, i, 0);
  c.pop();
  c.setC1(0);
}

function fcmov(test: (ef: number) => boolean): RegHandler {
  return (c, i, ef) => {
    const ctx = c.ctx();
    if (c.isEmpty(0) || c.isEmpty(i)) return c.finish(ctx, 0, c.underflow(ctx), false);
    if (test(ef)) c.set(0, c.st(i));
    ctx.c1 = -1;
    c.raise(ctx);
  };
}

function ffree(pop: boolean): RegHandler {
  return (c, i) => {
    c.free(i);
    if (pop) c.pop();
    c.setC1(0);
  };
}

const nop: RegHandler = () => {};

const ARITH = ["FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"];
const ARITH_STI = ["FADD", "FMUL", "FCOM2", "FCOMP3", "FSUBR", "FSUB", "FDIVR", "FDIV"];
const ARITH_P = ["FADDP", "FMULP", "FCOMP5", "", "FSUBRP", "FSUBP", "FDIVRP", "FDIVP"];

function build(): (RegRow | null)[] {
  const t = new Array<RegRow | null>(512).fill(null);
  const row8 = (op: number, base: number, mk: (i: number) => RegRow | null): void => {
    for (let i = 0; i < 8; i++) t[(op & 7) * 64 + (base & 0x3f) + i] = mk(i);
  };
  for (let r = 0; r < 8; r++) {
    const com = r === 2 || r === 3;
    row8(0xd8, 0xc0 + 8 * r, () => (com ? comRow(ARITH[r]!, false, r - 2) : arithRow(ARITH[r]!, r, false, false)));
    row8(0xdc, 0xc0 + 8 * r, () => (com ? comRow(ARITH_STI[r]!, false, r - 2) : arithRow(ARITH_STI[r]!, r, true, false)));
    if (r !== 3) row8(0xde, 0xc0 + 8 * r, () => (r === 2 ? comRow("FCOMP5", false, 1) : arithRow(ARITH_P[r]!, r, true, true)));
  }
  t[6 * 64 + 0x19] = comRow("FCOMPP", false, 2);
  buildOthers(t, row8);
  return t;
}

type Row8 = (op: number, base: number, mk: (i: number) => RegRow | null) => void;

/** Everything but the arithmetic groups: loads, exchanges, FCMOVcc, control, compares. */
function buildOthers(t: (RegRow | null)[], row8: Row8): void {
  row8(0xd9, 0xc0, () => ({ name: "FLD ST(i)", fn: fld }));
  row8(0xd9, 0xc8, () => ({ name: "FXCH", fn: fxch }));
  t[1 * 64 + 0x10] = { name: "FNOP", fn: nop };
  row8(0xd9, 0xd8, () => ({ name: "FSTP1", fn: fstp1 }));
  for (const [k, row] of VALUE_ROWS) t[64 + k] = row;
  row8(0xda, 0xc0, () => ({ name: "FCMOVB", fn: fcmov((f) => (f & CF) !== 0) }));
  row8(0xda, 0xc8, () => ({ name: "FCMOVE", fn: fcmov((f) => (f & ZF) !== 0) }));
  row8(0xda, 0xd0, () => ({ name: "FCMOVBE", fn: fcmov((f) => (f & (CF | ZF)) !== 0) }));
  row8(0xda, 0xd8, () => ({ name: "FCMOVU", fn: fcmov((f) => (f & PF) !== 0) }));
  t[2 * 64 + 0x29] = comRow("FUCOMPP", true, 2);
  row8(0xdb, 0xc0, () => ({ name: "FCMOVNB", fn: fcmov((f) => (f & CF) === 0) }));
  row8(0xdb, 0xc8, () => ({ name: "FCMOVNE", fn: fcmov((f) => (f & ZF) === 0) }));
  row8(0xdb, 0xd0, () => ({ name: "FCMOVNBE", fn: fcmov((f) => (f & (CF | ZF)) === 0) }));
  row8(0xdb, 0xd8, () => ({ name: "FCMOVNU", fn: fcmov((f) => (f & PF) === 0) }));
  t[3 * 64 + 0x20] = { name: "FNENI", fn: nop, noWait: true, control: true };
  t[3 * 64 + 0x21] = { name: "FNDISI", fn: nop, noWait: true, control: true };
  t[3 * 64 + 0x22] = { name: "FNCLEX", fn: (c) => void (c.sw &= ~0x80ff), noWait: true, control: true };
  t[3 * 64 + 0x23] = { name: "FNINIT", fn: (c) => c.init(), noWait: true, control: true };
  t[3 * 64 + 0x24] = { name: "FNSETPM", fn: nop, noWait: true, control: true };
  row8(0xdb, 0xe8, () => comRow("FUCOMI", true, 0, true));
  row8(0xdb, 0xf0, () => comRow("FCOMI", false, 0, true));
  row8(0xdd, 0xc0, () => ({ name: "FFREE", fn: ffree(false) }));
  row8(0xdd, 0xc8, () => ({ name: "FXCH4", fn: fxch }));
  row8(0xdd, 0xd0, () => ({ name: "FST ST(i)", fn: fst(false) }));
  row8(0xdd, 0xd8, () => ({ name: "FSTP ST(i)", fn: fst(true) }));
  row8(0xdd, 0xe0, () => comRow("FUCOM", true, 0));
  row8(0xdd, 0xe8, () => comRow("FUCOMP", true, 1));
  row8(0xdf, 0xc0, () => ({ name: "FFREEP", fn: ffree(true) }));
  row8(0xdf, 0xc8, () => ({ name: "FXCH7", fn: fxch }));
  row8(0xdf, 0xd0, () => ({ name: "FSTP8", fn: fst(true) }));
  row8(0xdf, 0xd8, () => ({ name: "FSTP9", fn: fst(true) }));
  t[7 * 64 + 0x20] = { name: "FNSTSW AX", fn: nop, noWait: true, control: true };
  row8(0xdf, 0xe8, () => comRow("FUCOMIP", true, 1, true));
  row8(0xdf, 0xf0, () => comRow("FCOMIP", false, 1, true));
}

/** Indexed by (opcode & 7) * 64 + (modrm & 0x3f); null = #UD on a P6. */
export const REG_TABLE: readonly (RegRow | null)[] = build();
