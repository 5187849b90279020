// The i386 user-mode CPU: the run loop with the decoded-instruction cache, instruction budget,
// single-step, breakpoints, the retired-instruction counter (virtual time), the stack helpers the
// handler families share, and the state get/set the kernel uses. Above: impl/kernel (runs threads
// with run(budget) and reads the StopReason). Below: impl/x86/mmu.ts (memory, TLB, exceptions),
// impl/x86/decoder.ts (table-driven decoding), the handler families and the x87 (impl/x86/fpu).
import * as M_decoder from "./decoder.js";
import { Insn } from "./insn.js";
import { Mmu } from "./mmu.js";
import type { CpuException, StopReason } from "./exception.js";
import * as M_registers from "./registers.js";
import type { SegmentDescriptor } from "./registers.js";
import * as M_flags from "./flags.js";
import { Fpu } from "./fpu/index.js";
import type { Tlb } from "./tlb.js";
import * as M_state from "./state.js";
import type { CpuState } from "./state.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { decode } = M_decoder;
const { ESP } = M_registers;
const { TF } = M_flags;
const { getState, setState } = M_state;

export class Cpu extends Mmu {
  /** instructions retired since creation (RDTSC reads it: virtual time) */
  retired = 0;
  /** instructions left in the current run() (REP iterations also consume it) */
  budgetLeft = 0;
  /** address of the instruction being executed */
  curEip = 0;
  /** stop after every instruction */
  singleStep = false;
  readonly breakpoints = new Set<number>();
  readonly fpu = new Fpu();
  private skipBreakAt = -1;
  private pageCacheVpn = -1;
  private pageCacheGeneration = -1;
  private pageCache: (Insn | undefined)[] = [];

  /** Run until the budget is used up or something stops the CPU. */
  run(budget: number): StopReason {
    this.syncTlb();
    this.budgetLeft = budget;
    let prev: Insn | null = null;
    const debug = this.singleStep || this.breakpoints.size > 0 || (this.flagBits & TF) !== 0;
    // a run resumed at the breakpoint it stopped on executes that instruction
    let skip = this.eip === this.skipBreakAt ? this.eip : -1;
    this.skipBreakAt = -1;
    const tlb = this.tlb;
    try {
      while (this.budgetLeft > 0) {
        const eip = this.eip;
        if (debug) {
          if (eip !== skip && this.breakpoints.has(eip)) { this.skipBreakAt = eip; return stop("breakpoint", 0, 0, eip); }
          skip = -1;
        }
        this.curEip = eip;
        let insn: Insn;
        const next = prev === null ? null : prev.next;
        if (next !== null && next.addr === eip && prev!.nextGeneration === tlb.codeGeneration) insn = next;
        else {
          insn = this.lookup(eip);
          if (prev !== null) { prev.next = insn; prev.nextGeneration = tlb.codeGeneration; }
        }
        this.eip = (eip + insn.len) >>> 0;
        insn.exec(this, insn);
        this.retired++;
        this.budgetLeft--;
        prev = insn;
        if (debug) {
          if ((this.flagBits & TF) !== 0) return stop("trap", 1, 0, 0);
          if (this.singleStep) return stop("step", 0, 0, 0);
        }
      }
      return stop("budget", 0, 0, 0);
    } catch (e) {
      if (e !== this.exc) throw e;
      return this.exceptionStop(e as CpuException);
    }
  }

  private exceptionStop(e: CpuException): StopReason {
    if (e.trap) this.retired++;
    else this.eip = this.curEip;
    this.pageCacheVpn = -1;
    return { kind: e.trap ? "trap" : "fault", vector: e.vector, errorCode: e.errorCode, address: e.address, access: e.access };
  }

  /** the decoded instruction at eip (decoding and caching it on a miss) */
  private lookup(eip: number): Insn {
    const vpn = eip >>> 12, tlb = this.tlb;
    let page = this.pageCache;
    if (this.pageCacheVpn !== vpn || this.pageCacheGeneration !== tlb.codeGeneration) {
      let p = tlb.code.get(vpn);
      if (p === undefined) { p = new Array<Insn | undefined>(4096); tlb.code.set(vpn, p); }
      page = this.pageCache = p;
      this.pageCacheVpn = vpn; this.pageCacheGeneration = tlb.codeGeneration;
    }
    let insn = page[eip & 0xfff];
    if (insn !== undefined) return insn;
    insn = new Insn();
    decode(this, eip, insn);
    page[eip & 0xfff] = insn;
    this.protectCodePage(vpn);
    const last = ((eip + insn.len - 1) >>> 12) & 0xfffff;
    if (last !== vpn) { tlb.crossInto.add(last); this.protectCodePage(last); }
    return insn;
  }

  // ---- stack helpers shared by the handler families ---------------------------------------------

  /** linear address of a stack slot at offset esp */
  stackAddr(esp: number, size: number): number {
    return this.segFlat[2] === 1 ? esp >>> 0 : this.linear(2, esp, size);
  }

  push(size: number, v: number): void {
    const esp = (this.r32[ESP] - size) | 0;
    this.writeSized(size, this.stackAddr(esp, size), v);
    this.r32[ESP] = esp;
  }

  /** read the value on top of the stack (no ESP change) */
  peek(size: number, offset = 0): number {
    return this.readSized(size, this.stackAddr((this.r32[ESP] + offset) | 0, size));
  }

  pop(size: number): number {
    const v = this.peek(size);
    this.r32[ESP] = (this.r32[ESP] + size) | 0;
    return v;
  }

  // ---- kernel API --------------------------------------------------------------------------------

  /** map linear page vpn to frame[offset .. offset+4096) with PERM_R|PERM_W|PERM_X */
  mapPage(vpn: number, frame: Uint8Array, offset: number, perms: number): void {
    this.tlb.mapPage(vpn, frame, offset, perms);
  }
  unmapPage(vpn: number): void { this.tlb.unmapPage(vpn); }
  flushAll(): void { this.tlb.flushAll(); }
  /** switch to another address space's TLB */
  setTlb(tlb: Tlb): void { this.tlb = tlb; this.pageCacheVpn = -1; this.syncTlb(); }
  /** the kernel changed code bytes behind the CPU's back (e.g. wrote a shared frame) */
  invalidateCode(): void { this.tlb.invalidateAllCode(); this.pageCacheVpn = -1; }

  /** install the descriptor table (index = selector >> 3), like Linux GDT TLS entries 6..8 */
  setDescriptors(table: (SegmentDescriptor | undefined)[]): void { this.descriptors = table; }
  setDescriptor(index: number, d: SegmentDescriptor | undefined): void { this.descriptors[index] = d; }

  getState(): CpuState { return getState(this); }
  setState(s: CpuState): void { setState(this, s); this.skipBreakAt = -1; }
}

function stop(kind: StopReason["kind"], vector: number, errorCode: number, address: number): StopReason {
  return { kind, vector, errorCode, address, access: null };
}
