// The instruction decoder: prefixes, opcode, modrm/sib/displacement, immediates, all derived from
// the rows of impl/x86/table.ts, into a reusable Insn (impl/x86/insn.ts) bound to its handler
// (impl/x86/dispatch.ts). Above: impl/x86/cpu.ts calls decode() on a decoded-cache miss. Below:
// the MMU's fetch8 (execute permission, precise #PF on the missing byte).
// Faults: undefined opcode, register form of a memory-only operand, misplaced LOCK => #UD;
// more than 15 bytes => #GP(0).
import * as M_exception from "./exception.js";
import * as M_table from "./table.js";
import type { OpRow } from "./table.js";
import * as M_dispatch from "./dispatch.js";
import type { Handler, Insn } from "./insn.js";
import type { Mmu } from "./mmu.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { Vector } = M_exception;
const { buildSlots } = M_table;
const { bindHandler } = M_dispatch;

const I_B = 1, I_W = 2, I_Z = 3, J_B = 4, J_Z = 5, O_V = 6, A_P = 7;

interface Entry {
  row: OpRow;
  exec: Handler;
  imms: number[];
  /** "b" "w" "d" or "v" (operand size) */
  sizeKind: string;
}

function immKinds(operands: string): number[] {
  const out: number[] = [];
  for (const o of operands.split(",")) {
    if (o === "Ib") out.push(I_B);
    else if (o === "Iw") out.push(I_W);
    else if (o === "Iz") out.push(I_Z);
    else if (o === "Jb") out.push(J_B);
    else if (o === "Jz") out.push(J_Z);
    else if (o === "Ob" || o === "Ov") out.push(O_V);
    else if (o === "Ap") out.push(A_P);
  }
  return out;
}

function sizeKind(operands: string): string {
  const first = operands.split(",")[0];
  if (first === "AL" || first === "CL") return "b";
  if (first === "eAX") return "v";
  const m = /^[EGMZIOJXY]([bwdv])/.exec(first);
  return m ? m[1] : "v";
}

type Slot = Entry | (Entry | undefined)[] | undefined;

const SLOTS: Slot[] = buildSlots().map((s) => {
  const mk = (row: OpRow): Entry => ({ row, exec: bindHandler(row), imms: immKinds(row.operands), sizeKind: sizeKind(row.operands) });
  if (s === undefined) return undefined;
  if (Array.isArray(s)) return s.map((r) => (r ? mk(r) : undefined));
  return mk(s);
});

/** one-byte-opcode entries that take a modrm even when the row list is a group */
function slotHasModrm(s: Slot): boolean {
  return Array.isArray(s) || (s !== undefined && s.row.modrm);
}

class Fetcher {
  cpu!: Mmu;
  start = 0;
  p = 0;
  byte(): number {
    if (((this.p - this.start) >>> 0) >= 15) this.cpu.raise(Vector.GP, 0);
    const v = this.cpu.fetch8(this.p);
    this.p = (this.p + 1) >>> 0;
    return v;
  }
  signed8(): number { return (this.byte() << 24) >> 24; }
  signed16(): number { const lo = this.byte(); return ((this.byte() << 24) >> 16) | lo; }
  u16(): number { const lo = this.byte(); return (this.byte() << 8) | lo; }
  i32(): number { const a = this.u16(); return a | (this.u16() << 16); }
}

const F = new Fetcher();

