// Test-case generator of the differential tester, driven by the instruction table
// (impl/x86/table.ts): for every row the oracle can check it builds encodings (operand-size,
// address-size, segment, REP and LOCK prefixes; register and memory forms with every addressing
// shape) with edge-value operands (0, 1, -1, 0x7fffffff, 0x80000000, shift counts 0/1/31/32/33..)
// and addresses inside, across and beyond the mapped windows. Above: native-run.ts. Below:
// table.ts and protocol.ts. Deterministic for a given seed.
import { TABLE, type OpRow } from "../table.js";
import { DATA_PAGE, DATA_WINDOW, STACK_WINDOW, type Case } from "./protocol.js";
import { makeRandomCase } from "./random-cases.js";

export class Rng {
  constructor(private s: number) {}
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return this.next() % n; }
  chance(p: number): boolean { return this.next() / 4294967296 < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
}

const EDGE32 = [0, 1, 2, 0xffffffff, 0x7fffffff, 0x80000000, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0xfffffffe, 0x80000001];
const COUNTS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 0xff];

function value32(r: Rng): number {
  const k = r.int(4);
  if (k === 0) return r.pick(EDGE32);
  if (k === 1) return r.int(256);
  return r.next();
}

function le(v: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((v >>> (8 * i)) & 0xff);
  return out;
}

/** an address for a memory operand of the given size: mostly inside the data window */
function target(r: Rng, size: number): number {
  const k = r.int(20);
  if (k === 0) return DATA_PAGE + 4096 - 1 - r.int(Math.max(1, size - 1)); // crosses into the unmapped page
  if (k === 1) return DATA_PAGE + 4096 + r.int(64); // unmapped
  if (k === 2) return STACK_WINDOW + r.int(256 - size);
  return DATA_WINDOW + (r.chance(0.7) ? r.int(256 - 16) & ~(size - 1) : r.int(256 - size - 8));
}

interface Build { bytes: number[]; regs: number[]; fixed: Set<number> }

/** append a modrm memory operand (32-bit addressing) reaching address t */
function memOperand32(r: Rng, b: Build, reg: number, t: number): void {
  const shape = r.int(5);
  const setBase = (base: number, value: number): void => { b.regs[base] = value >>> 0; b.fixed.add(base); };
  if (shape === 0) { b.bytes.push((0 << 6) | (reg << 3) | 5, ...le(t, 4)); return; }
  if (shape === 4) {
    let base = r.int(8), index = r.int(8);
    if (base === 5) base = 3;
    if (index === base || index === 4) index = base === 6 ? 7 : 6;
    const scale = r.int(4), iv = r.int(32), disp = r.int(256) - 128;
    b.regs[index] = iv; b.fixed.add(index);
    if (base !== 4) setBase(base, t - disp - (iv << scale));
    else setBase(4, t - disp - (iv << scale));
    b.bytes.push((1 << 6) | (reg << 3) | 4, (scale << 6) | (index << 3) | base, disp & 0xff);
    return;
  }
  let base = r.int(8);
  if (base === 4 || (base === 5 && shape === 1)) base = 3;
  if (shape === 1) { setBase(base, t); b.bytes.push((reg << 3) | base); return; }
  if (shape === 2) { const d = r.int(256) - 128; setBase(base, t - d); b.bytes.push((1 << 6) | (reg << 3) | base, d & 0xff); return; }
  const d = r.next() | 0;
  setBase(base, t - d);
  b.bytes.push((2 << 6) | (reg << 3) | base, ...le(d, 4));
}

/** a 16-bit-addressing modrm memory operand with exactly the displacement its mod/rm calls for
 * (mod 0: none, or disp16 for rm 6; mod 1: disp8; mod 2: disp16): surplus bytes would decode as a
 * second instruction the case's undefined-flag mask does not cover (a NOP hint followed by DAS,
 * OF undefined) or one that reaches other state (POP ES of a random word). The same random numbers
 * are drawn as before, so the other cases of a seed are unchanged. */
function modrm16(r: Rng, reg: number): number[] {
  const mod = r.int(3), rm = r.int(8), d0 = r.int(256), d1 = r.int(256);
  const m = (mod << 6) | (reg << 3) | rm;
  if (mod === 1) return [m, d0];
  if (mod === 2 || rm === 6) return [m, d0, d1];
  return [m];
}

function immBytes(r: Rng, kind: string, opsize: number, row: OpRow): number[] {
  switch (kind) {
    case "Ib": return [row.group === "shift" || row.group === "rotate" || row.group === "shiftd" ? r.pick(COUNTS) & 0xff : r.chance(0.5) ? r.pick(EDGE32) & 0xff : r.int(256)];
    // RET imm16 >= 0x8000: qemu-i386 sign-extends the immediate (the SDM adds it unsigned)
    case "Iw": return le(row.mnemonic === "enter" ? r.int(64) : r.int(0x8000), 2);
    case "Iz": return le(value32(r), opsize);
    case "Jb": return [r.int(256)];
    case "Jz": return le(r.chance(0.5) ? r.int(512) - 256 : value32(r), opsize);
    case "Ob": case "Ov": return le(target(r, opsize), 4);
    default: return [];
  }
}

