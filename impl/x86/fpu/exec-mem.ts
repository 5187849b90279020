// Handlers of the x87 memory forms (ModRM mod != 3), one table row per (opcode D8..DF, reg field).
// Every handler reads all its memory first and probes every store before it changes any state, so
// a page fault thrown by the memory port leaves the FPU untouched. Above: fpu.ts dispatches here;
// below: ops.ts, convert.ts, env.ts, core.ts.

import * as M_convert from "./convert.js";
import type { Core } from "./core.js";
import { fldenv, fnsave, fnstenv, frstor } from "./env.js";
import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";
import * as M_memory from "./memory.js";
import type { FpuMemory } from "./memory.js";
import * as M_ops from "./ops.js";
import * as M_round from "./round.js";
import type { OpCtx } from "./round.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { bcdToF80, f32ToF80, f64ToF80, f80ToBcd, f80ToF32, f80ToF64, f80ToInt, intToF80, loadReal } = M_convert;
const { Cls, classify, fromBytes, toBytes } = M_float80;
const { read64, readBytes, write64, writeBytes } = M_memory;
const { arith, fcom, loadPush, storeTop } = M_ops;
const { DE } = M_round;

/** A memory-form handler (encodings that do not exist are null rows of MEM_TABLE: #UD). */
export type MemHandler = (c: Core, ea: number, mem: FpuMemory, reg: number) => void;

/** Arithmetic group with the memory operand read by `read`. */
function arithGroup(read: (ctx: OpCtx, mem: FpuMemory, ea: number) => F80): MemHandler {
  return (c, ea, mem, reg) => {
    const ctx = c.ctx();
    const scratch = c.ctx();
    const b = read(scratch, mem, ea);
    // A denormal single/double source counts only when ST(0) is a usable operand.
    const a = c.st(0);
    const cls = classify(a);
    if (scratch.flags & DE && !c.isEmpty(0) && cls !== Cls.QNaN && cls !== Cls.SNaN && cls !== Cls.Unsupported)
      ctx.flags |= DE;
    if (reg === 2 || reg === 3) fcom(c, ctx, b, false, reg - 2);
    else arith(c, ctx, reg, b, 0, false);
  };
}

const rdF32 = (ctx: OpCtx, mem: FpuMemory, ea: number): F80 => f32ToF80(ctx, mem.read32(ea));
const rdF64 = (ctx: OpCtx, mem: FpuMemory, ea: number): F80 => f64ToF80(ctx, read64(mem, ea));
const rdI16 = (_: OpCtx, mem: FpuMemory, ea: number): F80 => intToF80(BigInt((mem.read16(ea) << 16) >> 16));
const rdI32 = (_: OpCtx, mem: FpuMemory, ea: number): F80 => intToF80(BigInt(mem.read32(ea) | 0));
const rdI64 = (_: OpCtx, mem: FpuMemory, ea: number): F80 => intToF80(BigInt.asIntN(64, read64(mem, ea)));

function loadReal32(c: Core, ea: number, mem: FpuMemory): void {
  const ctx = c.ctx();
  loadPush(c, ctx, loadReal(ctx, rdF32(ctx, mem, ea)));
}

function loadReal64(c: Core, ea: number, mem: FpuMemory): void {
  const ctx = c.ctx();
  loadPush(c, ctx, loadReal(ctx, rdF64(ctx, mem, ea)));
}

function loadInt(read: (ctx: OpCtx, mem: FpuMemory, ea: number) => F80): MemHandler {
  return (c, ea, mem) => {
    const ctx = c.ctx();
    loadPush(c, ctx, read(ctx, mem, ea));
  };
}

function loadExt(c: Core, ea: number, mem: FpuMemory): void {
  const v = fromBytes(readBytes(mem, ea, 10));
  loadPush(c, c.ctx(), v);
}

function loadBcd(c: Core, ea: number, mem: FpuMemory): void {
  const v = bcdToF80(readBytes(mem, ea, 10));
  loadPush(c, c.ctx(), v);
}

