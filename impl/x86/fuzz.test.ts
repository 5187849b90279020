// Property test: ANY byte sequence as code ends in an architectural stop (fault, trap, budget)
// and never in a host exception or a hang, and runs deterministically. Random code is placed at
// random offsets of a code page whose neighbours are unmapped, with random registers.
// Seed: FLUKE_SEED or a fixed number, printed.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Cpu } from "./cpu.js";
import { PERM_R, PERM_W, PERM_X } from "./tlb.js";
import type { StopReason } from "./exception.js";

const SEED = Number(process.env.FLUKE_SEED ?? 0x5eed86);
const CODE = 0x0804_8000, DATA = 0x0805_0000;

function runRandom(bytes: number[], offset: number, regs: number[], flags: number): [StopReason, string] {
  const cpu = new Cpu();
  const code = new Uint8Array(4096), data = new Uint8Array(8192);
  code.set(bytes.slice(0, 4096 - offset), offset);
  cpu.mapPage(CODE >>> 12, code, 0, PERM_R | PERM_W | PERM_X);
  cpu.mapPage(DATA >>> 12, data, 0, PERM_R | PERM_W);
  cpu.mapPage((DATA >>> 12) + 1, data, 4096, PERM_R | PERM_W);
  regs.forEach((v, k) => { cpu.r32[k] = v; });
  cpu.setEflags(0x202 | (flags & 0xcd5));
  cpu.eip = CODE + offset;
  const stop = cpu.run(500);
  return [stop, JSON.stringify({ s: cpu.getState(), r: cpu.retired })];
}

describe("random code", () => {
  it("always stops architecturally and deterministically", () => {
    console.log(`fuzz seed ${SEED}`);
    const reg = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map((v) => v | 0), fc.constantFrom(DATA + 64, DATA + 4000, 0, -1));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }),
        fc.oneof(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 4030, max: 4095 })),
        fc.array(reg, { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 0xffff }),
        (bytes, offset, regs, flags) => {
          const [stop, state] = runRandom(bytes, offset, regs, flags);
          expect(["fault", "trap", "budget"]).toContain(stop.kind);
          if (stop.kind === "fault") expect([0, 5, 6, 12, 13, 14, 16]).toContain(stop.vector);
          if (stop.kind === "fault" && stop.vector === 14) expect(stop.access).not.toBeNull();
          const [again, state2] = runRandom(bytes, offset, regs, flags);
          expect(again).toEqual(stop);
          expect(state2).toBe(state);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
