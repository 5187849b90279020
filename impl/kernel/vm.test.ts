// Relative address spaces on the concrete kernel's data structures: chains, intersection of rights,
// revocation at depth through cache invalidation, TLB listeners, cycles.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_VM_MIN, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import {
  attachMapping, attachRegion, detachMapping, detachRegion, invalidateRegion, newVmMapping, newVmRegion, newVmTask,
  translatePage, type VmRegion, type VmTask,
} from "./vm.js";

const PHYS = 64;
const RW = FLUKE_PROT_READ | FLUKE_PROT_WRITE;

/** Export [start, start+size) of `over` as a region and map it into `into` at `at`. */
const link = (over: VmTask, start: number, size: number, into: VmTask, at: number, prot = FLUKE_PROT_ALL): VmRegion => {
  const r = newVmRegion();
  Object.assign(r, { start, size, prot, task: over });
  attachRegion(r);
  const m = newVmMapping();
  Object.assign(m, { start: at, size, regionOff: 0, prot, region: r, task: into });
  attachMapping(m);
  return r;
};

describe("kernel vm", () => {
  const root = newVmTask(true);
  it("translates root addresses to physical frames", () => {
    expect(translatePage(root, FLUKE_VM_MIN + 3 * PAGE_SIZE, RW, PHYS)).toBe(3 * 16 + FLUKE_PROT_ALL);
    expect(translatePage(root, FLUKE_VM_MIN + PHYS * PAGE_SIZE, RW, PHYS)).toEqual({ addr: FLUKE_VM_MIN + PHYS * PAGE_SIZE, region: null, off: 0 });
  });

  it("follows a three-level chain and intersects rights", () => {
    const a = newVmTask(), b = newVmTask(), c = newVmTask();
    link(root, FLUKE_VM_MIN + 8 * PAGE_SIZE, 4 * PAGE_SIZE, a, 0x10000);
    link(a, 0x10000, 4 * PAGE_SIZE, b, 0x20000, RW);
    const r3 = link(b, 0x21000, 2 * PAGE_SIZE, c, 0x30000, FLUKE_PROT_READ);
    expect(translatePage(c, 0x30000, FLUKE_PROT_READ, PHYS)).toBe(9 * 16 + FLUKE_PROT_READ);
    // c's own mapping refuses the write: the fault is c's own (no region keeper).
    expect(translatePage(c, 0x30000, FLUKE_PROT_WRITE, PHYS)).toEqual({ addr: 0x30000, region: null, off: 0 });
    // A read past the region r3's end is r3's fault.
    r3.size = PAGE_SIZE;
    invalidateRegion(r3);
    expect(translatePage(c, 0x31000, FLUKE_PROT_READ, PHYS)).toEqual({ addr: 0x31000, region: r3, off: 0x1000 });
    expect(translatePage(c, 0x32000, FLUKE_PROT_READ, PHYS)).toEqual({ addr: 0x32000, region: null, off: 0 });
  });

  it("revokes derived translations at every depth when a region at the top changes", () => {
    const a = newVmTask(), b = newVmTask(), c = newVmTask();
    const top = link(root, FLUKE_VM_MIN, 4 * PAGE_SIZE, a, 0x10000);
    link(a, 0x10000, 4 * PAGE_SIZE, b, 0x20000);
    link(b, 0x20000, 4 * PAGE_SIZE, c, 0x30000);
    let flushed = 0;
    c.listeners.add(() => flushed++);
    expect(typeof translatePage(c, 0x31000, FLUKE_PROT_READ, PHYS)).toBe("number");
    expect(c.cache.size).toBe(1);
    detachRegion(top);
    top.prot = 0;
    attachRegion(top);
    expect(flushed).toBeGreaterThan(0);
    expect(c.cache.size).toBe(0);
    expect(translatePage(c, 0x31000, FLUKE_PROT_READ, PHYS)).toEqual({ addr: 0x31000, region: top, off: 0x1000 });
  });

  it("destroying a middle mapping faults the lower levels with no region", () => {
    const a = newVmTask(), b = newVmTask();
    link(root, FLUKE_VM_MIN, PAGE_SIZE, a, 0x10000);
    const r = link(a, 0x10000, PAGE_SIZE, b, 0x20000);
    expect(typeof translatePage(b, 0x20000, FLUKE_PROT_READ, PHYS)).toBe("number");
    const m = [...r.mappings][0]!;
    detachMapping(m);
    expect(translatePage(b, 0x20000, FLUKE_PROT_READ, PHYS)).toEqual({ addr: 0x20000, region: null, off: 0 });
  });

  it("ends a cycle of mappings with a fault instead of looping", () => {
    const a = newVmTask(), b = newVmTask();
    link(a, 0x10000, PAGE_SIZE, b, 0x10000);
    link(b, 0x10000, PAGE_SIZE, a, 0x10000);
    expect(translatePage(a, 0x10000, FLUKE_PROT_READ, PHYS)).toEqual({ addr: 0x10000, region: null, off: 0 });
    invalidateRegion([...a.regionsOver][0]!);
  });
});