function operandSize(row: OpRow): boolean {
  return !/(^|,)[EGZIO]b|^AL|^Ew|Sw/.test(row.operands) || row.operands.includes("v") || row.operands.includes("z");
}

/** registers the last makeCase pinned as address registers (for makePair) */
let lastPinned = new Set<number>();

/** one random case for table row */
export function makeCase(row: OpRow, r: Rng): Case {
  const b: Build = { bytes: [], regs: Array.from({ length: 8 }, () => value32(r)), fixed: new Set() };
  lastPinned = b.fixed;
  b.regs[4] = STACK_WINDOW + 128 + (r.chance(0.8) ? (r.int(64) - 32) * 4 : r.int(128) - 64);
  if (r.chance(0.05)) b.regs[4] = STACK_WINDOW + 256 - r.int(4);
  b.regs[5] = STACK_WINDOW + 64 + r.int(128);
  const opsize = operandSize(row) && row.mnemonic !== "bswap" && r.chance(0.25) ? 2 : 4;
  const isString = row.group === "string";
  if (row.mnemonic === "popf") {
    // push a known image first: a random TF would single-step the oracle's own signal path
    const v = value32(r) & ~0x40100;
    b.bytes.push(...(opsize === 2 ? [0x66, 0x68, ...le(v, 2)] : [0x68, ...le(v, 4)]));
  }
  if (opsize === 2) b.bytes.push(0x66);
  if (r.chance(0.08)) b.bytes.push(r.pick([0x26, 0x2e, 0x36, 0x3e]));
  if (isString && r.chance(0.7)) b.bytes.push(row.handler.endsWith("cmps") || row.handler.endsWith("scas") ? r.pick([0xf2, 0xf3]) : 0xf3);
  const memForm = row.modrm && (row.memOnly || r.chance(0.5));
  // LOCK only where it is legal: qemu-i386 does not raise #UD for a misplaced LOCK (unit tests do)
  if (row.lockable && memForm && r.chance(0.3)) b.bytes.push(0xf0);
  const adsize16 = memForm && r.chance(0.04);
  if (adsize16 || (isString && r.chance(0.05))) b.bytes.push(0x67);
  if (row.opcode >= 0x100) b.bytes.push(0x0f);
  b.bytes.push(row.opcode & 0xff);
  if (row.modrm) {
    const reg = row.ext >= 0 ? row.ext : row.operands.includes("S") ? (r.chance(0.95) ? r.int(6) : 6 + r.int(2)) : r.int(8);
    if (!memForm) b.bytes.push(0xc0 | (reg << 3) | r.int(8));
    else if (adsize16) b.bytes.push(...modrm16(r, reg));
    else memOperand32(r, b, reg, target(r, opsize));
  }
  for (const o of row.operands.split(",")) b.bytes.push(...immBytes(r, o, opsize, row));
  shapeRegisters(row, r, b, opsize);
  // 16-bit SHLD/SHRD by more than 16 is undefined; CL may be pinned as an address register
  if (row.group === "shiftd" && opsize === 2 && row.operands.endsWith("CL") && (b.regs[1] & 31) > 16) return makeCase(row, r);
  const eflags = 0x202 | (r.next() & 0x8d5) | (isString && r.chance(0.3) ? 0x400 : 0);
  return {
    group: row.group, name: `${row.mnemonic} ${row.operands}`.trim(), undef: row.flagsUndefined,
    regs: b.regs.map((v) => v >>> 0), eflags, code: b.bytes,
    dataSeed: r.chance(0.9) ? r.next() | 1 : 0, stackSeed: r.chance(0.9) ? r.next() | 1 : 0,
  };
}

