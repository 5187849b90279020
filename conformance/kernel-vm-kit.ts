// Shared helpers of the differential tests of the task, region, mapping and harness chapters: run a call
// on the model and the kernel in lockstep and require equal results; compare physical memory and the
// translation (or fault attribution: which region's keeper hears of a refusal) of any address of any task
// on both sides; build nested address spaces out of calls only. Above: conformance/kernel-{task,region,
// mapping,harness,memory}.test.ts. Below: conformance/lockstep.ts, and for the direct comparisons
// model/memory.ts and impl/kernel (this suite is the one place allowed to see both).
import { expect } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_VM_MIN, PAGE_SIZE, type FaultKind } from "../spec/kernel-api/common.js";
import { KFault } from "../impl/kernel/kctx.js";
import { translate as modelTranslate } from "../model/memory.js";
import { MemFault } from "../model/errors.js";
import { objectAtPhys } from "../model/objects.js";
import type { Lockstep, SideResult } from "./lockstep.js";

/** A thread blocked for good by an unhandled exception is revived on both sides (as model/properties does). */
export const revive = (ls: Lockstep): void => {
  const k = ls.kernel.bootThread;
  if (k.wait?.kind === "exception") Object.assign(k, { wait: null, pending: null });
  const m = ls.model.objects.get(ls.model.rootThread);
  if (m?.type === "thread" && m.wait?.kind === "exception") {
    const objects = new Map(ls.model.objects);
    objects.set(m.oid, { ...m, wait: null, pending: null });
    ls.model = { ...ls.model, objects };
  }
};

/**
 * Run a call on both sides and require deeply equal results (outcome and completions); returns them.
 * A boot thread blocked for good by the call's exception is revived afterwards on both sides.
 */
export const same = (ls: Lockstep, name: string, args: Record<string, unknown>, thread?: number): SideResult => {
  const r = ls.call(name, args, thread);
  expect(r.kernel, `${name} diverged\n${ls.transcript()}`).toEqual(r.model);
  revive(ls);
  return r.model;
};

/** What a step should give: "SUCCESS" or another return code, an insanity code, or "fault:<access>". */
export const summary = (r: SideResult): string => {
  const o = r.outcome;
  if (o === "harness-error") return o;
  if (o.kind === "return") return o.rc;
  if (o.kind === "insanity") return o.code;
  if (o.kind === "fault") return `fault:${o.access}`;
  return o.kind;
};

/** A scripted step: call, arguments, and the outcome summary both sides must give. */
export type Step = readonly [name: string, args: Record<string, unknown>, want: string];

/** Play steps in lockstep: equal results at every step, each with the wanted outcome; returns the last. */
export const play = (ls: Lockstep, steps: readonly Step[]): SideResult | undefined => {
  let last: SideResult | undefined;
  for (const [name, args, want] of steps) {
    last = same(ls, name, args);
    expect(summary(last), `${name}(${JSON.stringify(args)})`).toBe(want);
  }
  return last;
};

/** Like same, and the call must return SUCCESS; returns its out-parameters. */
export const okCall = (ls: Lockstep, name: string, args: Record<string, unknown>, thread?: number): Record<string, unknown> => {
  const r = same(ls, name, args, thread);
  if (r.outcome === "harness-error" || r.outcome.kind !== "return" || r.outcome.rc !== "SUCCESS") {
    throw new Error(`${name} did not succeed: ${JSON.stringify(r.outcome)}\n${ls.transcript()}`);
  }
  return r.outcome.out;
};

/** Physical memory of both sides must be equal byte for byte. */
export const expectSamePhys = (ls: Lockstep): void => {
  const pages = ls.kernel.phys.pages;
  for (let pn = 0; pn < pages; pn++) {
    const m = ls.model.pages.get(pn) ?? new Uint8Array(PAGE_SIZE);
    const k = ls.kernel.phys.read(pn * PAGE_SIZE, PAGE_SIZE);
    expect(Buffer.from(k).equals(Buffer.from(m)), `physical page ${pn} differs`).toBe(true);
  }
};

/** "p:<root name of the byte>" or "fault:<root name of the region that hears of it, or null>". */
export type Where = string;

/** How the model translates `va` of the task whose object is at root address `taskName`. */
export const modelWhere = (ls: Lockstep, taskName: number, va: number, access: FaultKind): Where => {
  const t = objectAtPhys(ls.model, taskName - FLUKE_VM_MIN);
  if (t?.type !== "task") throw new Error(`no model task at ${taskName.toString(16)}`);
  try {
    return `p:${(FLUKE_VM_MIN + modelTranslate(ls.model, t.oid, va, access).paddr).toString(16)}`;
  } catch (e) {
    if (!(e instanceof MemFault)) throw e;
    const r = e.region === null ? undefined : ls.model.objects.get(e.region);
    return `fault:${r === undefined ? "null" : (FLUKE_VM_MIN + r.paddr).toString(16)}`;
  }
};

