// Unit tests of the kernel's region chapter (spec/kernel-api/region.md): every return and insanity code
// of the nine rows in the checking order, the ceiling and extent applying at once at every depth
// (protect, set_state, destroy, move), and fluke_region_search's published semantics.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_NONE, FLUKE_PROT_READ, FLUKE_VM_MAX, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import type { KRegion } from "./kobjects.js";
import { AT, KT, ROOT, page } from "./kvm-testkit.js";

const [T0, T1] = AT.task;
const [R0, R1] = AT.region;
const [M0, M1] = AT.mapping;
const [REF, REF2] = AT.ref;
const name = (va: number): string => `region@${va.toString(16)}`;

/** root pages 8..15 → T0 at 0x1000_0000 (R0, M0) → T1 at 0x2000_0000 (R1 over T0's second page on, M1). */
const chain = (): KT => {
  const kt = new KT();
  kt.ok("fluke_task_create", { new_task: T0 });
  kt.ok("fluke_task_create", { new_task: T1 });
  kt.region(R0, ROOT, page(8), 8 * PAGE_SIZE);
  kt.mapping(M0, R0, T0, 0x1000_0000, 8 * PAGE_SIZE);
  kt.region(R1, T0, 0x1000_1000, 4 * PAGE_SIZE);
  kt.mapping(M1, R1, T1, 0x2000_0000, 4 * PAGE_SIZE);
  return kt;
};

describe("region life", () => {
  it("create gives an empty region; create_hash returns the hash; OBJECT_EXISTS, NOT_ALIGNED, NO_MEMORY", () => {
    const kt = new KT({ objectLimit: 4 });
    kt.ok("fluke_region_create", { new_region: R0 });
    expect(kt.ok("fluke_region_get_state", { region: R0, task_ref: 0, keeper_ref: 0 }).state).toMatchObject({ start_va: 0, size: 0, prot: 0 });
    expect(kt.ok("fluke_region_create_hash", { new_region: R1, hash: 42 })).toEqual({ hash: 42 });
    kt.insane("fluke_region_create", { new_region: R0 }, "OBJECT_EXISTS");
    kt.insane("fluke_region_create", { new_region: R0 + 8 }, "NOT_ALIGNED");
    expect(kt.run("fluke_region_create", { new_region: AT.region[2] })).toMatchObject({ rc: "NO_MEMORY" });
  });

  it("destroy: NO_OBJECT, NOT_ALIGNED, NOT_REGION; works on an invalid region; mappings lose it at every depth", () => {
    const kt = chain();
    expect(kt.where(T1, 0x2000_0000)).toBe(9 * PAGE_SIZE);
    kt.insane("fluke_region_destroy", { region: AT.region[2] }, "NO_OBJECT");
    kt.insane("fluke_region_destroy", { region: R0 + 16 }, "NOT_ALIGNED");
    kt.insane("fluke_region_destroy", { region: T0 }, "NOT_REGION");
    kt.ok("harness_mem_write", { addr: R0 + 4, bytes: [7] });
    kt.insane("fluke_region_protect", { region: R0, max_prot: 0 }, "INVALID_OBJECT");
    kt.ok("fluke_region_destroy", { region: R0 });
    expect(kt.where(T0, 0x1000_0000)).toBe("self"); // T0's own mapping has no region any more
    expect(kt.where(T1, 0x2000_0000)).toBe(name(R1)); // the hole is in T0, entered through R1
    kt.bind(REF, "task", ROOT);
    kt.ok("fluke_mapping_get_state", { mapping: M0, region_ref: REF, task_ref: 0 });
    expect(kt.ok("fluke_ref_check", { ref: REF })).toEqual({ is_null: true });
  });

  it("move: mappings and references keep working; OBJECT_EXISTS on its own block", () => {
    const kt = chain();
    kt.bind(REF, "region", R1);
    kt.ok("fluke_region_move", { old_addr: R1, new_addr: AT.free });
    expect(kt.where(T1, 0x2000_1000)).toBe(10 * PAGE_SIZE);
    kt.ok("fluke_region_protect", { region: AT.free, max_prot: FLUKE_PROT_NONE });
    expect(kt.where(T1, 0x2000_1000)).toBe(name(AT.free));
    expect(kt.ok("fluke_ref_type", { ref: REF })).toEqual({ type: "region" });
    kt.insane("fluke_region_move", { old_addr: AT.free, new_addr: AT.free }, "OBJECT_EXISTS");
    kt.ok("fluke_region_reference", { region: AT.free, new_region_ref: kt.nullRef(REF2) });
    kt.insane("fluke_region_reference", { region: AT.free, new_region_ref: T0 }, "NOT_REF");
  });
});

