// Handler family: string instructions MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE, 16- or 32-bit
// addressing (0x67), DF direction and source segment override. Each iteration reads before it
// writes and updates ESI/EDI/ECX only when complete, so a #PF mid-string leaves a restartable
// state, as on hardware. A long REP yields when the run() budget is used up (EIP stays at the
// instruction, the instruction is not counted as retired). Above: impl/x86/dispatch.ts.
// Below: the MMU of impl/x86/cpu.ts.
import * as M_flags from "./flags.js";
import * as M_registers from "./registers.js";
import type { Cpu } from "./cpu.js";
import type { Handler, Insn } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { DF, L_SUB, norm } = M_flags;
const { ECX, EDI, ES, ESI } = M_registers;

const MOVS = 0, CMPS = 1, STOS = 2, LODS = 3, SCAS = 4;

function srcAddr(cpu: Cpu, i: Insn): number {
  const off = i.adsize === 4 ? cpu.r32[ESI] : cpu.r16[ESI << 1];
  return cpu.linear(i.seg, off, i.size);
}

function dstAddr(cpu: Cpu, i: Insn): number {
  const off = i.adsize === 4 ? cpu.r32[EDI] : cpu.r16[EDI << 1];
  return cpu.linear(ES, off, i.size);
}

function advance(cpu: Cpu, i: Insn, r: number, step: number): void {
  if (i.adsize === 4) cpu.r32[r] = (cpu.r32[r] + step) | 0;
  else cpu.r16[r << 1] = cpu.r16[r << 1] + step;
}

/** one iteration of string operation kind */
function once(cpu: Cpu, kind: number, i: Insn, step: number): void {
  const s = i.size;
  switch (kind) {
    case MOVS: {
      const v = cpu.readSized(s, srcAddr(cpu, i));
      cpu.writeSized(s, dstAddr(cpu, i), v);
      advance(cpu, i, ESI, step); advance(cpu, i, EDI, step);
      return;
    }
    case CMPS: {
      // ES:EDI is read first (qemu-i386 order; which fault wins when both operands fault is unspecified)
      const b = norm(cpu.readSized(s, dstAddr(cpu, i)), s), a = norm(cpu.readSized(s, srcAddr(cpu, i)), s);
      cpu.setLazy(L_SUB, a, b, norm(a - b, s), s);
      advance(cpu, i, ESI, step); advance(cpu, i, EDI, step);
      return;
    }
    case STOS:
      cpu.writeSized(s, dstAddr(cpu, i), cpu.getReg(s, 0));
      advance(cpu, i, EDI, step);
      return;
    case LODS:
      cpu.setReg(s, 0, cpu.readSized(s, srcAddr(cpu, i)));
      advance(cpu, i, ESI, step);
      return;
    default: {
      const a = norm(cpu.getReg(s, 0), s), b = norm(cpu.readSized(s, dstAddr(cpu, i)), s);
      cpu.setLazy(L_SUB, a, b, norm(a - b, s), s);
      advance(cpu, i, EDI, step);
    }
  }
}

function stringHandler(kind: number): Handler {
  const conditional = kind === CMPS || kind === SCAS;
  return (cpu, i) => {
    const step = (cpu.flagBits & DF) !== 0 ? -i.size : i.size;
    if (i.rep === 0) { once(cpu, kind, i, step); return; }
    const a32 = i.adsize === 4;
    for (;;) {
      const count = a32 ? cpu.r32[ECX] : cpu.r16[ECX << 1];
      if (count === 0) return;
      once(cpu, kind, i, step);
      if (a32) cpu.r32[ECX] = count - 1; else cpu.r16[ECX << 1] = count - 1;
      if (conditional && (cpu.zf() !== 0) !== (i.rep === 0xf3)) return;
      if (count === 1) return;
      if (--cpu.budgetLeft <= 0) { cpu.eip = cpu.curEip; cpu.retired--; return; }
    }
  };
}

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  movs: () => stringHandler(MOVS), cmps: () => stringHandler(CMPS), stos: () => stringHandler(STOS),
  lods: () => stringHandler(LODS), scas: () => stringHandler(SCAS),
};
