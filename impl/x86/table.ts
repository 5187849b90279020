// THE declarative i386 instruction table: one row per opcode (and modrm.reg extension) with its
// operands in Intel SDM opcode-map notation, operand size, flags read/written/undefined, lock
// rule and handler family. Above: impl/x86/decoder.ts builds its dispatch arrays from it,
// impl/x86/dispatch.ts binds handlers, impl/x86/difftest/generator.ts derives test cases and the
// comparer's undefined-flag masks from it. Below: nothing (pure data, no imports of code).
//
// Operand notation (SDM Appendix A): E modrm r/m, G modrm reg, M memory-only r/m, S segment reg in
// modrm.reg, Z register in the opcode's low 3 bits, I immediate, J relative offset, O moffs,
// A far pointer, X/Y string source DS:ESI / destination ES:EDI; sizes b byte, w word, d dword, v/z operand size (16/32), p far pointer, q qword,
// a BOUND pair. Fixed operands: AL, eAX, CL, DX, 1, and segment names ES CS SS DS FS GS.

export interface OpRow {
  /** 0x00..0xff one-byte opcodes; 0x100 + second byte for 0x0f xx */
  opcode: number;
  /** modrm.reg extension for group opcodes, -1 when the opcode has none */
  ext: number;
  mnemonic: string;
  operands: string;
  /** handler key "family.name" bound in impl/x86/dispatch.ts */
  handler: string;
  /** family-specific sub-operation (ALU op index, shift kind, condition code...) */
  sub: number;
  /** report/test group */
  group: string;
  flagsRead: number;
  flagsWritten: number;
  flagsUndefined: number;
  /** derived by rowInfo(): */
  modrm: boolean;
  memOnly: boolean;
  lockable: boolean;
  /** the oracle (host CPU / qemu-i386 under Linux) can check this row */
  oracle: boolean;
}

const FLAG_LETTERS: Record<string, number> = { c: 0x1, p: 0x4, a: 0x10, z: 0x40, s: 0x80, d: 0x400, o: 0x800 };

function flagMask(letters: string): number {
  let m = 0;
  for (const ch of letters) m |= FLAG_LETTERS[ch] ?? 0;
  return m;
}

interface RowOpts { sub?: number; read?: string; write?: string; undef?: string; lock?: boolean; oracle?: boolean }

export const TABLE: OpRow[] = [];

function def(opcode: number, ext: number, mnemonic: string, operands: string, handler: string, group: string, o: RowOpts = {}): void {
  const modrm = ext >= 0 || /(^|,)[EGMS][bwdvpqax]/.test(operands);
  TABLE.push({
    opcode, ext, mnemonic, operands, handler, group, sub: o.sub ?? 0,
    flagsRead: flagMask(o.read ?? ""), flagsWritten: flagMask(o.write ?? ""), flagsUndefined: flagMask(o.undef ?? ""),
    modrm, memOnly: /(^|,)M/.test(operands), lockable: o.lock ?? false, oracle: o.oracle ?? true,
  });
}

const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const ALU_FLAGS: RowOpts[] = ALU.map((m, k) => {
  const logic = k === 1 || k === 4 || k === 6;
  return { sub: k, write: logic ? "oszpc" : "oszapc", undef: logic ? "a" : "", read: k === 2 || k === 3 ? "c" : "", lock: k !== 7 };
});
const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const CC_READ = ["o", "o", "c", "c", "z", "z", "cz", "cz", "s", "s", "p", "p", "so", "so", "szo", "szo"];
const SHIFT = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];

