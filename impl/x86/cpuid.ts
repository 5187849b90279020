// CPUID of the emulated processor: a P6-class (family 6) GenuineIntel part with FPU, TSC, CX8 and
// CMOV only (no MMX/SSE, no SEP: glibc then uses int $0x80 and its i686 string functions), and
// non-zero leaf-2 cache descriptors (glibc derives cache sizes from them; zero sizes crash
// memcpy). Leaves above the maximum return the maximum basic leaf, as Intel parts do.
// Above: impl/x86/misc.ts (the CPUID handler). Below: nothing.

export const CPUID_FAMILY_MODEL_STEPPING = 0x0000_0619; // family 6, model 1, stepping 9
/** CPUID.1:EDX = FPU | TSC | CX8 | CMOV (also Linux's AT_HWCAP) */
export const CPUID_FEATURES_EDX = 0x1 | 0x10 | 0x100 | 0x8000;

const LEAVES: [number, number, number, number][] = [
  [2, 0x756e6547, 0x6c65746e, 0x49656e69], // "GenuineIntel": EBX EDX ECX order in memory
  [CPUID_FAMILY_MODEL_STEPPING, 0, 0, CPUID_FEATURES_EDX],
  // one round; descriptors 01 02 03 (TLBs), 43 (L2 512 KiB), 08 (L1I 16 KiB), 04 (TLB), 0c (L1D 16 KiB)
  [0x03020101, 0, 0, 0x0c040843],
];

/** [eax, ebx, ecx, edx] for leaf eax */
export function cpuid(leaf: number): readonly [number, number, number, number] {
  const l = leaf >>> 0;
  return LEAVES[l < LEAVES.length ? l : LEAVES.length - 1];
}
