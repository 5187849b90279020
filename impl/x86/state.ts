// The architectural state record of a thread on the i386 CPU, as the kernel's thread
// get_state/set_state (impl/kernel) and checkpointers see it: general registers, EIP, EFLAGS,
// segment selectors with their hidden bases and limits, and the x87 state of impl/x86/fpu.
// Above: impl/x86/cpu.ts exposes getState/setState. Below: the register file and the FPU.
import { z } from "zod";
import type { FpuState } from "./fpu/index.js";
import type { Cpu } from "./cpu.js";

const u32 = z.number().int().min(0).max(0xffffffff);

export const SegmentStateSchema = z.object({ selector: z.number().int().min(0).max(0xffff), base: u32, limit: u32 });

/** zod schema of the integer part (the FPU part is the FPU's own record) */
export const CpuStateSchema = z.object({
  eax: u32, ecx: u32, edx: u32, ebx: u32, esp: u32, ebp: u32, esi: u32, edi: u32,
  eip: u32, eflags: u32,
  es: SegmentStateSchema, cs: SegmentStateSchema, ss: SegmentStateSchema,
  ds: SegmentStateSchema, fs: SegmentStateSchema, gs: SegmentStateSchema,
  fpu: z.unknown(),
});

export type SegmentState = z.infer<typeof SegmentStateSchema>;
export type CpuState = Omit<z.infer<typeof CpuStateSchema>, "fpu"> & { fpu: FpuState };

const REGS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
const SEGS = ["es", "cs", "ss", "ds", "fs", "gs"] as const;

export function getState(cpu: Cpu): CpuState {
  const seg = (s: number): SegmentState => ({ selector: cpu.sreg[s], base: cpu.segBase[s] >>> 0, limit: cpu.segLimit[s] });
  return {
    eax: cpu.r32[0] >>> 0, ecx: cpu.r32[1] >>> 0, edx: cpu.r32[2] >>> 0, ebx: cpu.r32[3] >>> 0,
    esp: cpu.r32[4] >>> 0, ebp: cpu.r32[5] >>> 0, esi: cpu.r32[6] >>> 0, edi: cpu.r32[7] >>> 0,
    eip: cpu.eip >>> 0, eflags: cpu.getEflags(),
    es: seg(0), cs: seg(1), ss: seg(2), ds: seg(3), fs: seg(4), gs: seg(5),
    fpu: cpu.fpu.getState(),
  };
}

/** set the state as given (the hidden segment parts are taken as they are, no descriptor check) */
export function setState(cpu: Cpu, s: CpuState): void {
  REGS.forEach((r, n) => { cpu.r32[n] = s[r] | 0; });
  cpu.eip = s.eip >>> 0;
  cpu.setEflags(s.eflags);
  SEGS.forEach((name, n) => cpu.setSegmentHidden(n, s[name].selector, s[name].base | 0, s[name].limit));
  cpu.fpu.setState(s.fpu);
}
