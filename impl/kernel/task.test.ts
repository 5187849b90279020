// Unit tests of the kernel's task chapter (spec/kernel-api/task.md): every return and insanity code of
// the seven rows, the root task's rules, and what destroy detaches (regions, mappings, threads) with the
// translation caches invalidated at once.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_READ, FLUKE_PROT_WRITE, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import { newKThread } from "./kinit.js";
import type { KTask } from "./kobjects.js";
import { AT, KT, ROOT, page } from "./kvm-testkit.js";

const [T0, T1] = AT.task;
const [R0] = AT.region;
const [M0] = AT.mapping;
const [REF, REF2] = AT.ref;

describe("fluke_task_create / create_hash", () => {
  it("creates an empty task, returns the caller's hash or chooses one", () => {
    const kt = new KT();
    expect(kt.ok("fluke_task_create", { new_task: T0 })).toEqual({});
    const t = kt.obj(T0) as KTask;
    expect(t.type).toBe("task");
    expect(t.keeper).toBeNull();
    expect(t.vm.mappings).toEqual([]);
    expect(kt.ok("fluke_task_create_hash", { new_task: T1, hash: 0xabc })).toEqual({ hash: 0xabc });
    const chosen = kt.ok("fluke_task_create_hash", { new_task: AT.task[2], hash: 0 }).hash as number;
    expect(chosen).not.toBe(0);
    expect(kt.ok("fluke_task_get_state", { task: AT.task[2], keeper_ref: 0 })).toEqual({ state: { hash: chosen } });
  });

  it("OBJECT_EXISTS, NOT_ALIGNED, NO_MEMORY, and faults without WRITE/CREATE_OB", () => {
    const kt = new KT({ objectLimit: 4 });
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.insane("fluke_task_create", { new_task: T0 }, "OBJECT_EXISTS");
    kt.insane("fluke_task_create", { new_task: T0 + 32 }, "NOT_ALIGNED");
    kt.ok("fluke_ref_create", { new_ref: REF });
    expect(kt.run("fluke_task_create", { new_task: T1 })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
    expect(kt.obj(T1)).toBeUndefined();
    expect(kt.run("fluke_task_create", { new_task: page(100) })).toEqual({ kind: "fault", addr: page(100), access: "write" });
  });

  it("memory exported without CREATE_OB refuses object creation (a create_ob fault naming the region)", () => {
    const kt = new KT();
    kt.region(R0, ROOT, page(8), 2 * PAGE_SIZE, FLUKE_PROT_READ | FLUKE_PROT_WRITE);
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.mapping(M0, R0, T0, 0x1000_0000, PAGE_SIZE);
    expect(kt.where(T0, 0x1000_0000, "write")).toBe(8 * PAGE_SIZE);
    expect(kt.where(T0, 0x1000_0000, "create_ob")).toBe(`region@${R0.toString(16)}`);
  });
});

describe("fluke_task_destroy", () => {
  it("NO_OBJECT, NOT_ALIGNED, NOT_TASK, and INVALID_OBJECT only for the root task", () => {
    const kt = new KT();
    kt.insane("fluke_task_destroy", { task: T0 }, "NO_OBJECT");
    kt.insane("fluke_task_destroy", { task: T0 + 16 }, "NOT_ALIGNED");
    kt.ok("fluke_ref_create", { new_ref: REF });
    kt.insane("fluke_task_destroy", { task: REF }, "NOT_TASK");
    kt.insane("fluke_task_destroy", { task: ROOT }, "INVALID_OBJECT");
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.ok("harness_mem_write", { addr: T0 + 8, bytes: [1] }); // invalidates the task (decision 3)
    kt.insane("fluke_task_get_state", { task: T0, keeper_ref: 0 }, "INVALID_OBJECT");
    kt.ok("fluke_task_destroy", { task: T0 });
    expect(kt.obj(T0)).toBeUndefined();
  });

  it("detaches mappings into it, regions over it and its threads, invalidating derived translations", () => {
    const kt = new KT();
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.ok("fluke_task_create", { new_task: T1 });
    kt.region(R0, ROOT, page(8), 4 * PAGE_SIZE);
    kt.mapping(M0, R0, T0, 0x1000_0000, 4 * PAGE_SIZE);
    kt.region(AT.region[1], T0, 0x1000_0000, 2 * PAGE_SIZE);
    kt.mapping(AT.mapping[1], AT.region[1], T1, 0x2000_0000, 2 * PAGE_SIZE);
    expect(kt.where(T1, 0x2000_1000)).toBe(9 * PAGE_SIZE); // cached now
    const t0 = kt.obj(T0) as KTask;
    const th = newKThread(kt.k.phys.bytes - 128, 77);
    th.task = t0;
    t0.threads.add(th);
    kt.ok("fluke_task_destroy", { task: T0 });
    expect(th.task).toBeNull();
    expect(t0.threads.size).toBe(0);
    expect(kt.where(T1, 0x2000_1000)).toBe(`region@${AT.region[1].toString(16)}`); // region over no task
    kt.bind(REF, "task", ROOT);
    kt.ok("fluke_region_get_state", { region: AT.region[1], task_ref: REF, keeper_ref: 0 });
    expect(kt.ok("fluke_ref_check", { ref: REF })).toEqual({ is_null: true });
    kt.bind(REF2, "task", ROOT);
    kt.ok("fluke_mapping_get_state", { mapping: M0, region_ref: 0, task_ref: REF2 });
    expect(kt.ok("fluke_ref_check", { ref: REF2 })).toEqual({ is_null: true });
    expect((kt.obj(R0) as { vm: { mappings: Set<unknown> } }).vm.mappings.size).toBe(1); // still the region's
  });
});

describe("fluke_task_get_state / set_state", () => {
  it("binds and sets the keeper; hash is write-once; NOT_REF, NOT_PORT_REF, INVALID_OBJECT", () => {
    const kt = new KT();
    kt.ok("fluke_task_create_hash", { new_task: T0, hash: 5 });
    kt.ok("fluke_port_create", { new_port: AT.port });
    kt.insane("fluke_task_get_state", { task: T0, keeper_ref: AT.port }, "NOT_REF");
    kt.bind(REF, "task", ROOT);
    kt.insane("fluke_task_set_state", { task: T0, state: null, keeper_ref: REF }, "NOT_PORT_REF");
    kt.bind(REF, "port", AT.port);
    kt.ok("fluke_task_set_state", { task: T0, state: { hash: 99 }, keeper_ref: REF });
    expect((kt.obj(T0) as KTask).keeper).toBe(kt.obj(AT.port));
    kt.nullRef(REF2);
    expect(kt.ok("fluke_task_get_state", { task: T0, keeper_ref: REF2 })).toEqual({ state: { hash: 5 } });
    expect(kt.ok("fluke_ref_compare", { ref1: REF, ref2: REF2 })).toEqual({ equal: true });
    kt.ok("fluke_ref_destroy", { ref: REF2 });
    kt.ok("fluke_ref_create", { new_ref: REF2 });
    kt.ok("fluke_task_set_state", { task: T0, state: null, keeper_ref: REF2 }); // null reference: no keeper
    expect((kt.obj(T0) as KTask).keeper).toBeNull();
    kt.ok("fluke_task_set_state", { task: T0, state: null, keeper_ref: 0 }); // null pointer: untouched
    kt.insane("fluke_task_get_state", { task: AT.port, keeper_ref: 0 }, "NOT_TASK");
    kt.insane("fluke_task_set_state", { task: T1, state: null, keeper_ref: 0 }, "NO_OBJECT");
  });
});

describe("fluke_task_move / reference", () => {
  it("moves a task (the root task too) and its address space keeps working", () => {
    const kt = new KT();
    kt.ok("fluke_task_create", { new_task: T0 });
    kt.region(R0, ROOT, page(8), PAGE_SIZE);
    kt.mapping(M0, R0, T0, 0x1000_0000, PAGE_SIZE);
    kt.ok("fluke_task_move", { old_addr: T0, new_addr: AT.free });
    expect(kt.where(AT.free, 0x1000_0000)).toBe(8 * PAGE_SIZE);
    kt.insane("fluke_task_move", { old_addr: AT.free, new_addr: AT.free }, "OBJECT_EXISTS");
    kt.insane("fluke_task_move", { old_addr: AT.free, new_addr: AT.free + 0x60 }, "NOT_ALIGNED");
    kt.insane("fluke_task_move", { old_addr: T0, new_addr: T1 }, "NO_OBJECT");
    kt.ok("fluke_task_move", { old_addr: ROOT, new_addr: AT.free + 0x40 });
    expect(kt.where(AT.free + 0x40, page(3))).toBe(3 * PAGE_SIZE);
    kt.ok("fluke_ref_create", { new_ref: REF });
    kt.ok("fluke_task_reference", { task: AT.free, new_task_ref: REF });
    expect(kt.ok("fluke_ref_type", { ref: REF })).toEqual({ type: "task" });
    kt.insane("fluke_task_reference", { task: AT.free, new_task_ref: AT.free + 0x40 }, "NOT_REF");
    kt.insane("fluke_task_reference", { task: REF, new_task_ref: REF }, "NOT_TASK");
  });
});
