// Unit and property tests of the x87 Fpu interface: decoding (#UD for encodings a P6 lacks),
// pending-exception delivery (#MF), fault atomicity of memory operands, environment images,
// FCOMI's EFLAGS, and + - * / sqrt under PC = 53 against the host's IEEE double arithmetic.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bufferMemory, EA } from "./difftest/emulate.js";
import { Fpu, LINUX_CW, VEC_MF, VEC_UD, type FpuMemory } from "./index.js";

const SEED = Number(process.env.FLUKE_SEED ?? 0x87);

function memory(bytes = 128): { buf: number[]; mem: FpuMemory } {
  const buf = new Array<number>(bytes).fill(0);
  return { buf, mem: bufferMemory(buf) };
}

function putF64(buf: number[], v: number): void {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  for (let i = 0; i < 8; i++) buf[i] = dv.getUint8(i);
}

function getF64(buf: number[]): number {
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 8; i++) dv.setUint8(i, buf[i]!);
  return dv.getFloat64(0, true);
}

/** FLD m64 (DD /0), with the operand at EA. */
function fldDouble(fpu: Fpu, buf: number[], mem: FpuMemory, v: number): void {
  putF64(buf, v);
  expect(fpu.exec(0xdd, 0x07, EA, mem, 0)).toBe(0);
}

function fldcw(fpu: Fpu, buf: number[], mem: FpuMemory, cw: number): void {
  buf[0] = cw & 0xff;
  buf[1] = cw >> 8;
  expect(fpu.exec(0xd9, 0x2f, EA, mem, 0)).toBe(0);
}

describe("Fpu interface", () => {
  it("starts like a Linux process: CW 0x037F, empty stack", () => {
    const s = new Fpu().getState();
    expect(s.cw).toBe(LINUX_CW);
    expect(s.sw).toBe(0);
    expect(s.tw).toBe(0xffff);
  });

  it("rejects encodings a P6 does not have with #UD", () => {
    const { mem } = memory();
    const fpu = new Fpu();
    for (const [op, modrm] of [
      [0xd9, 0x0f], // D9 /1 reserved
      [0xdb, 0x0f], // FISTTP m32 (SSE3)
      [0xdd, 0x0f], // FISTTP m64 (SSE3)
      [0xdf, 0x0f], // FISTTP m16 (SSE3)
      [0xd9, 0xd1],
      [0xd9, 0xe2],
      [0xdb, 0xe5],
      [0xdf, 0xe1],
    ] as const)
      expect(fpu.exec(op, modrm, EA, mem, 0), `${op.toString(16)} ${modrm.toString(16)}`).toBe(VEC_UD);
    expect(Fpu.nameOf(0xdb, 0x0f)).toBeNull();
    expect(Fpu.nameOf(0xd9, 0xeb)).toBe("FLDPI");
  });

  it("delivers an unmasked exception at the next waiting instruction (#MF), not at FN* ones", () => {
    const { buf, mem } = memory();
    const fpu = new Fpu();
    fldcw(fpu, buf, mem, 0x037b); // unmask ZE
    expect(fpu.exec(0xd9, 0xe8, 0, mem, 0)).toBe(0); // FLD1
    expect(fpu.exec(0xd9, 0xee, 0, mem, 0)).toBe(0); // FLDZ
    expect(fpu.exec(0xde, 0xf9, 0, mem, 0)).toBe(0); // FDIVP: 1/0, unmasked ZE
    expect(fpu.statusWord() & 0x8084).toBe(0x8084); // B, ES, ZE
    expect((fpu.statusWord() >> 11) & 7).toBe(6); // operands untouched, nothing popped
    expect(fpu.getState().tw >> 12).toBe(0x1); // p6 = ST(0) = +0 (tag 01), p7 = ST(1) = 1.0 (tag 00)
    expect(fpu.exec(0x9b, 0, 0, mem, 0)).toBe(VEC_MF); // FWAIT
    expect(fpu.exec(0xd9, 0xe8, 0, mem, 0)).toBe(VEC_MF); // FLD1 waits
    expect(fpu.exec(0xdf, 0xe0, 0, mem, 0)).toBe(0); // FNSTSW AX does not
    expect(fpu.exec(0xdb, 0xe2, 0, mem, 0)).toBe(0); // FNCLEX
    expect(fpu.exec(0x9b, 0, 0, mem, 0)).toBe(0);
  });

  it("leaves the state untouched when a store faults", () => {
    const { buf, mem } = memory();
    const fpu = new Fpu();
    fldDouble(fpu, buf, mem, 2.5);
    const before = JSON.stringify(fpu.getState());
    const faulting: FpuMemory = {
      ...mem,
      probeWrite: () => {
        throw new Error("#PF");
      },
    };
    expect(() => fpu.exec(0xdd, 0x1f, EA, faulting, 0)).toThrow("#PF"); // FSTP m64
    expect(JSON.stringify(fpu.getState())).toBe(before);
  });

  it("round-trips FNSAVE / FRSTOR and FNSTENV masks all exceptions", () => {
    const { buf, mem } = memory();
    const fpu = new Fpu();
    fldDouble(fpu, buf, mem, -3.25);
    expect(fpu.exec(0xd9, 0xeb, 0, mem, 0)).toBe(0); // FLDPI
    const state = fpu.getState();
    expect(fpu.exec(0xdd, 0x37, EA, mem, 0)).toBe(0); // FNSAVE
    expect(fpu.getState().tw).toBe(0xffff);
    expect(fpu.exec(0xdd, 0x27, EA, mem, 0)).toBe(0); // FRSTOR
    const back = fpu.getState();
    expect([back.cw, back.sw, back.tw]).toEqual([state.cw, state.sw, state.tw]);
    expect(back.regs.map((r) => [...r])).toEqual(state.regs.map((r) => [...r]));
    fldcw(fpu, buf, mem, 0x0360);
    expect(fpu.exec(0xd9, 0x37, EA, mem, 0)).toBe(0); // FNSTENV
    expect(buf[0]! | (buf[1]! << 8)).toBe(0x0360);
    expect(fpu.getState().cw).toBe(0x037f);
  });

  it("reports FCOMI results as ZF/PF/CF", () => {
    const { buf, mem } = memory();
    const fpu = new Fpu();
    const cmp = (a: number, b: number): number => {
      fpu.reset();
      fldDouble(fpu, buf, mem, b);
      fldDouble(fpu, buf, mem, a);
      expect(fpu.lastEflagsUpdate()).toBe(-1);
      expect(fpu.exec(0xdb, 0xf1, 0, mem, 0x8d5)).toBe(0); // FCOMI ST(1)
      return fpu.lastEflagsUpdate();
    };
    expect(cmp(2, 1)).toBe(0);
    expect(cmp(1, 2)).toBe(0x01);
    expect(cmp(1, 1)).toBe(0x40);
    expect(cmp(NaN, 1)).toBe(0x45);
  });
});

