// Differential tests of the mapping chapter: scripted sequences (happy paths and every error path of the
// seven rows, the overlap rule, protections and revocation along chains) on the model and the kernel in
// lockstep with equal results at every step, equal object tables, translations and fault attributions,
// and memory; then random mapping-focused sequences (printed seed; FLUKE_SEED replays).
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_VM_MIN, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { chapterProperty, expectSameObjects, expectSameSpaces, seedOf } from "./kernel-vm-gen.js";
import { A, CHAIN, buildChain, expectSamePhys, expectSameWhere, play } from "./kernel-vm-kit.js";
import { Lockstep } from "./lockstep.js";

const [T0, T1, T2] = A.tasks;
const [R0, R1] = A.regions;
const [M0, M1, M2, M3] = A.mappings; // M0: root→T0, M1: T0→T1, M2: T1→T2
const FREE = 0x2800;
const st = (start_va: number, size: number, region_off = 0, prot = FLUKE_PROT_ALL) => ({ hash: 0, region_off, start_va, size, prot });
const settle = (ls: Lockstep): void => {
  expectSameObjects(ls);
  expectSameSpaces(ls);
  expectSamePhys(ls);
};

describe("mapping chapter, model vs kernel", () => {
  it("state, protect, move and destroy along the three-level chain", () => {
    const ls = new Lockstep();
    buildChain(ls);
    play(ls, [
      ["fluke_mapping_get_state", { mapping: M1, region_ref: A.ref, task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_ref_type", { ref: A.ref }, "SUCCESS"],
      ["fluke_ref_type", { ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_protect", { mapping: M0, prot: FLUKE_PROT_READ }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "write")).toBe(`fault:${R1.toString(16)}`); // T0 refuses: the access entered it through R1
    expect(expectSameWhere(ls, T0, CHAIN.va[0], "write")).toBe("fault:null");
    play(ls, [
      ["fluke_mapping_protect", { mapping: M0, prot: FLUKE_PROT_ALL }, "SUCCESS"],
      ["fluke_mapping_move", { old_addr: M1, new_addr: FREE }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: FREE, state: st(CHAIN.va[1], 2 * PAGE_SIZE, 2 * PAGE_SIZE), region_ref: 0, task_ref: 0 }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "write")).toBe(`p:${(CHAIN.leafRoot + 2 * PAGE_SIZE).toString(16)}`);
    expect(expectSameWhere(ls, T2, CHAIN.va[2] + PAGE_SIZE, "read")).toBe(`fault:${A.regions[2].toString(16)}`);
    play(ls, [["fluke_mapping_destroy", { mapping: FREE }, "SUCCESS"]]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`fault:${A.regions[2].toString(16)}`);
    expect(expectSameWhere(ls, T1, CHAIN.va[1], "read")).toBe("fault:null");
    settle(ls);
  });

  it("overlap: other non-empty mappings of the target task after the call; the root task", () => {
    const ls = new Lockstep();
    buildChain(ls);
    play(ls, [
      ["fluke_mapping_create", { new_mapping: M3 }, "SUCCESS"],
      ["fluke_region_reference", { region: R0, new_region_ref: A.ref }, "SUCCESS"],
      ["fluke_task_reference", { task: T0, new_task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(CHAIN.va[0] + 7 * PAGE_SIZE, 2 * PAGE_SIZE), region_ref: A.ref, task_ref: A.ref2 }, "ADDRESS_OVERLAP"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(CHAIN.va[0] + 7 * PAGE_SIZE, 0), region_ref: A.ref, task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(CHAIN.va[0] + 8 * PAGE_SIZE, PAGE_SIZE, 7 * PAGE_SIZE), region_ref: 0, task_ref: 0 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M0, state: st(CHAIN.va[0], 4 * PAGE_SIZE), region_ref: 0, task_ref: 0 }, "SUCCESS"],
      ["fluke_task_reference", { task: FLUKE_VM_MIN, new_task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: null, region_ref: 0, task_ref: A.ref2 }, "ADDRESS_OVERLAP"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0x1000, 0), region_ref: 0, task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_task_reference", { task: T2, new_task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(CHAIN.va[2], PAGE_SIZE, 7 * PAGE_SIZE), region_ref: 0, task_ref: A.ref2 }, "ADDRESS_OVERLAP"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(CHAIN.va[2] + 2 * PAGE_SIZE, PAGE_SIZE, 7 * PAGE_SIZE), region_ref: 0, task_ref: A.ref2 }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2] + 2 * PAGE_SIZE, "read")).toBe(`p:${(CHAIN.rootStart + 7 * PAGE_SIZE).toString(16)}`);
    expect(expectSameWhere(ls, T0, CHAIN.va[0] + 5 * PAGE_SIZE, "read")).toBe("fault:null");
    settle(ls);
  });

  it("a cycle of mappings is unmapped past FLUKE_MAX_CHAIN (decision 8), and breaking it restores nothing else", () => {
    const ls = new Lockstep();
    buildChain(ls);
    play(ls, [
      ["fluke_region_create", { new_region: A.regions[3] }, "SUCCESS"],
      ["fluke_mapping_create", { new_mapping: M3 }, "SUCCESS"],
      ["fluke_task_reference", { task: T0, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_region_set_state", { region: A.regions[3], state: { hash: 0, start_va: 0x4000_0000, size: PAGE_SIZE, prot: 15 }, task_ref: A.ref, keeper_ref: 0 }, "SUCCESS"],
      ["fluke_region_reference", { region: A.regions[3], new_region_ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0x4000_0000, PAGE_SIZE), region_ref: A.ref2, task_ref: A.ref }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, T0, 0x4000_0000, "read")).toBe("fault:null");
    expect(expectSameWhere(ls, T0, CHAIN.va[0], "read")).toBe(`p:${CHAIN.rootStart.toString(16)}`);
    play(ls, [["fluke_mapping_set_state", { mapping: M3, state: st(0x4000_0000, PAGE_SIZE, 0, FLUKE_PROT_READ), region_ref: 0, task_ref: 0 }, "SUCCESS"]]);
    expect(expectSameWhere(ls, T0, 0x4000_0000, "read")).toBe("fault:null");
    play(ls, [["fluke_region_set_state", { region: A.regions[3], state: { hash: 0, start_va: CHAIN.va[0], size: PAGE_SIZE, prot: 15 }, task_ref: 0, keeper_ref: 0 }, "SUCCESS"]]);
    expect(expectSameWhere(ls, T0, 0x4000_0000, "read")).toBe(`p:${CHAIN.rootStart.toString(16)}`);
    settle(ls);
  });

  it("every error path of the rows", () => {
    const ls = new Lockstep({ objectLimit: 15 });
    buildChain(ls);
    play(ls, [
      ["fluke_mapping_create", { new_mapping: M0 }, "OBJECT_EXISTS"],
      ["fluke_mapping_create_hash", { new_mapping: M3 + 4, hash: 0 }, "NOT_ALIGNED"],
      ["fluke_mapping_create", { new_mapping: 0x7000_0000 }, "fault:write"],
      ["fluke_mapping_create_hash", { new_mapping: M3, hash: 8 }, "SUCCESS"],
      ["fluke_mapping_create", { new_mapping: FREE }, "NO_MEMORY"],
      ["fluke_mapping_destroy", { mapping: FREE }, "NO_OBJECT"],
      ["fluke_mapping_destroy", { mapping: M3 + 16 }, "NOT_ALIGNED"],
      ["fluke_mapping_destroy", { mapping: R1 }, "NOT_MAPPING"],
      ["fluke_mapping_get_state", { mapping: M3, region_ref: R0, task_ref: 0 }, "NOT_REF"],
      ["fluke_mapping_get_state", { mapping: M3, region_ref: 0, task_ref: 0x7000_0000 }, "fault:read"],
      ["fluke_task_reference", { task: T1, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_region_reference", { region: R1, new_region_ref: A.ref2 }, "SUCCESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: null, region_ref: A.ref, task_ref: 0 }, "NOT_REGION_REF"],
      ["fluke_mapping_set_state", { mapping: M3, state: null, region_ref: 0, task_ref: A.ref2 }, "NOT_TASK_REF"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0x1001, 0x10, 0x10, 0x20), region_ref: A.ref2, task_ref: A.ref }, "INVALID_PROT"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0x1000_0000, PAGE_SIZE, 0x100), region_ref: 0, task_ref: 0 }, "NOT_ALIGNED"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0x1000_0000, 0x100), region_ref: 0, task_ref: 0 }, "NOT_ALIGNED"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0xbfff_f000, 2 * PAGE_SIZE), region_ref: 0, task_ref: 0 }, "INVALID_ADDRESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(0, PAGE_SIZE), region_ref: 0, task_ref: 0 }, "INVALID_ADDRESS"],
      ["fluke_mapping_set_state", { mapping: M3, state: st(CHAIN.va[1] + 3 * PAGE_SIZE, PAGE_SIZE), region_ref: 0, task_ref: A.ref }, "ADDRESS_OVERLAP"],
      ["fluke_mapping_protect", { mapping: M3, prot: 0x100 }, "INVALID_PROT"],
      ["fluke_mapping_protect", { mapping: R0, prot: 1 }, "NOT_MAPPING"],
      ["fluke_mapping_move", { old_addr: M3, new_addr: M3 }, "OBJECT_EXISTS"],
      ["fluke_mapping_move", { old_addr: M3, new_addr: FREE + 0x10 }, "NOT_ALIGNED"],
      ["fluke_mapping_move", { old_addr: FREE, new_addr: M3 }, "NO_OBJECT"],
      ["harness_mem_write", { addr: M2 + 16, bytes: [1, 2] }, "SUCCESS"],
      ["fluke_mapping_get_state", { mapping: M2, region_ref: 0, task_ref: 0 }, "INVALID_OBJECT"],
      ["fluke_mapping_set_state", { mapping: M2, state: null, region_ref: 0, task_ref: 0 }, "INVALID_OBJECT"],
      ["fluke_mapping_protect", { mapping: M2, prot: 0 }, "INVALID_OBJECT"],
      ["fluke_mapping_move", { old_addr: M2, new_addr: FREE }, "INVALID_OBJECT"],
    ]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`p:${CHAIN.leafRoot.toString(16)}`); // invalid, still mapping
    play(ls, [["fluke_mapping_destroy", { mapping: M2 }, "SUCCESS"]]);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe("fault:null");
    settle(ls);
  });

  it("random mapping-focused sequences agree step by step", () => {
    chapterProperty("mapping", seedOf("kernel-mapping property", 20_261_132));
  });
});