describe("fluke_region_get_state / set_state", () => {
  it("exports the state and binds task and keeper links", () => {
    const kt = chain();
    kt.ok("fluke_port_create", { new_port: AT.port });
    kt.bind(REF2, "port", AT.port);
    kt.ok("fluke_region_set_state", { region: R1, state: null, task_ref: 0, keeper_ref: REF2 });
    kt.nullRef(REF);
    const out = kt.ok("fluke_region_get_state", { region: R1, task_ref: REF, keeper_ref: 0 });
    expect(out).toEqual({ state: { hash: (kt.obj(R1) as KRegion).hash, start_va: 0x1000_1000, size: 4 * PAGE_SIZE, prot: FLUKE_PROT_ALL } });
    expect(kt.ok("fluke_ref_hash", { ref: REF })).toEqual({ hash: (kt.obj(T0) as KRegion).hash });
    expect((kt.obj(R1) as KRegion).keeper).toBe(kt.obj(AT.port));
    kt.insane("fluke_region_get_state", { region: R1, task_ref: T0, keeper_ref: 0 }, "NOT_REF");
    kt.insane("fluke_region_get_state", { region: M0, task_ref: 0, keeper_ref: 0 }, "NOT_REGION");
  });

  it("set_state codes in the checking order, and an insanity changes nothing", () => {
    const kt = chain();
    const st = (start_va: number, size: number, prot = FLUKE_PROT_ALL) => ({ hash: 0, start_va, size, prot });
    kt.bind(REF, "region", R0);
    kt.bind(REF2, "task", T0);
    kt.insane("fluke_region_set_state", { region: R1, state: null, task_ref: REF, keeper_ref: 0 }, "NOT_TASK_REF");
    kt.insane("fluke_region_set_state", { region: R1, state: null, task_ref: 0, keeper_ref: REF2 }, "NOT_PORT_REF");
    kt.insane("fluke_region_set_state", { region: R1, state: st(0x1001, 0x800, 16), task_ref: REF, keeper_ref: 0 }, "NOT_TASK_REF");
    kt.insane("fluke_region_set_state", { region: R1, state: st(0x1001, 0x800, 16), task_ref: 0, keeper_ref: 0 }, "INVALID_PROT");
    kt.insane("fluke_region_set_state", { region: R1, state: st(0x1001, 0x800), task_ref: 0, keeper_ref: 0 }, "NOT_ALIGNED");
    kt.insane("fluke_region_set_state", { region: R1, state: st(0, PAGE_SIZE), task_ref: 0, keeper_ref: 0 }, "INVALID_ADDRESS");
    kt.insane("fluke_region_set_state", { region: R1, state: st(FLUKE_VM_MAX - PAGE_SIZE, 2 * PAGE_SIZE), task_ref: 0, keeper_ref: 0 }, "INVALID_ADDRESS");
    kt.insane("fluke_region_set_state", { region: R1, state: st(0xbfff_f000, 0x2000), task_ref: REF2, keeper_ref: 0 }, "INVALID_ADDRESS");
    kt.insane("fluke_region_set_state", { region: AT.region[2], state: null, task_ref: 0, keeper_ref: 0 }, "NO_OBJECT");
    expect(kt.where(T1, 0x2000_0000)).toBe(9 * PAGE_SIZE);
    kt.ok("fluke_region_set_state", { region: R1, state: st(0xc000_1000, 0), task_ref: 0, keeper_ref: 0 }); // empty: any aligned start
    expect(kt.where(T1, 0x2000_0000)).toBe(name(R1));
  });

  it("shrinking faults the excess to the region; moving the range and the task link apply at once", () => {
    const kt = chain();
    kt.ok("fluke_region_set_state", { region: R1, state: { hash: 0, start_va: 0x1000_1000, size: PAGE_SIZE, prot: FLUKE_PROT_ALL }, task_ref: 0, keeper_ref: 0 });
    expect(kt.where(T1, 0x2000_0000)).toBe(9 * PAGE_SIZE);
    expect(kt.where(T1, 0x2000_1000)).toBe(name(R1));
    kt.ok("fluke_region_set_state", { region: R1, state: { hash: 0, start_va: 0x1000_4000, size: 4 * PAGE_SIZE, prot: FLUKE_PROT_READ }, task_ref: 0, keeper_ref: 0 });
    expect(kt.where(T1, 0x2000_1000)).toBe(13 * PAGE_SIZE);
    expect(kt.where(T1, 0x2000_1000, "write")).toBe(name(R1));
    expect(kt.where(T1, 0x2000_3000)).toBe(15 * PAGE_SIZE); // T0 0x1000_7000: the last page R0 exports
    kt.bind(REF, "task", ROOT);
    kt.ok("fluke_region_set_state", { region: R1, state: { hash: 0, start_va: page(2), size: PAGE_SIZE, prot: FLUKE_PROT_ALL }, task_ref: REF, keeper_ref: 0 });
    expect(kt.where(T1, 0x2000_0000)).toBe(2 * PAGE_SIZE);
    kt.ok("fluke_ref_destroy", { ref: REF });
    kt.ok("fluke_ref_create", { new_ref: REF });
    kt.ok("fluke_region_set_state", { region: R1, state: null, task_ref: REF, keeper_ref: 0 }); // null reference: over no task
    expect(kt.where(T1, 0x2000_0000)).toBe(name(R1));
  });
});

