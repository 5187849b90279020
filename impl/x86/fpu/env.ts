// The x87 environment and save images in their 32-bit protected-mode layouts: FNSTENV/FLDENV
// (28 bytes: CW, SW, TW, FIP, FCS+FOP, FDP, FDS) and FNSAVE/FRSTOR (the environment followed by
// ST(0)..ST(7), 10 bytes each). Above: fpu.ts; below: regfile.ts and the memory port.

import { fromBytes, toBytes } from "./float80.js";
import { readBytes, writeBytes, type FpuMemory } from "./memory.js";
import type { RegFile } from "./regfile.js";

export const ENV_SIZE = 28;
export const SAVE_SIZE = 108;

function put32(out: number[], off: number, v: number): void {
  for (let i = 0; i < 4; i++) out[off + i] = (v >>> (8 * i)) & 0xff;
}

function get32(b: number[], off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/** The 28-byte environment image (reserved upper halves read back as 0xffff, as on the P6). */
export function envImage(rf: RegFile): number[] {
  const out = new Array<number>(ENV_SIZE).fill(0);
  put32(out, 0, 0xffff0000 | rf.cw);
  put32(out, 4, 0xffff0000 | rf.statusWord());
  put32(out, 8, 0xffff0000 | rf.tagWord());
  put32(out, 12, rf.fip);
  put32(out, 16, ((rf.fop & 0x7ff) << 16) | rf.fcs);
  put32(out, 20, rf.fdp);
  put32(out, 24, 0xffff0000 | rf.fds);
  return out;
}

export function saveImage(rf: RegFile): number[] {
  const out = envImage(rf);
  for (let i = 0; i < 8; i++) out.push(...(toBytes(rf.st(i)) as number[]));
  return out;
}

/** Load an environment image (the tag word only decides which registers are empty). */
export function loadEnv(rf: RegFile, b: number[]): void {
  rf.cw = b[0]! | (b[1]! << 8);
  rf.setStatusWord(b[4]! | (b[5]! << 8));
  rf.setTagWord(b[8]! | (b[9]! << 8));
  rf.fip = get32(b, 12);
  rf.fcs = b[16]! | (b[17]! << 8);
  rf.fop = (b[18]! | (b[19]! << 8)) & 0x7ff;
  rf.fdp = get32(b, 20);
  rf.fds = b[24]! | (b[25]! << 8);
  rf.updateSummary();
}

export function fnstenv(rf: RegFile, mem: FpuMemory, ea: number): void {
  mem.probeWrite(ea, ENV_SIZE);
  writeBytes(mem, ea, envImage(rf));
  rf.cw |= 0x3f;
  rf.updateSummary();
}

export function fldenv(rf: RegFile, mem: FpuMemory, ea: number): void {
  loadEnv(rf, readBytes(mem, ea, ENV_SIZE));
}

export function fnsave(rf: RegFile, mem: FpuMemory, ea: number): void {
  mem.probeWrite(ea, SAVE_SIZE);
  writeBytes(mem, ea, saveImage(rf));
  rf.init();
}

export function frstor(rf: RegFile, mem: FpuMemory, ea: number): void {
  const b = readBytes(mem, ea, SAVE_SIZE);
  loadEnv(rf, b);
  for (let i = 0; i < 8; i++) rf.regs[rf.phys(i)] = fromBytes(b, ENV_SIZE + 10 * i);
}