/** decode the instruction at linear address addr into i (throws the CPU's exception on faults) */
export function decode(cpu: Mmu, addr: number, i: Insn): void {
  F.cpu = cpu; F.start = addr; F.p = addr;
  let opsize = 4, adsize = 4, seg = -1, rep = 0, lock = false;
  let b = F.byte();
  for (;;) {
    if (b === 0x66) opsize = 2;
    else if (b === 0x67) adsize = 2;
    else if (b === 0xf0) lock = true;
    else if (b === 0xf2 || b === 0xf3) rep = b;
    else if (b === 0x26) seg = 0;
    else if (b === 0x2e) seg = 1;
    else if (b === 0x36) seg = 2;
    else if (b === 0x3e) seg = 3;
    else if (b === 0x64) seg = 4;
    else if (b === 0x65) seg = 5;
    else break;
    b = F.byte();
  }
  const opcode = b === 0x0f ? 0x100 | F.byte() : b;
  const slot = SLOTS[opcode];
  if (slot === undefined) cpu.raise(Vector.UD);
  i.addr = addr; i.opcode = opcode; i.opsize = opsize; i.adsize = adsize; i.rep = rep; i.lock = lock;
  i.segOverride = seg; i.base = -1; i.index = -1; i.scale = 0; i.disp = 0; i.imm = 0; i.imm2 = 0;
  i.modrm = 0; i.mod = 3; i.reg = 0; i.rm = 0;
  let defaultSeg = 3;
  if (slotHasModrm(slot)) {
    const m = F.byte();
    i.modrm = m; i.mod = m >> 6; i.reg = (m >> 3) & 7; i.rm = m & 7;
    if (i.mod !== 3) defaultSeg = adsize === 4 ? decodeEa32(i) : decodeEa16(i);
  }
  // every byte of the instruction is fetched before a decode-time #UD: a fetch #PF has priority
  // (an undefined group member is as long as its defined siblings)
  const member = Array.isArray(slot) ? slot[i.reg] : slot;
  const e = member ?? (slot as (Entry | undefined)[]).find((x) => x !== undefined)!;
  i.seg = seg >= 0 ? seg : defaultSeg;
  const k = e.sizeKind;
  i.size = k === "b" ? 1 : k === "w" ? 2 : k === "d" ? 4 : opsize;
  decodeImms(e.imms, i, opsize, adsize);
  if (member === undefined) cpu.raise(Vector.UD);
  if (e.row.memOnly && i.mod === 3) cpu.raise(Vector.UD);
  if (lock && (!e.row.lockable || i.mod === 3)) cpu.raise(Vector.UD);
  i.row = e.row; i.exec = e.exec;
  i.len = (F.p - addr) >>> 0;
  i.next = null; i.nextGeneration = 0;
}

function decodeImms(imms: number[], i: Insn, opsize: number, adsize: number): void {
  for (let n = 0; n < imms.length; n++) {
    const kind = imms[n];
    let v: number;
    if (kind === I_B || kind === J_B) v = F.signed8();
    else if (kind === I_W) v = F.signed16();
    else if (kind === O_V) v = adsize === 4 ? F.i32() : F.u16();
    else if (kind === A_P) { v = opsize === 4 ? F.i32() : F.u16(); i.imm2 = F.u16(); }
    else v = opsize === 4 ? F.i32() : F.signed16();
    if (n === 0) i.imm = v; else i.imm2 = v;
  }
}

/** 32-bit addressing: returns the default segment (SS for EBP/ESP bases) */
function decodeEa32(i: Insn): number {
  let base = i.rm, seg = 3;
  if (base === 4) {
    const sib = F.byte();
    base = sib & 7;
    const index = (sib >> 3) & 7;
    i.index = index === 4 ? -1 : index;
    i.scale = sib >> 6;
    if (base === 5 && i.mod === 0) { i.base = -1; i.disp = F.i32(); return 3; }
  } else if (base === 5 && i.mod === 0) { i.disp = F.i32(); return 3; }
  i.base = base;
  if (base === 4 || base === 5) seg = 2;
  i.disp = i.mod === 1 ? F.signed8() : i.mod === 2 ? F.i32() : 0;
  return seg;
}

const EA16_BASE = [3, 3, 5, 5, 6, 7, 5, 3];
const EA16_INDEX = [6, 7, 6, 7, -1, -1, -1, -1];

function decodeEa16(i: Insn): number {
  if (i.mod === 0 && i.rm === 6) { i.disp = F.u16(); return 3; }
  i.base = EA16_BASE[i.rm];
  i.index = EA16_INDEX[i.rm];
  i.disp = i.mod === 1 ? F.signed8() : i.mod === 2 ? F.u16() : 0;
  return i.rm === 2 || i.rm === 3 || i.rm === 6 ? 2 : 3;
}
