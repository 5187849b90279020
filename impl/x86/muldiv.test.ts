// Property test of the 64/32-bit DIV and IDIV of impl/x86/muldiv.ts against BigInt arithmetic,
// including the #DE cases (quotient overflow, zero divisor). Seed: FLUKE_SEED or fixed, printed.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { machine, runCode } from "./testing.js";

const SEED = Number(process.env.FLUKE_SEED ?? 0xd1f);

function run(op: number, edx: number, eax: number, d: number): { fault: boolean; eax: number; edx: number } {
  const m = machine();
  m.cpu.r32[2] = edx; m.cpu.r32[0] = eax; m.cpu.r32[1] = d;
  const r = runCode(m, [0xf7, op]);
  return { fault: r.kind === "fault", eax: m.cpu.r32[0] >>> 0, edx: m.cpu.r32[2] >>> 0 };
}

const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe));

describe("64/32 division", () => {
  it("DIV and IDIV match BigInt and fault exactly when the quotient does not fit", () => {
    console.log(`muldiv seed ${SEED}`);
    fc.assert(fc.property(u32, u32, u32, (hi, lo, d) => {
      const n = (BigInt(hi) << 32n) | BigInt(lo), bd = BigInt(d);
      const du = run(0xf1, hi, lo, d);
      if (d === 0 || n / bd > 0xffffffffn) expect(du.fault).toBe(true);
      else expect(du).toEqual({ fault: false, eax: Number(n / bd), edx: Number(n % bd) });
      const sn = BigInt.asIntN(64, n), sd = BigInt(d | 0);
      const di = run(0xf9, hi, lo, d);
      if (sd === 0n || sn / sd > 0x7fffffffn || sn / sd < -0x80000000n) expect(di.fault).toBe(true);
      else expect(di).toEqual({ fault: false, eax: Number(BigInt.asUintN(32, sn / sd)), edx: Number(BigInt.asUintN(32, sn % sd)) });
    }), { seed: SEED, numRuns: 3000 });
  });
});
