// The i386 register file: general registers as aliased typed arrays, EIP, segment registers with
// their hidden base/limit, and the descriptor table the kernel fills. Bottom of the CPU class
// chain: impl/x86/flags.ts extends it (then mmu.ts, then cpu.ts); nothing below it.
// Little-endian host assumed (all supported Node targets are).

/** Intel register numbers (modrm encoding). */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
/** Segment register numbers (modrm.reg encoding of MOV Sreg). */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
export const SEG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"] as const;

/** One user segment descriptor as the kernel provides it (like Linux GDT/TLS entries). */
export interface SegmentDescriptor {
  base: number;
  /** byte-granular limit (0xffffffff for a flat 4 GiB segment) */
  limit: number;
  /** code segment (only loadable into CS, readable) */
  code?: boolean;
}

/** Byte offsets of AL,CL,DL,BL,AH,CH,DH,BH inside the 32-bit register array. */
export const R8_OFFSET = new Uint8Array([0, 4, 8, 12, 1, 5, 9, 13]);

/** Linux i386 flat selectors (__USER_CS, __USER_DS) and their descriptor indexes. */
export const USER_CS = 0x73, USER_DS = 0x7b;

export class RegisterFile {
  readonly regBuffer = new ArrayBuffer(32);
  /** EAX..EDI as signed 32-bit */
  readonly r32 = new Int32Array(this.regBuffer);
  readonly r16 = new Uint16Array(this.regBuffer);
  readonly r8 = new Uint8Array(this.regBuffer);
  /** address of the next instruction (unsigned) */
  eip = 0;
  /** selectors ES CS SS DS FS GS */
  readonly sreg = new Uint16Array(6);
  readonly segBase = new Int32Array(6);
  readonly segLimit = new Uint32Array(6);
  /** 1 when the segment has base 0 and limit 4 GiB, so addresses need no check */
  readonly segFlat = new Uint8Array(6);
  /** descriptor table indexed by selector >> 3 (GDT; LDT selectors always fault) */
  descriptors: (SegmentDescriptor | undefined)[] = [];

  constructor() {
    const flatCode = { base: 0, limit: 0xffffffff, code: true };
    const flatData = { base: 0, limit: 0xffffffff };
    this.descriptors[USER_CS >> 3] = flatCode;
    this.descriptors[USER_DS >> 3] = flatData;
    for (let s = 0; s < 6; s++) this.setSegmentHidden(s, s === 1 ? USER_CS : s >= 4 ? 0 : USER_DS, 0, 0xffffffff);
  }

  getReg8(r: number): number { return this.r8[R8_OFFSET[r]]; }
  setReg8(r: number, v: number): void { this.r8[R8_OFFSET[r]] = v; }

  /** read a register of 1, 2 or 4 bytes (4: signed int32) */
  getReg(size: number, r: number): number {
    return size === 4 ? this.r32[r] : size === 2 ? this.r16[r << 1] : this.r8[R8_OFFSET[r]];
  }
  setReg(size: number, r: number, v: number): void {
    if (size === 4) this.r32[r] = v;
    else if (size === 2) this.r16[r << 1] = v;
    else this.r8[R8_OFFSET[r]] = v;
  }

  /** set a segment register's selector and hidden part without any check */
  setSegmentHidden(s: number, selector: number, base: number, limit: number): void {
    this.sreg[s] = selector;
    this.segBase[s] = base;
    this.segLimit[s] = limit >>> 0;
    this.segFlat[s] = base === 0 && limit >>> 0 === 0xffffffff && (selector & 0xfffc) !== 0 ? 1 : 0;
  }
}
