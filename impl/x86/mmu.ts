// Memory access of the CPU: linear-address reads, writes and instruction fetches through the
// current address space's software TLB (impl/x86/tlb.ts), with small direct-mapped front caches,
// precise #PF (nothing is written unless the whole access can complete), segment translation
// for non-flat segments, and exception raising. Above: impl/x86/cpu.ts extends this class and the
// handler families call it. Below: impl/x86/flags.ts and the TLB.
import { LazyFlags } from "./flags.js";
import * as M_exception from "./exception.js";
import { CpuException, type AccessKind } from "./exception.js";
import * as M_tlb from "./tlb.js";
import { Tlb } from "./tlb.js";
import type { Insn } from "./insn.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { Vector, pageFaultErrorCode } = M_exception;
const { PERM_R, PERM_W, PERM_X } = M_tlb;

const FRONT = 256;
const EMPTY = new Uint8Array(0);
const EMPTY32 = new Int32Array(1024);

export class Mmu extends LazyFlags {
  tlb = new Tlb();
  readonly exc = new CpuException();
  private tlbGeneration = -1;
  private syncedTlb: Tlb | null = null;
  private readonly rTag = new Int32Array(FRONT).fill(-1);
  private readonly rOff = new Int32Array(FRONT);
  private readonly rBuf: Uint8Array[] = new Array<Uint8Array>(FRONT).fill(EMPTY);
  /** 32-bit views of the cached read/write pages (tag -1 when the page has no aligned view) */
  private readonly rTag32 = new Int32Array(FRONT).fill(-1);
  private readonly rWords: Int32Array[] = new Array<Int32Array>(FRONT).fill(EMPTY32);
  private readonly wTag32 = new Int32Array(FRONT).fill(-1);
  private readonly wWords: Int32Array[] = new Array<Int32Array>(FRONT).fill(EMPTY32);
  private readonly wTag = new Int32Array(FRONT).fill(-1);
  private readonly wOff = new Int32Array(FRONT);
  private readonly wBuf: Uint8Array[] = new Array<Uint8Array>(FRONT).fill(EMPTY);

  /** drop the front caches if the TLB changed since the last check */
  syncTlb(): void {
    if (this.syncedTlb === this.tlb && this.tlbGeneration === this.tlb.generation) return;
    this.rTag.fill(-1);
    this.wTag.fill(-1);
    this.rTag32.fill(-1);
    this.wTag32.fill(-1);
    this.syncedTlb = this.tlb;
    this.tlbGeneration = this.tlb.generation;
  }

  /** raise a fault (EIP at the instruction) */
  raise(vector: number, errorCode = 0): never {
    const e = this.exc;
    e.vector = vector; e.errorCode = errorCode; e.address = 0; e.access = null; e.trap = false;
    throw e;
  }

  /** raise a trap (EIP after the instruction) */
  raiseTrap(vector: number): never {
    const e = this.exc;
    e.vector = vector; e.errorCode = 0; e.address = 0; e.access = null; e.trap = true;
    throw e;
  }

  pageFault(address: number, access: AccessKind, present: boolean): never {
    const e = this.exc;
    e.vector = Vector.PF; e.errorCode = pageFaultErrorCode(access, present);
    e.address = address >>> 0; e.access = access; e.trap = false;
    throw e;
  }

  private fillRead(address: number): void {
    const vpn = address >>> 12, ent = this.tlb.lookup(vpn);
    if (ent === undefined || (ent.perms & PERM_R) === 0) this.pageFault(address, "read", ent !== undefined);
    const k = vpn & (FRONT - 1);
    this.rTag[k] = vpn; this.rBuf[k] = ent.frame; this.rOff[k] = ent.offset;
    if (ent.words !== null) { this.rTag32[k] = vpn; this.rWords[k] = ent.words; } else this.rTag32[k] = -1;
  }

  /** check that a write of len bytes at address can complete; may invalidate decoded code */
  private fillWrite(address: number): void {
    const vpn = address >>> 12, ent = this.tlb.lookup(vpn);
    if (ent === undefined || (ent.perms & PERM_W) === 0) this.pageFault(address, "write", ent !== undefined);
    if (this.tlb.hasCode(vpn)) this.tlb.invalidateCode(vpn);
    const k = vpn & (FRONT - 1);
    this.wTag[k] = vpn; this.wBuf[k] = ent.frame; this.wOff[k] = ent.offset;
    if (ent.words !== null) { this.wTag32[k] = vpn; this.wWords[k] = ent.words; } else this.wTag32[k] = -1;
  }

  /** forget a page in the write front cache (it now holds decoded code) */
  protected protectCodePage(vpn: number): void {
    const k = vpn & (FRONT - 1);
    if (this.wTag[k] === vpn) { this.wTag[k] = -1; this.wTag32[k] = -1; }
  }

  read8(a: number): number {
    const vpn = a >>> 12, k = vpn & (FRONT - 1);
    if (this.rTag[k] !== vpn) this.fillRead(a);
    return this.rBuf[k][this.rOff[k] + (a & 0xfff)];
  }

