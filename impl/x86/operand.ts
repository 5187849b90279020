// Width-generic operand access for the handler families: the modrm r/m operand (register or
// memory), the modrm reg operand, and read-modify-write of r/m with a write probe so that flags
// are only set once the store cannot fault (precise #PF). Above: arith.ts, shift.ts, bits.ts ...
// Below: impl/x86/cpu.ts (registers, MMU). Values are returned unsigned (normalised to size).
import * as M_flags from "./flags.js";
import type { Cpu } from "./cpu.js";
import type { Insn } from "./insn.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { norm } = M_flags;

/** r/m operand of insn at the given size, unsigned */
export function readE(cpu: Cpu, i: Insn, size: number): number {
  return norm(i.mod === 3 ? cpu.getReg(size, i.rm) : cpu.readSized(size, cpu.ea(i)), size);
}

export function writeE(cpu: Cpu, i: Insn, size: number, v: number): void {
  if (i.mod === 3) cpu.setReg(size, i.rm, v);
  else cpu.writeSized(size, cpu.ea(i), v);
}

export function readG(cpu: Cpu, i: Insn, size: number): number {
  return norm(cpu.getReg(size, i.reg), size);
}

/** the address of the read-modify-write operand in progress (-1: register) */
let rmwAddress = -1;

/** read the r/m operand for read-modify-write: memory must be readable and writable */
export function rmwRead(cpu: Cpu, i: Insn, size: number): number {
  if (i.mod === 3) { rmwAddress = -1; return norm(cpu.getReg(size, i.rm), size); }
  const a = cpu.ea(i);
  const v = cpu.readSized(size, a);
  cpu.probeWrite(a, size);
  rmwAddress = a;
  return norm(v, size);
}

/** complete the read-modify-write begun by rmwRead (cannot fault) */
export function rmwWrite(cpu: Cpu, i: Insn, size: number, v: number): void {
  if (rmwAddress < 0) cpu.setReg(size, i.rm, v);
  else cpu.writeSized(size, rmwAddress, v);
}

/** sign-extend an unsigned value of size bytes to int32 */
export function signExtend(v: number, size: number): number {
  return size === 4 ? v | 0 : size === 2 ? (v << 16) >> 16 : (v << 24) >> 24;
}
