// Handler family: integer arithmetic and logic (ADD OR ADC SBB AND SUB XOR CMP in all forms,
// INC DEC TEST NOT NEG, CMPXCHG XADD CMPXCHG8B). Above: impl/x86/dispatch.ts binds these to table
// rows. Below: impl/x86/operand.ts and the lazy flags of impl/x86/flags.ts.
import * as M_flags from "./flags.js";
import * as M_operand from "./operand.js";
import * as M_registers from "./registers.js";
import type { Cpu } from "./cpu.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { ARITH, AF, CF, L_ADD, L_DEC, L_INC, L_LOGIC, L_SUB, OF, PARITY, PF, SF, SIGN_SHIFT, ZF, norm } = M_flags;
const { readE, readG, rmwRead, rmwWrite } = M_operand;
const { EAX, EBX, ECX, EDX } = M_registers;

/** ZF SF PF of a normalised result */
export function szp(r: number, size: number): number {
  return (r === 0 ? ZF : 0) | ((r >>> SIGN_SHIFT[size]) & 1 ? SF : 0) | (PARITY[r & 0xff] ? PF : 0);
}

function adc(cpu: Cpu, a: number, b: number, size: number): number {
  const c = cpu.cf();
  const r = norm(a + b + c, size);
  const cf = c ? r <= a : r < a;
  const of = (((a ^ r) & (b ^ r)) >>> SIGN_SHIFT[size]) & 1;
  cpu.setFlagsEager(ARITH, (cf ? CF : 0) | (of ? OF : 0) | ((a ^ b ^ r) & AF) | szp(r, size));
  return r;
}

function sbb(cpu: Cpu, a: number, b: number, size: number): number {
  const c = cpu.cf();
  const r = norm(a - b - c, size);
  const cf = c ? a <= b : a < b;
  const of = (((a ^ b) & (a ^ r)) >>> SIGN_SHIFT[size]) & 1;
  cpu.setFlagsEager(ARITH, (cf ? CF : 0) | (of ? OF : 0) | ((a ^ b ^ r) & AF) | szp(r, size));
  return r;
}

/** ALU operation k (table order) on normalised a, b; sets flags, returns the result */
export function alu(cpu: Cpu, k: number, a: number, b: number, size: number): number {
  let r: number;
  switch (k) {
    case 0: r = norm(a + b, size); cpu.setLazy(L_ADD, a, b, r, size); return r;
    case 1: r = norm(a | b, size); cpu.setLazy(L_LOGIC, a, b, r, size); return r;
    case 2: return adc(cpu, a, b, size);
    case 3: return sbb(cpu, a, b, size);
    case 4: r = norm(a & b, size); cpu.setLazy(L_LOGIC, a, b, r, size); return r;
    case 6: r = norm(a ^ b, size); cpu.setLazy(L_LOGIC, a, b, r, size); return r;
    default: r = norm(a - b, size); cpu.setLazy(L_SUB, a, b, r, size); return r;
  }
}

function aluHandler(row: OpRow): Handler {
  const k = row.sub, form = row.operands, cmp = k === 7;
  if (form === "Eb,Gb" || form === "Ev,Gv") {
    return (cpu, i) => {
      const s = i.size;
      if (s === 4 && i.mod === 3) { // 32-bit register fast path
        const r = alu(cpu, k, cpu.r32[i.rm] >>> 0, cpu.r32[i.reg] >>> 0, 4);
        if (!cmp) cpu.r32[i.rm] = r;
        return;
      }
      if (cmp) { alu(cpu, k, readE(cpu, i, s), readG(cpu, i, s), s); return; }
      const a = rmwRead(cpu, i, s), r = alu(cpu, k, a, readG(cpu, i, s), s);
      rmwWrite(cpu, i, s, r);
    };
  }
  if (form === "Gb,Eb" || form === "Gv,Ev") {
    return (cpu, i) => {
      const s = i.size;
      if (s === 4) { // 32-bit fast path
        const b = i.mod === 3 ? cpu.r32[i.rm] >>> 0 : cpu.read32(cpu.ea(i)) >>> 0;
        const r = alu(cpu, k, cpu.r32[i.reg] >>> 0, b, 4);
        if (!cmp) cpu.r32[i.reg] = r;
        return;
      }
      const r = alu(cpu, k, readG(cpu, i, s), readE(cpu, i, s), s);
      if (!cmp) cpu.setReg(s, i.reg, r);
    };
  }
  if (form === "AL,Ib" || form === "eAX,Iz") {
    return (cpu, i) => {
      const s = i.size, r = alu(cpu, k, norm(cpu.getReg(s, EAX), s), norm(i.imm, s), s);
      if (!cmp) cpu.setReg(s, EAX, r);
    };
  }
  return (cpu, i) => {
    const s = i.size;
    if (s === 4 && i.mod === 3) { // 32-bit register fast path
      const r = alu(cpu, k, cpu.r32[i.rm] >>> 0, i.imm >>> 0, 4);
      if (!cmp) cpu.r32[i.rm] = r;
      return;
    }
    if (cmp) { alu(cpu, k, readE(cpu, i, s), norm(i.imm, s), s); return; }
    const a = rmwRead(cpu, i, s), r = alu(cpu, k, a, norm(i.imm, s), s);
    rmwWrite(cpu, i, s, r);
  };
}