// ---- arithmetic and logic --------------------------------------------------------------------
for (let k = 0; k < 8; k++) {
  const m = ALU[k], f = ALU_FLAGS[k], b = k * 8;
  def(b, -1, m, "Eb,Gb", "arith.alu", "alu", f);
  def(b + 1, -1, m, "Ev,Gv", "arith.alu", "alu", f);
  def(b + 2, -1, m, "Gb,Eb", "arith.alu", "alu", { ...f, lock: false });
  def(b + 3, -1, m, "Gv,Ev", "arith.alu", "alu", { ...f, lock: false });
  def(b + 4, -1, m, "AL,Ib", "arith.alu", "alu", { ...f, lock: false });
  def(b + 5, -1, m, "eAX,Iz", "arith.alu", "alu", { ...f, lock: false });
  def(0x80, k, m, "Eb,Ib", "arith.alu", "alu", f);
  def(0x81, k, m, "Ev,Iz", "arith.alu", "alu", f);
  def(0x82, k, m, "Eb,Ib", "arith.alu", "alu", f);
  def(0x83, k, m, "Ev,Ib", "arith.alu", "alu", f);
}
for (let r = 0; r < 8; r++) {
  def(0x40 + r, -1, "inc", "Zv", "arith.inc", "incdec", { write: "oszap" });
  def(0x48 + r, -1, "dec", "Zv", "arith.dec", "incdec", { write: "oszap" });
}
def(0xfe, 0, "inc", "Eb", "arith.inc", "incdec", { write: "oszap", lock: true });
def(0xfe, 1, "dec", "Eb", "arith.dec", "incdec", { write: "oszap", lock: true });
def(0xff, 0, "inc", "Ev", "arith.inc", "incdec", { write: "oszap", lock: true });
def(0xff, 1, "dec", "Ev", "arith.dec", "incdec", { write: "oszap", lock: true });
def(0x84, -1, "test", "Eb,Gb", "arith.test", "alu", { write: "oszpc", undef: "a" });
def(0x85, -1, "test", "Ev,Gv", "arith.test", "alu", { write: "oszpc", undef: "a" });
def(0xa8, -1, "test", "AL,Ib", "arith.test", "alu", { write: "oszpc", undef: "a" });
def(0xa9, -1, "test", "eAX,Iz", "arith.test", "alu", { write: "oszpc", undef: "a" });
for (const op of [0xf6, 0xf7]) {
  const E = op === 0xf6 ? "Eb" : "Ev", I = op === 0xf6 ? "Ib" : "Iz";
  def(op, 0, "test", `${E},${I}`, "arith.test", "alu", { write: "oszpc", undef: "a" });
  // /1 is an undocumented alias of TEST on Intel and AMD parts; qemu-i386 raises #UD for it
  def(op, 1, "test", `${E},${I}`, "arith.test", "alu", { write: "oszpc", undef: "a", oracle: false });
  def(op, 2, "not", E, "arith.not", "alu", { lock: true });
  def(op, 3, "neg", E, "arith.neg", "alu", { write: "oszapc", lock: true });
  def(op, 4, "mul", E, "muldiv.mul", "muldiv", { write: "oc", undef: "szap" });
  def(op, 5, "imul", E, "muldiv.imul1", "muldiv", { write: "oc", undef: "szap" });
  def(op, 6, "div", E, "muldiv.div", "muldiv", { undef: "oszapc" });
  def(op, 7, "idiv", E, "muldiv.idiv", "muldiv", { undef: "oszapc" });
}
def(0x69, -1, "imul", "Gv,Ev,Iz", "muldiv.imul3", "muldiv", { write: "oc", undef: "szap" });
def(0x6b, -1, "imul", "Gv,Ev,Ib", "muldiv.imul3", "muldiv", { write: "oc", undef: "szap" });
def(0x1af, -1, "imul", "Gv,Ev", "muldiv.imul2", "muldiv", { write: "oc", undef: "szap" });
def(0x1b0, -1, "cmpxchg", "Eb,Gb", "arith.cmpxchg", "atomic", { write: "oszapc", lock: true });
def(0x1b1, -1, "cmpxchg", "Ev,Gv", "arith.cmpxchg", "atomic", { write: "oszapc", lock: true });
def(0x1c0, -1, "xadd", "Eb,Gb", "arith.xadd", "atomic", { write: "oszapc", lock: true });
def(0x1c1, -1, "xadd", "Ev,Gv", "arith.xadd", "atomic", { write: "oszapc", lock: true });
def(0x1c7, 1, "cmpxchg8b", "Mq", "arith.cmpxchg8b", "atomic", { write: "z", lock: true });

