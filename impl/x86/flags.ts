// EFLAGS with lazy evaluation of the six arithmetic flags. Above: impl/x86/mmu.ts extends this
// class (then cpu.ts); the handler families set flags through setLazy/setFlagsEager and read them
// through cf()/zf()/... and testCondition(). Below: impl/x86/registers.ts.
// ADD/SUB/logic/INC/DEC record operands and result; the flags are computed only when read.
import * as M_registers from "./registers.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { RegisterFile } = M_registers;

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400,
  OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000, ID = 0x200000;
/** the six status flags */
export const ARITH = CF | PF | AF | ZF | SF | OF;
/** flags user code can change with POPF (IF and IOPL are silently kept at CPL 3, IOPL 0) */
export const POPF_USER_MASK = ARITH | TF | DF | NT | AC | ID;

/** lazy operation kinds */
export const L_NONE = 0, L_ADD = 1, L_SUB = 2, L_LOGIC = 3, L_INC = 4, L_DEC = 5;

/** 1 when the byte has even parity (PF set) */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>= 1; }
  PARITY[i] = p;
}

export const SIZE_MASK = [0, 0xff, 0xffff, 0, 0xffffffff];
export const SIGN_SHIFT = [0, 7, 15, 0, 31];

/** normalise v to an unsigned value of size bytes */
export function norm(v: number, size: number): number {
  return size === 4 ? v >>> 0 : v & (size === 2 ? 0xffff : 0xff);
}

export class LazyFlags extends RegisterFile {
  /** eflags bits; the ARITH bits are stale while lazyOp != L_NONE */
  flagBits = 0x202;
  lazyOp = L_NONE;
  lazyA = 0;
  lazyB = 0;
  lazyRes = 0;
  lazySize = 4;

  /** record an ADD/SUB/LOGIC/INC/DEC result; a, b, res already normalised (unsigned) */
  setLazy(op: number, a: number, b: number, res: number, size: number): void {
    if (op >= L_INC && this.lazyOp !== L_NONE) this.flagBits = (this.flagBits & ~CF) | this.cf();
    this.lazyOp = op; this.lazyA = a; this.lazyB = b; this.lazyRes = res; this.lazySize = size;
  }

  /** set the flags in mask to the bits in value; other arithmetic flags are materialised first */
  setFlagsEager(mask: number, value: number): void {
    if (this.lazyOp !== L_NONE) this.materialize();
    this.flagBits = (this.flagBits & ~mask) | (value & mask);
  }

  /** compute the lazy flags into flagBits in one pass */
  materialize(): void {
    const op = this.lazyOp;
    if (op === L_NONE) return;
    const a = this.lazyA, b = this.lazyB, r = this.lazyRes, sh = SIGN_SHIFT[this.lazySize];
    let f = (r === 0 ? ZF : 0) | ((r >>> sh) & 1 ? SF : 0) | (PARITY[r & 0xff] ? PF : 0);
    switch (op) {
      case L_ADD: f |= (r < a ? CF : 0) | ((a ^ b ^ r) & AF) | ((((a ^ r) & (b ^ r)) >>> sh) & 1 ? OF : 0); break;
      case L_SUB: f |= (a < b ? CF : 0) | ((a ^ b ^ r) & AF) | ((((a ^ b) & (a ^ r)) >>> sh) & 1 ? OF : 0); break;
      case L_INC: f |= (this.flagBits & CF) | ((a ^ b ^ r) & AF) | ((((a ^ r) & (b ^ r)) >>> sh) & 1 ? OF : 0); break;
      case L_DEC: f |= (this.flagBits & CF) | ((a ^ b ^ r) & AF) | ((((a ^ b) & (a ^ r)) >>> sh) & 1 ? OF : 0); break;
      default: break; // logic: CF OF AF clear
    }
    this.flagBits = (this.flagBits & ~ARITH) | f;
    this.lazyOp = L_NONE;
  }

  getEflags(): number {
    this.materialize();
    return this.flagBits >>> 0;
  }

  setEflags(v: number): void {
    this.lazyOp = L_NONE;
    this.flagBits = (v | 2) & ~(0x8 | 0x20 | 0x8000) & 0x3f7fff;
  }

  cf(): number {
    switch (this.lazyOp) {
      case L_NONE: case L_INC: case L_DEC: return this.flagBits & CF;
      case L_ADD: return this.lazyRes < this.lazyA ? CF : 0;
      case L_SUB: return this.lazyA < this.lazyB ? CF : 0;
      default: return 0;
    }
  }
  zf(): number { return this.lazyOp === L_NONE ? this.flagBits & ZF : this.lazyRes === 0 ? ZF : 0; }
  sf(): number {
    return this.lazyOp === L_NONE ? this.flagBits & SF : (this.lazyRes >>> SIGN_SHIFT[this.lazySize]) & 1 ? SF : 0;
  }
  pf(): number { return this.lazyOp === L_NONE ? this.flagBits & PF : PARITY[this.lazyRes & 0xff] ? PF : 0; }
  af(): number {
    if (this.lazyOp === L_NONE) return this.flagBits & AF;
    if (this.lazyOp === L_LOGIC) return 0;
    return (this.lazyA ^ this.lazyB ^ this.lazyRes) & AF;
  }
  of(): number {
    const op = this.lazyOp, a = this.lazyA, b = this.lazyB, r = this.lazyRes, sh = SIGN_SHIFT[this.lazySize];
    switch (op) {
      case L_NONE: return this.flagBits & OF;
      case L_ADD: case L_INC: return (((a ^ r) & (b ^ r)) >>> sh) & 1 ? OF : 0;
      case L_SUB: case L_DEC: return (((a ^ b) & (a ^ r)) >>> sh) & 1 ? OF : 0;
      default: return 0;
    }
  }

  /** evaluate condition code cc (0..15, the low nibble of Jcc/SETcc/CMOVcc) */
  testCondition(cc: number): boolean {
    let t: boolean;
    switch (cc >> 1) {
      case 0: t = this.of() !== 0; break;
      case 1: t = this.cf() !== 0; break;
      case 2: t = this.zf() !== 0; break;
      case 3: t = this.cf() !== 0 || this.zf() !== 0; break;
      case 4: t = this.sf() !== 0; break;
      case 5: t = this.pf() !== 0; break;
      case 6: t = (this.sf() !== 0) !== (this.of() !== 0); break;
      default: t = this.zf() !== 0 || (this.sf() !== 0) !== (this.of() !== 0); break;
    }
    return (cc & 1) !== 0 ? !t : t;
  }
}
