// Random-encoding cases for the differential tester (group "random"): random prefix/opcode/modrm
// bytes, cut to the first instruction as this CPU's decoder sees it, keeping only encodings the
// oracle can judge: rows marked oracle-checkable, or #UD outside the MMX/SSE/SEP opcode ranges a
// Pentium III oracle implements, without LOCK (qemu does not fault a misplaced LOCK), FS/GS
// overrides, LAR/LSL, the undefined group members qemu-i386 executes (C6/C7 /1-7, 0F BA /0-3,
// FF /7), RET imm16 >= 0x8000 and POPA (see generator.ts), 16-bit SHLD/SHRD by CL or by an imm8
// above 16 (undefined results above 16) and ARPL (fault kind of its conditional write unknown
// without hardware).
// Above: generator.ts. Below: impl/x86 decoder (used only to select and cut cases).
import { Cpu } from "../cpu.js";
import { Insn } from "../insn.js";
import { decode } from "../decoder.js";
import { CpuException } from "../exception.js";
import { PERM_R, PERM_X } from "../tlb.js";
import { isPrefix } from "../table.js";
import type { Case } from "./protocol.js";
import type { Rng } from "./generator.js";

const SCRATCH = 0x1000;
const cpu = new Cpu(), page = new Uint8Array(4096);
cpu.mapPage(SCRATCH >>> 12, page, 0, PERM_R | PERM_X);

/** two-byte opcodes a P6 without MMX/SSE lacks but the oracle's CPU model implements */
function sseLike(op2: number): boolean {
  return (op2 >= 0x10 && op2 <= 0x18) || (op2 >= 0x28 && op2 <= 0x2f) || (op2 >= 0x50 && op2 <= 0x7f) ||
    (op2 >= 0xc2 && op2 <= 0xc6) || op2 >= 0xd0 || op2 === 0xae || op2 === 0x0d || op2 === 0x77 ||
    op2 === 0x05 || op2 === 0x07 || op2 === 0x34 || op2 === 0x35 || op2 === 0x0f || op2 === 0xb8 ||
    op2 === 0x38 || op2 === 0x3a || op2 === 0x02 || op2 === 0x03;
}

const PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e];

/** random bytes cut to one instruction, or null when the oracle cannot judge it */
export function randomCode(r: Rng): number[] | null {
  const bytes: number[] = [];
  while (r.chance(0.25) && bytes.length < 3) bytes.push(r.pick(PREFIXES));
  const two = r.chance(0.35);
  if (two) bytes.push(0x0f);
  while (bytes.length < 15) bytes.push(r.int(256));
  let j = 0;
  while (isPrefix(bytes[j])) {
    // FS/GS bases and LOCK differ or are not checked by the oracle
    if (bytes[j] === 0x64 || bytes[j] === 0x65 || bytes[j] === 0xf0) return null;
    j++;
  }
  const op = bytes[j] === 0x0f ? 0x100 | bytes[j + 1] : bytes[j], modrmReg = (bytes[j + (op > 0xff ? 2 : 1)] >> 3) & 7;
  if (op === 0xcd || op === 0xf1 || (op >= 0xd8 && op <= 0xdf) || op === 0x9b || op === 0x9d || op === 0xcf) return null;
  if (op === 0x8f && modrmReg !== 0) return null; // AMD XOP escape space
  // qemu-i386 executes these undefined group members (as MOV / BT) instead of raising #UD
  if (((op === 0xc6 || op === 0xc7) && modrmReg !== 0) || (op === 0x1ba && modrmReg < 4)) return null;
  if (op === 0xff && modrmReg === 7) return null; // executed by qemu-i386 too
  // RET imm16 >= 0x8000 (qemu sign-extends it) and POPA (not precise under qemu)
  if (((op === 0xc2 || op === 0xca) && bytes[j + 2] >= 0x80) || op === 0x61) return null;
  if (op > 0xff && sseLike(op & 0xff)) return null;
  // 16-bit SHLD/SHRD by CL: the result is architecturally undefined for counts above 16 (the shiftd
  // group tests the defined counts); ARPL on memory: whether a fault on its conditional write is
  // reported as a read or a write differs between qemu and this CPU, and no hardware here can say
  // which is right (user code never uses ARPL)
  if ((op === 0x1a5 || op === 0x1ad) && bytes.slice(0, j).includes(0x66)) return null;
  if (op === 0x63) return null;
  page.fill(0);
  page.set(bytes);
  const i = new Insn();
  try {
    decode(cpu, SCRATCH, i);
  } catch (e) {
    if (!(e instanceof CpuException) || e.vector !== 6) return null;
    return bytes; // complete: the #UD must not race a fetch fault of a truncated instruction
  }
  if (!i.row!.oracle || i.row!.group === "x87") return null;
  // 16-bit SHLD/SHRD by imm8 above 16 (the immediate is the last byte): SDM SHLD/SHRD, "if the
  // count is greater than the operand size, the result is undefined", and so are the flags
  if ((op === 0x1a4 || op === 0x1ac) && bytes.slice(0, j).includes(0x66) && (bytes[i.len - 1] & 31) > 16) return null;
  return bytes.slice(0, i.len);
}

export function makeRandomCase(base: Case, r: Rng): Case | null {
  const code = randomCode(r);
  return code === null ? null : { ...base, group: "random", name: "random", undef: 0xfff, code };
}
