// Unit tests of the table-driven decoder (impl/x86/decoder.ts, impl/x86/table.ts): instruction
// lengths of every operand shape, prefixes, and the decode-time faults (#UD, #GP, #PF on fetch).
import { describe, expect, it } from "vitest";
import { Insn } from "./insn.js";
import { decode } from "./decoder.js";
import { CpuException } from "./exception.js";
import { TABLE } from "./table.js";
import { CODE, machine } from "./testing.js";

function lengthOf(bytes: number[]): number {
  const m = machine();
  m.code.set(bytes);
  const i = new Insn();
  decode(m.cpu, CODE, i);
  return i.len;
}

function decodeFault(bytes: number[], at = 0): CpuException {
  const m = machine();
  m.code.set(bytes, at);
  try {
    decode(m.cpu, CODE + at, new Insn());
  } catch (e) {
    if (e instanceof CpuException) return e;
    throw e;
  }
  throw new Error("no fault");
}

describe("table", () => {
  it("binds a handler to every row and has no duplicate encodings", () => {
    const seen = new Set<string>();
    for (const r of TABLE) {
      const k = `${r.opcode}/${r.ext}`;
      expect(seen.has(k), k).toBe(false);
      seen.add(k);
    }
    expect(lengthOf([0x90])).toBe(1); // decoder module built every row's handler
    expect(TABLE.length).toBeGreaterThan(400);
  });
  it("marks only read-modify-write memory forms lockable", () => {
    for (const r of TABLE.filter((x) => x.lockable)) expect(r.operands).toMatch(/^[EM]/);
  });
});

describe("decoder lengths", () => {
  const cases: [string, number[], number][] = [
    ["mov eax,[esp+8]", [0x8b, 0x44, 0x24, 0x08], 4],
    ["mov eax,[disp32]", [0x8b, 0x05, 1, 2, 3, 4], 6],
    ["mov eax,[ebp+disp32+esi*4]", [0x8b, 0x84, 0xb5, 1, 2, 3, 4], 7],
    ["sib base=5 mod=0", [0x8b, 0x04, 0x2d, 1, 2, 3, 4], 7],
    ["mov ax,imm16", [0x66, 0xb8, 0x34, 0x12], 4],
    ["mov eax,[bx] (0x67)", [0x67, 0x8b, 0x07], 3],
    ["mov eax,[disp16] (0x67)", [0x67, 0x8b, 0x06, 1, 2], 5],
    ["movzx eax,al", [0x0f, 0xb6, 0xc0], 3],
    ["enter 16,1", [0xc8, 0x10, 0x00, 0x01], 4],
    ["call far ptr16:32", [0x9a, 1, 2, 3, 4, 5, 6], 7],
    ["call far ptr16:16", [0x66, 0x9a, 1, 2, 5, 6], 6],
    ["mov eax,moffs32", [0xa1, 1, 2, 3, 4], 5],
    ["mov eax,moffs16", [0x67, 0xa1, 1, 2], 4],
    ["add dword [eax],imm32", [0x81, 0x00, 1, 2, 3, 4], 6],
    ["add word [eax],imm8", [0x66, 0x83, 0x00, 1], 4],
    ["test byte [eax],imm8", [0xf6, 0x00, 1], 3],
    ["test dword [eax],imm32", [0xf7, 0x00, 1, 2, 3, 4], 6],
    ["shld eax,ebx,imm8", [0x0f, 0xa4, 0xd8, 4], 4],
    ["jz rel32", [0x0f, 0x84, 1, 2, 3, 4], 6],
    ["jz rel16", [0x66, 0x0f, 0x84, 1, 2], 5],
    ["nopw 0(eax,eax,1)", [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00], 6],
    ["fld dword [ebx+4]", [0xd9, 0x43, 0x04], 3],
    ["rep movsd", [0xf3, 0xa5], 2],
    ["push es", [0x06], 1],
    ["gs: mov eax,[0x14]", [0x65, 0xa1, 0x14, 0, 0, 0], 6],
  ];
  for (const [name, bytes, len] of cases) it(name, () => expect(lengthOf(bytes)).toBe(len));
});

describe("decode-time faults", () => {
  it("#UD for undefined opcodes", () => {
    for (const b of [[0x0f, 0xff], [0x0f, 0x38, 0], [0xfe, 0xd0], [0xff, 0xff], [0x8f, 0xc8], [0x0f, 0xa6]]) {
      expect(decodeFault(b).vector, b.join(",")).toBe(6);
    }
  });
  it("#UD for LEA and other memory-only forms with a register", () => {
    expect(decodeFault([0x8d, 0xc0]).vector).toBe(6);
    expect(decodeFault([0x0f, 0xc7, 0xc8]).vector).toBe(6);
    expect(decodeFault([0xc4, 0xc0]).vector).toBe(6);
  });
  it("#UD for LOCK on a register destination or a non-lockable instruction", () => {
    expect(decodeFault([0xf0, 0x01, 0xc0]).vector).toBe(6);
    expect(decodeFault([0xf0, 0x8b, 0x00]).vector).toBe(6);
    expect(decodeFault([0xf0, 0x39, 0x00]).vector).toBe(6);
    expect(lengthOf([0xf0, 0x0f, 0xb1, 0x0b])).toBe(4);
  });
  it("#GP(0) for instructions longer than 15 bytes", () => {
    const e = decodeFault([...new Array(15).fill(0x66), 0x90]);
    expect([e.vector, e.errorCode]).toEqual([13, 0]);
    expect(lengthOf([...new Array(14).fill(0x66), 0x90])).toBe(15);
  });
  it("#PF (exec) at the exact missing byte of a truncated instruction", () => {
    const e = decodeFault([0x81, 0xc0, 1, 2], 8192 - 4);
    expect([e.vector, e.access, e.address]).toEqual([14, "exec", CODE + 8192]);
    expect(e.errorCode & 0x10).toBe(0x10);
  });
});
