// Unit tests of the rounding core: precision control, the four rounding modes, tininess after
// rounding with masked underflow (denormalisation), unmasked overflow re-biasing, C1.

import { describe, expect, it } from "vitest";
import { toHex } from "./float80.js";
import { makeCtx, OE, PE, roundExt, UE } from "./round.js";

const J = 1n << 63n;

describe("roundExt", () => {
  it("rounds a 65-bit halfway value to even, and up/down per RC", () => {
    const m = (J << 1n) | 3n; // 1.000...011 (65 bits): exactly halfway above an odd lsb
    const rn = makeCtx(0x037f);
    expect(toHex(roundExt(rn, 0, m, -64))).toBe("3fff8000000000000002");
    expect(rn.flags).toBe(PE);
    expect(rn.c1).toBe(1);
    const rz = makeCtx(0x0f7f);
    expect(toHex(roundExt(rz, 0, m, -64))).toBe("3fff8000000000000001");
    expect(rz.c1).toBe(0);
    const rd = makeCtx(0x077f);
    expect(toHex(roundExt(rd, 1, m, -64))).toBe("bfff8000000000000002");
  });

  it("honours precision control 24 and 53", () => {
    const m = J | 0xffffffn; // low bits set below the 24-bit and 53-bit positions
    expect(toHex(roundExt(makeCtx(0x007f), 0, m, -63))).toBe("3fff8000000000000000");
    expect(toHex(roundExt(makeCtx(0x027f), 0, m, -63))).toBe("3fff8000000001000000");
  });

  it("denormalises tiny results when UE is masked, re-biases when unmasked", () => {
    const masked = makeCtx(0x037f);
    expect(toHex(roundExt(masked, 0, 3n, -16447))).toBe("00000000000000000001");
    expect(masked.flags).toBe(UE | PE);
    const unmasked = makeCtx(0x036f);
    expect(toHex(roundExt(unmasked, 0, J, -63 - 16383 - 10))).toBe("5ff68000000000000000"); // 2^-16393: biased -10 + 24576
    expect(unmasked.flags).toBe(UE);
  });

  it("overflows to infinity or the largest finite value per RC", () => {
    expect(toHex(roundExt(makeCtx(0x037f), 0, J, 16384 - 63))).toBe("7fff8000000000000000");
    const rz = makeCtx(0x0f7f);
    expect(toHex(roundExt(rz, 0, J, 16384 - 63))).toBe("7ffeffffffffffffffff");
    expect(rz.flags).toBe(OE | PE);
  });
});
