// Handler family: segment registers. MOV to/from Sreg, PUSH/POP Sreg, LDS LES LSS LFS LGS, ARPL,
// and the descriptor check every selector load goes through: selectors index the descriptor table
// the kernel installs (Cpu.setDescriptors, like Linux's GDT with TLS entries 6..8); a missing
// entry or an LDT selector raises #GP(selector). Above: impl/x86/dispatch.ts and control.ts
// (far transfers). Below: the register file and the MMU.
import * as M_exception from "./exception.js";
import * as M_flags from "./flags.js";
import * as M_operand from "./operand.js";
import * as M_registers from "./registers.js";
import type { Cpu } from "./cpu.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { Vector } = M_exception;
const { ZF } = M_flags;
const { readE, writeE } = M_operand;
const { CS, SS } = M_registers;

/** check a data-segment selector for register s and load it (throws #GP on failure) */
export function loadSegment(cpu: Cpu, s: number, selector: number): void {
  const sel = selector & 0xffff, err = sel & 0xfffc;
  if (err === 0) {
    if (s === SS) cpu.raise(Vector.GP, 0);
    cpu.setSegmentHidden(s, sel, 0, 0);
    return;
  }
  const d = (sel & 4) === 0 ? cpu.descriptors[sel >> 3] : undefined;
  if (d === undefined) cpu.raise(Vector.GP, err);
  if (s === SS && (d.code || (sel & 3) !== 3)) cpu.raise(Vector.GP, err);
  cpu.setSegmentHidden(s, sel, d.base | 0, d.limit);
}

/** check a code selector for a far transfer (flat code segments only) */
export function checkCodeSelector(cpu: Cpu, selector: number): void {
  const sel = selector & 0xffff, err = sel & 0xfffc;
  const d = err !== 0 && (sel & 4) === 0 ? cpu.descriptors[sel >> 3] : undefined;
  if (d === undefined || !d.code || (sel & 3) !== 3 || d.base !== 0) cpu.raise(Vector.GP, err);
}

export function loadCodeSegment(cpu: Cpu, selector: number): void {
  const d = cpu.descriptors[(selector & 0xffff) >> 3]!;
  cpu.setSegmentHidden(CS, selector & 0xffff, 0, d.limit);
}

const movFromSreg: Handler = (cpu, i) => {
  if (i.reg > 5) cpu.raise(Vector.UD);
  if (i.mod === 3) cpu.setReg(i.opsize, i.rm, cpu.sreg[i.reg]);
  else writeE(cpu, i, 2, cpu.sreg[i.reg]);
};

const movToSreg: Handler = (cpu, i) => {
  if (i.reg > 5 || i.reg === CS) cpu.raise(Vector.UD);
  loadSegment(cpu, i.reg, readE(cpu, i, 2));
};

function pushSreg(row: OpRow): Handler {
  const s = row.sub;
  return (cpu, i) => cpu.push(i.opsize, cpu.sreg[s]);
}

function popSreg(row: OpRow): Handler {
  const s = row.sub;
  return (cpu, i) => {
    const v = cpu.peek(i.opsize);
    loadSegment(cpu, s, v);
    cpu.r32[4] = (cpu.r32[4] + i.opsize) | 0;
  };
}

function loadFar(row: OpRow): Handler {
  const s = row.sub;
  return (cpu, i) => {
    const a = cpu.ea(i), off = cpu.readSized(i.opsize, a), sel = cpu.read16((a + i.opsize) >>> 0);
    loadSegment(cpu, s, sel);
    cpu.setReg(i.opsize, i.reg, off);
  };
}

const arpl: Handler = (cpu, i) => {
  const d = readE(cpu, i, 2), src = cpu.r16[i.reg << 1];
  if ((d & 3) < (src & 3)) {
    writeE(cpu, i, 2, (d & ~3) | (src & 3));
    cpu.setFlagsEager(ZF, ZF);
  } else cpu.setFlagsEager(ZF, 0);
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  movFromSreg: () => movFromSreg, movToSreg: () => movToSreg, pushSreg, popSreg, loadFar, arpl: () => arpl,
};
