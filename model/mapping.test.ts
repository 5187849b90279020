// Tests of the mapping chapter of the model (spec/kernel-api/mapping.md): every call, its happy path,
// and every code its registry row lists.
import { describe, expect, it } from "vitest";
import {
  FLUKE_ENTRY_MIN, FLUKE_PROT_ALL, FLUKE_PROT_NONE, FLUKE_PROT_READ, FLUKE_PROT_WRITE,
} from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { Driver } from "./testkit.js";
import { DATA, Vm, objectArgCodes, objectArgExpected } from "./vm-testkit.js";

const insanity = (code: string) => ({ kind: "insanity", code });
const RW = FLUKE_PROT_READ | FLUKE_PROT_WRITE;
const st = (region_off: number, start_va: number, size: number, prot: number) => ({ hash: 0, region_off, start_va, size, prot });
const fault = (addr: number, access: string) => ({ kind: "fault", addr, access });

/**
 * Root memory DATA..+0x4000 in region `region`, mapped into `task` at 0x100000 by `mapping`; the child's
 * first page exported again by `sub` and mapped into a grandchild `gtask` at 0x200000 by `gmap`.
 */
const family = () => {
  const v = new Vm();
  const task = v.task();
  const region = v.region(ROOT_TASK_VA, DATA, 0x4000, FLUKE_PROT_ALL);
  const mapping = v.mapping(task, region, 0, 0x100000, 0x4000, FLUKE_PROT_ALL);
  const gtask = v.task();
  const sub = v.region(task, 0x100000, 0x1000, FLUKE_PROT_ALL);
  const gmap = v.mapping(gtask, sub, 0, 0x200000, 0x1000, FLUKE_PROT_ALL);
  return { v, task, region, mapping, gtask, sub, gmap, thread: v.thread(task), gthread: v.thread(gtask) };
};

describe("fluke_mapping_create", () => {
  it("creates an empty mapping: no region, no task, size 0, no rights", () => {
    const v = new Vm();
    const m = v.alloc("mapping");
    v.d.ok("fluke_mapping_create", { new_mapping: m });
    const rr = v.ref(ROOT_TASK_VA);
    const out = v.d.ok("fluke_mapping_get_state", { mapping: m, region_ref: rr, task_ref: 0 });
    expect(out).toMatchObject({ state: { region_off: 0, start_va: 0, size: 0, prot: 0 } });
    expect(v.d.ok("fluke_ref_type", { ref: rr })).toEqual({ type: "null" });
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS, returns NO_MEMORY", () => {
    expect(new Driver().call("fluke_mapping_create", { new_mapping: 0x8008 })).toEqual(insanity("NOT_ALIGNED"));
    expect(new Driver().call("fluke_mapping_create", { new_mapping: ROOT_TASK_VA })).toEqual(insanity("OBJECT_EXISTS"));
    expect(new Driver({ objectLimit: 2 }).call("fluke_mapping_create", { new_mapping: 0x8000 })).toMatchObject({ rc: "NO_MEMORY" });
  });
});

describe("fluke_mapping_create_hash", () => {
  it("uses the caller's hash and returns it", () => {
    const d = new Driver();
    expect(d.ok("fluke_mapping_create_hash", { new_mapping: 0x8000, hash: 99 })).toEqual({ hash: 99 });
    expect(d.ok("fluke_mapping_get_state", { mapping: 0x8000, region_ref: 0, task_ref: 0 })).toHaveProperty("state.hash", 99);
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS, returns NO_MEMORY", () => {
    expect(new Driver().call("fluke_mapping_create_hash", { new_mapping: 0x8002, hash: 1 })).toEqual(insanity("NOT_ALIGNED"));
    expect(new Driver().call("fluke_mapping_create_hash", { new_mapping: ROOT_TASK_VA, hash: 1 })).toEqual(insanity("OBJECT_EXISTS"));
    expect(new Driver({ objectLimit: 2 }).call("fluke_mapping_create_hash", { new_mapping: 0x8000, hash: 1 })).toMatchObject({ rc: "NO_MEMORY" });
  });
});

