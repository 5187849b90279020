// Test support: builds small synthetic ELF32 i386 files from a list of program headers, so tests can
// make exactly the malformation they mean (a bad field, a segment past the end, a missing NUL) next
// to a known-good baseline. Above: elf.test.ts, layout.test.ts. Below: elf.ts's constants.
import { ELF_HEADER_SIZE, EM_386, ET_EXEC, PF_R, PF_W, PF_X, PHDR_SIZE, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_PHDR } from "./elf.js";

export interface TestPhdr {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

export interface TestElf {
  type: number;
  machine: number;
  entry: number;
  phoff: number;
  phdrs: TestPhdr[];
  size: number;
  /** Bytes to place at file offsets (e.g. the interpreter string). */
  blobs: { offset: number; bytes: Uint8Array }[];
}

export const INTERP_PATH = "/lib/ld-linux.so.2";

/** A small dynamically linked ET_EXEC at 0x08048000: PHDR, INTERP, text, data+bss, GNU_STACK. */
export const baselineElf = (): TestElf => {
  const interp = new TextEncoder().encode(INTERP_PATH + "\0");
  const phnum = 5;
  const interpOff = ELF_HEADER_SIZE + phnum * PHDR_SIZE;
  return {
    type: ET_EXEC, machine: EM_386, entry: 0x08048100, phoff: ELF_HEADER_SIZE, size: 0x3000,
    blobs: [{ offset: interpOff, bytes: interp }],
    phdrs: [
      { type: PT_PHDR, offset: ELF_HEADER_SIZE, vaddr: 0x08048000 + ELF_HEADER_SIZE, filesz: phnum * PHDR_SIZE, memsz: phnum * PHDR_SIZE, flags: PF_R, align: 4 },
      { type: PT_INTERP, offset: interpOff, vaddr: 0x08048000 + interpOff, filesz: interp.length, memsz: interp.length, flags: PF_R, align: 1 },
      { type: PT_LOAD, offset: 0, vaddr: 0x08048000, filesz: 0x1234, memsz: 0x1234, flags: PF_R | PF_X, align: 0x1000 },
      { type: PT_LOAD, offset: 0x1f00, vaddr: 0x0804af00, filesz: 0x200, memsz: 0x2345, flags: PF_R | PF_W, align: 0x1000 },
      { type: PT_GNU_STACK, offset: 0, vaddr: 0, filesz: 0, memsz: 0, flags: PF_R | PF_W, align: 0x10 },
    ],
  };
};

/** The baseline relinked as a PIE (ET_DYN) at address 0. */
export const baselineDyn = (): TestElf => {
  const e = baselineElf();
  e.type = 3;
  e.entry -= 0x08048000;
  for (const p of e.phdrs) if (p.vaddr !== 0) p.vaddr -= 0x08048000;
  return e;
};

/** Serialise a TestElf: header, program headers at phoff, blobs; the rest of the file is 0xcc. */
export const buildElf = (e: TestElf): Uint8Array => {
  const b = new Uint8Array(e.size).fill(0xcc);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  v.setUint16(16, e.type, true);
  v.setUint16(18, e.machine, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, e.entry, true);
  v.setUint32(28, e.phoff, true);
  v.setUint32(32, 0, true);
  v.setUint32(36, 0, true);
  v.setUint16(40, ELF_HEADER_SIZE, true);
  v.setUint16(42, PHDR_SIZE, true);
  v.setUint16(44, e.phdrs.length, true);
  v.setUint16(46, 40, true);
  v.setUint32(48, 0, true);
  e.phdrs.forEach((p, i) => {
    const o = e.phoff + i * PHDR_SIZE;
    [p.type, p.offset, p.vaddr, p.vaddr, p.filesz, p.memsz, p.flags, p.align].forEach((x, k) => v.setUint32(o + 4 * k, x >>> 0, true));
  });
  for (const blob of e.blobs) b.set(blob.bytes, blob.offset);
  return b;
};

/** The baseline with one change applied. */
export const variant = (change: (e: TestElf) => void): Uint8Array => {
  const e = baselineElf();
  change(e);
  return buildElf(e);
};