// ---- BCD -------------------------------------------------------------------------------------
def(0x27, -1, "daa", "", "bcd.daa", "bcd", { read: "ac", write: "szapc", undef: "o" });
def(0x2f, -1, "das", "", "bcd.das", "bcd", { read: "ac", write: "szapc", undef: "o" });
def(0x37, -1, "aaa", "", "bcd.aaa", "bcd", { read: "a", write: "ac", undef: "oszp" });
def(0x3f, -1, "aas", "", "bcd.aas", "bcd", { read: "a", write: "ac", undef: "oszp" });
def(0xd4, -1, "aam", "Ib", "bcd.aam", "bcd", { write: "szp", undef: "oac" });
def(0xd5, -1, "aad", "Ib", "bcd.aad", "bcd", { write: "szp", undef: "oac" });

// ---- shifts and rotates ------------------------------------------------------------------------
for (let k = 0; k < 8; k++) {
  const rot = k < 4, m = SHIFT[k];
  const one: RowOpts = { sub: k, read: k === 2 || k === 3 ? "c" : "", write: rot ? "oc" : "oszpc", undef: rot ? "" : "a" };
  const many: RowOpts = { ...one, undef: rot ? "o" : "oa" };
  def(0xc0, k, m, "Eb,Ib", "shift.shift", rot ? "rotate" : "shift", many);
  def(0xc1, k, m, "Ev,Ib", "shift.shift", rot ? "rotate" : "shift", many);
  def(0xd0, k, m, "Eb,1", "shift.shift", rot ? "rotate" : "shift", one);
  def(0xd1, k, m, "Ev,1", "shift.shift", rot ? "rotate" : "shift", one);
  def(0xd2, k, m, "Eb,CL", "shift.shift", rot ? "rotate" : "shift", many);
  def(0xd3, k, m, "Ev,CL", "shift.shift", rot ? "rotate" : "shift", many);
}
def(0x1a4, -1, "shld", "Ev,Gv,Ib", "shift.shld", "shiftd", { write: "oszpc", undef: "oa" });
def(0x1a5, -1, "shld", "Ev,Gv,CL", "shift.shld", "shiftd", { write: "oszpc", undef: "oa" });
def(0x1ac, -1, "shrd", "Ev,Gv,Ib", "shift.shrd", "shiftd", { write: "oszpc", undef: "oa" });
def(0x1ad, -1, "shrd", "Ev,Gv,CL", "shift.shrd", "shiftd", { write: "oszpc", undef: "oa" });

// ---- bit operations ----------------------------------------------------------------------------
const BT = ["bt", "bts", "btr", "btc"];
for (let k = 0; k < 4; k++) {
  const f: RowOpts = { sub: k, write: "c", undef: "ospa", lock: k > 0 };
  def(0x1a3 + k * 8, -1, BT[k], "Ev,Gv", "bits.bt", "bits", f);
  def(0x1ba, 4 + k, BT[k], "Ev,Ib", "bits.bt", "bits", f);
}
def(0x1bc, -1, "bsf", "Gv,Ev", "bits.bsf", "bits", { write: "z", undef: "oscpa" });
def(0x1bd, -1, "bsr", "Gv,Ev", "bits.bsr", "bits", { write: "z", undef: "oscpa" });
for (let r = 0; r < 8; r++) def(0x1c8 + r, -1, "bswap", "Zd", "bits.bswap", "bits");
for (let c = 0; c < 16; c++) {
  def(0x190 + c, -1, `set${CC[c]}`, "Eb", "bits.setcc", "cond", { sub: c, read: CC_READ[c] });
  def(0x140 + c, -1, `cmov${CC[c]}`, "Gv,Ev", "bits.cmovcc", "cond", { sub: c, read: CC_READ[c] });
}