/** give registers the roles the row implies (counts, string pointers, divisors) */
function shapeRegisters(row: OpRow, r: Rng, b: Build, opsize: number): void {
  const free = (k: number): boolean => !b.fixed.has(k);
  if (row.operands.endsWith("CL") && free(1)) {
    let c = r.pick(COUNTS);
    if (row.group === "shiftd" && opsize === 2) c &= 15;
    b.regs[1] = (r.next() & ~0xff) | c;
  }
  if (row.group === "shiftd" && opsize === 2) {
    const last = b.bytes.length - 1;
    if (row.operands.endsWith("Ib")) b.bytes[last] &= 15;
  }
  if (row.group === "string") {
    if (free(6)) b.regs[6] = DATA_WINDOW + 64 + r.int(128);
    if (free(7)) b.regs[7] = (r.chance(0.5) ? STACK_WINDOW : DATA_WINDOW) + 64 + r.int(128);
    if (free(1)) b.regs[1] = r.chance(0.1) ? r.pick(EDGE32) : r.int(9);
    if (r.chance(0.05)) b.regs[7] = DATA_PAGE + 4096 - 2 - r.int(4);
  }
  if (row.mnemonic === "xlat" && free(3)) b.regs[3] = DATA_WINDOW + r.int(128);
  if ((row.mnemonic === "div" || row.mnemonic === "idiv") && r.chance(0.6) && free(2)) b.regs[2] = r.chance(0.5) ? 0 : r.int(4);
  if (row.mnemonic === "leave" && r.chance(0.9)) b.regs[5] = STACK_WINDOW + r.int(240);
  if (row.mnemonic === "enter") b.regs[5] = STACK_WINDOW + 64 + r.int(160);
  // POPA across the end of the stack page: qemu-i386 updates registers before the #PF (hardware does not)
  if (row.mnemonic === "popa" && b.regs[4] > STACK_WINDOW + 256 - 8 * opsize) b.regs[4] = STACK_WINDOW + 128;
  if (row.group === "control" && row.mnemonic.startsWith("loop") && r.chance(0.5)) b.regs[1] = r.int(3);
}

/** all rows the oracle can check, in table order */
export function oracleRows(): OpRow[] {
  return TABLE.filter((row) => row.oracle && row.group !== "x87");
}

const PRODUCERS = new Set(["alu", "incdec", "shift", "rotate", "bits", "bcd", "flags", "cond", "atomic"]);

/** a flag producer in register form followed by any case: covers lazy flags read across
 * instructions (ADC after INC, Jcc/SETcc/CMOVcc after SUB, DAA after ADD ...) */
function makePair(producers: OpRow[], rows: OpRow[], r: Rng): Case {
  // the producer must not change an address register of the second instruction: qemu-i386 does
  // not always have its lazy flags in sync when that second access faults
  // qemu-i386 7.2 deviations after a lazy-flags producer: PUSHF sets reserved bit 5 in the pushed
  // image, CMPXCHG8B recomputes the other flags from stale state; 16-bit SHLD/SHRD would see an
  // uncontrolled CL (counts > 16 are undefined)
  const seconds = rows.filter((row) => row.mnemonic !== "pushf" && row.mnemonic !== "cmpxchg8b" && row.group !== "shiftd");
  for (;;) {
    const row2 = r.pick(seconds), second = makeCase(row2, r), pinned = new Set([...lastPinned, 4]);
    for (let tries = 0; tries < 20; tries++) {
      const row1 = r.pick(producers), first = makeCase(row1, r);
      // the second instruction must not read a flag the first leaves undefined
      if ((row1.flagsUndefined & (row2.flagsRead | (row2.mnemonic === "pushf" ? 0xfff : 0))) !== 0) continue;
      if (lastPinned.size === 0 && !writesAny(first.code, pinned)) return joinPair(first, second, pinned);
    }
  }
}

function joinPair(first: Case, second: Case, pinned: Set<number>): Case {
  const undef = first.undef | second.undef;
  const regs = first.regs.map((v, k) => (pinned.has(k) ? second.regs[k] : v));
  return {
    ...second, group: "pairs", name: `${first.name} ; ${second.name}`, undef, regs,
    code: [...first.code, ...second.code], split: first.code.length,
  };
}

/** conservative set of registers a register-form producer may write: EAX, EDX, modrm reg and rm,
 * the opcode's register field */
function writesAny(code: number[], regs: Set<number>): boolean {
  let k = 0;
  while (code[k] === 0x66 || code[k] === 0x26 || code[k] === 0x2e || code[k] === 0x36 || code[k] === 0x3e) k++;
  const op = code[k] === 0x0f ? code[k + 1] : code[k], m = code[k] === 0x0f ? code[k + 2] : code[k + 1];
  const w = new Set([0, 2, op & 7]);
  if (m !== undefined) { w.add(m & 7); w.add((m >> 3) & 7); }
  return [...w].some((x) => regs.has(x));
}

export function generate(seed: number, perRow: number): Case[] {
  const r = new Rng(seed);
  const out: Case[] = [];
  const rows = oracleRows();
  for (const row of rows) for (let k = 0; k < perRow; k++) out.push(makeCase(row, r));
  const producers = rows.filter((row) => PRODUCERS.has(row.group) && !row.memOnly && row.flagsWritten !== 0);
  const registerOnly = (c: Case): boolean => !c.code.includes(0xf0);
  for (let k = 0; k < perRow * 40; k++) {
    const c = makePair(producers, rows, r);
    if (registerOnly(c)) out.push(c);
  }
  for (let k = 0; k < perRow * 40; k++) {
    const base = makeCase(r.pick(rows), r), c = makeRandomCase(base, r);
    if (c !== null) out.push(c);
  }
  return out;
}
