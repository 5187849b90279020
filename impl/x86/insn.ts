// One decoded instruction as the decoder (impl/x86/decoder.ts) leaves it in the decoded-
// instruction cache of an address space (impl/x86/tlb.ts); the handler families read its fields.
// Allocated once per decoded address, reused on every execution.
import type { OpRow } from "./table.js";
import type { Cpu } from "./cpu.js";

export type Handler = (cpu: Cpu, i: Insn) => void;

export class Insn {
  /** linear address and length in bytes */
  addr = 0;
  len = 0;
  row: OpRow | null = null;
  exec: Handler = () => {};
  /** operand size of this instruction in bytes (1, 2 or 4) and the 0x66/0x67-derived sizes */
  size = 4;
  opsize = 4;
  adsize = 4;
  /** segment of the memory operand (override or default) and the override alone (-1: none) */
  seg = 3;
  segOverride = -1;
  /** 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
  rep = 0;
  lock = false;
  /** primary opcode byte (0x0f-prefixed opcodes: 0x100 + second byte) */
  opcode = 0;
  modrm = 0;
  mod = 0;
  reg = 0;
  rm = 0;
  /** memory operand: base and index register (-1: none), scale shift, displacement */
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  imm = 0;
  imm2 = 0;
  /** the instruction that followed this one last time, valid while nextGeneration matches */
  next: Insn | null = null;
  nextGeneration = 0;
}
