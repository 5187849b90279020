// Handler family: MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV with #DE on a zero
// divisor or a quotient that does not fit. Above: impl/x86/dispatch.ts. Below: impl/x86/operand.ts
// and the flags. 32x32->64 products are built from 16-bit halves (exact in doubles).
import * as M_flags from "./flags.js";
import * as M_operand from "./operand.js";
import * as M_registers from "./registers.js";
import * as M_exception from "./exception.js";
import type { Cpu } from "./cpu.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { CF, OF, norm } = M_flags;
const { readE, signExtend } = M_operand;
const { EAX, EDX } = M_registers;
const { Vector } = M_exception;

let productHi = 0;

/** unsigned 32x32 multiply: returns the low 32 bits (int32), high bits in productHi (uint32) */
function mulU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lo = a0 * b0, mid1 = a1 * b0, mid2 = a0 * b1, hi = a1 * b1;
  const mid = (lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff);
  productHi = (hi + Math.floor(mid1 / 65536) + Math.floor(mid2 / 65536) + Math.floor(mid / 65536)) >>> 0;
  return ((mid << 16) | (lo & 0xffff)) | 0;
}

/** signed 32x32 multiply: low bits returned, signed high bits in productHi (as uint32) */
function mulS32(a: number, b: number): number {
  const lo = mulU32(a >>> 0, b >>> 0);
  let hi = productHi;
  if (a < 0) hi -= b >>> 0;
  if (b < 0) hi -= a >>> 0;
  productHi = hi >>> 0;
  return lo;
}

function setMulFlags(cpu: Cpu, overflow: boolean): void {
  cpu.setFlagsEager(CF | OF, overflow ? CF | OF : 0);
}

const mul: Handler = (cpu, i) => {
  const s = i.size, b = readE(cpu, i, s);
  if (s === 1) { const p = cpu.r8[0] * b; cpu.r16[0] = p; setMulFlags(cpu, p > 0xff); return; }
  if (s === 2) { const p = cpu.r16[0] * b; cpu.r16[0] = p; cpu.r16[4] = p >>> 16; setMulFlags(cpu, p > 0xffff); return; }
  const lo = mulU32(cpu.r32[EAX] >>> 0, b);
  cpu.r32[EAX] = lo; cpu.r32[EDX] = productHi;
  setMulFlags(cpu, productHi !== 0);
};

/** signed product of size s: writes nothing, returns low part; sets flags */
function imulCore(cpu: Cpu, a: number, b: number, s: number): number {
  if (s === 4) {
    const lo = mulS32(a | 0, b | 0);
    setMulFlags(cpu, (productHi | 0) !== lo >> 31);
    return lo;
  }
  const p = signExtend(a, s) * signExtend(b, s);
  setMulFlags(cpu, p !== signExtend(norm(p, s), s));
  productHi = p;
  return norm(p, s);
}

const imul1: Handler = (cpu, i) => {
  const s = i.size, b = readE(cpu, i, s);
  if (s === 1) { imulCore(cpu, cpu.r8[0], b, 1); cpu.r16[0] = productHi; return; }
  if (s === 2) { const lo = imulCore(cpu, cpu.r16[0], b, 2); cpu.r16[0] = lo; cpu.r16[4] = productHi >> 16; return; }
  const lo = imulCore(cpu, cpu.r32[EAX], b, 4);
  cpu.r32[EAX] = lo; cpu.r32[EDX] = productHi;
};

const imul2: Handler = (cpu, i) => {
  const s = i.size, b = readE(cpu, i, s);
  cpu.setReg(s, i.reg, imulCore(cpu, norm(cpu.getReg(s, i.reg), s), b, s));
};

const imul3: Handler = (cpu, i) => {
  const s = i.size, b = readE(cpu, i, s);
  cpu.setReg(s, i.reg, imulCore(cpu, b, norm(i.imm, s), s));
};

let remainder = 0;

/** unsigned (hi:lo) / d for hi < d (quotient < 2^32): long division in base 2^16, exact in doubles;
 * returns the quotient, remainder in `remainder` (no BigInt, no allocation) */
function divU64(hi: number, lo: number, d: number): number {
  const c1 = hi * 65536 + (lo >>> 16), q1 = Math.floor(c1 / d), r1 = c1 - q1 * d;
  const c0 = r1 * 65536 + (lo & 0xffff), q0 = Math.floor(c0 / d);
  remainder = c0 - q0 * d;
  return q1 * 65536 + q0;
}

const div: Handler = (cpu, i) => {
  const s = i.size, d = readE(cpu, i, s);
  if (d === 0) cpu.raise(Vector.DE);
  if (s === 1) {
    const n = cpu.r16[0], q = Math.floor(n / d);
    if (q > 0xff) cpu.raise(Vector.DE);
    cpu.r8[0] = q; cpu.r8[1] = n % d;
  } else if (s === 2) {
    const n = cpu.r16[4] * 65536 + cpu.r16[0], q = Math.floor(n / d);
    if (q > 0xffff) cpu.raise(Vector.DE);
    cpu.r16[0] = q; cpu.r16[4] = n % d;
  } else {
    const hi = cpu.r32[EDX] >>> 0, lo = cpu.r32[EAX] >>> 0;
    if (hi >= d) cpu.raise(Vector.DE);
    if (hi === 0) { cpu.r32[EAX] = Math.floor(lo / d); cpu.r32[EDX] = lo % d; return; }
    cpu.r32[EAX] = divU64(hi, lo, d); cpu.r32[EDX] = remainder;
  }
};

const idiv: Handler = (cpu, i) => {
  const s = i.size, d = signExtend(readE(cpu, i, s), s);
  if (d === 0) cpu.raise(Vector.DE);
  if (s === 1) {
    const n = (cpu.r16[0] << 16) >> 16, q = Math.trunc(n / d);
    if (q > 127 || q < -128) cpu.raise(Vector.DE);
    cpu.r8[0] = q; cpu.r8[1] = n % d;
  } else if (s === 2) {
    const n = (cpu.r16[4] << 16 | cpu.r16[0]) | 0, q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) cpu.raise(Vector.DE);
    cpu.r16[0] = q; cpu.r16[4] = n % d;
  } else {
    // divide magnitudes: |EDX:EAX| as hi:lo, |d|; the quotient takes the XOR of the signs
    let hi = cpu.r32[EDX] >>> 0, lo = cpu.r32[EAX] >>> 0;
    const negN = cpu.r32[EDX] < 0;
    if (negN) { lo = (-lo) >>> 0; hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0; }
    const ad = Math.abs(d);
    if (hi >= ad) cpu.raise(Vector.DE);
    const q = divU64(hi, lo, ad), r = remainder;
    const sq = negN !== d < 0 ? -q : q;
    if (sq > 0x7fffffff || sq < -0x80000000) cpu.raise(Vector.DE);
    cpu.r32[EAX] = sq; cpu.r32[EDX] = negN ? -r : r;
  }
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  mul: () => mul, imul1: () => imul1, imul2: () => imul2, imul3: () => imul3, div: () => div, idiv: () => idiv,
};
