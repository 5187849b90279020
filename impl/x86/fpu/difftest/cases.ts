// Test-case construction for the x87 differential test: the list of instruction encodings (derived
// from the decoder tables, so every P6 x87 instruction is covered) and, per case, a whole machine
// state (FNSAVE image: CW with random RC/PC/masks, SW, tags, eight registers), a 128-byte memory
// operand buffer and EFLAGS. Above: run.ts; below: gen.ts, the decoder tables.

import { toBytes, f80, type F80 } from "../float80.js";
import { MEM_TABLE } from "../exec-mem.js";
import { REG_TABLE } from "../exec-reg.js";
import { genBcd, genF80, genInt, genNear, genReal, Rng } from "./gen.js";

export interface InstrSpec {
  key: string; // unique stats key, e.g. "D8 FADD" or "DC FADD"
  op: number;
  modrms: number[];
  mem: boolean;
}

export interface Case {
  key: string;
  op: number;
  modrm: number;
  eflags: number;
  image: number[]; // 108-byte FNSAVE image
  mem: number[]; // 128 bytes
}

/** Every x87 encoding the P6 has, grouped by instruction (register forms: all eight ST(i)). */
export function instrSpecs(): InstrSpec[] {
  const byKey = new Map<string, InstrSpec>();
  for (let k = 0; k < 512; k++) {
    const row = REG_TABLE[k];
    if (!row) continue;
    const op = 0xd8 + (k >> 6);
    const key = op.toString(16).toUpperCase() + " " + row.name;
    const s = byKey.get(key) ?? { key, op, modrms: [], mem: false };
    s.modrms.push(0xc0 | (k & 0x3f));
    byKey.set(key, s);
  }
  for (let k = 0; k < 64; k++) {
    const row = MEM_TABLE[k];
    if (!row) continue;
    const op = 0xd8 + (k >> 3);
    const key = op.toString(16).toUpperCase() + " " + row.name;
    byKey.set(key, { key, op, modrms: [((k & 7) << 3) | 7], mem: true });
  }
  return [...byKey.values()];
}

function genCw(r: Rng): number {
  const masks = r.chance(0.8) ? 0x3f : r.int(64);
  const pc = r.chance(0.5) ? 3 : r.pick([0, 2, 3]);
  return masks | 0x40 | (pc << 8) | (r.int(4) << 10) | (r.chance(0.1) ? 0x1000 : 0);
}

const PI_2_63 = f80(0, 0x3fff + 62, 0xc90fdaa22168c235n);

/** ST(0) for instructions with a restricted or interesting domain. */
function domainValue(r: Rng, name: string): F80 | null {
  const sign = r.int(2);
  const sig = (J: bigint): bigint => J | r.bits(63);
  const J = 1n << 63n;
  if (name === "F2XM1") return f80(sign, 0x3fff - 1 - r.int(r.chance(0.9) ? 20 : 80), sig(J));
  if (name === "FYL2XP1") return f80(sign, 0x3fff - 2 - r.int(r.chance(0.9) ? 20 : 80), sig(J));
  if (name === "FYL2X") return f80(0, 0x3fff + r.int(200) - 100, r.chance(0.1) ? J : sig(J));
  if (/^F(SIN|COS|SINCOS|PTAN)$/.test(name)) {
    if (r.chance(0.1)) return f80(sign, PI_2_63.exp - r.int(62), PI_2_63.sig + BigInt(r.int(5) - 2));
    if (r.chance(0.1)) return f80(sign, 0x3fff + 62 + r.int(3), sig(J));
    return f80(sign, 0x3fff + r.int(r.chance(0.8) ? 8 : 66) - (r.chance(0.2) ? r.int(70) : 0), sig(J));
  }
  if (/^FI?STT?P? m(16|32|64)int$/.test(name) || name === "FBSTP m80bcd" || name === "FRNDINT") {
    const bits = name.includes("16") ? 16 : name.includes("32") ? 32 : name.includes("bcd") ? 60 : 64;
    return f80(sign, 0x3fff + r.int(bits + 2) - 1, r.chance(0.2) ? J | (r.bits(63) & ~((1n << 40n) - 1n)) : sig(J));
  }
  return null;
}