describe("fluke_region_protect", () => {
  it("sets the ceiling at every depth, tightening and loosening; INVALID_PROT", () => {
    const kt = chain();
    expect(kt.where(T1, 0x2000_0000, "write")).toBe(9 * PAGE_SIZE);
    kt.ok("fluke_region_protect", { region: R0, max_prot: FLUKE_PROT_READ });
    expect(kt.where(T1, 0x2000_0000, "write")).toBe(name(R0));
    expect(kt.where(T1, 0x2000_0000, "read")).toBe(9 * PAGE_SIZE);
    kt.ok("fluke_region_protect", { region: R0, max_prot: FLUKE_PROT_NONE });
    expect(kt.where(T1, 0x2000_0000, "read")).toBe(name(R0));
    kt.ok("fluke_region_protect", { region: R0, max_prot: FLUKE_PROT_ALL });
    expect(kt.where(T1, 0x2000_0000, "write")).toBe(9 * PAGE_SIZE);
    kt.insane("fluke_region_protect", { region: R0, max_prot: 16 }, "INVALID_PROT");
    kt.insane("fluke_region_protect", { region: T0, max_prot: 1 }, "NOT_REGION");
    expect((kt.obj(R0) as KRegion).vm.prot).toBe(FLUKE_PROT_ALL);
  });
});

describe("fluke_region_search", () => {
  const search = (kt: KT, region: number, offset: number, size: number, obarray_size: number) =>
    kt.ok("fluke_region_search", { region, offset, size, obarray_size });

  it("lists objects whose blocks start in the range, at their address in the region's task, in order", () => {
    const kt = chain();
    kt.ok("fluke_ref_create", { new_ref: page(10) + 0x40 }); // T0 0x1000_2040, T1 0x2000_1040
    kt.ok("fluke_mutex_create", { new_mutex: page(10) });
    kt.ok("fluke_port_create", { new_port: page(12) + 0x20 });
    kt.ok("harness_mem_write", { addr: page(10) + 0x44, bytes: [1] }); // invalid objects are listed too
    expect(search(kt, R1, 0, 4 * PAGE_SIZE, 5)).toEqual({
      offset: 4 * PAGE_SIZE, obarray_size: 2,
      obarray: [{ ob: 0x1000_2000, type: "mutex" }, { ob: 0x1000_2040, type: "ref" }, { ob: 0x1000_4020, type: "port" }],
    });
    expect(search(kt, R0, 0, 0xffff_ffff, 2)).toEqual({
      offset: 2 * PAGE_SIZE + 0x50, obarray_size: 0, obarray: [{ ob: page(10), type: "mutex" }, { ob: page(10) + 0x40, type: "ref" }],
    });
    expect(search(kt, R1, PAGE_SIZE + 1, PAGE_SIZE, 3)).toEqual({ offset: 2 * PAGE_SIZE + 1, obarray_size: 2, obarray: [{ ob: 0x1000_2040, type: "ref" }] });
    expect(search(kt, R1, PAGE_SIZE + 0x41, 0x1000, 3)).toEqual({ offset: 2 * PAGE_SIZE + 0x41, obarray_size: 3, obarray: [] });
    expect(search(kt, R1, 0, PAGE_SIZE, 0)).toEqual({ offset: PAGE_SIZE, obarray_size: 0, obarray: [] });
    expect(search(kt, R1, 0, 2 * PAGE_SIZE, 0)).toEqual({ offset: 0, obarray_size: 0, obarray: [] });
  });

  it("holes and a region over no task hold no objects; the size clips the range; rights are not checked", () => {
    const kt = chain();
    kt.ok("fluke_ref_create", { new_ref: page(9) });
    kt.ok("fluke_mapping_set_state", { mapping: M0, state: { hash: 0, region_off: PAGE_SIZE, start_va: 0x1000_1000, size: PAGE_SIZE, prot: FLUKE_PROT_NONE }, region_ref: 0, task_ref: 0 });
    expect(search(kt, R1, 0, 4 * PAGE_SIZE, 4).obarray).toEqual([{ ob: 0x1000_1000, type: "ref" }]);
    kt.ok("fluke_region_set_state", { region: R1, state: { hash: 0, start_va: 0x1000_2000, size: PAGE_SIZE, prot: 0 }, task_ref: 0, keeper_ref: 0 });
    expect(search(kt, R1, 0, 4 * PAGE_SIZE, 4).obarray).toEqual([]);
    kt.insane("fluke_region_search", { region: M1, offset: 0, size: 1, obarray_size: 1 }, "NOT_REGION");
    kt.ok("fluke_task_destroy", { task: T0 });
    expect(search(kt, R1, 0, 4 * PAGE_SIZE, 4)).toEqual({ offset: 4 * PAGE_SIZE, obarray: [], obarray_size: 4 });
  });
});
