// Tests of the harness actions (spec/kernel-api/harness.md): loads and stores through the thread's
// task, faults like a processor's, and object blocks that belong to the kernel (decision 3).
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ } from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { DATA, Vm } from "./vm-testkit.js";

/** Root DATA..+0x2000 mapped into a child at 0x100000 with `prot`; a thread in the child. */
const child = (prot: number) => {
  const v = new Vm();
  const task = v.task();
  const region = v.region(ROOT_TASK_VA, DATA, 0x2000, FLUKE_PROT_ALL);
  v.mapping(task, region, 0, 0x100000, 0x2000, prot);
  return { v, thread: v.thread(task) };
};

describe("harness_mem_read", () => {
  it("reads what the root wrote, through the child's mapping, across a page boundary", () => {
    const c = child(FLUKE_PROT_ALL);
    c.v.d.ok("harness_mem_write", { addr: DATA + 0xffe, bytes: [1, 2, 3, 4] });
    expect(c.v.d.ok("harness_mem_read", { addr: 0x100ffe, len: 4 }, c.thread)).toEqual({ bytes: [1, 2, 3, 4] });
  });
  it("faults (read) outside the thread's mappings, at the first refused byte", () => {
    const c = child(FLUKE_PROT_ALL);
    expect(c.v.try("harness_mem_read", { addr: 0x101ffe, len: 4 }, c.thread)).toEqual({ kind: "fault", addr: 0x102000, access: "read" });
  });
  it("reads an object's block as zeros; the bytes under it come back when it is destroyed (ours)", () => {
    const v = new Vm();
    v.d.ok("harness_mem_write", { addr: DATA, bytes: [9, 9, 9, 9] });
    v.d.ok("fluke_ref_create", { new_ref: DATA });
    expect(v.d.ok("harness_mem_read", { addr: DATA, len: 4 })).toEqual({ bytes: [0, 0, 0, 0] });
    v.d.ok("fluke_ref_destroy", { ref: DATA });
    expect(v.d.ok("harness_mem_read", { addr: DATA, len: 4 })).toEqual({ bytes: [9, 9, 9, 9] });
  });
});

describe("harness_mem_write", () => {
  it("writes through the child's mapping into the root's memory", () => {
    const c = child(FLUKE_PROT_ALL);
    c.v.d.ok("harness_mem_write", { addr: 0x101000, bytes: [5, 6] }, c.thread);
    expect(c.v.d.ok("harness_mem_read", { addr: DATA + 0x1000, len: 2 })).toEqual({ bytes: [5, 6] });
  });
  it("faults (write) where the mapping allows only reading, changing nothing", () => {
    const c = child(FLUKE_PROT_READ);
    expect(c.v.try("harness_mem_write", { addr: 0x100000, bytes: [1] }, c.thread)).toEqual({ kind: "fault", addr: 0x100000, access: "write" });
    expect(c.v.d.ok("harness_mem_read", { addr: DATA, len: 1 })).toEqual({ bytes: [0] });
  });
  it("a store into a live object's block is discarded and makes the object invalid (decision 3)", () => {
    const v = new Vm();
    const t = v.task();
    v.d.ok("harness_mem_write", { addr: t - 2, bytes: [1, 2, 3, 4] });
    expect(v.obj(t)).toMatchObject({ invalid: true });
    expect(v.try("fluke_task_get_state", { task: t, keeper_ref: 0 })).toEqual({ kind: "insanity", code: "INVALID_OBJECT" });
    expect(v.d.ok("harness_mem_read", { addr: t - 2, len: 4 })).toEqual({ bytes: [1, 2, 0, 0] });
    v.d.ok("fluke_task_destroy", { task: t });
    expect(v.d.ok("harness_mem_read", { addr: t - 2, len: 4 })).toEqual({ bytes: [1, 2, 0, 0] });
  });
});