// ---- data movement -----------------------------------------------------------------------------
def(0x88, -1, "mov", "Eb,Gb", "mov.mov", "mov");
def(0x89, -1, "mov", "Ev,Gv", "mov.mov", "mov");
def(0x8a, -1, "mov", "Gb,Eb", "mov.mov", "mov");
def(0x8b, -1, "mov", "Gv,Ev", "mov.mov", "mov");
def(0xc6, 0, "mov", "Eb,Ib", "mov.mov", "mov");
def(0xc7, 0, "mov", "Ev,Iz", "mov.mov", "mov");
for (let r = 0; r < 8; r++) {
  def(0xb0 + r, -1, "mov", "Zb,Ib", "mov.mov", "mov");
  def(0xb8 + r, -1, "mov", "Zv,Iz", "mov.mov", "mov");
}
def(0xa0, -1, "mov", "AL,Ob", "mov.mov", "mov");
def(0xa1, -1, "mov", "eAX,Ov", "mov.mov", "mov");
def(0xa2, -1, "mov", "Ob,AL", "mov.mov", "mov");
def(0xa3, -1, "mov", "Ov,eAX", "mov.mov", "mov");
def(0x86, -1, "xchg", "Eb,Gb", "mov.xchg", "mov", { lock: true });
def(0x87, -1, "xchg", "Ev,Gv", "mov.xchg", "mov", { lock: true });
def(0x90, -1, "nop", "", "misc.nop", "misc");
for (let r = 1; r < 8; r++) def(0x90 + r, -1, "xchg", "Zv,eAX", "mov.xchg", "mov");
def(0x8d, -1, "lea", "Gv,M", "mov.lea", "mov");
def(0x1b6, -1, "movzx", "Gv,Eb", "mov.movzx", "mov");
def(0x1b7, -1, "movzx", "Gv,Ew", "mov.movzx", "mov");
def(0x1be, -1, "movsx", "Gv,Eb", "mov.movsx", "mov");
def(0x1bf, -1, "movsx", "Gv,Ew", "mov.movsx", "mov");
def(0x98, -1, "cwde", "", "mov.cwde", "mov");
def(0x99, -1, "cdq", "", "mov.cdq", "mov");
def(0xd7, -1, "xlat", "", "mov.xlat", "mov");
// hint NOPs: 0F 18 (PREFETCHh, a hint executed as NOP) and the reserved-NOP space 0F 19..1F
def(0x118, -1, "nop", "Ev", "misc.nop", "misc", { oracle: false });
for (let r = 0x119; r <= 0x11f; r++) def(r, -1, "nop", "Ev", "misc.nop", "misc");

// ---- segment registers -------------------------------------------------------------------------
def(0x8c, -1, "mov", "Ew,Sw", "segment.movFromSreg", "segment");
def(0x8e, -1, "mov", "Sw,Ew", "segment.movToSreg", "segment", { oracle: false });
def(0x06, -1, "push", "ES", "segment.pushSreg", "segment", { sub: 0 });
def(0x0e, -1, "push", "CS", "segment.pushSreg", "segment", { sub: 1 });
def(0x16, -1, "push", "SS", "segment.pushSreg", "segment", { sub: 2 });
def(0x1e, -1, "push", "DS", "segment.pushSreg", "segment", { sub: 3 });
def(0x1a0, -1, "push", "FS", "segment.pushSreg", "segment", { sub: 4 });
def(0x1a8, -1, "push", "GS", "segment.pushSreg", "segment", { sub: 5 });
def(0x07, -1, "pop", "ES", "segment.popSreg", "segment", { sub: 0, oracle: false });
def(0x17, -1, "pop", "SS", "segment.popSreg", "segment", { sub: 2, oracle: false });
def(0x1f, -1, "pop", "DS", "segment.popSreg", "segment", { sub: 3, oracle: false });
def(0x1a1, -1, "pop", "FS", "segment.popSreg", "segment", { sub: 4, oracle: false });
def(0x1a9, -1, "pop", "GS", "segment.popSreg", "segment", { sub: 5, oracle: false });
def(0xc4, -1, "les", "Gv,Mp", "segment.loadFar", "segment", { sub: 0, oracle: false });
def(0xc5, -1, "lds", "Gv,Mp", "segment.loadFar", "segment", { sub: 3, oracle: false });
def(0x1b2, -1, "lss", "Gv,Mp", "segment.loadFar", "segment", { sub: 2, oracle: false });
def(0x1b4, -1, "lfs", "Gv,Mp", "segment.loadFar", "segment", { sub: 4, oracle: false });
def(0x1b5, -1, "lgs", "Gv,Mp", "segment.loadFar", "segment", { sub: 5, oracle: false });
def(0x63, -1, "arpl", "Ew,Gw", "segment.arpl", "segment", { write: "z" });

