// Handler family: bit operations BT BTS BTR BTC (register and imm8 offsets, including the
// bit-string addressing of memory operands), BSF BSR, BSWAP, SETcc and CMOVcc.
// Above: impl/x86/dispatch.ts. Below: impl/x86/operand.ts and the flags.
import * as M_flags from "./flags.js";
import * as M_operand from "./operand.js";
import type { Cpu } from "./cpu.js";
import type { Handler, Insn } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { CF, ZF, norm } = M_flags;
const { readE, readG, signExtend, writeE } = M_operand;

function btApply(k: number, v: number, bit: number, size: number): number {
  const m = 1 << bit;
  return norm(k === 1 ? v | m : k === 2 ? v & ~m : v ^ m, size);
}

function btHandler(row: OpRow): Handler {
  const k = row.sub, byImm = row.operands.endsWith("Ib");
  return (cpu: Cpu, i: Insn) => {
    const s = i.size, bits = s * 8;
    if (i.mod === 3) {
      const v = norm(cpu.getReg(s, i.rm), s), bit = (byImm ? i.imm : cpu.getReg(s, i.reg)) & (bits - 1);
      if (k !== 0) cpu.setReg(s, i.rm, btApply(k, v, bit, s));
      cpu.setFlagsEager(CF, (v >>> bit) & 1);
      return;
    }
    let a: number, bit: number;
    if (byImm) { a = cpu.ea(i); bit = i.imm & (bits - 1); }
    else {
      // the bit offset's displacement is part of the effective address (wraps at 64 KiB with 0x67)
      const off = signExtend(readG(cpu, i, s), s), delta = (off >> (s === 4 ? 5 : 4)) * s;
      a = i.adsize === 4 ? (cpu.ea(i) + delta) >>> 0 : cpu.linear(i.seg, (cpu.eaOffset(i) + delta) & 0xffff, s);
      bit = off & (bits - 1);
    }
    const v = norm(cpu.readSized(s, a), s);
    if (k !== 0) { cpu.probeWrite(a, s); cpu.writeSized(s, a, btApply(k, v, bit, s)); }
    cpu.setFlagsEager(CF, (v >>> bit) & 1);
  };
}

const bsf: Handler = (cpu, i) => {
  const s = i.size, v = readE(cpu, i, s);
  if (v === 0) { cpu.setFlagsEager(ZF, ZF); return; }
  cpu.setReg(s, i.reg, 31 - Math.clz32(v & -v));
  cpu.setFlagsEager(ZF, 0);
};

const bsr: Handler = (cpu, i) => {
  const s = i.size, v = readE(cpu, i, s);
  if (v === 0) { cpu.setFlagsEager(ZF, ZF); return; }
  cpu.setReg(s, i.reg, 31 - Math.clz32(v));
  cpu.setFlagsEager(ZF, 0);
};

const bswap: Handler = (cpu, i) => {
  const r = i.opcode & 7, v = cpu.r32[r];
  cpu.r32[r] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
};

function setcc(row: OpRow): Handler {
  const cc = row.sub;
  return (cpu, i) => writeE(cpu, i, 1, cpu.testCondition(cc) ? 1 : 0);
}

function cmovcc(row: OpRow): Handler {
  const cc = row.sub;
  return (cpu, i) => {
    const s = i.size, v = readE(cpu, i, s);
    if (cpu.testCondition(cc)) cpu.setReg(s, i.reg, v);
  };
}

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  bt: btHandler, bsf: () => bsf, bsr: () => bsr, bswap: () => bswap, setcc, cmovcc,
};
