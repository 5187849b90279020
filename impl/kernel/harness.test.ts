// Unit tests of the harness actions and kmemory.ts (spec/kernel-api/harness.md, common.md decision 3):
// loads and stores through translation, page by page, faulting at the first refused byte with no
// partial effect; object blocks read as zeros, swallow stores and become invalid, and show the bytes
// underneath again once the object is gone.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_READ, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import { KernelCallError } from "./kernel.js";
import { readTask, translateSpans, writeTask } from "./kmemory.js";
import type { KTask } from "./kobjects.js";
import { AT, KT, ROOT, page } from "./kvm-testkit.js";

const [T0] = AT.task;
const [R0, R1] = AT.region;
const [M0, M1] = AT.mapping;
const bytes = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe("harness_mem_read / harness_mem_write", () => {
  it("round-trips bytes across a page boundary", () => {
    const kt = new KT();
    kt.ok("harness_mem_write", { addr: page(9) - 3, bytes: bytes(7) });
    expect(kt.ok("harness_mem_read", { addr: page(9) - 4, len: 9 })).toEqual({ bytes: [0, ...bytes(7), 0] });
    expect(Array.from(kt.k.phys.read(9 * PAGE_SIZE - 3, 7))).toEqual(bytes(7));
  });

  it("object blocks read as zeros; a store into one is discarded, invalidates it, and the rest is written", () => {
    const kt = new KT();
    kt.ok("harness_mem_write", { addr: AT.ref[0] - 4, bytes: bytes(24, 100) });
    kt.ok("fluke_ref_create", { new_ref: AT.ref[0] });
    expect(kt.ok("harness_mem_read", { addr: AT.ref[0] - 4, len: 24 }).bytes).toEqual([100, 101, 102, 103, ...Array(16).fill(0), 120, 121, 122, 123]);
    kt.ok("harness_mem_write", { addr: AT.ref[0] - 2, bytes: [1, 2, 3, 4, 5] });
    expect(kt.obj(AT.ref[0])?.invalid).toBe(true);
    kt.insane("fluke_ref_check", { ref: AT.ref[0] }, "INVALID_OBJECT");
    expect(kt.ok("harness_mem_read", { addr: AT.ref[0] - 4, len: 4 }).bytes).toEqual([100, 101, 1, 2]);
    kt.ok("fluke_ref_destroy", { ref: AT.ref[0] }); // the bytes underneath show again
    expect(kt.ok("harness_mem_read", { addr: AT.ref[0], len: 4 }).bytes).toEqual([104, 105, 106, 107]);
  });

  it("a moved object's old block shows its earlier contents; the new block reads as zeros", () => {
    const kt = new KT();
    kt.ok("harness_mem_write", { addr: AT.free, bytes: bytes(16, 50) });
    kt.ok("fluke_ref_create", { new_ref: AT.ref[0] });
    kt.ok("harness_mem_write", { addr: AT.ref[0] + 16, bytes: [9] });
    kt.ok("fluke_ref_move", { old_addr: AT.ref[0], new_addr: AT.free });
    expect(kt.ok("harness_mem_read", { addr: AT.free, len: 16 }).bytes).toEqual(Array(16).fill(0));
    expect(kt.ok("harness_mem_read", { addr: AT.ref[0], len: 17 }).bytes).toEqual([...Array(16).fill(0), 9]);
  });

  it("faults at the first refused byte with no effect on earlier pages; write needs WRITE", () => {
    const kt = new KT({ pages: 16 });
    const end = page(16);
    expect(kt.run("harness_mem_read", { addr: end - 2, len: 4 })).toEqual({ kind: "fault", addr: end, access: "read" });
    expect(kt.run("harness_mem_write", { addr: end - 2, bytes: [1, 2, 3] })).toEqual({ kind: "fault", addr: end, access: "write" });
    expect(kt.ok("harness_mem_read", { addr: end - 2, len: 2 }).bytes).toEqual([0, 0]);
    expect(kt.run("harness_mem_read", { addr: 0x8000_0000, len: 1 })).toEqual({ kind: "fault", addr: 0x8000_0000, access: "read" });
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.region(R0, ROOT, page(8), PAGE_SIZE, FLUKE_PROT_READ);
    kt.mapping(M0, R0, T0, 0x1000_0000, PAGE_SIZE);
    const t0 = kt.obj(T0) as KTask;
    expect(() => writeTask(kt.k, t0, 0x1000_0000, Uint8Array.of(1))).toThrow(/fault write/);
    expect(readTask(kt.k, t0, 0x1000_0ffe, 2)).toEqual(new Uint8Array(2));
    expect(() => readTask(kt.k, t0, 0x1000_0fff, 2)).toThrow(/fault read at 0x10001000/);
  });

  it("accesses at most HARNESS_MAX_ACCESS bytes", () => {
    const kt = new KT();
    expect(kt.ok("harness_mem_read", { addr: page(8), len: 4096 }).bytes).toHaveLength(4096);
    expect(() => kt.k.step(kt.k.nameOf(kt.k.bootThread), { name: "harness_mem_read", args: { addr: page(8), len: 4097 } })).toThrow(KernelCallError);
  });
});

