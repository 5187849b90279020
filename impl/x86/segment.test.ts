// Unit tests for the rows the differential oracle cannot check (selector values differ between
// oracle and kernel): far transfers, IRET, segment loads (MOV/POP Sreg, LDS..LGS), BOUND, INT1.
import { describe, expect, it } from "vitest";
import { CODE, DATA, STACK_TOP, machine, runCode } from "./testing.js";

const EAX = 0, ECX = 1, EBX = 3, ESP = 4;
const le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

describe("far transfers", () => {
  it("JMP FAR to the flat code selector continues at the offset", () => {
    const m = machine();
    m.code.set([0xcc], 0x100);
    const r = runCode(m, [0xea, ...le(CODE + 0x100), 0x73, 0]);
    expect([r.kind, r.vector, m.cpu.eip]).toEqual(["trap", 3, CODE + 0x101]);
  });
  it("JMP FAR to a data or missing selector raises #GP(selector)", () => {
    expect(runCode(machine(), [0xea, 0, 0, 0, 0, 0x7b, 0]).errorCode).toBe(0x78);
    const r = runCode(machine(), [0xea, 0, 0, 0, 0, 0x43, 0]);
    expect([r.vector, r.errorCode]).toEqual([13, 0x40]);
  });
  it("CALL FAR pushes CS:EIP and RETF returns", () => {
    const m = machine();
    m.code.set([0xcb], 0x200); // retf
    const sp = m.cpu.r32[ESP];
    runCode(m, [0x9a, ...le(CODE + 0x200), 0x73, 0, 0x90]);
    expect(m.cpu.eip).toBe(CODE + 9); // after the nop and int3
    expect(m.cpu.r32[ESP]).toBe(sp);
    const st = new DataView(m.stack.buffer);
    expect(st.getUint32(sp - 8 - (STACK_TOP - 8192), true)).toBe(CODE + 7);
    expect(st.getUint32(sp - 4 - (STACK_TOP - 8192), true)).toBe(0x73);
  });
  it("IRET pops EIP, CS and EFLAGS but cannot change IF or IOPL", () => {
    const m = machine();
    m.code.set([0xcc], 0x40);
    // push 0x3cd5 (flags with IOPL=3, IF=0); push 0x73; push target; iret
    runCode(m, [0x68, ...le(0x3cd5), 0x6a, 0x73, 0x68, ...le(CODE + 0x40), 0xcf]);
    expect(m.cpu.eip).toBe(CODE + 0x41);
    expect(m.cpu.getEflags() & 0x3ed5).toBe(0x0200 | 0xcd5 & 0x0ed5);
  });
});

describe("segment loads", () => {
  it("MOV Sreg and POP Sreg check the descriptor; CS cannot be loaded", () => {
    const m = machine();
    runCode(m, [0x6a, 0x7b, 0x07, 0x8c, 0xc0]); // push 0x7b; pop es; mov eax,es
    expect(m.cpu.r32[EAX] & 0xffff).toBe(0x7b);
    expect(runCode(machine(), [0x8e, 0xc8]).vector).toBe(6); // mov cs,ax
    const m2 = machine();
    const r = runCode(m2, [0x6a, 0x4b, 0x1f]); // push 0x4b; pop ds
    expect([r.vector, r.errorCode]).toEqual([13, 0x48]);
    expect(m2.cpu.r32[ESP]).toBe(STACK_TOP - 16 - 4); // the pop did not complete
  });
  it("SS refuses null and code selectors", () => {
    expect(runCode(machine(), [0x31, 0xc0, 0x8e, 0xd0]).vector).toBe(13);
    expect(runCode(machine(), [0xb8, 0x73, 0, 0, 0, 0x8e, 0xd0]).errorCode).toBe(0x70);
  });
  it("LGS loads a far pointer: offset to the register, selector to GS", () => {
    const m = machine();
    m.cpu.setDescriptor(7, { base: 0x1000, limit: 0xffffffff });
    new DataView(m.data.buffer).setUint32(0, 0x12345678, true);
    new DataView(m.data.buffer).setUint16(4, 0x3b, true);
    m.cpu.r32[EBX] = DATA;
    runCode(m, [0x0f, 0xb5, 0x0b]); // lgs ecx,[ebx]
    expect(m.cpu.r32[ECX]).toBe(0x12345678);
    expect(m.cpu.getState().gs).toEqual({ selector: 0x3b, base: 0x1000, limit: 0xffffffff });
  });
  it("a GS access beyond the segment limit raises #GP(0)", () => {
    const m = machine();
    m.cpu.setDescriptor(6, { base: DATA, limit: 0xff });
    const r = runCode(m, [0x6a, 0x33, 0x0f, 0xa9, 0x65, 0xa1, 0xfe, 0, 0, 0]);
    expect([r.vector, r.errorCode, m.cpu.eip]).toEqual([13, 0, CODE + 4]);
  });
});

describe("BOUND and INT1", () => {
  it("BOUND faults with #BR outside the bounds, EIP at the instruction", () => {
    const m = machine();
    const dv = new DataView(m.data.buffer);
    dv.setInt32(0, -5, true); dv.setInt32(4, 10, true);
    m.cpu.r32[EBX] = DATA;
    m.cpu.r32[EAX] = 10;
    expect(runCode(m, [0x62, 0x03]).vector).toBe(3); // in bounds: reaches int3
    m.cpu.r32[EAX] = 11;
    const r = runCode(m, [0x62, 0x03]);
    expect([r.kind, r.vector, m.cpu.eip]).toEqual(["fault", 5, CODE]);
  });
  it("INT1 traps with vector 1", () => {
    const m = machine();
    expect([runCode(m, [0xf1]).vector, m.cpu.eip]).toEqual([1, CODE + 1]);
  });
});
