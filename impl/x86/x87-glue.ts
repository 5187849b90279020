// The one place where the integer CPU meets the x87 (impl/x86/fpu): escape opcodes D8..DF and
// FWAIT. The CPU computes the effective address, hands the FPU itself as the memory port (reads
// and probes fault precisely through the TLB), raises the vector the FPU returns (#MF 16, #UD 6),
// copies FCOMI/FUCOMI flags back into EFLAGS, and writes FNSTSW AX (DF E0) itself.
// Above: impl/x86/dispatch.ts. Below: impl/x86/fpu/index.ts.
import * as M_flags from "./flags.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { ARITH } = M_flags;

const esc: Handler = (cpu, i) => {
  if (i.opcode === 0xdf && i.modrm === 0xe0) { cpu.r16[0] = cpu.fpu.statusWord(); return; }
  const ea = i.mod === 3 ? 0 : cpu.ea(i);
  cpu.fpu.setInstructionPointer(cpu.curEip, cpu.sreg[1]);
  const v = cpu.fpu.exec(i.opcode, i.modrm, ea, cpu, cpu.getEflags());
  if (v !== 0) cpu.raise(v);
  const f = cpu.fpu.lastEflagsUpdate();
  if (f >= 0) cpu.setFlagsEager(ARITH, f);
};

const fwait: Handler = (cpu) => {
  const v = cpu.fpu.exec(0x9b, 0, 0, cpu, cpu.getEflags());
  if (v !== 0) cpu.raise(v);
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = { esc: () => esc, fwait: () => fwait };
