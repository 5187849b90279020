// Tests of the region chapter of the model (spec/kernel-api/region.md): every call, its happy path, and
// every code its registry row lists.
import { describe, expect, it } from "vitest";
import {
  FLUKE_ENTRY_MIN, FLUKE_PROT_ALL, FLUKE_PROT_NONE, FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_VM_MAX, FLUKE_VM_MIN,
} from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { Driver } from "./testkit.js";
import { DATA, Vm, objectArgCodes, objectArgExpected } from "./vm-testkit.js";

const insanity = (code: string) => ({ kind: "insanity", code });
const RW = FLUKE_PROT_READ | FLUKE_PROT_WRITE;
const st = (start_va: number, size: number, prot: number) => ({ hash: 0, start_va, size, prot });

/** Root memory DATA..+0x4000 exported by region `region`, mapped into `task` at 0x100000, with a thread there. */
const child = (prot = FLUKE_PROT_ALL) => {
  const v = new Vm();
  const task = v.task();
  const region = v.region(ROOT_TASK_VA, DATA, 0x4000, prot);
  const mapping = v.mapping(task, region, 0, 0x100000, 0x4000, FLUKE_PROT_ALL);
  return { v, task, region, mapping, thread: v.thread(task) };
};

describe("fluke_region_create", () => {
  it("creates an empty region: over no task, size 0, no rights", () => {
    const v = new Vm();
    const r = v.alloc("region");
    v.d.ok("fluke_region_create", { new_region: r });
    const tr = v.ref(v.task());
    const out = v.d.ok("fluke_region_get_state", { region: r, task_ref: tr, keeper_ref: 0 }) as { state: { hash: number } };
    expect(out.state).toMatchObject({ start_va: 0, size: 0, prot: 0 });
    expect(out.state.hash).not.toBe(0);
    expect(v.d.ok("fluke_ref_type", { ref: tr })).toEqual({ type: "null" });
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS, returns NO_MEMORY", () => {
    expect(new Driver().call("fluke_region_create", { new_region: 0x8010 })).toEqual(insanity("NOT_ALIGNED"));
    expect(new Driver().call("fluke_region_create", { new_region: ROOT_TASK_VA + 32 })).toEqual(insanity("OBJECT_EXISTS"));
    expect(new Driver({ objectLimit: 2 }).call("fluke_region_create", { new_region: 0x8000 })).toMatchObject({ rc: "NO_MEMORY" });
  });
});

describe("fluke_region_create_hash", () => {
  it("uses the caller's hash and returns it", () => {
    const d = new Driver();
    expect(d.ok("fluke_region_create_hash", { new_region: 0x8000, hash: 77 })).toEqual({ hash: 77 });
    expect(d.ok("fluke_region_get_state", { region: 0x8000, task_ref: 0, keeper_ref: 0 })).toHaveProperty("state.hash", 77);
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS, returns NO_MEMORY", () => {
    expect(new Driver().call("fluke_region_create_hash", { new_region: 0x8001, hash: 1 })).toEqual(insanity("NOT_ALIGNED"));
    expect(new Driver().call("fluke_region_create_hash", { new_region: ROOT_TASK_VA, hash: 1 })).toEqual(insanity("OBJECT_EXISTS"));
    expect(new Driver({ objectLimit: 2 }).call("fluke_region_create_hash", { new_region: 0x8000, hash: 1 })).toMatchObject({ rc: "NO_MEMORY" });
  });
});

