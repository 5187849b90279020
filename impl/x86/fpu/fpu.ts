// The x87 FPU of the i386 machine as the integer CPU sees it: exec() takes one escape opcode
// (D8..DF, or 9B for FWAIT) with its ModRM byte and effective address, checks for a pending
// unmasked exception (#MF, vector 16) at waiting instructions, rejects encodings a P6 lacks
// (#UD, vector 6), and dispatches through the two declarative tables. Above: the CPU in impl/x86;
// below: exec-mem.ts, exec-reg.ts, core.ts.

import { Core } from "./core.js";
import * as M_exec_mem from "./exec-mem.js";
import * as M_exec_reg from "./exec-reg.js";
import type { FpuMemory } from "./memory.js";
import type { FpuState } from "./regfile.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { MEM_TABLE } = M_exec_mem;
const { REG_TABLE } = M_exec_reg;

export const VEC_UD = 6;
export const VEC_MF = 16;

export class Fpu {
  private readonly core = new Core();

  constructor() {
    this.reset();
  }

  /** Execute one x87 instruction; 0 = done, else the exception vector to raise (nothing changed). */
  exec(opcode: number, modrm: number, ea: number, mem: FpuMemory, eflags: number): number {
    const c = this.core;
    c.eflagsOut = -1;
    if (opcode === 0x9b) return c.sw & 0x80 ? VEC_MF : 0;
    const mod = modrm >> 6;
    const reg = mod === 3 ? REG_TABLE[(opcode & 7) * 64 + (modrm & 0x3f)] : undefined;
    const row = mod === 3 ? reg : MEM_TABLE[(opcode & 7) * 8 + ((modrm >> 3) & 7)];
    if (!row) return VEC_UD;
    if (!row.noWait && c.sw & 0x80) return VEC_MF;
    if (reg) reg.fn(c, modrm & 7, eflags);
    else {
      MEM_TABLE[(opcode & 7) * 8 + ((modrm >> 3) & 7)]!.fn(c, ea >>> 0, mem, (modrm >> 3) & 7);
      if (!row.control) c.fdp = ea >>> 0;
    }
    if (!row.control) {
      c.fop = ((opcode & 7) << 8) | modrm;
      c.fip = this.nextFip;
      c.fcs = this.nextFcs;
    }
    return 0;
  }

  private nextFip = 0;
  private nextFcs = 0;

  /**
   * Optional: the CPU may tell the FPU the address of the instruction about to execute, so that
   * FNSTENV/FNSAVE report it as FIP/FCS (the exec() signature has no room for it).
   */
  setInstructionPointer(eip: number, cs: number): void {
    this.nextFip = eip >>> 0;
    this.nextFcs = cs & 0xffff;
  }

  /** After FCOMI/FUCOMI(P): ZF/PF/CF bits of the new EFLAGS (OF, SF, AF become 0); -1 otherwise. */
  lastEflagsUpdate(): number {
    return this.core.eflagsOut;
  }

  statusWord(): number {
    return this.core.statusWord();
  }

  getState(): FpuState {
    return this.core.getState();
  }

  setState(s: FpuState): void {
    this.core.setState(s);
  }

  /** FNINIT state with the control word Linux gives a new process (0x037F). */
  reset(): void {
    this.core.init();
    this.core.eflagsOut = -1;
  }

  /** Name of the instruction an encoding selects (for traces and tests); null = #UD. */
  static nameOf(opcode: number, modrm: number): string | null {
    const row = modrm >> 6 === 3 ? REG_TABLE[(opcode & 7) * 64 + (modrm & 0x3f)] : MEM_TABLE[(opcode & 7) * 8 + ((modrm >> 3) & 7)];
    return row ? row.name : null;
  }
}
