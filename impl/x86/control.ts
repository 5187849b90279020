// Handler family: control transfer. Jcc, JMP, CALL, RET (near, relative and indirect), LOOP*,
// JECXZ, far JMP/CALL/RET and IRET (flat code segments only), INT n / INT3 / INTO / INT1 (traps:
// the kernel sees them as StopReason "trap" with EIP after the instruction), BOUND (#BR).
// Above: impl/x86/dispatch.ts. Below: the stack helpers of impl/x86/cpu.ts, segment.ts.
import * as M_exception from "./exception.js";
import * as M_operand from "./operand.js";
import * as M_registers from "./registers.js";
import * as M_segment from "./segment.js";
import * as M_stack from "./stack.js";
import type { Cpu } from "./cpu.js";
import type { Handler, Insn } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { Vector } = M_exception;
const { readE, readG, signExtend } = M_operand;
const { ECX, ESP } = M_registers;
const { checkCodeSelector, loadCodeSegment } = M_segment;
const { loadFlagsUser } = M_stack;

function target(cpu: Cpu, i: Insn): number {
  const t = (cpu.eip + i.imm) >>> 0;
  return i.opsize === 4 ? t : t & 0xffff;
}

function jcc(row: OpRow): Handler {
  const cc = row.sub;
  return (cpu, i) => { if (cpu.testCondition(cc)) cpu.eip = target(cpu, i); };
}

const jmp: Handler = (cpu, i) => { cpu.eip = target(cpu, i); };

const call: Handler = (cpu, i) => {
  cpu.push(i.opsize, cpu.eip);
  cpu.eip = target(cpu, i);
};

const callIndirect: Handler = (cpu, i) => {
  const t = readE(cpu, i, i.opsize);
  cpu.push(i.opsize, cpu.eip);
  cpu.eip = t;
};

const jmpIndirect: Handler = (cpu, i) => { cpu.eip = readE(cpu, i, i.opsize); };

const ret: Handler = (cpu, i) => {
  const s = i.opsize, t = cpu.peek(s);
  cpu.r32[ESP] = (cpu.r32[ESP] + s + (i.imm & 0xffff)) | 0;
  cpu.eip = s === 4 ? t >>> 0 : t & 0xffff;
};

function loop(row: OpRow): Handler {
  const kind = row.sub;
  return (cpu, i) => {
    let c: number;
    if (i.adsize === 4) c = cpu.r32[ECX] = (cpu.r32[ECX] - 1) | 0;
    else c = cpu.r16[ECX << 1] = (cpu.r16[ECX << 1] - 1) & 0xffff;
    const taken = c !== 0 && (kind === 2 || (kind === 1) === (cpu.zf() !== 0));
    if (taken) cpu.eip = target(cpu, i);
  };
}

const jecxz: Handler = (cpu, i) => {
  const c = i.adsize === 4 ? cpu.r32[ECX] : cpu.r16[ECX << 1];
  if (c === 0) cpu.eip = target(cpu, i);
};

/** far target of JMPF/CALLF: [offset, selector] from the immediate or from memory */
function farTarget(cpu: Cpu, i: Insn): [number, number] {
  if (i.mod === 3 && i.row!.operands === "Ap") return [i.imm >>> 0, i.imm2 & 0xffff];
  const a = cpu.ea(i);
  return [cpu.readSized(i.opsize, a) >>> 0, cpu.read16((a + i.opsize) >>> 0)];
}

const jmpFar: Handler = (cpu, i) => {
  const [off, sel] = farTarget(cpu, i);
  checkCodeSelector(cpu, sel);
  loadCodeSegment(cpu, sel);
  cpu.eip = i.opsize === 4 ? off : off & 0xffff;
};

const callFar: Handler = (cpu, i) => {
  const s = i.opsize, [off, sel] = farTarget(cpu, i);
  checkCodeSelector(cpu, sel);
  cpu.probeWrite(cpu.stackAddr((cpu.r32[ESP] - 2 * s) | 0, 2 * s), 2 * s);
  cpu.push(s, cpu.sreg[1]);
  cpu.push(s, cpu.eip);
  loadCodeSegment(cpu, sel);
  cpu.eip = s === 4 ? off : off & 0xffff;
};

const retFar: Handler = (cpu, i) => {
  const s = i.opsize, off = cpu.peek(s), sel = cpu.peek(s, s) & 0xffff;
  checkCodeSelector(cpu, sel);
  loadCodeSegment(cpu, sel);
  cpu.r32[ESP] = (cpu.r32[ESP] + 2 * s + (i.imm & 0xffff)) | 0;
  cpu.eip = s === 4 ? off >>> 0 : off & 0xffff;
};

const iret: Handler = (cpu, i) => {
  const s = i.opsize, off = cpu.peek(s), sel = cpu.peek(s, s) & 0xffff, fl = cpu.peek(s, 2 * s);
  checkCodeSelector(cpu, sel);
  loadCodeSegment(cpu, sel);
  cpu.r32[ESP] = (cpu.r32[ESP] + 3 * s) | 0;
  loadFlagsUser(cpu, fl, s);
  cpu.eip = s === 4 ? off >>> 0 : off & 0xffff;
};

const int3: Handler = (cpu) => cpu.raiseTrap(Vector.BP);
const intN: Handler = (cpu, i) => cpu.raiseTrap(i.imm & 0xff);
const into: Handler = (cpu) => { if (cpu.of()) cpu.raiseTrap(Vector.OF); };
const int1: Handler = (cpu) => cpu.raiseTrap(Vector.DB);

const bound: Handler = (cpu, i) => {
  const s = i.opsize, a = cpu.ea(i);
  const lo = signExtend(cpu.readSized(s, a), s), hi = signExtend(cpu.readSized(s, (a + s) >>> 0), s);
  const idx = signExtend(readG(cpu, i, s), s);
  if (idx < lo || idx > hi) cpu.raise(Vector.BR);
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  jcc, jmp: () => jmp, call: () => call, callIndirect: () => callIndirect, jmpIndirect: () => jmpIndirect,
  ret: () => ret, loop, jecxz: () => jecxz, jmpFar: () => jmpFar, callFar: () => callFar,
  retFar: () => retFar, iret: () => iret, int3: () => int3, int: () => intN, into: () => into,
  int1: () => int1, bound: () => bound,
};
