// Helpers for the unit tests of the kernel's task, region, mapping and harness chapters: a kernel driven
// as its boot thread, with calls expected to succeed, to raise a given insanity, or to fault (the boot
// thread is revived after an exception, as if its keeper had told it to skip the call, so one kernel can
// check many error paths), and nested address spaces built with calls only. Test support only.
// Above: impl/kernel/{task,region,mapping,harness}.test.ts. Below: kernel.ts.
import { expect } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_VM_MIN, OBJECT_SIZE, PAGE_SIZE, type FaultKind, type Insanity, type Outcome } from "../../spec/kernel-api/common.js";
import { Kernel, type KernelOptions } from "./kernel.js";
import type { KObj } from "./kobjects.js";

export const BOOT = FLUKE_VM_MIN + OBJECT_SIZE.thread;
export const ROOT = FLUKE_VM_MIN;
/** Addresses (root task) where the tests put their objects: page 1 of physical memory. */
export const AT = { ref: [0x2000, 0x2010, 0x2020], task: [0x2100, 0x2140, 0x2180], region: [0x2200, 0x2220, 0x2240], mapping: [0x2300, 0x2320, 0x2340], port: 0x2400, free: 0x2800 } as const;

export class KT {
  readonly k: Kernel;
  constructor(opts: KernelOptions = {}) {
    this.k = new Kernel(opts);
  }

  /** Run a call as the boot thread; an exception it takes is cleared afterwards. */
  run(name: string, args: Record<string, unknown>): Outcome {
    const { outcome } = this.k.step(BOOT, { name, args });
    const t = this.k.bootThread;
    if (t.wait?.kind === "exception") Object.assign(t, { wait: null, pending: null });
    return outcome;
  }

  ok(name: string, args: Record<string, unknown>): Record<string, unknown> {
    const o = this.run(name, args);
    expect(o, name).toMatchObject({ kind: "return", rc: "SUCCESS" });
    return (o as { out: Record<string, unknown> }).out;
  }

  insane(name: string, args: Record<string, unknown>, code: Insanity): void {
    expect(this.run(name, args), name).toEqual({ kind: "insanity", code });
  }

  /** The object at root address `va`. */
  obj(va: number): KObj | undefined {
    return this.k.objects.at(va - FLUKE_VM_MIN);
  }

  /** Bind reference `ref` to the task / region / port at `va` (creating the reference if needed). */
  bind(ref: number, kind: "task" | "region" | "port", va: number): number {
    if (this.obj(ref) === undefined) this.ok("fluke_ref_create", { new_ref: ref });
    this.ok(`fluke_${kind}_reference`, { [kind]: va, [`new_${kind}_ref`]: ref });
    return ref;
  }

  /** A null reference at `ref` (created if needed). */
  nullRef(ref: number): number {
    if (this.obj(ref) === undefined) this.ok("fluke_ref_create", { new_ref: ref });
    return ref;
  }

  /** Region at `region` over the task at `task`, [start, start+size), ceiling prot. */
  region(region: number, task: number, start_va: number, size: number, prot = FLUKE_PROT_ALL): void {
    if (this.obj(region) === undefined) this.ok("fluke_region_create", { new_region: region });
    this.ok("fluke_region_set_state", { region, state: { hash: 0, start_va, size, prot }, task_ref: this.bind(0x2030, "task", task), keeper_ref: 0 });
  }

  /** Mapping at `mapping` of `region` into the task at `task`. */
  mapping(mapping: number, region: number, task: number, start_va: number, size: number, region_off = 0, prot = FLUKE_PROT_ALL): void {
    if (this.obj(mapping) === undefined) this.ok("fluke_mapping_create", { new_mapping: mapping });
    const state = { hash: 0, region_off, start_va, size, prot };
    this.ok("fluke_mapping_set_state", { mapping, state, region_ref: this.bind(0x2030, "region", region), task_ref: this.bind(0x2040, "task", task) });
  }

  /** Physical address of `va` in the task at root address `task`, or the fault's region name / "self". */
  where(task: number, va: number, access: FaultKind = "read"): number | string {
    const t = this.obj(task);
    if (t?.type !== "task") throw new Error("no task");
    try {
      return this.k.translate(t, va, access);
    } catch (e) {
      const r = (e as { region?: KObj | null }).region;
      return r === undefined ? String(e) : r === null ? "self" : `region@${(this.k.nameOf(r)).toString(16)}`;
    }
  }
}

/** Root address of physical page `n`. */
export const page = (n: number): number => FLUKE_VM_MIN + n * PAGE_SIZE;
