// Unit tests of the kernel's mapping chapter (spec/kernel-api/mapping.md): every return and insanity code
// of the seven rows in the checking order, the overlap rule (other non-empty mappings of the target
// task with the values in force after the call; the root task always overlaps), and protect, set_state,
// move and destroy applying at once for the task and everything derived from it, with the fault
// attribution of "Faults".
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_NONE, FLUKE_PROT_READ, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import type { KMapping, KTask } from "./kobjects.js";
import { AT, KT, ROOT, page } from "./kvm-testkit.js";

const [T0, T1] = AT.task;
const [R0, R1] = AT.region;
const [M0, M1, M2] = AT.mapping;
const [REF, REF2] = AT.ref;
const name = (va: number): string => `region@${va.toString(16)}`;
const st = (start_va: number, size: number, region_off = 0, prot = FLUKE_PROT_ALL) => ({ hash: 0, region_off, start_va, size, prot });

/** root pages 8..15 exported by R0 and mapped into T0 at 0x1000_0000 by M0. */
const base = (): KT => {
  const kt = new KT();
  kt.ok("fluke_task_create", { new_task: T0 });
  kt.region(R0, ROOT, page(8), 8 * PAGE_SIZE);
  kt.mapping(M0, R0, T0, 0x1000_0000, 4 * PAGE_SIZE);
  return kt;
};

describe("mapping life", () => {
  it("create gives an empty mapping; create_hash; OBJECT_EXISTS, NOT_ALIGNED, NO_MEMORY", () => {
    const kt = new KT({ objectLimit: 4 });
    kt.ok("fluke_mapping_create", { new_mapping: M0 });
    expect(kt.ok("fluke_mapping_get_state", { mapping: M0, region_ref: 0, task_ref: 0 }).state).toMatchObject({ region_off: 0, start_va: 0, size: 0, prot: 0 });
    expect(kt.ok("fluke_mapping_create_hash", { new_mapping: M1, hash: 9 })).toEqual({ hash: 9 });
    kt.insane("fluke_mapping_create_hash", { new_mapping: M1, hash: 9 }, "OBJECT_EXISTS");
    kt.insane("fluke_mapping_create", { new_mapping: M1 + 16 }, "NOT_ALIGNED");
    expect(kt.run("fluke_mapping_create", { new_mapping: M2 })).toMatchObject({ rc: "NO_MEMORY" });
  });

  it("destroy: NO_OBJECT, NOT_ALIGNED, NOT_MAPPING; works on an invalid mapping; the range is gone at once", () => {
    const kt = base();
    expect(kt.where(T0, 0x1000_0000)).toBe(8 * PAGE_SIZE);
    kt.insane("fluke_mapping_destroy", { mapping: M1 }, "NO_OBJECT");
    kt.insane("fluke_mapping_destroy", { mapping: M0 + 8 }, "NOT_ALIGNED");
    kt.insane("fluke_mapping_destroy", { mapping: R0 }, "NOT_MAPPING");
    kt.ok("harness_mem_write", { addr: M0, bytes: [1, 2] });
    kt.insane("fluke_mapping_get_state", { mapping: M0, region_ref: 0, task_ref: 0 }, "INVALID_OBJECT");
    kt.ok("fluke_mapping_destroy", { mapping: M0 });
    expect(kt.where(T0, 0x1000_0000)).toBe("self");
    expect((kt.obj(T0) as KTask).vm.mappings).toEqual([]);
  });

  it("move keeps the memory mapped; OBJECT_EXISTS; mappings cannot be referenced", () => {
    const kt = base();
    kt.ok("fluke_mapping_move", { old_addr: M0, new_addr: AT.free });
    expect(kt.where(T0, 0x1000_3000)).toBe(11 * PAGE_SIZE);
    kt.insane("fluke_mapping_move", { old_addr: AT.free, new_addr: R0 }, "OBJECT_EXISTS");
    kt.insane("fluke_mapping_move", { old_addr: M0, new_addr: M1 }, "NO_OBJECT");
    expect(kt.k.parse.bind(kt.k, { name: "fluke_mapping_reference", args: {} })).toThrow();
  });
});