function incDec(row: OpRow, dec: boolean): Handler {
  const op = dec ? L_DEC : L_INC;
  if (row.operands === "Zv") {
    return (cpu, i) => {
      const s = i.size, r0 = i.opcode & 7, a = norm(cpu.getReg(s, r0), s), r = norm(dec ? a - 1 : a + 1, s);
      cpu.setReg(s, r0, r);
      cpu.setLazy(op, a, 1, r, s);
    };
  }
  return (cpu, i) => {
    const s = i.size, a = rmwRead(cpu, i, s), r = norm(dec ? a - 1 : a + 1, s);
    rmwWrite(cpu, i, s, r);
    cpu.setLazy(op, a, 1, r, s);
  };
}

function test(row: OpRow): Handler {
  if (row.operands === "AL,Ib" || row.operands === "eAX,Iz") {
    return (cpu, i) => { const s = i.size, r = norm(cpu.getReg(s, EAX) & i.imm, s); cpu.setLazy(L_LOGIC, r, r, r, s); };
  }
  if (row.operands.includes("G")) {
    return (cpu, i) => { const s = i.size, r = readE(cpu, i, s) & readG(cpu, i, s); cpu.setLazy(L_LOGIC, r, r, r, s); };
  }
  return (cpu, i) => { const s = i.size, r = readE(cpu, i, s) & norm(i.imm, s); cpu.setLazy(L_LOGIC, r, r, r, s); };
}

const not: Handler = (cpu, i) => { const s = i.size, a = rmwRead(cpu, i, s); rmwWrite(cpu, i, s, norm(~a, s)); };

const neg: Handler = (cpu, i) => {
  const s = i.size, a = rmwRead(cpu, i, s), r = norm(-a, s);
  rmwWrite(cpu, i, s, r);
  cpu.setLazy(L_SUB, 0, a, r, s);
};

const cmpxchg: Handler = (cpu, i) => {
  const s = i.size, d = rmwRead(cpu, i, s), acc = norm(cpu.getReg(s, EAX), s);
  const r = norm(acc - d, s);
  if (acc === d) rmwWrite(cpu, i, s, readG(cpu, i, s));
  else {
    if (i.mod !== 3) rmwWrite(cpu, i, s, d); // the processor always writes the destination
    cpu.setReg(s, EAX, d);
  }
  cpu.setLazy(L_SUB, acc, d, r, s);
};

const xadd: Handler = (cpu, i) => {
  const s = i.size, d = rmwRead(cpu, i, s), src = readG(cpu, i, s), r = norm(d + src, s);
  cpu.setReg(s, i.reg, d);
  rmwWrite(cpu, i, s, r);
  cpu.setLazy(L_ADD, d, src, r, s);
};

const cmpxchg8b: Handler = (cpu, i) => {
  const a = cpu.ea(i), lo = cpu.read32(a), hi = cpu.read32((a + 4) >>> 0);
  cpu.probeWrite(a, 8);
  if (lo === cpu.r32[EAX] && hi === cpu.r32[EDX]) {
    cpu.write32(a, cpu.r32[EBX]); cpu.write32((a + 4) >>> 0, cpu.r32[ECX]);
    cpu.setFlagsEager(ZF, ZF);
  } else {
    cpu.write32(a, lo); cpu.write32((a + 4) >>> 0, hi);
    cpu.r32[EAX] = lo; cpu.r32[EDX] = hi;
    cpu.setFlagsEager(ZF, 0);
  }
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  alu: aluHandler,
  inc: (row) => incDec(row, false),
  dec: (row) => incDec(row, true),
  test,
  not: () => not,
  neg: () => neg,
  cmpxchg: () => cmpxchg,
  xadd: () => xadd,
  cmpxchg8b: () => cmpxchg8b,
};
