// Public API of the i386 CPU (impl/x86): the Cpu class, its stop reasons, TLB permissions, state
// record and descriptor type. Above: impl/kernel and the tools (difftest, bench). Below: the
// files of this folder; the x87 lives in impl/x86/fpu. See impl/x86/README.md.
export { Cpu } from "./cpu.js";
export { Tlb, PERM_R, PERM_W, PERM_X } from "./tlb.js";
export type { TlbEntry } from "./tlb.js";
export { Vector } from "./exception.js";
export type { StopReason, AccessKind } from "./exception.js";
export { CpuStateSchema } from "./state.js";
export type { CpuState, SegmentState } from "./state.js";
export type { SegmentDescriptor } from "./registers.js";
export { USER_CS, USER_DS } from "./registers.js";
export { CPUID_FEATURES_EDX } from "./cpuid.js";
export { TABLE } from "./table.js";
export type { OpRow } from "./table.js";
