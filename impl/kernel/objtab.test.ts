// The object table: lookup by physical address, overlap checks, moves, write invalidation.
import { describe, expect, it } from "vitest";
import { ObjectTable, type KObjBase } from "./objtab.js";

const obj = (type: KObjBase["type"], paddr: number): KObjBase => ({ type, paddr, hash: 0, invalid: false, alive: true });

describe("kernel object table", () => {
  it("finds objects by address and refuses overlaps", () => {
    const t = new ObjectTable();
    const th = obj("thread", 0x1080);
    t.add(th);
    expect(t.at(0x1080)).toBe(th);
    expect(t.isFree(0x1100, "ref")).toBe(true);
    expect(t.isFree(0x10f0, "ref")).toBe(false);
    expect(() => t.add(obj("ref", 0x10f0))).toThrow(/overlaps/);
  });
  it("moves an object and invalidates the ones a write touches", () => {
    const t = new ObjectTable();
    const m = obj("mutex", 0x2000);
    const r = obj("ref", 0x2010);
    t.add(m); t.add(r);
    t.move(m, 0x3000);
    expect(t.at(0x2000)).toBeUndefined();
    expect(t.onFrame(3)?.has(m)).toBe(true);
    expect(t.invalidateWritten(0x201f, 2)).toBe(1);
    expect(r.invalid).toBe(true);
    expect(m.invalid).toBe(false);
    t.remove(r);
    expect(r.alive).toBe(false);
    expect(t.size).toBe(1);
  });
});
