// Tests of relative address spaces (model/memory.ts): translation through mapping -> region -> task
// chains, intersected rights, and who hears of a refused access (region null: the thread itself).
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_EXEC, FLUKE_PROT_NONE, FLUKE_PROT_READ, FLUKE_PROT_WRITE, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { MemFault } from "./errors.js";
import { mappingAt, nextMapped, paddrOfRootVa, readPhys, resolve, rootVa, translate, translateRange, writePhys } from "./memory.js";
import type { Oid } from "./state.js";
import { DATA, Vm } from "./vm-testkit.js";

const RW = FLUKE_PROT_READ | FLUKE_PROT_WRITE;

/** The MemFault `f` throws (fails the test if it throws nothing or something else). */
const faultOf = (f: () => unknown): MemFault => {
  try {
    f();
  } catch (e) {
    if (e instanceof MemFault) return e;
    throw e;
  }
  throw new Error("expected a fault");
};

/** Root DATA..+0x4000 -> region R1 -> child at 0x100000 (mapping M1); child 0x100000..+0x2000 -> R2 -> grandchild at 0x200000 (M2). */
const chain = (p1 = FLUKE_PROT_ALL, m1 = FLUKE_PROT_ALL, p2 = FLUKE_PROT_ALL, m2 = FLUKE_PROT_ALL) => {
  const v = new Vm();
  const child = v.task();
  const r1 = v.region(ROOT_TASK_VA, DATA, 0x4000, p1);
  const mp1 = v.mapping(child, r1, 0, 0x100000, 0x4000, m1);
  const grand = v.task();
  const r2 = v.region(child, 0x100000, 0x2000, p2);
  const mp2 = v.mapping(grand, r2, 0, 0x200000, 0x3000, m2);
  const id = (va: number): Oid => v.oid(va);
  return { v, s: () => v.d.s, child: id(child), grand: id(grand), r1: id(r1), r2: id(r2), m1: mp1, m2: mp2, id };
};

describe("translate", () => {
  it("is the identity onto physical memory in the root task, and faults past its end", () => {
    const c = chain();
    const root = c.id(ROOT_TASK_VA);
    expect(translate(c.s(), root, DATA + 5, "write")).toEqual({ paddr: paddrOfRootVa(DATA + 5), prot: FLUKE_PROT_ALL });
    expect(faultOf(() => translate(c.s(), root, rootVa(c.s().physBytes), "read")).region).toBeNull();
  });
  it("follows a chain of depth 2 to the same physical byte, intersecting rights", () => {
    const c = chain(FLUKE_PROT_ALL, RW | FLUKE_PROT_EXEC, RW, FLUKE_PROT_ALL);
    expect(translate(c.s(), c.grand, 0x200010, "read")).toEqual({ paddr: paddrOfRootVa(DATA + 0x10), prot: RW });
    expect(translate(c.s(), c.child, 0x100010, "exec")).toEqual({ paddr: paddrOfRootVa(DATA + 0x10), prot: RW | FLUKE_PROT_EXEC });
  });
  it("no mapping at the caller's level: the thread's own fault (region null)", () => {
    const c = chain();
    const f = faultOf(() => translate(c.s(), c.child, 0x500000, "read"));
    expect(f).toMatchObject({ addr: 0x500000, access: "read", region: null });
  });
  it("the caller's own mapping refuses: the thread's own fault (published mapping overview)", () => {
    const c = chain(FLUKE_PROT_ALL, FLUKE_PROT_READ);
    expect(faultOf(() => translate(c.s(), c.child, 0x100000, "write")).region).toBeNull();
  });
  it("a region's ceiling refuses: its keeper hears (the fault names it), at any depth", () => {
    const c = chain(FLUKE_PROT_READ);
    expect(faultOf(() => translate(c.s(), c.child, 0x100000, "write")).region).toBe(c.r1);
    expect(faultOf(() => translate(c.s(), c.grand, 0x200000, "write")).region).toBe(c.r1);
    const d = chain(FLUKE_PROT_ALL, FLUKE_PROT_ALL, FLUKE_PROT_READ);
    expect(faultOf(() => translate(d.s(), d.grand, 0x200000, "write")).region).toBe(d.r2);
  });
  it("a higher-level mapping refuses: the region through which the access came hears", () => {
    const c = chain(FLUKE_PROT_ALL, FLUKE_PROT_READ);
    expect(faultOf(() => translate(c.s(), c.grand, 0x200000, "write")).region).toBe(c.r2);
  });
  it("past the region's end (a mapping longer than its region): the region's keeper hears", () => {
    const c = chain();
    expect(faultOf(() => translate(c.s(), c.grand, 0x202000, "read")).region).toBe(c.r2);
  });
  it("a region whose task is gone or null faults naming the region", () => {
    const c = chain();
    const r1va = [...c.s().objects.values()].find((o) => o.oid === c.r1)!;
    c.v.d.ok("fluke_region_set_state", { region: rootVa(r1va.paddr), state: null, task_ref: c.v.ref(0), keeper_ref: 0 });
    expect(faultOf(() => translate(c.s(), c.child, 0x100000, "read")).region).toBe(c.r1);
  });
  it("a hole in an intermediate task faults naming the region above it", () => {
    const c = chain();
    c.v.d.ok("fluke_mapping_set_state", { mapping: c.m1, state: { hash: 0, region_off: 0, start_va: 0x101000, size: 0x1000, prot: FLUKE_PROT_ALL }, region_ref: 0, task_ref: 0 });
    expect(faultOf(() => translate(c.s(), c.grand, 0x200000, "read")).region).toBe(c.r2);
    expect(translate(c.s(), c.grand, 0x201000, "read").paddr).toBe(paddrOfRootVa(DATA));
  });
  it("a cycle is cut at FLUKE_MAX_CHAIN and is a fault (decision 8)", () => {
    const v = new Vm();
    const t = v.task();
    const r = v.region(t, 0x100000, 0x1000, FLUKE_PROT_ALL);
    v.mapping(t, r, 0, 0x100000, 0x1000, FLUKE_PROT_ALL);
    expect(faultOf(() => translate(v.d.s, v.oid(t), 0x100000, "read")).region).toBeNull();
  });
});

