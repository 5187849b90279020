// Handler family: data movement MOV (all forms incl. moffs), XCHG, LEA, MOVZX, MOVSX, CBW/CWDE,
// CWD/CDQ, XLAT. No flags. Above: impl/x86/dispatch.ts. Below: impl/x86/operand.ts.
import * as M_operand from "./operand.js";
import * as M_registers from "./registers.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { readE, readG, rmwRead, rmwWrite, signExtend, writeE } = M_operand;
const { EAX, EBX, EDX } = M_registers;

function movHandler(row: OpRow): Handler {
  switch (row.operands) {
    case "Eb,Gb": case "Ev,Gv":
      return (cpu, i) => {
        if (i.size === 4) { // 32-bit fast path
          if (i.mod === 3) cpu.r32[i.rm] = cpu.r32[i.reg]; else cpu.write32(cpu.ea(i), cpu.r32[i.reg]);
          return;
        }
        writeE(cpu, i, i.size, cpu.getReg(i.size, i.reg));
      };
    case "Gb,Eb": case "Gv,Ev":
      return (cpu, i) => {
        if (i.size === 4) { cpu.r32[i.reg] = i.mod === 3 ? cpu.r32[i.rm] : cpu.read32(cpu.ea(i)); return; }
        cpu.setReg(i.size, i.reg, readE(cpu, i, i.size));
      };
    case "Eb,Ib": case "Ev,Iz": return (cpu, i) => writeE(cpu, i, i.size, i.imm);
    case "Zb,Ib": case "Zv,Iz": return (cpu, i) => cpu.setReg(i.size, i.opcode & 7, i.imm);
    case "AL,Ob": case "eAX,Ov":
      return (cpu, i) => cpu.setReg(i.size, EAX, cpu.readSized(i.size, cpu.linear(i.seg, i.imm, i.size)));
    default:
      return (cpu, i) => cpu.writeSized(i.size, cpu.linear(i.seg, i.imm, i.size), cpu.getReg(i.size, EAX));
  }
}

function xchgHandler(row: OpRow): Handler {
  if (row.operands === "Zv,eAX") {
    return (cpu, i) => {
      const s = i.size, r = i.opcode & 7, a = cpu.getReg(s, r);
      cpu.setReg(s, r, cpu.getReg(s, EAX));
      cpu.setReg(s, EAX, a);
    };
  }
  return (cpu, i) => {
    const s = i.size, a = rmwRead(cpu, i, s), b = readG(cpu, i, s);
    rmwWrite(cpu, i, s, b);
    cpu.setReg(s, i.reg, a);
  };
}

const lea: Handler = (cpu, i) => cpu.setReg(i.size, i.reg, cpu.eaOffset(i));
const movzxb: Handler = (cpu, i) => cpu.setReg(i.size, i.reg, readE(cpu, i, 1));
const movzxw: Handler = (cpu, i) => cpu.setReg(i.size, i.reg, readE(cpu, i, 2));
const movsxb: Handler = (cpu, i) => cpu.setReg(i.size, i.reg, signExtend(readE(cpu, i, 1), 1));
const movsxw: Handler = (cpu, i) => cpu.setReg(i.size, i.reg, signExtend(readE(cpu, i, 2), 2));

const cwde: Handler = (cpu, i) => {
  if (i.size === 4) cpu.r32[EAX] = (cpu.r32[EAX] << 16) >> 16;
  else cpu.r16[0] = (cpu.r8[0] << 24) >> 24;
};

const cdq: Handler = (cpu, i) => {
  if (i.size === 4) cpu.r32[EDX] = cpu.r32[EAX] >> 31;
  else cpu.r16[EDX << 1] = (cpu.r16[0] << 16) >> 31;
};

const xlat: Handler = (cpu, i) => {
  const off = i.adsize === 4 ? (cpu.r32[EBX] + cpu.r8[0]) | 0 : (cpu.r16[EBX << 1] + cpu.r8[0]) & 0xffff;
  cpu.r8[0] = cpu.read8(cpu.linear(i.seg, off, 1));
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  mov: movHandler,
  xchg: xchgHandler,
  lea: () => lea,
  movzx: (row) => (row.operands.endsWith("Eb") ? movzxb : movzxw),
  movsx: (row) => (row.operands.endsWith("Eb") ? movsxb : movsxw),
  cwde: () => cwde,
  cdq: () => cdq,
  xlat: () => xlat,
};
