// The differential tester's case and outcome records, their binary form on the oracle pipe
// (impl/x86/difftest/harness.c reads/writes exactly these layouts) and the deterministic data
// filler. Above: generator.ts, oracle.ts, emulate.ts, compare.ts, the vector files. Below: nothing.
//
// Fixed memory layout shared by oracle and emulator: data page 0x00a00000 (RW), stack page
// 0x00b00000 (RW), code page 0x00c00000 (RWX) with the code placed to end at 0x00c01000; all other
// pages unmapped. Only the last WINDOW bytes of the data and stack pages carry case data; the
// rest is zero and "dirty" reports a store there.

export const DATA_PAGE = 0x00a00000, STACK_PAGE = 0x00b00000, CODE_PAGE = 0x00c00000;
export const WINDOW = 256, MAX_CODE = 64;
export const DATA_WINDOW = DATA_PAGE + 4096 - WINDOW, STACK_WINDOW = STACK_PAGE + 4096 - WINDOW;
export const IN_SIZE = 40 + MAX_CODE + 2 * WINDOW, OUT_SIZE = 64 + 2 * WINDOW;
/** selectors the oracle runs with (qemu-i386 linux-user: CS 0x23, DS/ES/SS 0x2b, FS 0, GS 0x33) */
export const ORACLE_SELECTORS = [0x2b, 0x23, 0x2b, 0x2b, 0, 0x33];

export interface Case {
  group: string;
  /** mnemonic and operands of the table row, for reports */
  name: string;
  /** EFLAGS bits the comparer ignores (the row's undefined flags) */
  undef: number;
  regs: number[];
  eflags: number;
  code: number[];
  /** seeds of the data and stack windows (see fillWindow) */
  dataSeed: number;
  stackSeed: number;
  /** two-instruction cases: length of the first instruction */
  split?: number;
}

export interface Outcome {
  regs: number[];
  eflags: number;
  eip: number;
  /** Linux signal that ended the case: 11 SEGV, 4 ILL, 8 FPE, 5 TRAP, 14 timeout */
  signo: number;
  /** #PF: 1 read, 2 write (fault kind); otherwise 0 */
  pf: number;
  cr2: number;
  dirty: number;
  data: Uint8Array;
  stack: Uint8Array;
}

/** deterministic window content: seed 0 = zeros, else xorshift32 bytes */
export function fillWindow(seed: number): Uint8Array {
  const w = new Uint8Array(WINDOW);
  let x = seed >>> 0;
  if (x === 0) return w;
  for (let i = 0; i < WINDOW; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    w[i] = x & 0xff;
  }
  return w;
}

export function encodeCase(c: Case, out: Buffer, at: number): void {
  for (let r = 0; r < 8; r++) out.writeUInt32LE(c.regs[r] >>> 0, at + 4 * r);
  out.writeUInt32LE(c.eflags >>> 0, at + 32);
  out.writeUInt32LE(c.code.length, at + 36);
  out.fill(0, at + 40, at + 40 + MAX_CODE);
  Buffer.from(c.code).copy(out, at + 40);
  Buffer.from(fillWindow(c.dataSeed)).copy(out, at + 40 + MAX_CODE);
  Buffer.from(fillWindow(c.stackSeed)).copy(out, at + 40 + MAX_CODE + WINDOW);
}

/** si_code of a SIGSEGV raised for #GP (and other non-#PF faults) */
const SI_KERNEL = 0x80;

/** decode an oracle record; SIGSEGV with the user bit in the error code is a #PF unless its si_code
 * is SI_KERNEL: a #GP(selector) whose selector has TI set (e.g. POP ES of a random word) has bit 2
 * set too, and qemu-i386 leaves trapno at -1, so only si_code tells them apart */
export function decodeOutcome(buf: Buffer, at: number): Outcome {
  const u = (k: number): number => buf.readUInt32LE(at + 4 * k);
  const signo = u(13), err = u(11), siCode = u(15);
  const isPf = signo === 11 && (err & 4) !== 0 && siCode !== SI_KERNEL;
  return {
    regs: [0, 1, 2, 3, 4, 5, 6, 7].map(u), eflags: u(8), eip: u(9), signo,
    pf: isPf ? ((err & 2) !== 0 ? 2 : 1) : 0, cr2: isPf ? u(12) : 0, dirty: u(14),
    data: new Uint8Array(buf.subarray(at + 64, at + 64 + WINDOW)),
    stack: new Uint8Array(buf.subarray(at + 64 + WINDOW, at + 64 + 2 * WINDOW)),
  };
}