describe("arithmetic under PC = 53 agrees with IEEE double", () => {
  const normal = fc.double({ min: -1e150, max: 1e150, noNaN: true }).filter((x) => x === 0 || Math.abs(x) > 1e-150);
  const ops: [string, number, (a: number, b: number) => number][] = [
    ["FADD", 0x07, (a, b) => a + b],
    ["FSUB", 0x27, (a, b) => a - b],
    ["FMUL", 0x0f, (a, b) => a * b],
    ["FDIV", 0x37, (a, b) => a / b],
  ];
  for (const [name, modrm, f] of ops) {
    it(`${name} m64 (seed ${SEED})`, () => {
      console.log(`fast-check seed for ${name}: ${SEED}`);
      fc.assert(
        fc.property(normal, normal, (a, b) => {
          const { buf, mem } = memory();
          const fpu = new Fpu();
          fldcw(fpu, buf, mem, 0x027f);
          fldDouble(fpu, buf, mem, a);
          putF64(buf, b);
          expect(fpu.exec(0xdc, modrm, EA, mem, 0)).toBe(0);
          expect(fpu.exec(0xdd, 0x1f, EA, mem, 0)).toBe(0); // FSTP m64
          expect(Object.is(getF64(buf), f(a, b)) || (isNaN(getF64(buf)) && isNaN(f(a, b)))).toBe(true);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  }

  it(`FSQRT (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e300, noNaN: true }), (a) => {
        const { buf, mem } = memory();
        const fpu = new Fpu();
        fldcw(fpu, buf, mem, 0x027f);
        fldDouble(fpu, buf, mem, a);
        expect(fpu.exec(0xd9, 0xfa, 0, mem, 0)).toBe(0);
        expect(fpu.exec(0xdd, 0x1f, EA, mem, 0)).toBe(0);
        expect(getF64(buf)).toBe(Math.sqrt(a));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
