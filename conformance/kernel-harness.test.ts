// Differential tests of the harness actions (spec/kernel-api/harness.md): loads and stores by the boot
// thread through the root task on the model and the kernel in lockstep — object blocks reading as zeros,
// stores into them discarded and invalidating the object, bytes underneath showing again after destroy
// and move, faults at the first refused byte with no partial effect — with equal results, object tables
// and memory; then random harness-focused sequences (printed seed; FLUKE_SEED replays).
import { describe, it } from "vitest";
import { FLUKE_VM_MIN, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { chapterProperty, expectSameObjects, seedOf } from "./kernel-vm-gen.js";
import { A, expectSamePhys, play } from "./kernel-vm-kit.js";
import { Lockstep } from "./lockstep.js";

const bytes = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const END = FLUKE_VM_MIN + 64 * PAGE_SIZE;

describe("harness actions, model vs kernel", () => {
  it("object blocks, invalidation, and the bytes underneath", () => {
    const ls = new Lockstep();
    play(ls, [
      ["harness_mem_write", { addr: A.ref - 8, bytes: bytes(48, 1) }, "SUCCESS"],
      ["fluke_ref_create", { new_ref: A.ref }, "SUCCESS"],
      ["fluke_ref_create", { new_ref: A.ref3 }, "SUCCESS"],
      ["harness_mem_read", { addr: A.ref - 8, len: 48 }, "SUCCESS"],
      ["harness_mem_write", { addr: A.ref + 12, bytes: bytes(24, 200) }, "SUCCESS"],
      ["fluke_ref_check", { ref: A.ref }, "INVALID_OBJECT"],
      ["fluke_ref_check", { ref: A.ref3 }, "INVALID_OBJECT"],
      ["harness_mem_read", { addr: A.ref - 8, len: 64 }, "SUCCESS"],
      ["fluke_ref_destroy", { ref: A.ref }, "SUCCESS"],
      ["harness_mem_read", { addr: A.ref - 8, len: 64 }, "SUCCESS"],
      ["fluke_ref_move", { old_addr: A.ref3, new_addr: A.ref }, "INVALID_OBJECT"],
      ["fluke_ref_create", { new_ref: A.ref2 }, "SUCCESS"],
      ["fluke_ref_move", { old_addr: A.ref2, new_addr: A.ref }, "SUCCESS"],
      ["harness_mem_read", { addr: A.ref - 8, len: 64 }, "SUCCESS"],
      ["fluke_task_create", { new_task: 0x2100 }, "SUCCESS"],
      ["harness_mem_write", { addr: 0x2100 + 60, bytes: [1, 2, 3, 4, 5, 6, 7, 8] }, "SUCCESS"],
      ["fluke_task_destroy", { task: 0x2100 }, "SUCCESS"],
      ["harness_mem_read", { addr: 0x2100 + 56, len: 16 }, "SUCCESS"],
    ]);
    expectSameObjects(ls);
    expectSamePhys(ls);
  });

  it("faults at the first refused byte, with no partial effect", () => {
    const ls = new Lockstep();
    play(ls, [
      ["harness_mem_write", { addr: END - 4, bytes: bytes(8, 1) }, "fault:write"],
      ["harness_mem_read", { addr: END - 4, len: 8 }, "fault:read"],
      ["harness_mem_read", { addr: END - 4, len: 4 }, "SUCCESS"],
      ["harness_mem_read", { addr: 0xffff_fff0, len: 32 }, "fault:read"],
      ["harness_mem_read", { addr: 0, len: 1 }, "fault:read"],
      ["harness_mem_write", { addr: FLUKE_VM_MIN - 1, bytes: [1, 2] }, "fault:write"],
      ["harness_mem_write", { addr: FLUKE_VM_MIN + 8 * PAGE_SIZE - 2, bytes: bytes(4096, 9) }, "SUCCESS"],
      ["harness_mem_read", { addr: FLUKE_VM_MIN + 8 * PAGE_SIZE - 2, len: 4096 }, "SUCCESS"],
      ["harness_mem_read", { addr: FLUKE_VM_MIN, len: 4096 }, "SUCCESS"],
    ]);
    expectSamePhys(ls);
  });

  it("random harness-focused sequences agree step by step", () => {
    chapterProperty("harness", seedOf("kernel-harness property", 20_261_133));
  });
});