  read16(a: number): number {
    if ((a & 0xfff) === 0xfff) return this.read8(a) | (this.read8(a + 1) << 8);
    const vpn = a >>> 12, k = vpn & (FRONT - 1);
    if (this.rTag[k] !== vpn) this.fillRead(a);
    const b = this.rBuf[k], o = this.rOff[k] + (a & 0xfff);
    return b[o] | (b[o + 1] << 8);
  }

  /** 32-bit read, returned as signed int32 */
  read32(a: number): number {
    if ((a & 3) === 0) {
      const vpn = a >>> 12, k = vpn & (FRONT - 1);
      if (this.rTag32[k] === vpn) return this.rWords[k][(a & 0xfff) >> 2];
    }
    if ((a & 0xfff) > 0xffc) return this.read16(a) | (this.read16(a + 2) << 16);
    const vpn = a >>> 12, k = vpn & (FRONT - 1);
    if (this.rTag[k] !== vpn) this.fillRead(a);
    const b = this.rBuf[k], o = this.rOff[k] + (a & 0xfff);
    return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
  }

  readSized(size: number, a: number): number {
    return size === 4 ? this.read32(a) : size === 2 ? this.read16(a) : this.read8(a);
  }

  /** make sure len bytes at a are writable (both pages of a split access) before any byte changes */
  probeWrite(a: number, len: number): void {
    const vpn = a >>> 12;
    if (this.wTag[vpn & (FRONT - 1)] !== vpn) this.fillWrite(a);
    const last = (a + len - 1) >>> 0, lvpn = last >>> 12;
    if (lvpn !== vpn && this.wTag[lvpn & (FRONT - 1)] !== lvpn) this.fillWrite(last & ~0xfff);
  }

  /** make sure len bytes at a are readable */
  probeRead(a: number, len: number): void {
    this.read8(a);
    const last = (a + len - 1) >>> 0;
    if (last >>> 12 !== a >>> 12) this.read8(last & ~0xfff);
  }

  write8(a: number, v: number): void {
    const vpn = a >>> 12, k = vpn & (FRONT - 1);
    if (this.wTag[k] !== vpn) this.fillWrite(a);
    this.wBuf[k][this.wOff[k] + (a & 0xfff)] = v;
  }

  write16(a: number, v: number): void {
    if ((a & 0xfff) === 0xfff) {
      this.probeWrite(a, 2);
      this.write8(a, v); this.write8((a + 1) >>> 0, v >> 8);
      return;
    }
    const vpn = a >>> 12, k = vpn & (FRONT - 1);
    if (this.wTag[k] !== vpn) this.fillWrite(a);
    const b = this.wBuf[k], o = this.wOff[k] + (a & 0xfff);
    b[o] = v; b[o + 1] = v >> 8;
  }

  write32(a: number, v: number): void {
    if ((a & 3) === 0) {
      const vpn = a >>> 12, k = vpn & (FRONT - 1);
      if (this.wTag32[k] === vpn) { this.wWords[k][(a & 0xfff) >> 2] = v; return; }
    }
    if ((a & 0xfff) > 0xffc) {
      this.probeWrite(a, 4);
      for (let i = 0; i < 4; i++) this.write8((a + i) >>> 0, v >> (8 * i));
      return;
    }
    const vpn = a >>> 12, k = vpn & (FRONT - 1);
    if (this.wTag[k] !== vpn) this.fillWrite(a);
    const b = this.wBuf[k], o = this.wOff[k] + (a & 0xfff);
    b[o] = v; b[o + 1] = v >> 8; b[o + 2] = v >> 16; b[o + 3] = v >> 24;
  }

  writeSized(size: number, a: number, v: number): void {
    if (size === 4) this.write32(a, v);
    else if (size === 2) this.write16(a, v);
    else this.write8(a, v);
  }

  /** fetch one code byte (execute permission) for the decoder */
  fetch8(a: number): number {
    const ent = this.tlb.lookup(a >>> 12);
    if (ent === undefined || (ent.perms & PERM_X) === 0) this.pageFault(a, "exec", ent !== undefined);
    return ent.frame[ent.offset + (a & 0xfff)];
  }

  /** linear address of a memory operand: offset + segment base, with segment checks */
  linear(seg: number, offset: number, size: number): number {
    if (this.segFlat[seg] === 1) return offset >>> 0;
    if ((this.sreg[seg] & 0xfffc) === 0) this.raise(seg === 2 ? Vector.SS : Vector.GP, 0);
    if ((offset >>> 0) + size - 1 > this.segLimit[seg]) this.raise(seg === 2 ? Vector.SS : Vector.GP, 0);
    return (offset + this.segBase[seg]) >>> 0;
  }

  /** offset part (before segmentation) of the modrm memory operand, as LEA computes it */
  eaOffset(i: Insn): number {
    let a = i.disp;
    if (i.base >= 0) a += this.r32[i.base];
    if (i.index >= 0) a += this.r32[i.index] << i.scale;
    return i.adsize === 2 ? a & 0xffff : a | 0;
  }

  /** effective (linear) address of the modrm memory operand of insn */
  ea(i: Insn): number {
    let a = i.disp;
    if (i.base >= 0) a += this.r32[i.base];
    if (i.index >= 0) a += this.r32[i.index] << i.scale;
    if (i.adsize === 2) a &= 0xffff;
    return this.segFlat[i.seg] === 1 ? a >>> 0 : this.linear(i.seg, a, i.size);
  }
}
