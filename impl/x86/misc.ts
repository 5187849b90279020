// Handler family: miscellany. NOP (incl. the 0F 19..1F hint NOPs), UD2, flag instructions SAHF
// LAHF CMC CLC STC CLD STD SALC, CPUID, RDTSC (EDX:EAX = retired-instruction count: virtual
// time), and the privileged instructions that raise #GP(0) at CPL 3 (HLT CLI STI IN OUT INS OUTS,
// MOV CRn/DRn, LGDT and friends, RDMSR/WRMSR, RDPMC, INVD, WBINVD, CLTS).
// Above: impl/x86/dispatch.ts. Below: impl/x86/cpuid.ts and the flags.
import * as M_flags from "./flags.js";
import * as M_exception from "./exception.js";
import * as M_cpuid from "./cpuid.js";
import * as M_registers from "./registers.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { ARITH, CF, DF } = M_flags;
const { Vector } = M_exception;
const { cpuid } = M_cpuid;
const { EAX, EBX, ECX, EDX } = M_registers;

const nop: Handler = () => {};
const ud: Handler = (cpu) => cpu.raise(Vector.UD);
const gp0: Handler = (cpu) => cpu.raise(Vector.GP, 0);

const sahf: Handler = (cpu) => cpu.setFlagsEager(ARITH & ~0x800, cpu.r8[1]);
const lahf: Handler = (cpu) => { cpu.r8[1] = (cpu.getEflags() & 0xd5) | 2; };
const cmc: Handler = (cpu) => cpu.setFlagsEager(CF, cpu.cf() ^ CF);
const clc: Handler = (cpu) => cpu.setFlagsEager(CF, 0);
const stc: Handler = (cpu) => cpu.setFlagsEager(CF, CF);
const cld: Handler = (cpu) => { cpu.flagBits &= ~DF; };
const std: Handler = (cpu) => { cpu.flagBits |= DF; };
const salc: Handler = (cpu) => { cpu.r8[0] = cpu.cf() ? 0xff : 0; };

const cpuidHandler: Handler = (cpu) => {
  const [a, b, c, d] = cpuid(cpu.r32[EAX]);
  cpu.r32[EAX] = a; cpu.r32[EBX] = b; cpu.r32[ECX] = c; cpu.r32[EDX] = d;
};

const rdtsc: Handler = (cpu) => {
  const t = cpu.retired;
  cpu.r32[EAX] = t % 0x100000000;
  cpu.r32[EDX] = Math.floor(t / 0x100000000);
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  nop: () => nop, ud: () => ud, gp0: () => gp0, sahf: () => sahf, lahf: () => lahf, cmc: () => cmc,
  clc: () => clc, stc: () => stc, cld: () => cld, std: () => std, salc: () => salc,
  cpuid: () => cpuidHandler, rdtsc: () => rdtsc,
};
