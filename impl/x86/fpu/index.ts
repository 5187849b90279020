// Public entry of the x87 FPU (impl/x86/fpu): the Fpu class the integer CPU calls for every
// escape opcode, the memory port it needs, and the state record used by thread get/set_state.
// Above: the CPU interpreter in impl/x86; below: the modules of this folder.

export { Fpu, VEC_MF, VEC_UD } from "./fpu.js";
export type { FpuMemory } from "./memory.js";
export type { FpuState } from "./regfile.js";
export { LINUX_CW } from "./regfile.js";