describe("fluke_mapping_get_state / set_state", () => {
  it("exports the state and binds region and task links", () => {
    const kt = base();
    kt.nullRef(REF);
    kt.nullRef(REF2);
    const out = kt.ok("fluke_mapping_get_state", { mapping: M0, region_ref: REF, task_ref: REF2 });
    expect(out).toEqual({ state: { ...st(0x1000_0000, 4 * PAGE_SIZE), hash: (kt.obj(M0) as KMapping).hash } });
    expect(kt.ok("fluke_ref_type", { ref: REF })).toEqual({ type: "region" });
    expect(kt.ok("fluke_ref_type", { ref: REF2 })).toEqual({ type: "task" });
    kt.insane("fluke_mapping_get_state", { mapping: M0, region_ref: R0, task_ref: 0 }, "NOT_REF");
  });

  it("set_state codes in the checking order; an insanity changes nothing", () => {
    const kt = base();
    kt.bind(REF, "task", T0);
    kt.bind(REF2, "region", R0);
    const set = (state: ReturnType<typeof st> | null, region_ref = 0, task_ref = 0) => ({ mapping: M0, state, region_ref, task_ref });
    kt.insane("fluke_mapping_set_state", set(null, REF), "NOT_REGION_REF");
    kt.insane("fluke_mapping_set_state", set(null, 0, REF2), "NOT_TASK_REF");
    kt.insane("fluke_mapping_set_state", set(null, T0), "NOT_REF");
    kt.insane("fluke_mapping_set_state", set(st(0x1001, 0x10, 0x10, 32)), "INVALID_PROT");
    kt.insane("fluke_mapping_set_state", set(st(0x1000_0000, PAGE_SIZE, 0x10)), "NOT_ALIGNED");
    kt.insane("fluke_mapping_set_state", set(st(0x1000_0800, PAGE_SIZE)), "NOT_ALIGNED");
    kt.insane("fluke_mapping_set_state", set(st(0xbfff_f000, 2 * PAGE_SIZE)), "INVALID_ADDRESS");
    kt.insane("fluke_mapping_set_state", set(st(0, PAGE_SIZE)), "INVALID_ADDRESS");
    kt.insane("fluke_mapping_set_state", { ...set(null), mapping: M1 }, "NO_OBJECT");
    expect(kt.where(T0, 0x1000_0000)).toBe(8 * PAGE_SIZE);
    kt.ok("fluke_mapping_set_state", set(st(0xc000_0000, 0))); // empty: accepted anywhere aligned
    expect(kt.where(T0, 0x1000_0000)).toBe("self");
  });

  it("ADDRESS_OVERLAP: other non-empty mappings of the target task after the call; the root task", () => {
    const kt = base();
    kt.mapping(M1, R0, T0, 0x1000_4000, PAGE_SIZE, 4 * PAGE_SIZE);
    kt.ok("fluke_mapping_create", { new_mapping: M2 });
    kt.bind(REF, "task", T0);
    kt.insane("fluke_mapping_set_state", { mapping: M2, state: st(0x1000_3000, 2 * PAGE_SIZE), region_ref: 0, task_ref: REF }, "ADDRESS_OVERLAP");
    kt.ok("fluke_mapping_set_state", { mapping: M2, state: st(0x1000_3000, 0), region_ref: 0, task_ref: REF }); // empty never overlaps
    kt.ok("fluke_mapping_set_state", { mapping: M2, state: st(0x1000_5000, PAGE_SIZE), region_ref: 0, task_ref: REF });
    kt.ok("fluke_mapping_set_state", { mapping: M0, state: st(0x1000_0000, 3 * PAGE_SIZE), region_ref: 0, task_ref: 0 }); // its own old range
    kt.ok("fluke_mapping_set_state", { mapping: M1, state: st(0x1000_3000, 2 * PAGE_SIZE, PAGE_SIZE), region_ref: 0, task_ref: 0 });
    kt.bind(REF2, "task", ROOT);
    kt.insane("fluke_mapping_set_state", { mapping: M2, state: null, region_ref: 0, task_ref: REF2 }, "ADDRESS_OVERLAP");
    kt.ok("fluke_mapping_set_state", { mapping: M2, state: st(0x1000_5000, 0), region_ref: 0, task_ref: REF2 });
    expect(kt.where(T0, 0x1000_4000)).toBe(10 * PAGE_SIZE);
    expect(kt.where(T0, 0x1000_5000)).toBe("self"); // M2 left T0 for the root task (empty there)
    expect(kt.where(ROOT, page(5))).toBe(5 * PAGE_SIZE);
  });

  it("an empty mapping starting inside another does not hide it", () => {
    const kt = base();
    kt.mapping(M1, R0, T0, 0x1000_2000, 0);
    for (let i = 0; i < 4; i++) expect(kt.where(T0, 0x1000_0000 + i * PAGE_SIZE)).toBe((8 + i) * PAGE_SIZE);
  });
});

describe("fluke_mapping_protect and fault attribution", () => {
  it("limits everything derived from the mapping; refusal at the caller's level is its own, deeper the entry region's", () => {
    const kt = base();
    kt.ok("fluke_task_create", { new_task: T1 });
    kt.region(R1, T0, 0x1000_0000, 8 * PAGE_SIZE);
    kt.mapping(M1, R1, T1, 0x2000_0000, 8 * PAGE_SIZE);
    expect(kt.where(T1, 0x2000_1000, "write")).toBe(9 * PAGE_SIZE);
    expect(kt.where(T1, 0x2000_5000)).toBe(name(R1)); // T0 maps only 4 pages: the hole is behind R1
    expect(kt.where(T1, 0x2000_8000)).toBe("self"); // past T1's own mapping
    kt.ok("fluke_mapping_protect", { mapping: M0, prot: FLUKE_PROT_READ });
    expect(kt.where(T1, 0x2000_1000, "write")).toBe(name(R1));
    expect(kt.where(T1, 0x2000_1000, "read")).toBe(9 * PAGE_SIZE);
    kt.ok("fluke_mapping_protect", { mapping: M1, prot: FLUKE_PROT_NONE });
    expect(kt.where(T1, 0x2000_1000, "read")).toBe("self");
    kt.insane("fluke_mapping_protect", { mapping: M1, prot: 0x10 }, "INVALID_PROT");
    kt.insane("fluke_mapping_protect", { mapping: R1, prot: 1 }, "NOT_MAPPING");
    expect((kt.obj(M1) as KMapping).vm.prot).toBe(FLUKE_PROT_NONE);
  });

  it("a region offset past the region's end faults to that region; a null region link is the task's own", () => {
    const kt = base();
    kt.ok("fluke_mapping_set_state", { mapping: M0, state: st(0x1000_0000, 4 * PAGE_SIZE, 6 * PAGE_SIZE), region_ref: 0, task_ref: 0 });
    expect(kt.where(T0, 0x1000_1000)).toBe(15 * PAGE_SIZE);
    expect(kt.where(T0, 0x1000_2000)).toBe(name(R0));
    kt.ok("fluke_ref_create", { new_ref: REF });
    kt.ok("fluke_mapping_set_state", { mapping: M0, state: null, region_ref: REF, task_ref: 0 });
    expect(kt.where(T0, 0x1000_1000)).toBe("self");
  });
});
