// Test fixture for the task, region and mapping tests: builds address-space set-ups through the API,
// driven by the boot thread in the root task (whose addresses are physical memory). Objects go in an
// "object area" of root memory, one after another; threads in child tasks are placed straight into the
// state (the thread chapter's calls are not needed for memory tests). Not used by the model itself.
import { OBJECT_SIZE, type ObjectType } from "../spec/kernel-api/common.js";
import type { Outcome } from "../spec/kernel-api/common.js";
import { BOOT_THREAD_VA, newThread } from "./boot.js";
import { recordOutcome } from "./outcome-log.js";
import { step } from "./step.js";
import { HANDLERS } from "./handlers.js";
import { paddrOfRootVa } from "./memory.js";
import { objectAtPhys } from "./objects.js";
import type { Obj, Oid, ThreadName } from "./state.js";
import { Driver } from "./testkit.js";

/** Root addresses: the object area the fixture allocates from, and free data pages above it. */
export const OBJ_AREA = 0x8000;
export const DATA = 0x10000;

export class Vm {
  readonly d: Driver;
  private next = OBJ_AREA;
  constructor(d: Driver = new Driver()) {
    this.d = d;
  }

  /** A free, aligned root address for an object of `type`. */
  alloc(type: ObjectType): number {
    const size = OBJECT_SIZE[type];
    this.next = Math.ceil(this.next / size) * size;
    const va = this.next;
    this.next += size;
    if (this.next > DATA) throw new Error("vm-testkit: object area full");
    return va;
  }

  /** A new reference object bound to the object at `target` (0: a null reference). */
  ref(target = 0, type: "task" | "region" | "port" | "mapping" = "task"): number {
    const va = this.alloc("ref");
    this.d.ok("fluke_ref_create", { new_ref: va });
    if (target === 0) return va;
    if (HANDLERS[`fluke_${type}_reference`] !== undefined) this.d.ok(`fluke_${type}_reference`, { [type]: target, [`new_${type}_ref`]: va });
    else this.bind(va, target);
    return va;
  }

  /** Bind the reference at root address `ref` to the object at root address `target`, directly. */
  private bind(ref: number, target: number): void {
    const s = { ...this.d.s, objects: new Map(this.d.s.objects) };
    const r = this.obj(ref);
    if (r?.type !== "ref") throw new Error("not a reference");
    s.objects.set(r.oid, { ...r, target: this.oid(target) });
    this.d.s = s;
  }

  /**
   * The outcome `name` would have, without keeping its effects (an insanity or a fault blocks the
   * thread in the exception path; this lets a test check several codes in a row).
   */
  try(name: string, args: Record<string, unknown>, thread: ThreadName = BOOT_THREAD_VA): Outcome {
    const o = step(this.d.s, thread, { name, args }).outcome;
    recordOutcome(name, o); // counted by scripts/spec-coverage.ts like the Driver's calls
    return o;
  }

  /** A new port (through fluke_port_create when the port chapter has a handler, else placed directly). */
  port(): number {
    const va = this.alloc("port");
    if (HANDLERS["fluke_port_create"] !== undefined) {
      this.d.ok("fluke_port_create", { new_port: va });
      return va;
    }
    const s = { ...this.d.s, objects: new Map(this.d.s.objects), nextOid: this.d.s.nextOid + 1 };
    s.objects.set(this.d.s.nextOid, { oid: this.d.s.nextOid, paddr: paddrOfRootVa(va), hash: 7, invalid: false, type: "port", alias: 0, pset: null });
    this.d.s = s;
    return va;
  }

  task(): number {
    const va = this.alloc("task");
    this.d.ok("fluke_task_create", { new_task: va });
    return va;
  }

  /** A region over `task` (root address of a task object) with the given extent and ceiling. */
  region(task: number, start_va: number, size: number, prot: number, keeperRef = 0): number {
    const va = this.alloc("region");
    this.d.ok("fluke_region_create", { new_region: va });
    const state = { hash: 0, start_va, size, prot };
    this.d.ok("fluke_region_set_state", { region: va, state, task_ref: this.ref(task), keeper_ref: keeperRef });
    return va;
  }

  /** A mapping of `region` into `task` at start_va. */
  mapping(task: number, region: number, region_off: number, start_va: number, size: number, prot: number): number {
    const va = this.alloc("mapping");
    this.d.ok("fluke_mapping_create", { new_mapping: va });
    const state = { hash: 0, region_off, start_va, size, prot };
    this.d.ok("fluke_mapping_set_state", { mapping: va, state, region_ref: this.ref(region, "region"), task_ref: this.ref(task) });
    return va;
  }

  /** The object whose block starts at root address `va`. */
  obj(va: number): Obj | undefined {
    return objectAtPhys(this.d.s, paddrOfRootVa(va));
  }

  oid(va: number): Oid {
    const o = this.obj(va);
    if (o === undefined) throw new Error(`no object at 0x${va.toString(16)}`);
    return o.oid;
  }

  /** Place a runnable thread (on the boot thread's time) in the task at root address `task`; returns its name. */
  thread(task: number): ThreadName {
    const va = this.alloc("thread");
    const s = { ...this.d.s, objects: new Map(this.d.s.objects), nextOid: this.d.s.nextOid + 1 };
    const t = newThread(this.d.s.nextOid, paddrOfRootVa(va), 0x5000 + this.d.s.nextOid);
    t.task = this.oid(task);
    t.thread_va = va;
    t.donor = s.rootThread;
    s.objects.set(t.oid, t);
    this.d.s = s;
    return va;
  }
}

/**
 * The codes the object argument `arg` of call `name` gives for: no object there, a misaligned address,
 * an object of another type (`wrongType`), and the object at `good` made invalid by a user write.
 */
export const objectArgCodes = (v: Vm, name: string, arg: string, good: number, wrongType: number, rest: Record<string, unknown>): Outcome[] => {
  const at = (va: number) => v.try(name, { ...rest, [arg]: va });
  const out = [at(0x9f00), at(good + 4), at(wrongType)];
  v.d.ok("harness_mem_write", { addr: good, bytes: [0xee] });
  out.push(at(good));
  return out;
};

/** What objectArgCodes should return for an argument of type `notType` (e.g. NOT_TASK). */
export const objectArgExpected = (notType: string, invalid = "INVALID_OBJECT"): Outcome[] =>
  ["NO_OBJECT", "NOT_ALIGNED", notType, invalid].map((code) => ({ kind: "insanity", code }) as Outcome);
