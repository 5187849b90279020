// Handler family: shifts and rotates (ROL ROR RCL RCR SHL SHR SAL SAR with count 1, CL or imm8)
// and the double shifts SHLD/SHRD. Flags are computed eagerly; a masked count of 0 changes
// nothing. Above: impl/x86/dispatch.ts. Below: impl/x86/operand.ts, impl/x86/flags.ts.
import * as M_flags from "./flags.js";
import * as M_operand from "./operand.js";
import * as M_arith from "./arith.js";
import * as M_registers from "./registers.js";
import type { Cpu } from "./cpu.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { AF, CF, OF, PF, SF, SIGN_SHIFT, ZF, norm } = M_flags;
const { readG, rmwRead, rmwWrite } = M_operand;
const { szp } = M_arith;
const { ECX } = M_registers;

const ROT_FLAGS = CF | OF;
const SHIFT_FLAGS = CF | OF | SF | ZF | PF | AF;

function msb(v: number, size: number): number { return (v >>> SIGN_SHIFT[size]) & 1; }

function rotate(cpu: Cpu, k: number, v: number, count: number, size: number): number {
  const bits = size * 8;
  let r = v, cf: number;
  if (k === 0 || k === 1) {
    const c = count % bits;
    if (c !== 0) r = k === 0 ? norm((v << c) | (v >>> (bits - c)), size) : norm((v >>> c) | (v << (bits - c)), size);
    cf = k === 0 ? r & 1 : msb(r, size);
    const of = k === 0 ? msb(r, size) ^ cf : msb(r, size) ^ ((r >>> (SIGN_SHIFT[size] - 1)) & 1);
    cpu.setFlagsEager(ROT_FLAGS, (cf ? CF : 0) | (of ? OF : 0));
    return r;
  }
  const c = size === 4 ? count : count % (bits + 1);
  cf = cpu.cf();
  for (let n = 0; n < c; n++) {
    if (k === 2) { const out = msb(r, size); r = norm((r << 1) | cf, size); cf = out; }
    else { const out = r & 1; r = norm((r >>> 1) | (cf << (bits - 1)), size); cf = out; }
  }
  const of = k === 2 ? msb(r, size) ^ cf : msb(r, size) ^ ((r >>> (SIGN_SHIFT[size] - 1)) & 1);
  cpu.setFlagsEager(ROT_FLAGS, (cf ? CF : 0) | (of ? OF : 0));
  return r;
}

/** shift/rotate kind k (table order) of normalised v by count (already masked to 5 bits, != 0) */
export function shiftOp(cpu: Cpu, k: number, v: number, count: number, size: number): number {
  if (k < 4) return rotate(cpu, k, v, count, size);
  const bits = size * 8;
  let r: number, cf: number, of: number;
  if (k === 7) {
    const sv = size === 4 ? v | 0 : size === 2 ? (v << 16) >> 16 : (v << 24) >> 24;
    r = norm(sv >> Math.min(count, 31), size);
    cf = (sv >> Math.min(count - 1, 31)) & 1;
    of = 0;
  } else if (k === 5) {
    r = count >= 32 ? 0 : v >>> count;
    cf = count - 1 >= bits ? 0 : (v >>> (count - 1)) & 1;
    of = msb(v, size);
  } else {
    r = count >= bits ? 0 : norm(v << count, size);
    cf = count > bits ? 0 : (v >>> (bits - count)) & 1;
    of = msb(r, size) ^ cf;
  }
  cpu.setFlagsEager(SHIFT_FLAGS, (cf ? CF : 0) | (of ? OF : 0) | szp(r, size));
  return r;
}

function shiftHandler(row: OpRow): Handler {
  const k = row.sub, src = row.operands.split(",")[1];
  return (cpu, i) => {
    const s = i.size;
    const count = (src === "1" ? 1 : src === "CL" ? cpu.r32[ECX] : i.imm) & 31;
    const v = rmwRead(cpu, i, s);
    if (count === 0) return;
    const r = shiftOp(cpu, k, v, count, s);
    rmwWrite(cpu, i, s, r);
  };
}

/** SHLD (left) / SHRD of dst with bits from src, count in 1..31 */
function doubleShift(cpu: Cpu, left: boolean, dst: number, src: number, count: number, size: number): number {
  const bits = size * 8;
  let r: number, cf: number;
  if (size === 2) {
    // 16-bit: operate on the 32-bit concatenation; counts > 16 give undefined results on hardware
    const cat = left ? ((dst << 16) | src) >>> 0 : ((src << 16) | dst) >>> 0;
    if (left) { r = norm((cat << count | (count > 16 ? dst << (count - 16) : 0)) >>> 16, 2); cf = (cat >>> (32 - count)) & 1; }
    else { r = norm(cat >>> count | (count > 16 ? src << (32 - count) : 0), 2); cf = (cat >>> (count - 1)) & 1; }
  } else if (left) {
    r = norm((dst << count) | (src >>> (bits - count)), size);
    cf = (dst >>> (bits - count)) & 1;
  } else {
    r = norm((dst >>> count) | (src << (bits - count)), size);
    cf = (dst >>> (count - 1)) & 1;
  }
  const of = msb(r, size) ^ msb(dst, size);
  cpu.setFlagsEager(SHIFT_FLAGS, (cf ? CF : 0) | (of ? OF : 0) | szp(r, size));
  return r;
}

function shxd(row: OpRow, left: boolean): Handler {
  const byCl = row.operands.endsWith("CL");
  return (cpu, i) => {
    const s = i.size, count = (byCl ? cpu.r32[ECX] : i.imm) & 31;
    const v = rmwRead(cpu, i, s);
    if (count === 0) return;
    rmwWrite(cpu, i, s, doubleShift(cpu, left, v, readG(cpu, i, s), count, s));
  };
}

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  shift: shiftHandler,
  shld: (row) => shxd(row, true),
  shrd: (row) => shxd(row, false),
};
