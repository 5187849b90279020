// Differential tests of the region chapter: scripted sequences (happy paths and every error path of the
// nine rows, the ceiling and extent at depth, search) on the model and the kernel in lockstep with equal
// results at every step, equal object tables, translations and fault attributions, and memory; then
// random region-focused sequences (printed seed; FLUKE_SEED replays).
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_VM_MAX, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { chapterProperty, expectSameObjects, expectSameSpaces, seedOf } from "./kernel-vm-gen.js";
import { A, CHAIN, buildChain, expectSamePhys, expectSameWhere, play, same } from "./kernel-vm-kit.js";
import { Lockstep } from "./lockstep.js";

const [T0, T1, T2] = A.tasks;
const [R0, R1, R2, R3] = A.regions;
const FREE = 0x2800;
const st = (start_va: number, size: number, prot = FLUKE_PROT_ALL) => ({ hash: 0, start_va, size, prot });
const settle = (ls: Lockstep): void => {
  expectSameObjects(ls);
  expectSameSpaces(ls);
  expectSamePhys(ls);
};

describe("region chapter, model vs kernel", () => {
  it("life, state, protect and move on the three-level chain", () => {
    const ls = new Lockstep();
    buildChain(ls);
    play(ls, [
      ["fluke_region_create_hash", { new_region: R3, hash: 0x55 }, "SUCCESS"],
      ["fluke_region_get_state", { region: R3, task_ref: A.ref, keeper_ref: A.ref2 }, "SUCCESS"],
      ["fluke_ref_check", { ref: A.ref }, "SUCCESS"],
      ["fluke_port_create", { new_port: 0x2400 }, "SUCCESS"],
      ["fluke_port_reference", { port: 0x2400, new_port_ref: A.ref3 }, "SUCCESS"],
      ["fluke_region_set_state", { region: R1, state: null, task_ref: 0, keeper_ref: A.ref3 }, "SUCCESS"],
      ["fluke_region_get_state", { region: R1, task_ref: A.ref, keeper_ref: A.ref2 }, "SUCCESS"],
      ["fluke_ref_compare", { ref1: A.ref2, ref2: A.ref3 }, "SUCCESS"],
      ["fluke_region_protect", { region: R0, max_prot: FLUKE_PROT_READ }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "write")).toBe(`fault:${R0.toString(16)}`);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`p:${CHAIN.leafRoot.toString(16)}`);
    play(ls, [
      ["fluke_region_move", { old_addr: R0, new_addr: FREE }, "SUCCESS"],
      ["fluke_region_protect", { region: FREE, max_prot: FLUKE_PROT_ALL }, "SUCCESS"],
      ["fluke_region_set_state", { region: R1, state: st(CHAIN.va[0] + 2 * PAGE_SIZE, 2 * PAGE_SIZE), task_ref: 0, keeper_ref: 0 }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "write")).toBe(`p:${(CHAIN.leafRoot + PAGE_SIZE).toString(16)}`);
    expect(expectSameWhere(ls, T2, CHAIN.va[2] + PAGE_SIZE, "read")).toBe(`fault:${R1.toString(16)}`);
    play(ls, [
      ["fluke_region_reference", { region: FREE, new_region_ref: A.ref }, "SUCCESS"],
      ["fluke_region_destroy", { region: FREE }, "SUCCESS"],
      ["fluke_ref_check", { ref: A.ref }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`fault:${R1.toString(16)}`);
    expect(expectSameWhere(ls, T0, CHAIN.va[0], "read")).toBe("fault:null");
    settle(ls);
  });

  it("every error path of the rows", () => {
    const ls = new Lockstep({ objectLimit: 15 });
    buildChain(ls);
    play(ls, [
      ["fluke_region_create", { new_region: R0 }, "OBJECT_EXISTS"],
      ["fluke_region_create", { new_region: R3 + 16 }, "NOT_ALIGNED"],
      ["fluke_region_create", { new_region: 0x6000_0000 }, "fault:write"],
      ["fluke_region_create_hash", { new_region: R3, hash: 3 }, "SUCCESS"],
      ["fluke_region_create", { new_region: FREE }, "NO_MEMORY"],
      ["fluke_region_destroy", { region: FREE }, "NO_OBJECT"],
      ["fluke_region_destroy", { region: R3 + 8 }, "NOT_ALIGNED"],
      ["fluke_region_destroy", { region: A.mappings[0] }, "NOT_REGION"],
      ["fluke_region_get_state", { region: R1, task_ref: T0, keeper_ref: 0 }, "NOT_REF"],
      ["fluke_region_get_state", { region: R1, task_ref: 0, keeper_ref: 0x6000_0000 }, "fault:read"],
      ["fluke_region_reference", { region: R1, new_region_ref: A.ref }, "SUCCESS"],
      ["fluke_task_reference", { task: T1, new_task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_region_set_state", { region: R3, state: null, task_ref: A.ref, keeper_ref: 0 }, "NOT_TASK_REF"],
      ["fluke_region_set_state", { region: R3, state: null, task_ref: 0, keeper_ref: A.ref2 }, "NOT_PORT_REF"],
      ["fluke_region_set_state", { region: R3, state: st(0x1001, 0x10, 0x10), task_ref: A.ref2, keeper_ref: 0 }, "INVALID_PROT"],
      ["fluke_region_set_state", { region: R3, state: st(0x1001, 0x1000), task_ref: 0, keeper_ref: 0 }, "NOT_ALIGNED"],
      ["fluke_region_set_state", { region: R3, state: st(0x1000, 0x1800), task_ref: 0, keeper_ref: 0 }, "NOT_ALIGNED"],
      ["fluke_region_set_state", { region: R3, state: st(0, PAGE_SIZE), task_ref: 0, keeper_ref: 0 }, "INVALID_ADDRESS"],
      ["fluke_region_set_state", { region: R3, state: st(FLUKE_VM_MAX - PAGE_SIZE, 2 * PAGE_SIZE), task_ref: 0, keeper_ref: 0 }, "INVALID_ADDRESS"],
      ["fluke_region_set_state", { region: R3, state: st(FLUKE_VM_MAX, PAGE_SIZE), task_ref: 0, keeper_ref: 0 }, "INVALID_ADDRESS"],
      ["fluke_region_set_state", { region: R3, state: st(0xc000_0000, 0), task_ref: A.ref2, keeper_ref: 0 }, "SUCCESS"],
      ["fluke_region_protect", { region: R3, max_prot: 0x10 }, "INVALID_PROT"],
      ["fluke_region_move", { old_addr: R3, new_addr: R3 }, "OBJECT_EXISTS"],
      ["fluke_region_move", { old_addr: R3, new_addr: FREE + 8 }, "NOT_ALIGNED"],
      ["fluke_region_reference", { region: R3, new_region_ref: R2 }, "NOT_REF"],
      ["fluke_region_search", { region: T0, offset: 0, size: 1, obarray_size: 1 }, "NOT_REGION"],
      ["harness_mem_write", { addr: R2 + 31, bytes: [0] }, "SUCCESS"],
      ["fluke_region_get_state", { region: R2, task_ref: 0, keeper_ref: 0 }, "INVALID_OBJECT"],
      ["fluke_region_set_state", { region: R2, state: null, task_ref: 0, keeper_ref: 0 }, "INVALID_OBJECT"],
      ["fluke_region_protect", { region: R2, max_prot: 0 }, "INVALID_OBJECT"],
      ["fluke_region_move", { old_addr: R2, new_addr: FREE }, "INVALID_OBJECT"],
      ["fluke_region_reference", { region: R2, new_region_ref: A.ref }, "INVALID_OBJECT"],
      ["fluke_region_search", { region: R2, offset: 0, size: 1, obarray_size: 1 }, "INVALID_OBJECT"],
      ["fluke_region_destroy", { region: R2 }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe("fault:null");
    settle(ls);
  });

  it("search: fitting, filling up, holes, clipping, objects seen through the region's task", () => {
    const ls = new Lockstep();
    buildChain(ls);
    const leaf = CHAIN.leafRoot;
    play(ls, [
      ["fluke_ref_create", { new_ref: leaf + 0x40 }, "SUCCESS"],
      ["fluke_mutex_create", { new_mutex: leaf }, "SUCCESS"],
      ["fluke_port_create", { new_port: leaf + PAGE_SIZE + 0x20 }, "SUCCESS"],
      ["fluke_task_create", { new_task: CHAIN.rootStart + 0x80 }, "SUCCESS"],
      ["harness_mem_write", { addr: leaf + 0x44, bytes: [1] }, "SUCCESS"],
    ]);
    for (const region of A.regions.slice(0, 3)) {
      for (const [offset, size, room] of [[0, 8 * PAGE_SIZE, 8], [0, 0xffff_ffff, 2], [PAGE_SIZE + 1, PAGE_SIZE, 3], [0x10, 0x1000, 1], [0, 2 * PAGE_SIZE, 0], [0x40, 0x11, 1]] as const) {
        const r = same(ls, "fluke_region_search", { region, offset, size, obarray_size: room });
        expect(r.outcome).toMatchObject({ kind: "return", rc: "SUCCESS" });
      }
    }
    const full = same(ls, "fluke_region_search", { region: R2, offset: 0, size: 2 * PAGE_SIZE, obarray_size: 8 });
    expect(full.outcome).toMatchObject({ out: { obarray: [{ ob: CHAIN.va[1] + PAGE_SIZE, type: "mutex" }, { ob: CHAIN.va[1] + PAGE_SIZE + 0x40, type: "ref" }, { ob: CHAIN.va[1] + 2 * PAGE_SIZE + 0x20, type: "port" }] } });
    play(ls, [
      ["fluke_mapping_protect", { mapping: A.mappings[1], prot: 0 }, "SUCCESS"],
      ["fluke_region_search", { region: R2, offset: 0, size: 2 * PAGE_SIZE, obarray_size: 8 }, "SUCCESS"],
      ["fluke_mapping_destroy", { mapping: A.mappings[0] }, "SUCCESS"],
      ["fluke_region_search", { region: R2, offset: 0, size: 2 * PAGE_SIZE, obarray_size: 8 }, "SUCCESS"],
      ["fluke_region_search", { region: R0, offset: 0, size: 8 * PAGE_SIZE, obarray_size: 8 }, "SUCCESS"],
    ]);
    settle(ls);
  });

  it("random region-focused sequences agree step by step", () => {
    chapterProperty("region", seedOf("kernel-region property", 20_261_131));
  });
});
