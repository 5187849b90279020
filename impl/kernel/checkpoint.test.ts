// The checkpointer (checkpoint.ts) on the concrete kernel alone: an export and rebuild round trip of a
// small child (the rebuilt child exports the same objects, links and bytes), and its refusals: a link to
// an object outside the child, a call that fails, a full scratch area. The full scenario with blocked
// threads, in lockstep with the model, is conformance/kernel-checkpoint.test.ts.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import { ApiError, Checkpointer } from "./checkpoint.js";
import { Kernel } from "./kernel.js";

const BOOT = 0x1080;
const ROOT = 0x1000;
const BASE = 0x100000;
const SIZE = 2 * PAGE_SIZE;

/** A kernel, a checkpointer acting as the boot thread, and a child task at `at` over root memory `mem`. */
const world = () => {
  const k = new Kernel();
  const cp = new Checkpointer((name, args) => k.step(BOOT, { name, args }).outcome, { start: 0x10000, end: 0x10400 });
  const child = (at: number, mem: number): void => {
    cp.ok("fluke_task_create", { new_task: at });
    cp.ok("fluke_region_create", { new_region: at + 0x40 });
    cp.ok("fluke_region_set_state", { region: at + 0x40, state: { hash: 0, start_va: mem, size: SIZE, prot: FLUKE_PROT_ALL }, task_ref: cp.ref(ROOT), keeper_ref: 0 });
    cp.ok("fluke_mapping_create", { new_mapping: at + 0x60 });
    cp.ok("fluke_mapping_set_state", { mapping: at + 0x60, state: { hash: 0, region_off: 0, start_va: BASE, size: SIZE, prot: FLUKE_PROT_ALL }, region_ref: cp.ref(at + 0x40, "region"), task_ref: cp.ref(at) });
  };
  return { k, cp, child };
};

describe("checkpointer on the kernel", () => {
  it("exports a child (a port in a set, references to them and to the child, bytes) and rebuilds it elsewhere", () => {
    const { cp, child } = world();
    const A = 0x20000;
    const B = 0x24000;
    child(0x8000, A);
    cp.ok("fluke_pset_create_hash", { new_pset: A + 0x20, hash: 77 });
    cp.ok("fluke_port_create", { new_port: A + 0x40 });
    cp.ok("fluke_ref_create", { new_ref: A + 0x60 });
    cp.ok("fluke_pset_reference", { pset: A + 0x20, new_pset_ref: A + 0x60 });
    cp.ok("fluke_port_set_state", { port: A + 0x40, state: { hash: 0, alias: 3 }, pset_ref: A + 0x60 });
    cp.ok("fluke_ref_create", { new_ref: A + 0x70 });
    cp.ok("fluke_task_reference", { task: 0x8000, new_task_ref: A + 0x70 });
    cp.ok("harness_mem_write", { addr: A + PAGE_SIZE + 5, bytes: [4, 5, 6] });
    const e = cp.export(0x8040, A, SIZE, 0x8000);
    expect(e.objs.map((o) => [o.type, o.off])).toEqual([["pset", 0x20], ["port", 0x40], ["ref", 0x60], ["ref", 0x70]]);
    expect(e.objs[1]!.links).toEqual([{ to: "internal", index: 0 }]);
    expect(e.objs[3]!.links).toEqual([{ to: "self" }]);
    expect(e.bytes.slice(PAGE_SIZE + 5, PAGE_SIZE + 8)).toEqual([4, 5, 6]);
    child(0x8100, B);
    cp.restore(e, B, 0x8100);
    expect(cp.export(0x8140, B, SIZE, 0x8100)).toEqual(e);
  });

  it("refuses a child linked to an object outside it, reports a failing call, and a full scratch area", () => {
    const { cp, child } = world();
    const A = 0x20000;
    child(0x8000, A);
    cp.ok("fluke_pset_create", { new_pset: 0x9000 }); // the parent's, outside the child
    cp.ok("fluke_port_create", { new_port: A + 0x40 });
    cp.ok("fluke_port_set_state", { port: A + 0x40, state: { hash: 0, alias: 0 }, pset_ref: cp.ref(0x9000, "pset") });
    expect(() => cp.export(0x8040, A, SIZE, 0x8000)).toThrow(/outside the child/);
    expect(() => {
      for (let i = 0; i < 100; i++) cp.ref();
    }).toThrow(/scratch area full/);
    expect(() => cp.ok("fluke_port_destroy", { port: A + 0x80 })).toThrow(ApiError); // NO_OBJECT (last: it blocks the boot thread)
  });
});