// ---- stack -------------------------------------------------------------------------------------
for (let r = 0; r < 8; r++) {
  def(0x50 + r, -1, "push", "Zv", "stack.push", "stack");
  def(0x58 + r, -1, "pop", "Zv", "stack.pop", "stack");
}
def(0x68, -1, "push", "Iz", "stack.push", "stack");
def(0x6a, -1, "push", "Ib", "stack.push", "stack");
def(0xff, 6, "push", "Ev", "stack.push", "stack");
def(0x8f, 0, "pop", "Ev", "stack.pop", "stack");
def(0x60, -1, "pusha", "", "stack.pusha", "stack");
def(0x61, -1, "popa", "", "stack.popa", "stack");
def(0x9c, -1, "pushf", "", "stack.pushf", "flags", { read: "oszapcd" });
def(0x9d, -1, "popf", "", "stack.popf", "flags", { write: "oszapcd" });
def(0xc8, -1, "enter", "Iw,Ib", "stack.enter", "stack");
def(0xc9, -1, "leave", "", "stack.leave", "stack");

// ---- control transfer --------------------------------------------------------------------------
for (let c = 0; c < 16; c++) {
  def(0x70 + c, -1, `j${CC[c]}`, "Jb", "control.jcc", "control", { sub: c, read: CC_READ[c] });
  def(0x180 + c, -1, `j${CC[c]}`, "Jz", "control.jcc", "control", { sub: c, read: CC_READ[c] });
}
def(0xeb, -1, "jmp", "Jb", "control.jmp", "control");
def(0xe9, -1, "jmp", "Jz", "control.jmp", "control");
def(0xe8, -1, "call", "Jz", "control.call", "control");
def(0xff, 2, "call", "Ev", "control.callIndirect", "control");
def(0xff, 4, "jmp", "Ev", "control.jmpIndirect", "control");
def(0xc3, -1, "ret", "", "control.ret", "control");
def(0xc2, -1, "ret", "Iw", "control.ret", "control");
def(0xe0, -1, "loopne", "Jb", "control.loop", "control", { sub: 0, read: "z" });
def(0xe1, -1, "loope", "Jb", "control.loop", "control", { sub: 1, read: "z" });
def(0xe2, -1, "loop", "Jb", "control.loop", "control", { sub: 2 });
def(0xe3, -1, "jecxz", "Jb", "control.jecxz", "control");
def(0x9a, -1, "callf", "Ap", "control.callFar", "control", { oracle: false });
def(0xea, -1, "jmpf", "Ap", "control.jmpFar", "control", { oracle: false });
def(0xff, 3, "callf", "Mp", "control.callFar", "control", { oracle: false });
def(0xff, 5, "jmpf", "Mp", "control.jmpFar", "control", { oracle: false });
def(0xca, -1, "retf", "Iw", "control.retFar", "control", { oracle: false });
def(0xcb, -1, "retf", "", "control.retFar", "control", { oracle: false });
def(0xcf, -1, "iret", "", "control.iret", "control", { oracle: false });
def(0xcc, -1, "int3", "", "control.int3", "interrupt");
def(0xcd, -1, "int", "Ib", "control.int", "interrupt", { oracle: false });
def(0xce, -1, "into", "", "control.into", "interrupt", { read: "o" });
def(0xf1, -1, "int1", "", "control.int1", "interrupt", { oracle: false });
def(0x62, -1, "bound", "Gv,Ma", "control.bound", "interrupt", { oracle: false });
def(0x10b, -1, "ud2", "", "misc.ud", "misc");