describe("kmemory through a task", () => {
  it("follows non-contiguous frames and aliases in order (the later byte wins)", () => {
    const kt = new KT();
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.region(R0, ROOT, page(8), 4 * PAGE_SIZE);
    kt.mapping(M0, R0, T0, 0x1000_0000, PAGE_SIZE, 3 * PAGE_SIZE); // T0 page 0 = root page 11
    kt.region(R1, ROOT, page(8), 4 * PAGE_SIZE);
    kt.mapping(M1, R1, T0, 0x1000_1000, 2 * PAGE_SIZE, 2 * PAGE_SIZE); // T0 pages 1, 2 = root pages 10, 11
    const t0 = kt.obj(T0) as KTask;
    expect(translateSpans(kt.k, t0, 0x1000_0ff0, 0x20, "read")).toEqual([
      { paddr: 12 * PAGE_SIZE - 16, at: 0, len: 16 }, { paddr: 10 * PAGE_SIZE, at: 16, len: 16 },
    ]);
    writeTask(kt.k, t0, 0x1000_0ffe, Uint8Array.of(1, 2, 3, 4));
    expect(Array.from(kt.k.phys.read(12 * PAGE_SIZE - 2, 2))).toEqual([1, 2]);
    writeTask(kt.k, t0, 0x1000_1ffe, Uint8Array.of(5, 6, 7, 8)); // root page 10 end, then page 11 start (alias of T0 page 0)
    expect(Array.from(readTask(kt.k, t0, 0x1000_0000, 2))).toEqual([7, 8]);
    expect(Array.from(kt.k.phys.read(11 * PAGE_SIZE - 2, 2))).toEqual([5, 6]);
  });

  it("a store covering several blocks writes the gaps between them and invalidates each", () => {
    const kt = new KT();
    kt.ok("fluke_ref_create", { new_ref: AT.ref[0] });
    kt.ok("fluke_ref_create", { new_ref: AT.ref[2] });
    expect(writeTask(kt.k, kt.k.rootTask, AT.ref[0] - 1, new Uint8Array(50).fill(0xee))).toBe(2);
    expect(kt.obj(AT.ref[0])?.invalid && kt.obj(AT.ref[2])?.invalid).toBe(true);
    expect(Array.from(kt.k.phys.read(AT.ref[1] - ROOT, 16))).toEqual(Array(16).fill(0xee));
    expect(Array.from(kt.k.phys.read(AT.ref[0] - ROOT, 16))).toEqual(Array(16).fill(0));
    expect(Array.from(kt.k.phys.read(AT.ref[2] - ROOT + 16, 2))).toEqual([0xee, 0]);
  });
});