describe("fluke_region_destroy", () => {
  it("makes every access derived from the region fault, and mappings of it read a null region", () => {
    const c = child();
    c.v.d.ok("harness_mem_write", { addr: 0x100000, bytes: [1] }, c.thread);
    c.v.d.ok("fluke_region_destroy", { region: c.region });
    expect(c.v.try("harness_mem_read", { addr: 0x100000, len: 1 }, c.thread)).toEqual({ kind: "fault", addr: 0x100000, access: "read" });
    const rr = c.v.ref(c.task);
    c.v.d.ok("fluke_mapping_get_state", { mapping: c.mapping, region_ref: rr, task_ref: 0 });
    expect(c.v.d.ok("fluke_ref_type", { ref: rr })).toEqual({ type: "null" });
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_REGION; an invalid region can still be destroyed", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    expect(v.try("fluke_region_destroy", { region: 0x9000 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_region_destroy", { region: r + 16 })).toEqual(insanity("NOT_ALIGNED"));
    expect(v.try("fluke_region_destroy", { region: v.task() })).toEqual(insanity("NOT_REGION"));
    v.d.ok("harness_mem_write", { addr: r + 31, bytes: [1] });
    expect(v.try("fluke_region_protect", { region: r, max_prot: 0 })).toEqual(insanity("INVALID_OBJECT"));
    v.d.ok("fluke_region_destroy", { region: r });
    expect(v.obj(r)).toBeUndefined();
  });
});

describe("fluke_region_get_state", () => {
  it("exports extent and ceiling and binds the task and keeper links", () => {
    const v = new Vm();
    const port = v.port();
    const r = v.region(ROOT_TASK_VA, DATA, 0x2000, RW, v.ref(port, "port"));
    const tr = v.ref();
    const kr = v.ref();
    expect(v.d.ok("fluke_region_get_state", { region: r, task_ref: tr, keeper_ref: kr })).toMatchObject({ state: { start_va: DATA, size: 0x2000, prot: RW } });
    expect(v.d.ok("fluke_ref_compare", { ref1: tr, ref2: v.ref(ROOT_TASK_VA) })).toEqual({ equal: true });
    expect(v.d.ok("fluke_ref_compare", { ref1: kr, ref2: v.ref(port, "port") })).toEqual({ equal: true });
  });
  it("raises NOT_REF and the region codes", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    expect(v.try("fluke_region_get_state", { region: r, task_ref: 0, keeper_ref: r })).toEqual(insanity("NOT_REF"));
    expect(v.try("fluke_region_get_state", { region: 0x9000, task_ref: 0, keeper_ref: 0 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_region_get_state", { region: ROOT_TASK_VA, task_ref: 0, keeper_ref: 0 })).toEqual(insanity("NOT_REGION"));
  });
});

describe("fluke_region_set_state", () => {
  it("sets extent and ceiling, ignores the hash, leaves links alone for null ref pointers", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    const { state } = v.d.ok("fluke_region_get_state", { region: r, task_ref: 0, keeper_ref: 0 }) as { state: { hash: number } };
    v.d.ok("fluke_region_set_state", { region: r, state: { hash: 5, start_va: DATA + 0x1000, size: 0x3000, prot: FLUKE_PROT_READ }, task_ref: 0, keeper_ref: 0 });
    expect(v.d.ok("fluke_region_get_state", { region: r, task_ref: 0, keeper_ref: 0 })).toEqual({ state: { hash: state.hash, start_va: DATA + 0x1000, size: 0x3000, prot: FLUKE_PROT_READ } });
    expect(v.obj(r)).toMatchObject({ task: v.oid(ROOT_TASK_VA) });
    v.d.ok("fluke_region_set_state", { region: r, state: null, task_ref: v.ref(0), keeper_ref: 0 });
    expect(v.obj(r)).toMatchObject({ task: null, size: 0x3000 });
  });
  it("accepts an empty region (size 0) at any aligned start (ours)", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    v.d.ok("fluke_region_set_state", { region: r, state: st(0, 0, 0), task_ref: 0, keeper_ref: 0 });
    expect(v.obj(r)).toMatchObject({ start_va: 0, size: 0 });
  });
  it("shrinking the region makes accesses past its new end fault", () => {
    const c = child();
    c.v.d.ok("fluke_region_set_state", { region: c.region, state: st(DATA, 0x1000, FLUKE_PROT_ALL), task_ref: 0, keeper_ref: 0 });
    expect(c.v.d.ok("harness_mem_read", { addr: 0x100ff0, len: 1 }, c.thread)).toEqual({ bytes: [0] });
    expect(c.v.try("harness_mem_read", { addr: 0x101000, len: 1 }, c.thread)).toMatchObject({ kind: "fault", addr: 0x101000 });
  });
  it("raises NOT_TASK_REF, NOT_PORT_REF, NOT_REF", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    const port = v.port();
    expect(v.try("fluke_region_set_state", { region: r, state: null, task_ref: v.ref(port, "port"), keeper_ref: 0 })).toEqual(insanity("NOT_TASK_REF"));
    expect(v.try("fluke_region_set_state", { region: r, state: null, task_ref: 0, keeper_ref: v.ref(ROOT_TASK_VA) })).toEqual(insanity("NOT_PORT_REF"));
    expect(v.try("fluke_region_set_state", { region: r, state: null, task_ref: port, keeper_ref: 0 })).toEqual(insanity("NOT_REF"));
  });
  it("raises INVALID_PROT, NOT_ALIGNED, INVALID_ADDRESS, with no effect", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    const set = (state: object) => v.try("fluke_region_set_state", { region: r, state, task_ref: 0, keeper_ref: 0 });
    expect(set(st(DATA, 0x1000, 16))).toEqual(insanity("INVALID_PROT"));
    expect(set(st(DATA + 8, 0x1000, RW))).toEqual(insanity("NOT_ALIGNED"));
    expect(set(st(DATA, 0x1001, RW))).toEqual(insanity("NOT_ALIGNED"));
    expect(set(st(0, 0x1000, RW))).toEqual(insanity("INVALID_ADDRESS"));
    expect(set(st(FLUKE_VM_MAX - 0x1000, 0x2000, RW))).toEqual(insanity("INVALID_ADDRESS"));
    expect(set(st(FLUKE_ENTRY_MIN, 0x1000, RW))).toEqual(insanity("INVALID_ADDRESS"));
    expect(v.obj(r)).toMatchObject({ start_va: DATA, size: 0x1000, prot: RW });
  });
});

