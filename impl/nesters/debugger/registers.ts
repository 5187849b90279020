// The i386 register file as gdb sees it over the remote protocol, and the target description that
// names it (qXfer:features:read:target.xml): the core feature "org.gnu.gdb.i386.core" with the eight
// general registers, eip, eflags, the six segment selectors, the eight x87 registers st0..st7 (80 bits
// each, stack order) and the x87 control registers fctrl fstat ftag fiseg fioff foseg fooff fop. The `g`
// packet is these 24 + 8 registers in that order, little-endian; a register with no value is sent as
// `x` digits (unavailable). Keeper messages carry eax ebx ecx edx esi edi ebp esp eip eflags (words
// 3..12, spec/kernel-api/x86.md); gdb numbers them eax ecx edx ebx esp ebp esi edi eip eflags.
// Above: session.ts. Below: packet.ts (hex), impl/x86's FPU state record.
import type { FpuState } from "../../x86/fpu/index.js";
import { fromHex, le32, toHex } from "./packet.js";

/** Keeper-message order (0 = eax ... 9 = eflags) of gdb's registers 0..9. */
const KEEPER_OF_GDB = [0, 2, 3, 1, 7, 6, 4, 5, 8, 9] as const;

/** Sizes in bytes of gdb's registers 0..39 (10 core, 6 selectors, 8 x87, 8 x87 control). */
export const REG_SIZES: readonly number[] = [...Array(16).fill(4), ...Array(8).fill(10), ...Array(8).fill(4)];

/** What a stopped thread shows: the keeper message's registers, the selectors, the x87 state if reachable. */
export interface RegisterView {
  /** eax ebx ecx edx esi edi ebp esp eip eflags (keeper-message order). */
  regs: number[];
  /** cs ss ds es fs gs. */
  readonly selectors: readonly number[];
  readonly fpu: FpuState | null;
}

const TOP = (sw: number): number => (sw >> 11) & 7;

/** gdb register `n` as hex (little-endian), `x` digits if it has no value; null if there is no such register. */
export const regHex = (v: RegisterView, n: number): string | null => {
  if (n < 0 || n >= REG_SIZES.length) return null;
  if (n < 10) return le32(v.regs[KEEPER_OF_GDB[n]!]!);
  if (n < 16) return le32(v.selectors[n - 10] ?? 0);
  const f = v.fpu;
  if (f === null) return "xx".repeat(REG_SIZES[n]!);
  if (n < 24) return toHex(f.regs[(TOP(f.sw) + n - 16) & 7]!);
  return le32([f.cw, f.sw, f.tw, f.fcs, f.fip, f.fds, f.fdp, f.fop][n - 24]!);
};

/** The whole `g` reply. */
export const allRegsHex = (v: RegisterView): string => REG_SIZES.map((_, n) => regHex(v, n)!).join("");

/**
 * Set gdb register `n` from hex; false if malformed or not writable here. The general registers go into
 * `v.regs`; selectors and the x87 registers are read-only (a `G` packet may carry them unchanged).
 */
export const setRegHex = (v: RegisterView, n: number, hex: string): boolean => {
  if (n < 0 || n >= REG_SIZES.length || hex.length !== 2 * REG_SIZES[n]!) return false;
  if (n >= 10) return /^(x+|[0-9a-fA-F]+)$/.test(hex) && hex === (regHex(v, n) ?? "");
  const b = fromHex(hex);
  if (b === null) return false;
  v.regs[KEEPER_OF_GDB[n]!] = new DataView(b.buffer).getUint32(0, true);
  return true;
};

/** Apply a `G` packet: the general registers it carries (selectors and x87 parts are ignored). */
export const setAllRegsHex = (v: RegisterView, hex: string): boolean => {
  if (!/^[0-9a-fA-Fx]*$/.test(hex) || hex.length < 80) return false;
  const regs = [...v.regs];
  for (let n = 0, at = 0; n < 10; n++, at += 8) {
    const h = hex.slice(at, at + 8);
    if (h.includes("x")) continue;
    const b = fromHex(h)!;
    regs[KEEPER_OF_GDB[n]!] = new DataView(b.buffer).getUint32(0, true);
  }
  v.regs = regs;
  return true;
};

const reg = (name: string, bits: number, type: string, extra = ""): string => `    <reg name="${name}" bitsize="${bits}" type="${type}"${extra}/>\n`;

/** The eflags bits gdb shows by name. */
const EFLAGS_BITS: Record<string, number> = { CF: 0, PF: 2, AF: 4, ZF: 6, SF: 7, TF: 8, IF: 9, DF: 10, OF: 11, NT: 14, RF: 16, VM: 17, AC: 18, VIF: 19, VIP: 20, ID: 21 };

/** The target description (written here from the protocol's documentation of i386 features). */
export const TARGET_XML = [
  '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n',
  "  <architecture>i386</architecture>\n",
  '  <feature name="org.gnu.gdb.i386.core">\n',
  '    <flags id="i386_eflags" size="4">\n',
  ...Object.entries(EFLAGS_BITS).map(([f, b]) => `      <field name="${f}" start="${b}" end="${b}"/>\n`),
  "    </flags>\n",
  ...["eax", "ecx", "edx", "ebx"].map((n) => reg(n, 32, "int32")),
  reg("esp", 32, "data_ptr"), reg("ebp", 32, "data_ptr"), reg("esi", 32, "int32"), reg("edi", 32, "int32"),
  reg("eip", 32, "code_ptr"), reg("eflags", 32, "i386_eflags"),
  ...["cs", "ss", "ds", "es", "fs", "gs"].map((n) => reg(n, 32, "int32")),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => reg(`st${i}`, 80, "i387_ext")),
  ...["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"].map((n) => reg(n, 32, "int", ' group="float"')),
  "  </feature>\n</target>\n",
].join("");
