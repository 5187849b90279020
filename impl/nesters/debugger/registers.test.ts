// The register file as gdb sees it (registers.ts): gdb's order of the general registers against the
// keeper message's, the x87 stack order (st0 is the physical register TOP names), the control registers,
// `x` digits for an unreachable FPU, writes of general registers only, and a target description that
// names the 40 registers in the `g` packet's order.
// Above: the test runner. Below: registers.ts.
import { describe, expect, it } from "vitest";
import { REG_SIZES, TARGET_XML, allRegsHex, regHex, setAllRegsHex, setRegHex, type RegisterView } from "./registers.js";

const le = (v: number): string => Buffer.from(Uint32Array.of(v).buffer).toString("hex");

const view = (): RegisterView => ({
  // eax ebx ecx edx esi edi ebp esp eip eflags
  regs: [0xa, 0xb, 0xc, 0xd, 0x51, 0xd1, 0xb9, 0x5b, 0x1b, 0x246],
  selectors: [0x73, 0x7b, 0x7b, 0x7b, 0, 0x33],
  fpu: {
    regs: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => new Uint8Array(10).fill(i)),
    cw: 0x37f, sw: 6 << 11, tw: 0x0fff, fip: 0x1234, fcs: 0x73, fdp: 0x5678, fds: 0x7b, fop: 0x1dd,
  },
});

describe("registers", () => {
  it("puts the general registers in gdb's order", () => {
    const v = view();
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => regHex(v, n))).toEqual([0xa, 0xc, 0xd, 0xb, 0x5b, 0xb9, 0x51, 0xd1, 0x1b, 0x246].map(le));
    expect(regHex(v, 10)).toBe(le(0x73));
    expect(regHex(v, 15)).toBe(le(0x33));
  });

  it("gives st(i) as the physical register TOP + i, and the control registers", () => {
    const v = view();
    expect(regHex(v, 16)).toBe("06".repeat(10)); // TOP = 6
    expect(regHex(v, 17)).toBe("07".repeat(10));
    expect(regHex(v, 18)).toBe("00".repeat(10));
    expect([24, 25, 26, 27, 28, 29, 30, 31].map((n) => regHex(v, n))).toEqual([0x37f, 6 << 11, 0x0fff, 0x73, 0x1234, 0x7b, 0x5678, 0x1dd].map(le));
    expect(regHex(v, 32)).toBeNull();
    expect(allRegsHex(v).length).toBe(REG_SIZES.reduce((a, b) => a + 2 * b, 0));
  });

  it("marks the x87 registers unavailable without an FPU", () => {
    const v: RegisterView = { ...view(), fpu: null };
    expect(regHex(v, 16)).toBe("x".repeat(20));
    expect(regHex(v, 24)).toBe("x".repeat(8));
  });

  it("writes general registers; selectors and x87 only unchanged", () => {
    const v = view();
    expect(setRegHex(v, 3, le(0xbeef))).toBe(true);
    expect(v.regs[1]).toBe(0xbeef); // gdb's 3 is ebx
    expect(setRegHex(v, 3, "zz")).toBe(false);
    expect(setRegHex(v, 10, le(0x23))).toBe(false);
    expect(setRegHex(v, 10, le(0x73))).toBe(true);
    const g = allRegsHex(v).replace(/^.{8}/, le(0x99));
    expect(setAllRegsHex(v, g)).toBe(true);
    expect(v.regs[0]).toBe(0x99);
    expect(setAllRegsHex(v, "12")).toBe(false);
  });

  it("describes the registers in the g packet's order", () => {
    const names = [...TARGET_XML.matchAll(/<reg name="(\w+)" bitsize="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(names.map((n) => n[0])).toEqual([
      "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
      "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7", "fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop",
    ]);
    expect(names.map((n) => n[1])).toEqual(REG_SIZES.map((b) => b * 8));
    expect(TARGET_XML).toContain('<feature name="org.gnu.gdb.i386.core">');
  });
});