// ---- string ------------------------------------------------------------------------------------
def(0xa4, -1, "movsb", "Yb,Xb", "string.movs", "string");
def(0xa5, -1, "movs", "Yv,Xv", "string.movs", "string");
def(0xa6, -1, "cmpsb", "Xb,Yb", "string.cmps", "string", { write: "oszapc" });
def(0xa7, -1, "cmps", "Xv,Yv", "string.cmps", "string", { write: "oszapc" });
def(0xaa, -1, "stosb", "Yb,AL", "string.stos", "string");
def(0xab, -1, "stos", "Yv,eAX", "string.stos", "string");
def(0xac, -1, "lodsb", "AL,Xb", "string.lods", "string");
def(0xad, -1, "lods", "eAX,Xv", "string.lods", "string");
def(0xae, -1, "scasb", "AL,Yb", "string.scas", "string", { write: "oszapc" });
def(0xaf, -1, "scas", "eAX,Yv", "string.scas", "string", { write: "oszapc" });

// ---- flags and miscellaneous -------------------------------------------------------------------
def(0x9e, -1, "sahf", "", "misc.sahf", "flags", { write: "szapc" });
def(0x9f, -1, "lahf", "", "misc.lahf", "flags", { read: "szapc" });
def(0xf5, -1, "cmc", "", "misc.cmc", "flags", { read: "c", write: "c" });
def(0xf8, -1, "clc", "", "misc.clc", "flags", { write: "c" });
def(0xf9, -1, "stc", "", "misc.stc", "flags", { write: "c" });
def(0xfc, -1, "cld", "", "misc.cld", "flags", { write: "d" });
def(0xfd, -1, "std", "", "misc.std", "flags", { write: "d" });
def(0xd6, -1, "salc", "", "misc.salc", "flags", { read: "c" });
def(0x1a2, -1, "cpuid", "", "misc.cpuid", "misc", { oracle: false });
def(0x131, -1, "rdtsc", "", "misc.rdtsc", "misc", { oracle: false });
def(0x9b, -1, "fwait", "", "x87.fwait", "x87", { oracle: false });
for (let op = 0xd8; op <= 0xdf; op++) def(op, -1, "esc", "Ex", "x87.esc", "x87", { oracle: false });

// ---- privileged at CPL 3: #GP(0) ----------------------------------------------------------------
for (const op of [0xf4, 0xfa, 0xfb, 0xe4, 0xe5, 0xe6, 0xe7, 0xec, 0xed, 0xee, 0xef, 0x6c, 0x6d, 0x6e, 0x6f]) {
  def(op, -1, "priv", op >= 0xe4 && op <= 0xe7 ? "Ib" : "", "misc.gp0", "priv");
}
for (const op of [0x106, 0x108, 0x109, 0x130, 0x132, 0x133]) def(op, -1, "priv", "", "misc.gp0", "priv");
for (const op of [0x100, 0x101]) def(op, -1, "priv", "Ew", "misc.gp0", "priv", { oracle: false });
for (const op of [0x120, 0x121, 0x122, 0x123]) def(op, -1, "priv", "Ed", "misc.gp0", "priv", { oracle: false });

/** rows by opcode (index 0..0x1ff), each either a row or 8 rows by modrm.reg (holes: #UD) */
export type TableSlot = OpRow | (OpRow | undefined)[] | undefined;

export function buildSlots(): TableSlot[] {
  const slots: TableSlot[] = new Array<TableSlot>(0x200).fill(undefined);
  for (const row of TABLE) {
    if (row.ext < 0) { slots[row.opcode] = row; continue; }
    let g = slots[row.opcode];
    if (!Array.isArray(g)) g = slots[row.opcode] = new Array<OpRow | undefined>(8).fill(undefined);
    g[row.ext] = row;
  }
  return slots;
}

/** is this byte a legacy prefix? */
export function isPrefix(b: number): boolean {
  return b === 0x66 || b === 0x67 || b === 0xf0 || b === 0xf2 || b === 0xf3 ||
    b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65;
}