describe("fluke_region_move", () => {
  it("moves the region; mappings of it keep working", () => {
    const c = child();
    const to = c.v.alloc("region");
    c.v.d.ok("fluke_region_move", { old_addr: c.region, new_addr: to });
    expect(c.v.obj(c.region)).toBeUndefined();
    expect(c.v.d.ok("harness_mem_read", { addr: 0x100000, len: 2 }, c.thread)).toEqual({ bytes: [0, 0] });
    c.v.d.ok("fluke_region_protect", { region: to, max_prot: FLUKE_PROT_NONE });
    expect(c.v.try("harness_mem_read", { addr: 0x100000, len: 2 }, c.thread)).toMatchObject({ kind: "fault" });
  });
  it("raises OBJECT_EXISTS, NOT_ALIGNED, NO_OBJECT, NOT_REGION, INVALID_OBJECT", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    expect(v.try("fluke_region_move", { old_addr: r, new_addr: r })).toEqual(insanity("OBJECT_EXISTS"));
    expect(v.try("fluke_region_move", { old_addr: r, new_addr: 0x9004 })).toEqual(insanity("NOT_ALIGNED"));
    expect(v.try("fluke_region_move", { old_addr: 0x9000, new_addr: 0x9020 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_region_move", { old_addr: ROOT_TASK_VA, new_addr: 0x9020 })).toEqual(insanity("NOT_REGION"));
    v.d.ok("harness_mem_write", { addr: r, bytes: [0] });
    expect(v.try("fluke_region_move", { old_addr: r, new_addr: 0x9020 })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("fluke_region_protect", () => {
  it("tightens and loosens the ceiling of every derived access", () => {
    const c = child();
    c.v.d.ok("fluke_region_protect", { region: c.region, max_prot: FLUKE_PROT_READ });
    expect(c.v.try("harness_mem_write", { addr: 0x100000, bytes: [1] }, c.thread)).toEqual({ kind: "fault", addr: 0x100000, access: "write" });
    expect(c.v.d.ok("harness_mem_read", { addr: 0x100000, len: 1 }, c.thread)).toEqual({ bytes: [0] });
    c.v.d.ok("fluke_region_protect", { region: c.region, max_prot: FLUKE_PROT_NONE });
    expect(c.v.try("harness_mem_read", { addr: 0x100000, len: 1 }, c.thread)).toMatchObject({ kind: "fault", access: "read" });
    c.v.d.ok("fluke_region_protect", { region: c.region, max_prot: RW });
    c.v.d.ok("harness_mem_write", { addr: 0x100000, bytes: [1] }, c.thread);
  });
  it("raises INVALID_PROT and the region codes", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    expect(v.try("fluke_region_protect", { region: r, max_prot: 0x10 })).toEqual(insanity("INVALID_PROT"));
    expect(v.try("fluke_region_protect", { region: 0x9000, max_prot: 0 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_region_protect", { region: r + 1, max_prot: 0 })).toEqual(insanity("NOT_ALIGNED"));
    expect(v.try("fluke_region_protect", { region: ROOT_TASK_VA, max_prot: 0 })).toEqual(insanity("NOT_REGION"));
  });
});

describe("fluke_region_reference", () => {
  it("binds the reference to the region", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    const ref = v.ref();
    v.d.ok("fluke_region_reference", { region: r, new_region_ref: ref });
    expect(v.d.ok("fluke_ref_type", { ref })).toEqual({ type: "region" });
  });
  it("raises NOT_REF, NO_OBJECT, NOT_REGION, INVALID_OBJECT", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    const ref = v.ref();
    expect(v.try("fluke_region_reference", { region: r, new_region_ref: r })).toEqual(insanity("NOT_REF"));
    expect(v.try("fluke_region_reference", { region: 0x9000, new_region_ref: ref })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_region_reference", { region: ROOT_TASK_VA, new_region_ref: ref })).toEqual(insanity("NOT_REGION"));
    v.d.ok("harness_mem_write", { addr: r, bytes: [0] });
    expect(v.try("fluke_region_reference", { region: r, new_region_ref: ref })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("fluke_region_search", () => {
  /** A child whose memory (root DATA..+0x4000 = child 0x100000..) holds three objects it created. */
  const populated = () => {
    const c = child();
    c.v.d.ok("fluke_task_create", { new_task: 0x102040 }, c.thread);
    c.v.d.ok("fluke_ref_create", { new_ref: 0x100010 }, c.thread);
    c.v.d.ok("fluke_mapping_create", { new_mapping: 0x100020 }, c.thread);
    return c;
  };
  it("lists the objects in the range in address order, as addresses in the region's task", () => {
    const c = populated();
    const out = c.v.d.ok("fluke_region_search", { region: c.region, offset: 0, size: 0x4000, obarray_size: 8 });
    expect(out).toEqual({
      offset: 0x4000, obarray_size: 5,
      obarray: [{ ob: DATA + 0x10, type: "ref" }, { ob: DATA + 0x20, type: "mapping" }, { ob: DATA + 0x2040, type: "task" }],
    });
  });
  it("through a region over the child task, lists the same objects at the child's addresses", () => {
    const c = populated();
    const over = c.v.region(c.task, 0x100000, 0x4000, FLUKE_PROT_READ);
    const out = c.v.d.ok("fluke_region_search", { region: over, offset: 0x1000, size: 0x3000, obarray_size: 8 });
    expect(out).toEqual({ offset: 0x4000, obarray_size: 7, obarray: [{ ob: 0x102040, type: "task" }] });
  });
  it("stops when the array is full: offset just past the last listed object, obarray_size 0", () => {
    const c = populated();
    const first = c.v.d.ok("fluke_region_search", { region: c.region, offset: 0, size: 0x4000, obarray_size: 2 });
    expect(first).toEqual({ offset: 0x40, obarray_size: 0, obarray: [{ ob: DATA + 0x10, type: "ref" }, { ob: DATA + 0x20, type: "mapping" }] });
    const rest = c.v.d.ok("fluke_region_search", { region: c.region, offset: 0x40, size: 0x4000 - 0x40, obarray_size: 2 });
    expect(rest).toEqual({ offset: 0x4000, obarray_size: 1, obarray: [{ ob: DATA + 0x2040, type: "task" }] });
  });
  it("skips the holes of a region over the whole usable range", () => {
    const c = populated();
    const whole = c.v.region(c.task, FLUKE_VM_MIN, FLUKE_VM_MAX - FLUKE_VM_MIN, FLUKE_PROT_READ);
    const out = c.v.d.ok("fluke_region_search", { region: whole, offset: 0, size: FLUKE_VM_MAX - FLUKE_VM_MIN, obarray_size: 8 });
    expect(out).toMatchObject({ obarray_size: 5, obarray: [{ ob: 0x100010 }, { ob: 0x100020 }, { ob: 0x102040 }] });
    const root = c.v.region(ROOT_TASK_VA, FLUKE_VM_MIN, FLUKE_VM_MAX - FLUKE_VM_MIN, FLUKE_PROT_READ);
    const boot = c.v.d.ok("fluke_region_search", { region: root, offset: 0, size: 0x100, obarray_size: 8 });
    expect(boot).toEqual({ offset: 0x100, obarray_size: 6, obarray: [{ ob: ROOT_TASK_VA, type: "task" }, { ob: ROOT_TASK_VA + 128, type: "thread" }] });
  });
  it("finds nothing in a region over no task", () => {
    const v = new Vm();
    const r = v.alloc("region");
    v.d.ok("fluke_region_create", { new_region: r });
    expect(v.d.ok("fluke_region_search", { region: r, offset: 0, size: 0x1000, obarray_size: 4 })).toEqual({ offset: 0x1000, obarray_size: 4, obarray: [] });
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_REGION, INVALID_OBJECT", () => {
    const v = new Vm();
    const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
    const args = { offset: 0, size: 0x1000, obarray_size: 1 };
    expect(v.try("fluke_region_search", { region: 0x9000, ...args })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_region_search", { region: r + 4, ...args })).toEqual(insanity("NOT_ALIGNED"));
    expect(v.try("fluke_region_search", { region: ROOT_TASK_VA, ...args })).toEqual(insanity("NOT_REGION"));
    v.d.ok("harness_mem_write", { addr: r, bytes: [0] });
    expect(v.try("fluke_region_search", { region: r, ...args })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("the region argument of every call", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["fluke_region_get_state", { task_ref: 0, keeper_ref: 0 }],
    ["fluke_region_set_state", { state: null, task_ref: 0, keeper_ref: 0 }],
    ["fluke_region_protect", { max_prot: 0 }],
    ["fluke_region_reference", {}],
    ["fluke_region_move", { new_addr: 0x9f40 }],
    ["fluke_region_search", { offset: 0, size: 0x1000, obarray_size: 1 }],
  ];
  for (const [name, rest] of cases) {
    it(`${name}: NO_OBJECT, NOT_ALIGNED, NOT_REGION, INVALID_OBJECT`, () => {
      const v = new Vm();
      const r = v.region(ROOT_TASK_VA, DATA, 0x1000, RW);
      const wrong = v.alloc("mapping");
      v.d.ok("fluke_mapping_create", { new_mapping: wrong });
      const arg = name === "fluke_region_move" ? "old_addr" : "region";
      const refArg = name === "fluke_region_reference" ? { new_region_ref: v.ref() } : {};
      expect(objectArgCodes(v, name, arg, r, wrong, { ...rest, ...refArg })).toEqual(objectArgExpected("NOT_REGION"));
    });
  }
});