/** How the kernel translates the same address. */
export const kernelWhere = (ls: Lockstep, taskName: number, va: number, access: FaultKind): Where => {
  const t = ls.kernel.objects.at(taskName - FLUKE_VM_MIN);
  if (t?.type !== "task") throw new Error(`no kernel task at ${taskName.toString(16)}`);
  try {
    return `p:${(FLUKE_VM_MIN + ls.kernel.translate(t, va, access)).toString(16)}`;
  } catch (e) {
    if (!(e instanceof KFault)) throw e;
    return `fault:${e.region === null ? "null" : ls.kernel.nameOf(e.region).toString(16)}`;
  }
};

/** Both sides translate `va` of task `taskName` the same way; returns the model's answer. */
export const expectSameWhere = (ls: Lockstep, taskName: number, va: number, access: FaultKind): Where => {
  const m = modelWhere(ls, taskName, va, access);
  expect(kernelWhere(ls, taskName, va, access), `translation of ${va.toString(16)} (${access}) in task ${taskName.toString(16)}`).toBe(m);
  return m;
};

// ---------------------------------------------------------------------------------------------
// Building nested address spaces with calls only (by the boot thread, in the root task)

/** Root addresses of the objects the kit creates (page 1 of physical memory). */
export const A = {
  ref: 0x2000, ref2: 0x2010, ref3: 0x2020,
  tasks: [0x2100, 0x2140, 0x2180, 0x21c0],
  regions: [0x2200, 0x2220, 0x2240, 0x2260],
  mappings: [0x2300, 0x2320, 0x2340, 0x2360],
} as const;

/** Set region `region`'s state and its task link (to the task at `task`, through the scratch ref). */
export const exportRange = (ls: Lockstep, region: number, task: number, start_va: number, size: number, prot = FLUKE_PROT_ALL): void => {
  okCall(ls, "fluke_task_reference", { task, new_task_ref: A.ref });
  okCall(ls, "fluke_region_set_state", { region, state: { hash: 0, start_va, size, prot }, task_ref: A.ref, keeper_ref: 0 });
};

/** Map region `region` into the task at `task` at `start_va`. */
export const importRange = (ls: Lockstep, mapping: number, region: number, task: number, start_va: number, size: number, region_off = 0, prot = FLUKE_PROT_ALL): void => {
  okCall(ls, "fluke_region_reference", { region, new_region_ref: A.ref });
  okCall(ls, "fluke_task_reference", { task, new_task_ref: A.ref2 });
  okCall(ls, "fluke_mapping_set_state", { mapping, state: { hash: 0, region_off, start_va, size, prot }, region_ref: A.ref, task_ref: A.ref2 });
};

/** The chain of the memory tests: root → T0 → T1 → T2, each level a region over the one above and a mapping. */
export const CHAIN = {
  rootStart: FLUKE_VM_MIN + 8 * PAGE_SIZE, // physical pages 8..15
  va: [0x1000_0000, 0x2000_0000, 0x3000_0000],
  /** T2's first byte is T1 0x20001000, T0 0x10002000, root 0xb000 (physical page 10). */
  leafRoot: FLUKE_VM_MIN + 10 * PAGE_SIZE,
} as const;

/** Create refs, tasks T0..T2, regions R0..R2 and mappings M0..M2 and link them into CHAIN. */
export const buildChain = (ls: Lockstep): void => {
  for (const r of [A.ref, A.ref2, A.ref3]) okCall(ls, "fluke_ref_create", { new_ref: r });
  for (let i = 0; i < 3; i++) {
    okCall(ls, "fluke_task_create", { new_task: A.tasks[i] });
    okCall(ls, "fluke_region_create", { new_region: A.regions[i] });
    okCall(ls, "fluke_mapping_create", { new_mapping: A.mappings[i] });
  }
  const [t0, t1, t2] = A.tasks;
  const [r0, r1, r2] = A.regions;
  const [m0, m1, m2] = A.mappings;
  exportRange(ls, r0, FLUKE_VM_MIN, CHAIN.rootStart, 8 * PAGE_SIZE);
  importRange(ls, m0, r0, t0, CHAIN.va[0], 8 * PAGE_SIZE);
  exportRange(ls, r1, t0, CHAIN.va[0] + PAGE_SIZE, 4 * PAGE_SIZE);
  importRange(ls, m1, r1, t1, CHAIN.va[1], 4 * PAGE_SIZE);
  exportRange(ls, r2, t1, CHAIN.va[1] + PAGE_SIZE, 2 * PAGE_SIZE);
  importRange(ls, m2, r2, t2, CHAIN.va[2], 2 * PAGE_SIZE);
};