describe("fluke_mapping_destroy", () => {
  it("unmaps the range in its task and in everything derived from it", () => {
    const f = family();
    f.v.d.ok("fluke_mapping_destroy", { mapping: f.mapping });
    expect(f.v.try("harness_mem_read", { addr: 0x100000, len: 1 }, f.thread)).toEqual(fault(0x100000, "read"));
    expect(f.v.try("harness_mem_read", { addr: 0x200000, len: 1 }, f.gthread)).toEqual(fault(0x200000, "read"));
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_MAPPING; an invalid mapping can still be destroyed", () => {
    const f = family();
    expect(f.v.try("fluke_mapping_destroy", { mapping: 0x9000 })).toEqual(insanity("NO_OBJECT"));
    expect(f.v.try("fluke_mapping_destroy", { mapping: f.mapping + 4 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.v.try("fluke_mapping_destroy", { mapping: f.region })).toEqual(insanity("NOT_MAPPING"));
    f.v.d.ok("harness_mem_write", { addr: f.gmap + 8, bytes: [1, 2] });
    expect(f.v.try("fluke_mapping_protect", { mapping: f.gmap, prot: 0 })).toEqual(insanity("INVALID_OBJECT"));
    f.v.d.ok("fluke_mapping_destroy", { mapping: f.gmap });
    expect(f.v.obj(f.gmap)).toBeUndefined();
  });
});

describe("fluke_mapping_get_state", () => {
  it("exports offset, extent and protection, and binds the region and task links", () => {
    const f = family();
    const rr = f.v.ref();
    const tr = f.v.ref();
    expect(f.v.d.ok("fluke_mapping_get_state", { mapping: f.gmap, region_ref: rr, task_ref: tr })).toMatchObject({
      state: { region_off: 0, start_va: 0x200000, size: 0x1000, prot: FLUKE_PROT_ALL },
    });
    expect(f.v.d.ok("fluke_ref_compare", { ref1: rr, ref2: f.v.ref(f.sub, "region") })).toEqual({ equal: true });
    expect(f.v.d.ok("fluke_ref_compare", { ref1: tr, ref2: f.v.ref(f.gtask) })).toEqual({ equal: true });
  });
  it("raises NOT_REF and the mapping codes", () => {
    const f = family();
    expect(f.v.try("fluke_mapping_get_state", { mapping: f.gmap, region_ref: f.task, task_ref: 0 })).toEqual(insanity("NOT_REF"));
    expect(f.v.try("fluke_mapping_get_state", { mapping: 0x9000, region_ref: 0, task_ref: 0 })).toEqual(insanity("NO_OBJECT"));
    expect(f.v.try("fluke_mapping_get_state", { mapping: f.sub, region_ref: 0, task_ref: 0 })).toEqual(insanity("NOT_MAPPING"));
  });
});

describe("fluke_mapping_set_state", () => {
  it("maps the region's memory at start_va from region_off, capped by its protection", () => {
    const v = new Vm();
    v.d.ok("harness_mem_write", { addr: DATA + 0x1000, bytes: [1, 2, 3] });
    const task = v.task();
    const region = v.region(ROOT_TASK_VA, DATA, 0x4000, FLUKE_PROT_ALL);
    v.mapping(task, region, 0x1000, 0x300000, 0x1000, FLUKE_PROT_READ);
    const t = v.thread(task);
    expect(v.d.ok("harness_mem_read", { addr: 0x300000, len: 3 }, t)).toEqual({ bytes: [1, 2, 3] });
    expect(v.try("harness_mem_write", { addr: 0x300000, bytes: [0] }, t)).toEqual(fault(0x300000, "write"));
    expect(v.try("harness_mem_read", { addr: 0x301000, len: 1 }, t)).toEqual(fault(0x301000, "read"));
  });
  it("ignores the hash; a null state leaves the extent; a null ref pointer leaves a link", () => {
    const f = family();
    const { state } = f.v.d.ok("fluke_mapping_get_state", { mapping: f.gmap, region_ref: 0, task_ref: 0 }) as { state: { hash: number } };
    f.v.d.ok("fluke_mapping_set_state", { mapping: f.gmap, state: { ...state, hash: 1, prot: FLUKE_PROT_READ }, region_ref: 0, task_ref: 0 });
    expect(f.v.obj(f.gmap)).toMatchObject({ hash: state.hash, prot: FLUKE_PROT_READ, task: f.v.oid(f.gtask) });
    const other = f.v.task();
    f.v.d.ok("fluke_mapping_set_state", { mapping: f.gmap, state: null, region_ref: 0, task_ref: f.v.ref(other) });
    expect(f.v.obj(f.gmap)).toMatchObject({ start_va: 0x200000, task: f.v.oid(other) });
  });
  it("re-setting a mapping over its own range is no overlap; empty mappings never overlap", () => {
    const f = family();
    f.v.d.ok("fluke_mapping_set_state", { mapping: f.mapping, state: st(0, 0x100000, 0x2000, RW), region_ref: 0, task_ref: 0 });
    const m = f.v.mapping(f.task, f.region, 0, 0x100000, 0, RW);
    expect(f.v.obj(m)).toMatchObject({ size: 0 });
  });
  it("raises NOT_REGION_REF, NOT_TASK_REF, NOT_REF", () => {
    const f = family();
    const set = (region_ref: number, task_ref: number) => f.v.try("fluke_mapping_set_state", { mapping: f.gmap, state: null, region_ref, task_ref });
    expect(set(f.v.ref(f.task), 0)).toEqual(insanity("NOT_REGION_REF"));
    expect(set(0, f.v.ref(f.sub, "region"))).toEqual(insanity("NOT_TASK_REF"));
    expect(set(f.task, 0)).toEqual(insanity("NOT_REF"));
  });
  it("raises INVALID_PROT, NOT_ALIGNED, INVALID_ADDRESS, ADDRESS_OVERLAP, with no effect", () => {
    const f = family();
    const set = (state: object, task_ref = 0) => f.v.try("fluke_mapping_set_state", { mapping: f.gmap, state, region_ref: 0, task_ref });
    expect(set(st(0, 0x200000, 0x1000, 0x20))).toEqual(insanity("INVALID_PROT"));
    expect(set(st(0x10, 0x200000, 0x1000, RW))).toEqual(insanity("NOT_ALIGNED"));
    expect(set(st(0, 0x200100, 0x1000, RW))).toEqual(insanity("NOT_ALIGNED"));
    expect(set(st(0, 0x200000, 0x800, RW))).toEqual(insanity("NOT_ALIGNED"));
    expect(set(st(0, 0, 0x1000, RW))).toEqual(insanity("INVALID_ADDRESS"));
    expect(set(st(0, FLUKE_ENTRY_MIN - 0x1000, 0x2000, RW))).toEqual(insanity("INVALID_ADDRESS"));
    expect(set(st(0, 0x100000, 0x1000, RW), f.v.ref(f.task))).toEqual(insanity("ADDRESS_OVERLAP"));
    expect(set(st(0, 0x103000, 0x2000, RW), f.v.ref(f.task))).toEqual(insanity("ADDRESS_OVERLAP"));
    expect(set(st(0, DATA, 0x1000, RW), f.v.ref(ROOT_TASK_VA))).toEqual(insanity("ADDRESS_OVERLAP"));
    expect(f.v.try("harness_mem_read", { addr: 0x200000, len: 1 }, f.gthread)).toEqual({ kind: "return", rc: "SUCCESS", out: { bytes: [0] } });
  });
});

describe("fluke_mapping_move", () => {
  it("moves the mapping; the memory stays mapped", () => {
    const f = family();
    const to = f.v.alloc("mapping");
    f.v.d.ok("harness_mem_write", { addr: 0x200004, bytes: [7] }, f.gthread);
    f.v.d.ok("fluke_mapping_move", { old_addr: f.gmap, new_addr: to });
    expect(f.v.obj(f.gmap)).toBeUndefined();
    expect(f.v.d.ok("harness_mem_read", { addr: 0x200004, len: 1 }, f.gthread)).toEqual({ bytes: [7] });
    expect(f.v.d.ok("harness_mem_read", { addr: DATA + 4, len: 1 })).toEqual({ bytes: [7] });
  });
  it("raises OBJECT_EXISTS, NOT_ALIGNED, NO_OBJECT, NOT_MAPPING, INVALID_OBJECT", () => {
    const f = family();
    expect(f.v.try("fluke_mapping_move", { old_addr: f.gmap, new_addr: f.mapping })).toEqual(insanity("OBJECT_EXISTS"));
    expect(f.v.try("fluke_mapping_move", { old_addr: f.gmap, new_addr: 0x9010 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.v.try("fluke_mapping_move", { old_addr: 0x9000, new_addr: 0x9020 })).toEqual(insanity("NO_OBJECT"));
    expect(f.v.try("fluke_mapping_move", { old_addr: f.region, new_addr: 0x9020 })).toEqual(insanity("NOT_MAPPING"));
    f.v.d.ok("harness_mem_write", { addr: f.gmap, bytes: [1] });
    expect(f.v.try("fluke_mapping_move", { old_addr: f.gmap, new_addr: 0x9020 })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("fluke_mapping_protect", () => {
  it("limits its task's access, and everything derived from it sees the limit through the chain (ours)", () => {
    const f = family();
    f.v.d.ok("fluke_mapping_protect", { mapping: f.mapping, prot: FLUKE_PROT_READ });
    expect(f.v.try("harness_mem_write", { addr: 0x100000, bytes: [1] }, f.thread)).toEqual(fault(0x100000, "write"));
    expect(f.v.try("harness_mem_write", { addr: 0x200000, bytes: [1] }, f.gthread)).toEqual(fault(0x200000, "write"));
    expect(f.v.d.ok("harness_mem_read", { addr: 0x200000, len: 1 }, f.gthread)).toEqual({ bytes: [0] });
    f.v.d.ok("fluke_mapping_protect", { mapping: f.mapping, prot: FLUKE_PROT_NONE });
    expect(f.v.try("harness_mem_read", { addr: 0x200000, len: 1 }, f.gthread)).toEqual(fault(0x200000, "read"));
    f.v.d.ok("fluke_mapping_protect", { mapping: f.mapping, prot: RW });
    f.v.d.ok("harness_mem_write", { addr: 0x200000, bytes: [1] }, f.gthread);
  });
  it("raises INVALID_PROT and the mapping codes", () => {
    const f = family();
    expect(f.v.try("fluke_mapping_protect", { mapping: f.gmap, prot: 0xff })).toEqual(insanity("INVALID_PROT"));
    expect(f.v.try("fluke_mapping_protect", { mapping: 0x9000, prot: 0 })).toEqual(insanity("NO_OBJECT"));
    expect(f.v.try("fluke_mapping_protect", { mapping: f.gmap + 16, prot: 0 })).toEqual(insanity("NOT_ALIGNED"));
    expect(f.v.try("fluke_mapping_protect", { mapping: f.region, prot: 0 })).toEqual(insanity("NOT_MAPPING"));
  });
});

describe("the mapping argument of every call", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["fluke_mapping_get_state", { region_ref: 0, task_ref: 0 }],
    ["fluke_mapping_set_state", { state: null, region_ref: 0, task_ref: 0 }],
    ["fluke_mapping_protect", { prot: 0 }],
    ["fluke_mapping_move", { new_addr: 0x9f40 }],
  ];
  for (const [name, rest] of cases) {
    it(`${name}: NO_OBJECT, NOT_ALIGNED, NOT_MAPPING, INVALID_OBJECT`, () => {
      const f = family();
      const arg = name === "fluke_mapping_move" ? "old_addr" : "mapping";
      expect(objectArgCodes(f.v, name, arg, f.gmap, f.sub, rest)).toEqual(objectArgExpected("NOT_MAPPING"));
    });
  }
  it("fluke_mapping_destroy: NO_OBJECT, NOT_ALIGNED, NOT_MAPPING, and success on an invalid mapping", () => {
    const f = family();
    const out = objectArgCodes(f.v, "fluke_mapping_destroy", "mapping", f.gmap, f.sub, {});
    expect(out.slice(0, 3)).toEqual(objectArgExpected("NOT_MAPPING").slice(0, 3));
    expect(out[3]).toEqual({ kind: "return", rc: "SUCCESS", out: {} });
  });
});
