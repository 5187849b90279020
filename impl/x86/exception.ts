// CPU exceptions and stop reasons of the i386 interpreter (impl/x86).
// Above: impl/x86/cpu.ts catches the one preallocated CpuException a run throws and turns it into
// the StopReason the kernel (impl/kernel) reads. Below: nothing; handlers and the MMU raise it.
// Faults leave EIP at the faulting instruction; traps (INT n, INT3, INTO) leave it after.

/** Intel vector numbers used by the user-mode CPU. */
export const Vector = {
  DE: 0, DB: 1, BP: 3, OF: 4, BR: 5, UD: 6, NM: 7, SS: 12, GP: 13, PF: 14, MF: 16, AC: 17,
} as const;

export type AccessKind = "read" | "write" | "exec";

/** Why run() returned. */
export interface StopReason {
  /** budget: instruction budget used up; step: single-step after one instruction; breakpoint:
   * about to execute a breakpoint address; fault: an exception with EIP at the instruction;
   * trap: INT n / INT3 / INTO / INT1 with EIP after the instruction. */
  kind: "budget" | "step" | "breakpoint" | "fault" | "trap";
  /** exception or interrupt vector (fault and trap) */
  vector: number;
  /** x86 error code (#GP, #PF; 0 otherwise) */
  errorCode: number;
  /** #PF: the linear address (CR2); breakpoint: the address */
  address: number;
  /** #PF only: the access that faulted */
  access: AccessKind | null;
}

/** The single exception object a Cpu throws to unwind an instruction (never allocated per fault). */
export class CpuException {
  vector = 0;
  errorCode = 0;
  address = 0;
  access: AccessKind | null = null;
  trap = false;
}

/** #PF error code as a real CPU builds it for a user-mode access. */
export function pageFaultErrorCode(access: AccessKind, present: boolean): number {
  return (present ? 1 : 0) | (access === "write" ? 2 : 0) | 4 | (access === "exec" ? 16 : 0);
}
