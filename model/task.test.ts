// Tests of the task chapter of the model (spec/kernel-api/task.md): every call, its happy path, and
// every code its registry row lists.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_PROT_WRITE } from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { Driver } from "./testkit.js";
import { DATA, Vm, objectArgCodes, objectArgExpected } from "./vm-testkit.js";

const insanity = (code: string) => ({ kind: "insanity", code });
const RW = FLUKE_PROT_READ | FLUKE_PROT_WRITE;

/** A child task seeing root memory DATA..DATA+0x4000 at 0x100000 with `prot`, and a thread in it. */
const child = (prot: number) => {
  const v = new Vm();
  const task = v.task();
  const region = v.region(ROOT_TASK_VA, DATA, 0x4000, FLUKE_PROT_ALL);
  const mapping = v.mapping(task, region, 0, 0x100000, 0x4000, prot);
  return { v, task, region, mapping, thread: v.thread(task) };
};

describe("fluke_task_create", () => {
  it("creates an empty task at the address, with an implementation hash", () => {
    const v = new Vm();
    const t = v.task();
    expect(v.obj(t)).toMatchObject({ type: "task", keeper: null, root: false });
    const out = v.d.ok("fluke_task_get_state", { task: t, keeper_ref: 0 });
    expect((out.state as { hash: number }).hash).not.toBe(0);
  });
  it("raises NOT_ALIGNED for a misaligned block, with no effect", () => {
    const d = new Driver();
    const before = d.s.objects.size;
    expect(d.call("fluke_task_create", { new_task: 0x8008 })).toEqual(insanity("NOT_ALIGNED"));
    expect(d.s.objects.size).toBe(before);
  });
  it("raises OBJECT_EXISTS on a block that holds an object", () => {
    const d = new Driver();
    expect(d.call("fluke_task_create", { new_task: ROOT_TASK_VA })).toEqual(insanity("OBJECT_EXISTS"));
  });
  it("returns NO_MEMORY when the kernel is full, creating nothing", () => {
    const d = new Driver({ objectLimit: 2 });
    expect(d.call("fluke_task_create", { new_task: 0x8000 })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
    expect(d.s.objects.size).toBe(2);
  });
  it("faults (create_ob) where the caller's memory lacks FLUKE_PROT_CREATE_OB", () => {
    const c = child(RW);
    expect(c.v.try("fluke_task_create", { new_task: 0x100000 }, c.thread)).toEqual({ kind: "fault", addr: 0x100000, access: "create_ob" });
  });
  it("faults (write) where the caller has no memory at all", () => {
    const c = child(FLUKE_PROT_ALL);
    expect(c.v.try("fluke_task_create", { new_task: 0x200000 }, c.thread)).toEqual({ kind: "fault", addr: 0x200000, access: "write" });
  });
  it("creates in a child's memory: the object is at the physical place the child's address names", () => {
    const c = child(FLUKE_PROT_ALL);
    c.v.d.ok("fluke_task_create", { new_task: 0x100040 }, c.thread);
    expect(c.v.obj(DATA + 0x40)?.type).toBe("task");
    const inChild = c.v.d.ok("fluke_task_get_state", { task: 0x100040, keeper_ref: 0 }, c.thread);
    expect(c.v.d.ok("fluke_task_get_state", { task: DATA + 0x40, keeper_ref: 0 })).toEqual(inChild);
  });
  it("an object argument the caller cannot reach is a fault, not NO_OBJECT (decision 4)", () => {
    const c = child(FLUKE_PROT_ALL);
    expect(c.v.try("fluke_task_get_state", { task: 0x500000, keeper_ref: 0 }, c.thread)).toEqual({ kind: "fault", addr: 0x500000, access: "read" });
    expect(c.v.try("fluke_task_get_state", { task: 0x100000, keeper_ref: 0 }, c.thread)).toEqual(insanity("NO_OBJECT"));
  });
});

describe("fluke_task_create_hash", () => {
  it("uses and returns the caller's hash", () => {
    const d = new Driver();
    expect(d.ok("fluke_task_create_hash", { new_task: 0x8000, hash: 1234 })).toEqual({ hash: 1234 });
    expect(d.ok("fluke_task_get_state", { task: 0x8000, keeper_ref: 0 })).toEqual({ state: { hash: 1234 } });
  });
  it("chooses a hash for 0 and returns it", () => {
    const d = new Driver();
    const { hash } = d.ok("fluke_task_create_hash", { new_task: 0x8000, hash: 0 }) as { hash: number };
    expect(hash).not.toBe(0);
    expect(d.ok("fluke_task_get_state", { task: 0x8000, keeper_ref: 0 })).toEqual({ state: { hash } });
  });
  it("raises NOT_ALIGNED and OBJECT_EXISTS, and returns NO_MEMORY", () => {
    expect(new Driver().call("fluke_task_create_hash", { new_task: 0x8004, hash: 1 })).toEqual(insanity("NOT_ALIGNED"));
    expect(new Driver().call("fluke_task_create_hash", { new_task: ROOT_TASK_VA, hash: 1 })).toEqual(insanity("OBJECT_EXISTS"));
    expect(new Driver({ objectLimit: 1 }).call("fluke_task_create_hash", { new_task: 0x8000, hash: 1 })).toMatchObject({ rc: "NO_MEMORY" });
  });
});

describe("fluke_task_destroy", () => {
  it("removes the task: its address then holds no object", () => {
    const v = new Vm();
    const t = v.task();
    v.d.ok("fluke_task_destroy", { task: t });
    expect(v.try("fluke_task_destroy", { task: t })).toEqual(insanity("NO_OBJECT"));
  });
  it("detaches mappings into it and regions over it, and stops its threads", () => {
    const c = child(FLUKE_PROT_ALL);
    const sub = c.v.region(c.task, 0x100000, 0x1000, FLUKE_PROT_ALL);
    c.v.d.ok("fluke_task_destroy", { task: c.task });
    const r1 = c.v.ref(0);
    const r2 = c.v.ref(0);
    c.v.d.ok("fluke_mapping_get_state", { mapping: c.mapping, region_ref: 0, task_ref: r1 });
    c.v.d.ok("fluke_region_get_state", { region: sub, task_ref: r2, keeper_ref: 0 });
    expect(c.v.d.ok("fluke_ref_type", { ref: r1 })).toEqual({ type: "null" });
    expect(c.v.d.ok("fluke_ref_type", { ref: r2 })).toEqual({ type: "null" });
    expect(c.v.try("harness_mem_read", { addr: 0x100000, len: 1 }, c.thread)).toEqual({ kind: "not_runnable", why: "no_task" });
  });
  it("raises INVALID_OBJECT for the root task (ours), which stays", () => {
    const v = new Vm();
    expect(v.try("fluke_task_destroy", { task: ROOT_TASK_VA })).toEqual(insanity("INVALID_OBJECT"));
    expect(v.obj(ROOT_TASK_VA)?.type).toBe("task");
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_TASK", () => {
    const v = new Vm();
    const t = v.task();
    expect(v.try("fluke_task_destroy", { task: 0x9000 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_task_destroy", { task: t + 8 })).toEqual(insanity("NOT_ALIGNED"));
    const r = v.alloc("task");
    v.d.ok("fluke_region_create", { new_region: r });
    expect(v.try("fluke_task_destroy", { task: r })).toEqual(insanity("NOT_TASK"));
  });
  it("still destroys a task made invalid by a write into its block (decision 3)", () => {
    const v = new Vm();
    const t = v.task();
    v.d.ok("harness_mem_write", { addr: t + 4, bytes: [1] });
    expect(v.try("fluke_task_get_state", { task: t, keeper_ref: 0 })).toEqual(insanity("INVALID_OBJECT"));
    v.d.ok("fluke_task_destroy", { task: t });
    expect(v.obj(t)).toBeUndefined();
  });
});

describe("fluke_task_get_state", () => {
  it("exports the hash and binds keeper_ref to the keeper port (null when none)", () => {
    const v = new Vm();
    const t = v.task();
    const port = v.port();
    const kr = v.ref();
    expect(v.d.ok("fluke_task_get_state", { task: t, keeper_ref: kr })).toHaveProperty("state.hash");
    expect(v.d.ok("fluke_ref_type", { ref: kr })).toEqual({ type: "null" });
    v.d.ok("fluke_task_set_state", { task: t, state: null, keeper_ref: v.ref(port, "port") });
    v.d.ok("fluke_task_get_state", { task: t, keeper_ref: kr });
    expect(v.d.ok("fluke_ref_compare", { ref1: kr, ref2: v.ref(port, "port") })).toEqual({ equal: true });
  });
  it("raises NOT_REF for a keeper_ref that is no reference, and the task codes", () => {
    const v = new Vm();
    const t = v.task();
    const other = v.task();
    expect(v.try("fluke_task_get_state", { task: t, keeper_ref: other })).toEqual(insanity("NOT_REF"));
    expect(v.try("fluke_task_get_state", { task: 0x9000, keeper_ref: 0 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_task_get_state", { task: t + 16, keeper_ref: 0 })).toEqual(insanity("NOT_ALIGNED"));
    expect(v.try("fluke_task_get_state", { task: v.ref(), keeper_ref: 0 })).toEqual(insanity("NOT_TASK"));
  });
});

describe("fluke_task_set_state", () => {
  it("ignores the hash and sets or clears the keeper link; a null ref pointer leaves it alone", () => {
    const v = new Vm();
    const t = v.task();
    const { state } = v.d.ok("fluke_task_get_state", { task: t, keeper_ref: 0 }) as { state: { hash: number } };
    const port = v.port();
    v.d.ok("fluke_task_set_state", { task: t, state: { hash: state.hash + 1 }, keeper_ref: v.ref(port, "port") });
    expect(v.d.ok("fluke_task_get_state", { task: t, keeper_ref: 0 })).toEqual({ state });
    v.d.ok("fluke_task_set_state", { task: t, state, keeper_ref: 0 });
    expect(v.obj(t)).toMatchObject({ keeper: v.oid(port) });
    v.d.ok("fluke_task_set_state", { task: t, state, keeper_ref: v.ref(0) });
    expect(v.obj(t)).toMatchObject({ keeper: null });
  });
  it("raises NOT_PORT_REF for a reference to something else, NOT_REF, and INVALID_OBJECT", () => {
    const v = new Vm();
    const t = v.task();
    expect(v.try("fluke_task_set_state", { task: t, state: null, keeper_ref: v.ref(t) })).toEqual(insanity("NOT_PORT_REF"));
    expect(v.try("fluke_task_set_state", { task: t, state: null, keeper_ref: t })).toEqual(insanity("NOT_REF"));
    v.d.ok("harness_mem_write", { addr: t, bytes: [9] });
    expect(v.try("fluke_task_set_state", { task: t, state: null, keeper_ref: 0 })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("fluke_task_move", () => {
  it("moves the task; its mappings, threads and references keep working", () => {
    const c = child(FLUKE_PROT_ALL);
    const r = c.v.ref(c.task);
    const to = c.v.alloc("task");
    c.v.d.ok("harness_mem_write", { addr: 0x100010, bytes: [5] }, c.thread);
    c.v.d.ok("fluke_task_move", { old_addr: c.task, new_addr: to });
    expect(c.v.obj(c.task)).toBeUndefined();
    expect(c.v.d.ok("harness_mem_read", { addr: 0x100010, len: 1 }, c.thread)).toEqual({ bytes: [5] });
    expect(c.v.d.ok("fluke_ref_compare", { ref1: r, ref2: c.v.ref(to) })).toEqual({ equal: true });
  });
  it("raises OBJECT_EXISTS, NOT_ALIGNED, NO_OBJECT, NOT_TASK, INVALID_OBJECT", () => {
    const v = new Vm();
    const t = v.task();
    const u = v.task();
    expect(v.try("fluke_task_move", { old_addr: t, new_addr: u })).toEqual(insanity("OBJECT_EXISTS"));
    expect(v.try("fluke_task_move", { old_addr: t, new_addr: 0x9020 })).toEqual(insanity("NOT_ALIGNED"));
    expect(v.try("fluke_task_move", { old_addr: 0x9000, new_addr: 0x9040 })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_task_move", { old_addr: v.ref(), new_addr: 0x9040 })).toEqual(insanity("NOT_TASK"));
    v.d.ok("harness_mem_write", { addr: t, bytes: [1] });
    expect(v.try("fluke_task_move", { old_addr: t, new_addr: 0x9040 })).toEqual(insanity("INVALID_OBJECT"));
  });
  it("may move the root task (ours): physical memory stays the root's address space", () => {
    const d = new Driver();
    d.ok("fluke_task_move", { old_addr: ROOT_TASK_VA, new_addr: 0x9000 });
    d.ok("harness_mem_write", { addr: DATA, bytes: [3] });
    expect(d.ok("harness_mem_read", { addr: DATA, len: 1 })).toEqual({ bytes: [3] });
  });
});

describe("fluke_task_reference", () => {
  it("binds the reference to the task", () => {
    const v = new Vm();
    const t = v.task();
    const r = v.ref();
    v.d.ok("fluke_task_reference", { task: t, new_task_ref: r });
    expect(v.d.ok("fluke_ref_type", { ref: r })).toEqual({ type: "task" });
    expect(v.obj(r)).toMatchObject({ target: v.oid(t) });
  });
  it("raises NOT_REF, NO_OBJECT, NOT_TASK, NOT_ALIGNED, INVALID_OBJECT", () => {
    const v = new Vm();
    const t = v.task();
    const r = v.ref();
    expect(v.try("fluke_task_reference", { task: t, new_task_ref: v.task() })).toEqual(insanity("NOT_REF"));
    expect(v.try("fluke_task_reference", { task: 0x9000, new_task_ref: r })).toEqual(insanity("NO_OBJECT"));
    expect(v.try("fluke_task_reference", { task: r, new_task_ref: r })).toEqual(insanity("NOT_TASK"));
    expect(v.try("fluke_task_reference", { task: t + 32, new_task_ref: r })).toEqual(insanity("NOT_ALIGNED"));
    v.d.ok("harness_mem_write", { addr: r, bytes: [1] });
    expect(v.try("fluke_task_reference", { task: t, new_task_ref: r })).toEqual(insanity("INVALID_OBJECT"));
  });
});

describe("the task argument of every call", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["fluke_task_get_state", { keeper_ref: 0 }],
    ["fluke_task_set_state", { state: null, keeper_ref: 0 }],
    ["fluke_task_reference", { new_task_ref: 0 }],
    ["fluke_task_move", { new_addr: 0x9f40 }],
  ];
  for (const [name, rest] of cases) {
    it(`${name}: NO_OBJECT, NOT_ALIGNED, NOT_TASK, INVALID_OBJECT`, () => {
      const v = new Vm();
      const t = v.task();
      const wrong = v.alloc("task");
      v.d.ok("fluke_mapping_create", { new_mapping: wrong });
      const arg = name === "fluke_task_move" ? "old_addr" : "task";
      const refArg = name === "fluke_task_reference" ? { new_task_ref: v.ref() } : {};
      expect(objectArgCodes(v, name, arg, t, wrong, { ...rest, ...refArg })).toEqual(objectArgExpected("NOT_TASK"));
    });
  }
});
