// The software TLB of one address space: page-granular (4 KiB) translations from a linear page
// number to a slice of a host frame, with read/write/execute permissions, and the decoded-
// instruction cache of that address space. Above: the kernel (impl/kernel) fills it through
// Cpu.mapPage/unmapPage/flushAll, on demand after a #PF stop; impl/x86/mmu.ts reads it through
// small per-CPU front caches. Below: the Uint8Array frames the kernel owns.
import type { Insn } from "./insn.js";

export const PERM_R = 1, PERM_W = 2, PERM_X = 4;

export interface TlbEntry {
  frame: Uint8Array;
  /** byte offset of the page inside frame */
  offset: number;
  /** PERM_R | PERM_W | PERM_X (W implies R: x86 has no write-only pages) */
  perms: number;
  /** the same page as 32-bit words (aligned accesses), when the page is 4-byte aligned */
  words: Int32Array | null;
}

export class Tlb {
  readonly entries = new Map<number, TlbEntry>();
  /** bumped on every change, so CPUs drop their front caches */
  generation = 1;
  /** decoded instructions per code page (index: page offset) */
  readonly code = new Map<number, (Insn | undefined)[]>();
  /** pages into which a decoded instruction of the previous page extends */
  readonly crossInto = new Set<number>();
  /** bumped on every code invalidation, so instruction chains are re-validated */
  codeGeneration = 1;

  mapPage(vpn: number, frame: Uint8Array, offset: number, perms: number): void {
    if (offset < 0 || offset + 4096 > frame.length) throw new RangeError("page outside frame");
    if (perms & PERM_W) perms |= PERM_R;
    const at = frame.byteOffset + offset;
    const words = at % 4 === 0 ? new Int32Array(frame.buffer, at, 1024) : null;
    this.entries.set(vpn >>> 0, { frame, offset, perms, words });
    this.changed(vpn >>> 0);
  }

  unmapPage(vpn: number): void {
    this.entries.delete(vpn >>> 0);
    this.changed(vpn >>> 0);
  }

  flushAll(): void {
    this.entries.clear();
    this.code.clear();
    this.crossInto.clear();
    this.generation++;
    this.codeGeneration++;
  }

  lookup(vpn: number): TlbEntry | undefined {
    return this.entries.get(vpn);
  }

  /** drop decoded instructions of page vpn (and of the page before, whose last instruction may
   * extend into it) */
  invalidateCode(vpn: number): void {
    this.code.delete(vpn);
    if (this.crossInto.delete(vpn)) this.code.delete((vpn - 1) & 0xfffff);
    this.codeGeneration++;
  }

  /** does page vpn hold (part of) a decoded instruction? */
  hasCode(vpn: number): boolean {
    return this.code.has(vpn) || this.crossInto.has(vpn);
  }

  /** drop every decoded instruction (the kernel changed code memory behind the CPU's back) */
  invalidateAllCode(): void {
    this.code.clear();
    this.crossInto.clear();
    this.codeGeneration++;
    this.generation++;
  }

  private changed(vpn: number): void {
    this.generation++;
    if (this.hasCode(vpn)) this.invalidateCode(vpn);
  }
}
