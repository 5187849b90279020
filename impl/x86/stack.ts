// Handler family: stack operations PUSH/POP (register, r/m, immediate), PUSHA/POPA, PUSHF/POPF,
// ENTER/LEAVE. Memory is probed or read before ESP changes, so faults stay precise.
// Above: impl/x86/dispatch.ts. Below: the stack helpers of impl/x86/cpu.ts.
import * as M_flags from "./flags.js";
import * as M_operand from "./operand.js";
import * as M_registers from "./registers.js";
import type { Cpu } from "./cpu.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { POPF_USER_MASK, TF } = M_flags;
const { readE } = M_operand;
const { EBP, ESP } = M_registers;

function pushHandler(row: OpRow): Handler {
  switch (row.operands) {
    case "Zv": return (cpu, i) => cpu.push(i.opsize, i.opsize === 4 ? cpu.r32[i.opcode & 7] : cpu.r16[(i.opcode & 7) << 1]);
    case "Ev": return (cpu, i) => cpu.push(i.opsize, readE(cpu, i, i.opsize));
    default: return (cpu, i) => cpu.push(i.opsize, i.imm);
  }
}

function popHandler(row: OpRow): Handler {
  if (row.operands === "Zv") return (cpu, i) => { const v = cpu.pop(i.opsize); cpu.setReg(i.opsize, i.opcode & 7, v); };
  return (cpu, i) => {
    const s = i.opsize, v = cpu.peek(s);
    if (i.mod === 3) { cpu.r32[ESP] = (cpu.r32[ESP] + s) | 0; cpu.setReg(s, i.rm, v); return; }
    const old = cpu.r32[ESP];
    cpu.r32[ESP] = (old + s) | 0; // the address is computed with the incremented ESP
    try {
      cpu.writeSized(s, cpu.ea(i), v);
    } catch (e) {
      cpu.r32[ESP] = old;
      throw e;
    }
  };
}

const pusha: Handler = (cpu, i) => {
  const s = i.opsize, esp = cpu.r32[ESP], base = (esp - 8 * s) | 0;
  cpu.probeWrite(cpu.stackAddr(base, 8 * s), 8 * s);
  for (let r = 0; r < 8; r++) cpu.writeSized(s, cpu.stackAddr((esp - (r + 1) * s) | 0, s), r === ESP ? (s === 4 ? esp : esp & 0xffff) : cpu.getReg(s, r));
  cpu.r32[ESP] = base;
};

const popa: Handler = (cpu, i) => {
  const s = i.opsize, vals = POPA_TMP;
  for (let r = 0; r < 8; r++) vals[7 - r] = cpu.peek(s, r * s);
  for (let r = 0; r < 8; r++) if (r !== ESP) cpu.setReg(s, r, vals[r]);
  cpu.r32[ESP] = (cpu.r32[ESP] + 8 * s) | 0;
};
const POPA_TMP = new Int32Array(8);

const pushf: Handler = (cpu, i) => {
  const f = cpu.getEflags() & ~0x30000; // VM and RF read as 0 in the pushed image
  cpu.push(i.opsize, f);
};

/** POPF/IRET flag update at CPL 3 with IOPL 0: IF, IOPL, VM, VIF, VIP keep their values */
export function loadFlagsUser(cpu: Cpu, v: number, size: number): void {
  const mask = size === 4 ? POPF_USER_MASK : POPF_USER_MASK & 0xffff;
  const old = cpu.getEflags();
  cpu.setEflags((old & ~mask) | (v & mask));
  // TF newly set: end this run after the current instruction so that the next run() single-steps
  // (the #DB trap follows the instruction after POPF, as on hardware)
  if ((v & mask & TF) !== 0 && (old & TF) === 0) cpu.budgetLeft = Math.min(cpu.budgetLeft, 1);
}

const popf: Handler = (cpu, i) => {
  const v = cpu.pop(i.opsize);
  loadFlagsUser(cpu, v, i.opsize);
};

const enter: Handler = (cpu, i) => {
  const s = i.opsize, alloc = i.imm & 0xffff, level = i.imm2 & 31;
  const esp0 = cpu.r32[ESP], ebp0 = cpu.r32[EBP];
  const frame = (esp0 - s) | 0;
  cpu.probeWrite(cpu.stackAddr((esp0 - s * (level + 1)) | 0, s * (level + 1)), s * (level + 1));
  cpu.writeSized(s, cpu.stackAddr(frame, s), ebp0);
  let esp = frame;
  if (level > 0) {
    // each outer frame pointer is read just before it is pushed, as the SDM pseudo-code does;
    // a read fault leaves the registers unchanged (only stack bytes below ESP were written)
    for (let n = 1; n < level; n++) {
      const v = cpu.readSized(s, cpu.stackAddr((ebp0 - n * s) | 0, s));
      esp = (esp - s) | 0;
      cpu.writeSized(s, cpu.stackAddr(esp, s), v);
    }
    esp = (esp - s) | 0;
    cpu.writeSized(s, cpu.stackAddr(esp, s), frame);
  }
  cpu.r32[EBP] = frame; // 32-bit stack: EBP := FrameTemp whatever the operand size
  cpu.r32[ESP] = (esp - alloc) | 0;
};

const leave: Handler = (cpu, i) => {
  const s = i.opsize, ebp = cpu.r32[EBP];
  const v = cpu.readSized(s, cpu.stackAddr(ebp, s)); // 32-bit stack: ESP := EBP whatever the operand size
  cpu.r32[ESP] = (ebp + s) | 0;
  cpu.setReg(s, EBP, v);
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  push: pushHandler, pop: popHandler, pusha: () => pusha, popa: () => popa,
  pushf: () => pushf, popf: () => popf, enter: () => enter, leave: () => leave,
};