/** A store handler writing `len` bytes produced by `encode`; `pop` selects the P form. */
function store(len: number, pop: boolean, encode: (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => () => void): MemHandler {
  return (c, ea, mem) => {
    mem.probeWrite(ea, len);
    storeTop(c, c.ctx(), pop, (ctx, x) => encode(ctx, x, mem, ea));
  };
}

const encF32 = (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const v = f80ToF32(ctx, x);
  return () => mem.write32(ea, v);
};
const encF64 = (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const v = f80ToF64(ctx, x);
  return () => write64(mem, ea, v);
};
const encI16 = (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const v = Number(f80ToInt(ctx, x, 16));
  return () => mem.write16(ea, v);
};
const encI32 = (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const v = Number(f80ToInt(ctx, x, 32));
  return () => mem.write32(ea, v);
};
const encI64 = (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const v = f80ToInt(ctx, x, 64);
  return () => write64(mem, ea, v);
};
const encExt = (_: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const b = toBytes(x);
  return () => writeBytes(mem, ea, b);
};
const encBcd = (ctx: OpCtx, x: F80, mem: FpuMemory, ea: number) => {
  const b = f80ToBcd(ctx, x);
  return () => writeBytes(mem, ea, b);
};

function fldcw(c: Core, ea: number, mem: FpuMemory): void {
  const v = mem.read16(ea);
  c.cw = (v & 0x1f3f) | 0x40;
  c.updateSummary();
}

function fnstcw(c: Core, ea: number, mem: FpuMemory): void {
  mem.probeWrite(ea, 2);
  mem.write16(ea, c.cw);
}

function fnstsw(c: Core, ea: number, mem: FpuMemory): void {
  mem.probeWrite(ea, 2);
  mem.write16(ea, c.statusWord());
}

/** A row of the memory-form table: handler, waiting (checks pending #MF), control (no FOP/FDP). */
export interface MemRow {
  name: string;
  fn: MemHandler;
  noWait?: boolean;
  control?: boolean;
}

const A32 = arithGroup(rdF32);
const A64 = arithGroup(rdF64);
const AI16 = arithGroup(rdI16);
const AI32 = arithGroup(rdI32);
const ARITH_NAMES = ["FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"];

function group(prefix: string, suffix: string, fn: MemHandler): (MemRow | null)[] {
  return ARITH_NAMES.map((n) => ({ name: prefix + n.slice(1) + " " + suffix, fn }));
}

/** Indexed by (opcode & 7) * 8 + reg; null = #UD on a P6. */
export const MEM_TABLE: readonly (MemRow | null)[] = [
  ...group("F", "m32fp", A32),
  { name: "FLD m32fp", fn: loadReal32 },
  null, // D9 /1 is reserved
  { name: "FST m32fp", fn: store(4, false, encF32) },
  { name: "FSTP m32fp", fn: store(4, true, encF32) },
  { name: "FLDENV", fn: (c, ea, mem) => fldenv(c, mem, ea), control: true },
  { name: "FLDCW", fn: fldcw, control: true },
  { name: "FNSTENV", fn: (c, ea, mem) => fnstenv(c, mem, ea), control: true, noWait: true },
  { name: "FNSTCW", fn: fnstcw, control: true, noWait: true },
  ...group("FI", "m32int", AI32),
  { name: "FILD m32int", fn: loadInt(rdI32) },
  null, // FISTTP m32int (SSE3)
  { name: "FIST m32int", fn: store(4, false, encI32) },
  { name: "FISTP m32int", fn: store(4, true, encI32) },
  null,
  { name: "FLD m80fp", fn: loadExt },
  null,
  { name: "FSTP m80fp", fn: store(10, true, encExt) },
  ...group("F", "m64fp", A64),
  { name: "FLD m64fp", fn: loadReal64 },
  null, // FISTTP m64int (SSE3)
  { name: "FST m64fp", fn: store(8, false, encF64) },
  { name: "FSTP m64fp", fn: store(8, true, encF64) },
  { name: "FRSTOR", fn: (c, ea, mem) => frstor(c, mem, ea), control: true },
  null,
  { name: "FNSAVE", fn: (c, ea, mem) => fnsave(c, mem, ea), control: true, noWait: true },
  { name: "FNSTSW m16", fn: fnstsw, control: true, noWait: true },
  ...group("FI", "m16int", AI16),
  { name: "FILD m16int", fn: loadInt(rdI16) },
  null, // FISTTP m16int (SSE3)
  { name: "FIST m16int", fn: store(2, false, encI16) },
  { name: "FISTP m16int", fn: store(2, true, encI16) },
  { name: "FBLD m80bcd", fn: loadBcd },
  { name: "FILD m64int", fn: loadInt(rdI64) },
  { name: "FBSTP m80bcd", fn: store(10, true, encBcd) },
  { name: "FISTP m64int", fn: store(8, true, encI64) },
];
