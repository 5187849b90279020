// Differential tests of the task chapter: scripted sequences (happy paths and every error path of the
// seven rows) run on the model and the kernel in lockstep with equal results required at every step,
// equal object tables, address spaces and memory; then random sequences focused on task calls
// (printed seed; FLUKE_SEED replays).
import { describe, expect, it } from "vitest";
import { FLUKE_VM_MIN, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { chapterProperty, expectSameObjects, expectSameSpaces, seedOf } from "./kernel-vm-gen.js";
import { NO_REFS, blankState } from "../impl/kernel/sync-scenarios.js";
import { A, CHAIN, buildChain, expectSamePhys, expectSameWhere, okCall, play, same, summary, type Step } from "./kernel-vm-kit.js";
import { Lockstep } from "./lockstep.js";

const ROOT = FLUKE_VM_MIN;
const [T0, T1, T2, T3] = A.tasks;
const FREE = 0x2800;

const settle = (ls: Lockstep): void => {
  expectSameObjects(ls);
  expectSameSpaces(ls);
  expectSamePhys(ls);
};

describe("task chapter, model vs kernel", () => {
  it("create, create_hash, get/set_state, reference, move: happy paths", () => {
    const ls = new Lockstep();
    okCall(ls, "fluke_ref_create", { new_ref: A.ref });
    okCall(ls, "fluke_ref_create", { new_ref: A.ref2 });
    const steps: Step[] = [
      ["fluke_task_create", { new_task: T0 }, "SUCCESS"],
      ["fluke_task_create_hash", { new_task: T1, hash: 0x1234 }, "SUCCESS"],
      ["fluke_task_create_hash", { new_task: T2, hash: 0 }, "SUCCESS"],
      ["fluke_port_create", { new_port: 0x2400 }, "SUCCESS"],
      ["fluke_port_reference", { port: 0x2400, new_port_ref: A.ref }, "SUCCESS"],
      ["fluke_task_set_state", { task: T0, state: { hash: 77 }, keeper_ref: A.ref }, "SUCCESS"],
      ["fluke_task_get_state", { task: T0, keeper_ref: A.ref2 }, "SUCCESS"],
      ["fluke_ref_compare", { ref1: A.ref, ref2: A.ref2 }, "SUCCESS"],
      ["fluke_task_get_state", { task: T2, keeper_ref: 0 }, "SUCCESS"],
      ["fluke_task_reference", { task: T1, new_task_ref: A.ref2 }, "SUCCESS"],
      ["fluke_ref_hash", { ref: A.ref2 }, "SUCCESS"],
      ["fluke_task_move", { old_addr: T1, new_addr: FREE }, "SUCCESS"],
      ["fluke_ref_hash", { ref: A.ref2 }, "SUCCESS"],
      ["fluke_task_move", { old_addr: ROOT, new_addr: FREE + 0x40 }, "SUCCESS"],
      ["harness_mem_read", { addr: FREE - 8, len: 0x90 }, "SUCCESS"],
      ["fluke_task_reference", { task: FREE + 0x40, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_ref_type", { ref: A.ref }, "SUCCESS"],
    ];
    play(ls, steps);
    expect(same(ls, "fluke_task_get_state", { task: FREE, keeper_ref: 0 }).outcome).toEqual({ kind: "return", rc: "SUCCESS", out: { state: { hash: 0x1234 } } });
    settle(ls);
  });

  it("every error path of the rows", () => {
    const ls = new Lockstep({ objectLimit: 7 });
    okCall(ls, "fluke_ref_create", { new_ref: A.ref });
    okCall(ls, "fluke_ref_create", { new_ref: A.ref2 });
    play(ls, [
      ["fluke_task_create", { new_task: T0 }, "SUCCESS"],
      ["fluke_task_create", { new_task: T0 }, "OBJECT_EXISTS"],
      ["fluke_task_create_hash", { new_task: T0 + 0x20, hash: 1 }, "NOT_ALIGNED"],
      ["fluke_task_create", { new_task: 0x5000_0000 }, "fault:write"],
      ["fluke_task_create", { new_task: T1 }, "SUCCESS"],
      ["fluke_task_create", { new_task: T2 }, "SUCCESS"],
      ["fluke_task_create", { new_task: T3 }, "NO_MEMORY"],
      ["fluke_task_destroy", { task: T3 }, "NO_OBJECT"],
      ["fluke_task_destroy", { task: T0 + 4 }, "NOT_ALIGNED"],
      ["fluke_task_destroy", { task: A.ref }, "NOT_TASK"],
      ["fluke_task_destroy", { task: ROOT }, "INVALID_OBJECT"],
      ["fluke_task_destroy", { task: 0x5000_0000 }, "fault:read"],
      ["fluke_task_get_state", { task: T0, keeper_ref: T1 }, "NOT_REF"],
      ["fluke_task_get_state", { task: FLUKE_VM_MIN + 128, keeper_ref: 0 }, "NOT_TASK"],
      ["fluke_task_reference", { task: T0, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_task_set_state", { task: T1, state: null, keeper_ref: A.ref }, "NOT_PORT_REF"],
      ["fluke_task_set_state", { task: T1, state: null, keeper_ref: A.ref + 8 }, "NOT_ALIGNED"],
      ["fluke_task_move", { old_addr: T1, new_addr: T1 }, "OBJECT_EXISTS"],
      ["fluke_task_move", { old_addr: T1, new_addr: FREE + 0x10 }, "NOT_ALIGNED"],
      ["fluke_task_move", { old_addr: FREE, new_addr: T1 }, "NO_OBJECT"],
      ["fluke_task_reference", { task: T1, new_task_ref: T2 }, "NOT_REF"],
      ["harness_mem_write", { addr: T2 + 63, bytes: [1] }, "SUCCESS"],
      ["fluke_task_get_state", { task: T2, keeper_ref: 0 }, "INVALID_OBJECT"],
      ["fluke_task_set_state", { task: T2, state: null, keeper_ref: 0 }, "INVALID_OBJECT"],
      ["fluke_task_move", { old_addr: T2, new_addr: FREE }, "INVALID_OBJECT"],
      ["fluke_task_reference", { task: T2, new_task_ref: A.ref }, "INVALID_OBJECT"],
      ["fluke_task_destroy", { task: T2 }, "SUCCESS"],
    ]);
    settle(ls);
  });

  it("destroy detaches regions over it and mappings into it, at every depth", () => {
    const ls = new Lockstep();
    buildChain(ls);
    const [, r1, r2] = A.regions;
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "write")).toBe(`p:${(CHAIN.leafRoot).toString(16)}`);
    okCall(ls, "fluke_task_destroy", { task: T1 });
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`fault:${r2.toString(16)}`);
    play(ls, [
      ["fluke_task_reference", { task: T0, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_region_get_state", { region: r2, task_ref: A.ref, keeper_ref: 0 }, "SUCCESS"],
      ["fluke_ref_check", { ref: A.ref }, "SUCCESS"],
      ["fluke_mapping_get_state", { mapping: A.mappings[1], region_ref: A.ref2, task_ref: A.ref }, "SUCCESS"],
      ["fluke_ref_type", { ref: A.ref }, "SUCCESS"],
      ["fluke_ref_type", { ref: A.ref2 }, "SUCCESS"],
      ["fluke_region_search", { region: r1, offset: 0, size: 4 * PAGE_SIZE, obarray_size: 4 }, "SUCCESS"],
      ["fluke_region_search", { region: r2, offset: 0, size: 4 * PAGE_SIZE, obarray_size: 4 }, "SUCCESS"],
      ["fluke_task_destroy", { task: T0 }, "SUCCESS"],
      ["fluke_task_create", { new_task: T0 }, "SUCCESS"],
      ["fluke_task_reference", { task: T0, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_region_set_state", { region: r1, state: null, task_ref: A.ref, keeper_ref: 0 }, "SUCCESS"],
    ]);
    expect(expectSameWhere(ls, A.tasks[0], CHAIN.va[0], "read")).toBe("fault:null");
    settle(ls);
  });

  it("destroy stops the task's threads (no task) and their get_state exports a null task", () => {
    const ls = new Lockstep();
    buildChain(ls);
    const TH = 0x4000;
    play(ls, [
      ["fluke_port_create", { new_port: 0x2400 }, "SUCCESS"],
      ["fluke_port_reference", { port: 0x2400, new_port_ref: A.ref2 }, "SUCCESS"],
      ["fluke_task_reference", { task: T2, new_task_ref: A.ref }, "SUCCESS"],
      ["fluke_thread_create", { new_thread: TH }, "SUCCESS"],
      ["fluke_thread_set_state", { thread: TH, state: blankState(CHAIN.va[2]), ...NO_REFS, task_ref: A.ref, scheduler_ref: A.ref2 }, "SUCCESS"],
    ]);
    expect(summary(same(ls, "fluke_thread_self", {}, TH))).toBe("SUCCESS");
    okCall(ls, "fluke_task_destroy", { task: T2 });
    expect(same(ls, "fluke_thread_self", {}, TH).outcome).toEqual({ kind: "not_runnable", why: "no_task" });
    play(ls, [
      ["fluke_thread_get_state", { thread: TH, ...NO_REFS, task_ref: A.ref }, "SUCCESS"],
      ["fluke_ref_check", { ref: A.ref }, "SUCCESS"],
    ]);
    expect(same(ls, "fluke_ref_check", { ref: A.ref }).outcome).toMatchObject({ out: { is_null: true } });
    expect(ls.kernel.objects.at(T1 - FLUKE_VM_MIN)?.type).toBe("task");
    settle(ls);
  });

  it("random task-focused sequences agree step by step", () => {
    chapterProperty("task", seedOf("kernel-task property", 20_261_130));
  });
});
