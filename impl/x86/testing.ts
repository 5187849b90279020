// Test support for impl/x86 unit tests: a CPU with a small flat memory (code, data and stack
// pages) and a helper to run a byte string. Above: the *.test.ts files of impl/x86. Below: Cpu.
import { Cpu } from "./cpu.js";
import { PERM_R, PERM_W, PERM_X } from "./tlb.js";
import type { StopReason } from "./exception.js";

export const CODE = 0x0040_0000, DATA = 0x0050_0000, STACK_TOP = 0x0060_0000;

export interface Machine { cpu: Cpu; code: Uint8Array; data: Uint8Array; stack: Uint8Array }

/** code: 2 pages RWX at CODE; data: 2 pages RW at DATA; stack: 2 pages RW below STACK_TOP */
export function machine(): Machine {
  const cpu = new Cpu();
  const code = new Uint8Array(8192), data = new Uint8Array(8192), stack = new Uint8Array(8192);
  for (let p = 0; p < 2; p++) {
    cpu.mapPage((CODE >>> 12) + p, code, p * 4096, PERM_R | PERM_W | PERM_X);
    cpu.mapPage((DATA >>> 12) + p, data, p * 4096, PERM_R | PERM_W);
    cpu.mapPage((STACK_TOP >>> 12) - 2 + p, stack, p * 4096, PERM_R | PERM_W);
  }
  cpu.eip = CODE;
  cpu.r32[4] = STACK_TOP - 16;
  return { cpu, code, data, stack };
}

/** load bytes at CODE (+ offset) followed by INT3 and run; returns the stop reason */
export function runCode(m: Machine, bytes: number[], budget = 10_000, offset = 0): StopReason {
  m.code.set([...bytes, 0xcc], offset);
  m.cpu.eip = CODE + offset;
  return m.cpu.run(budget);
}
