// Physical memory: lazy frames, spans across chunk boundaries, range checks.
import { describe, expect, it } from "vitest";
import { PhysMem } from "./physmem.js";

describe("kernel physmem", () => {
  it("reads zeros from untouched frames and keeps what is written across chunk boundaries", () => {
    const m = new PhysMem(512 * 4096);
    expect(m.untouched(300)).toBe(true);
    expect([...m.read(300 * 4096, 4)]).toEqual([0, 0, 0, 0]);
    const edge = 256 * 4096 - 3;
    m.write(edge, Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect([...m.read(edge, 6)]).toEqual([1, 2, 3, 4, 5, 6]);
    const f = m.frame(256);
    expect(f.buf[f.offset + 2]).toBe(6);
  });
  it("refuses ranges outside memory and bad sizes", () => {
    const m = new PhysMem(4096);
    expect(() => m.read(4090, 10)).toThrow(RangeError);
    expect(() => m.frame(1)).toThrow(RangeError);
    expect(() => new PhysMem(100)).toThrow(RangeError);
  });
});
