// The architectural state of the x87: eight 80-bit physical registers, TOP, the empty/valid tags,
// control and status words and the last-instruction pointers; stack push/pop with the P6's stack
// fault responses, and the full tag word as FNSTENV reports it. Above: fpu.ts and env.ts use it;
// below: float80.ts.

import * as M_float80 from "./float80.js";
import type { F80 } from "./float80.js";
import * as M_round from "./round.js";
import type { OpCtx } from "./round.js";

// Imported bindings copied once: under the tsx loader every use of an import is a getter call.
const { Cls, classify, fromBytes, INDEFINITE, POS_ZERO, toBytes } = M_float80;
const { IE, SF } = M_round;

/** Full FPU state as exported by getState (registers in physical order, 10 bytes each). */
export interface FpuState {
  regs: Uint8Array[];
  cw: number;
  sw: number;
  tw: number;
  fip: number;
  fcs: number;
  fdp: number;
  fds: number;
  fop: number;
}

export const LINUX_CW = 0x037f;

export class RegFile {
  regs: F80[] = new Array<F80>(8).fill(POS_ZERO);
  empty = 0xff; // bit i: physical register i is empty
  top = 0;
  cw = LINUX_CW;
  sw = 0; // status word without the TOP field
  fip = 0;
  fcs = 0;
  fdp = 0;
  fds = 0;
  fop = 0;

  init(): void {
    this.cw = LINUX_CW;
    this.sw = 0;
    this.top = 0;
    this.empty = 0xff;
    this.fip = this.fcs = this.fdp = this.fds = this.fop = 0;
  }

  phys(i: number): number {
    return (this.top + i) & 7;
  }

  st(i: number): F80 {
    return this.regs[(this.top + i) & 7]!;
  }

  isEmpty(i: number): boolean {
    return ((this.empty >> ((this.top + i) & 7)) & 1) !== 0;
  }

  set(i: number, v: F80): void {
    const p = (this.top + i) & 7;
    this.regs[p] = v;
    this.empty &= ~(1 << p);
  }

  free(i: number): void {
    this.empty |= 1 << ((this.top + i) & 7);
  }

  pop(): void {
    this.free(0);
    this.top = (this.top + 1) & 7;
  }

  /** Push with stack-overflow check; returns false (nothing pushed) on an unmasked fault. */
  push(ctx: OpCtx, v: F80): boolean {
    if (!this.isEmpty(7)) {
      ctx.c1 = ctx.flags & SF ? 0 : 1; // an underflowing source (FLD ST(i)) keeps C1 = 0
      ctx.flags |= IE | SF;
      if (!(ctx.masks & IE)) return false;
      v = INDEFINITE;
    }
    this.top = (this.top - 1) & 7;
    this.set(0, v);
    return true;
  }

  statusWord(): number {
    return (this.sw & ~0x3800) | (this.top << 11);
  }

  setStatusWord(v: number): void {
    this.top = (v >> 11) & 7;
    this.sw = v & ~0x3800 & 0xffff;
  }

  /** Recompute ES and B from the exception flags and masks (ES = B on the P6). */
  updateSummary(): void {
    if (this.sw & ~this.cw & 0x3f) this.sw |= 0x8080;
    else this.sw &= ~0x8080;
  }

  setC1(v: number): void {
    this.sw = v ? this.sw | 0x200 : this.sw & ~0x200;
  }

  /** Condition codes C3 C2 C0 as a 3-bit value c3<<2 | c2<<1 | c0. */
  setCond(c3: number, c2: number, c1: number, c0: number): void {
    this.sw = (this.sw & ~0x4700) | (c3 << 14) | (c2 << 10) | (c1 << 9) | (c0 << 8);
  }

  tag(p: number): number {
    if ((this.empty >> p) & 1) return 3;
    const c = classify(this.regs[p]!);
    if (c === Cls.Zero) return 1;
    if (c === Cls.Normal) return 0;
    return 2;
  }

  tagWord(): number {
    let tw = 0;
    for (let p = 0; p < 8; p++) tw |= this.tag(p) << (2 * p);
    return tw;
  }

  setTagWord(tw: number): void {
    this.empty = 0;
    for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) === 3) this.empty |= 1 << p;
  }

  getState(): FpuState {
    return {
      regs: this.regs.map((r) => toBytes(r, new Uint8Array(10)) as Uint8Array),
      cw: this.cw,
      sw: this.statusWord(),
      tw: this.tagWord(),
      fip: this.fip,
      fcs: this.fcs,
      fdp: this.fdp,
      fds: this.fds,
      fop: this.fop,
    };
  }

  setState(s: FpuState): void {
    this.regs = s.regs.map((b) => fromBytes(b));
    this.cw = s.cw & 0xffff;
    this.setStatusWord(s.sw);
    this.setTagWord(s.tw);
    this.fip = s.fip >>> 0;
    this.fcs = s.fcs & 0xffff;
    this.fdp = s.fdp >>> 0;
    this.fds = s.fds & 0xffff;
    this.fop = s.fop & 0x7ff;
  }
}
