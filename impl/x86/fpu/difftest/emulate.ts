// Runs one differential-test case on the TypeScript x87 (the system under test): loads the FNSAVE
// image into an Fpu, executes the instruction against a 128-byte memory buffer and returns the
// same observation the native oracle prints (FNSAVE image, EFLAGS, memory). Above: run.ts and the
// vector replay test; below: the Fpu of impl/x86/fpu.

import { Fpu } from "../fpu.js";
import type { FpuMemory } from "../memory.js";
import type { Case } from "./cases.js";

export interface Outcome {
  image: number[];
  eflags: number;
  mem: number[];
  signal: number;
}

export const EA = 0x1000;

export function bufferMemory(buf: number[]): FpuMemory {
  const at = (a: number): number => {
    const i = a - EA;
    if (i < 0 || i >= buf.length) throw new Error("difftest: access outside the operand buffer");
    return i;
  };
  const rd = (a: number): number => buf[at(a)]!;
  const wr = (a: number, v: number): void => void (buf[at(a)] = v & 0xff);
  return {
    read8: rd,
    read16: (a) => rd(a) | (rd(a + 1) << 8),
    read32: (a) => (rd(a) | (rd(a + 1) << 8) | (rd(a + 2) << 16) | (rd(a + 3) << 24)) >>> 0,
    write8: wr,
    write16: (a, v) => (wr(a, v), wr(a + 1, v >> 8)),
    write32: (a, v) => (wr(a, v), wr(a + 1, v >> 8), wr(a + 2, v >> 16), wr(a + 3, v >>> 24)),
    probeWrite: (a, n) => void (at(a), at(a + n - 1)),
  };
}

const u16 = (b: number[], o: number): number => b[o]! | (b[o + 1]! << 8);

/** Load a 108-byte FNSAVE image into the FPU (as FRSTOR would). */
export function loadImage(fpu: Fpu, img: number[]): void {
  const sw = u16(img, 4);
  const top = (sw >> 11) & 7;
  const regs: Uint8Array[] = [];
  for (let p = 0; p < 8; p++) regs.push(Uint8Array.from(img.slice(28 + 10 * ((p - top) & 7), 38 + 10 * ((p - top) & 7))));
  fpu.setState({ regs, cw: u16(img, 0), sw, tw: u16(img, 8), fip: 0, fcs: 0, fdp: 0, fds: 0, fop: 0 });
}

/** The FNSAVE image of the FPU state (environment fields FIP..FDS left zero). */
export function saveImage(fpu: Fpu): number[] {
  const s = fpu.getState();
  const img = new Array<number>(108).fill(0);
  const put16 = (o: number, v: number): void => void ((img[o] = v & 0xff), (img[o + 1] = (v >> 8) & 0xff));
  put16(0, s.cw);
  put16(4, s.sw);
  put16(8, s.tw);
  const top = (s.sw >> 11) & 7;
  for (let i = 0; i < 8; i++) s.regs[(top + i) & 7]!.forEach((b, k) => (img[28 + 10 * i + k] = b));
  return img;
}

export function emulate(c: Case): Outcome {
  const fpu = new Fpu();
  loadImage(fpu, c.image);
  const mem = c.mem.slice();
  const vec = fpu.exec(c.op, c.modrm, EA, bufferMemory(mem), c.eflags | 0x202);
  const upd = fpu.lastEflagsUpdate();
  const eflags = upd >= 0 ? upd : c.eflags & 0x8d5;
  const image = saveImage(fpu);
  if (vec === 0) {
    // The native harness ends with FNSAVE, which reinitialises; the image is what it saw before.
  }
  return { image, eflags, mem, signal: vec === 0 ? 0 : vec === 16 ? 8 : 4 };
}