describe("resolve", () => {
  it("finds the physical byte whatever the rights, and undefined where nothing is mapped", () => {
    const c = chain(FLUKE_PROT_NONE, FLUKE_PROT_NONE);
    expect(resolve(c.s(), c.grand, 0x200020)).toBe(paddrOfRootVa(DATA + 0x20));
    expect(resolve(c.s(), c.grand, 0x202000)).toBeUndefined();
  });
});

describe("nextMapped", () => {
  it("gives the first mapped address at or above va in a task's own mappings", () => {
    const c = chain();
    expect(nextMapped(c.s(), c.child, 0x2000)).toBe(0x100000);
    expect(nextMapped(c.s(), c.child, 0x100123)).toBe(0x100123);
    expect(nextMapped(c.s(), c.child, 0x104000)).toBe(Infinity);
    expect(nextMapped(c.s(), c.id(ROOT_TASK_VA), 0x5000)).toBe(0x5000);
    expect(nextMapped(c.s(), c.id(ROOT_TASK_VA), rootVa(c.s().physBytes))).toBe(Infinity);
  });
});

describe("translateRange", () => {
  it("returns one physical address per byte across pages, and faults at the first refused page", () => {
    const c = chain();
    const ps = translateRange(c.s(), c.child, 0x100ffe, 4, "read");
    expect(ps).toEqual([0xffe, 0xfff, 0x1000, 0x1001].map((x) => paddrOfRootVa(DATA) + x));
    expect(faultOf(() => translateRange(c.s(), c.grand, 0x201ffe, 4, "read"))).toMatchObject({ addr: 0x202000, region: c.r2 });
  });
});

describe("mappingAt", () => {
  it("finds the mapping of a task covering an address, not another task's", () => {
    const c = chain();
    expect(mappingAt(c.s(), c.child, 0x103fff)?.start_va).toBe(0x100000);
    expect(mappingAt(c.s(), c.child, 0x104000)).toBeUndefined();
    expect(mappingAt(c.s(), c.grand, 0x100000)).toBeUndefined();
  });
});

describe("physical memory", () => {
  it("reads zeros where nothing was written, and writes across page boundaries without sharing pages", () => {
    const v = new Vm();
    const s0 = v.d.s;
    expect(readPhys(s0, 100, 3)).toEqual([0, 0, 0]);
    const s1 = { ...s0, pages: new Map(s0.pages) };
    writePhys(s1, PAGE_SIZE - 1, [1, 2]);
    expect(readPhys(s1, PAGE_SIZE - 2, 4)).toEqual([0, 1, 2, 0]);
    expect(readPhys(s0, PAGE_SIZE - 1, 2)).toEqual([0, 0]);
    expect(paddrOfRootVa(rootVa(1234))).toBe(1234);
  });
});