function genStack(r: Rng, name: string, regs: F80[]): void {
  for (let i = 0; i < 8; i++) regs[i] = genF80(r, "any");
  if (r.chance(0.3)) regs[1] = genNear(r, regs[0]!);
  if (r.chance(0.25) && /F(SUB|ADD|COM|UCOM)/.test(name)) regs[0] = genNear(r, regs[1]!);
  const d = r.chance(0.8) ? domainValue(r, name.replace(/^F(I?)([A-Z0-9]+).*$/, "F$1$2")) ?? domainValue(r, name) : null;
  if (d) regs[0] = d;
  if (name === "FSCALE" && r.chance(0.7)) regs[1] = f80(r.int(2), 0x3fff + r.int(16), (1n << 63n) | r.bits(63));
  if ((name === "FPREM" || name === "FPREM1") && r.chance(0.7))
    regs[1] = f80(r.int(2), Math.max(1, regs[0]!.exp - r.int(r.chance(0.7) ? 70 : 300)), (1n << 63n) | r.bits(63));
}

/** Tags: mostly ST(0..2) full and ST(7) empty; sometimes random. */
function genEmpty(r: Rng): number {
  if (r.chance(0.75)) return 0x80 | (r.chance(0.5) ? 0x78 : 0);
  return r.int(256);
}

function genMem(r: Rng, name: string): number[] {
  const mem = new Array<number>(128).fill(0);
  for (let i = 0; i < 16; i++) mem[i] = r.int(256);
  const put = (v: bigint, n: number): void => {
    for (let i = 0; i < n; i++) mem[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  };
  if (name.includes("m32fp")) put(genReal(r, 32), 4);
  else if (name.includes("m64fp")) put(genReal(r, 64), 8);
  else if (name.includes("m16int")) put(genInt(r, 16), 2);
  else if (name.includes("m32int")) put(genInt(r, 32), 4);
  else if (name.includes("m64int")) put(genInt(r, 64), 8);
  else if (name.includes("m80fp")) toBytes(genF80(r), mem, 0);
  else if (name.includes("m80bcd")) genBcd(r).forEach((b, i) => (mem[i] = b));
  else if (name === "FLDCW") put(BigInt(genCw(r) | (r.chance(0.2) ? r.int(65536) & 0xe080 : 0)), 2);
  else if (name === "FLDENV" || name === "FRSTOR") envImage(r, mem);
  return mem;
}

function envImage(r: Rng, mem: number[]): void {
  const img = buildImage(r, genCw(r), [], r.int(256));
  // Loaded images may carry unmasked flags with or without ES, and any tag values.
  if (r.chance(0.3)) img[4] = r.int(256);
  if (r.chance(0.3)) img[8] = r.int(256);
  for (let i = 0; i < 108; i++) mem[i] = img[i]!;
}

function buildImage(r: Rng, cw: number, regs: F80[], empty: number): number[] {
  const img = new Array<number>(108).fill(0);
  const top = r.int(8);
  // 4%: an unmasked exception is already pending (ES), so waiting instructions must fault (#MF).
  const pending = r.chance(0.04) && (cw & 0x3f) !== 0x3f;
  const flags = pending ? (~cw & 0x3f) | 0x80 : r.int(128) & (cw & 0x3f) & (r.chance(0.7) ? 0 : 0x7f);
  const sw = (top << 11) | (r.int(16) === 0 ? 0 : r.int(2) << 14) | (r.int(8) << 8) | flags | (pending ? 0x8000 : 0);
  let tw = 0;
  for (let p = 0; p < 8; p++) tw |= ((empty >> ((p - top) & 7)) & 1 ? 3 : 0) << (2 * p);
  const put16 = (off: number, v: number): void => {
    img[off] = v & 0xff;
    img[off + 1] = (v >> 8) & 0xff;
  };
  put16(0, cw);
  put16(4, sw);
  put16(8, tw);
  for (let i = 0; i < 8; i++) toBytes(regs[i] ?? genF80(r), img, 28 + 10 * i);
  return img;
}

export function genCase(r: Rng, spec: InstrSpec): Case {
  const modrm = r.pick(spec.modrms);
  const name = spec.key.slice(3);
  const regs: F80[] = [];
  genStack(r, name, regs);
  const image = buildImage(r, genCw(r), regs, genEmpty(r));
  return { key: spec.key, op: spec.op, modrm, eflags: r.int(256) & 0xd5, image, mem: genMem(r, name) };
}
