// Random call sequences for the differential property tests of the task, region, mapping and harness
// chapters: fast-check arbitraries over a small pool of addresses (so calls meet existing objects, free
// blocks, wrong types, misaligned and unmapped addresses) and of state values (valid, misaligned, out of
// range, overlapping), and the runner that drives model and kernel in lockstep, requiring equal results
// at every step, equal object tables, equal translations and fault attributions for every task, and equal
// physical memory at the end. Above: conformance/kernel-<chapter>.test.ts. Below: kernel-vm-kit.ts.
import fc from "fast-check";
import { expect } from "vitest";
import { FLUKE_VM_MIN, OBJECT_SIZE, type FaultKind } from "../spec/kernel-api/common.js";
import { Lockstep } from "./lockstep.js";
import { buildChain, expectSamePhys, expectSameWhere, okCall, same } from "./kernel-vm-kit.js";
export { revive } from "./kernel-vm-kit.js";

export type Chapter = "task" | "region" | "mapping" | "harness";
export interface GenCall { readonly name: string; readonly args: Record<string, unknown> }

/** The seed of a property (printed; FLUKE_SEED overrides). */
export const seedOf = (label: string, fallback: number): number => {
  const seed = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : fallback;
  console.log(`${label}: seed ${seed} (replay with FLUKE_SEED=${seed})`);
  return seed;
};

// ---------------------------------------------------------------------------------------------
// Address and value pools

const POOL = {
  ref: [0x2000, 0x2010, 0x2020],
  task: [0x2100, 0x2140, 0x2180],
  region: [0x2200, 0x2220, 0x2240],
  mapping: [0x2300, 0x2320, 0x2340],
  spare: [0x2400, 0x2440, 0x2480],
  bad: [0x2004, FLUKE_VM_MIN, FLUKE_VM_MIN + OBJECT_SIZE.thread, 0x2500, 0x5000_0000],
} as const;
const STARTS = [0x1000_0000, 0x1000_1000, 0x2000_0000, 0x2000_1000, 0x3000_0000, FLUKE_VM_MIN + 0x8000, FLUKE_VM_MIN + 0x1000, 0x1234, 0xc000_0000, 0xbfff_f000, 0];
const SIZES = [0, 0x1000, 0x2000, 0x4000, 0x8000, 0x800];
const OFFS = [0, 0x1000, 0x2000, 0x800];
const PROTS = [...Array.from({ length: 16 }, (_, i) => i), 16, 0x1f];
/** Addresses every live task is probed at after each step. */
export const PROBES = [0x1000_0000, 0x1000_1000, 0x1000_3000, 0x2000_0000, 0x2000_1000, 0x3000_0000, FLUKE_VM_MIN + 0x8000, FLUKE_VM_MIN + 0x9000];
const MEM = [0x2000, 0x2008, 0x20f8, 0x2200, FLUKE_VM_MIN + 0x8000, FLUKE_VM_MIN + 0x8ff0, FLUKE_VM_MIN + 0x9000, FLUKE_VM_MIN + 0x3fffc, 0x1000_0000];

const of = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const addrOf = (kind: "ref" | "task" | "region" | "mapping"): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: of(POOL[kind]), weight: 8 }, { arbitrary: of(POOL.spare), weight: 1 }, { arbitrary: of([...POOL.bad, ...POOL.ref, ...POOL.task, ...POOL.region]), weight: 1 });
const refArg = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: of(POOL.ref), weight: 6 }, { arbitrary: of(POOL.bad), weight: 1 });
const hashArg = of([0, 1, 0xdead_beef]);
const call = (name: string, args: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<GenCall> =>
  fc.record(args).map((a) => ({ name, args: a }));

const regionState = fc.record({ hash: hashArg, start_va: of(STARTS), size: of(SIZES), prot: of(PROTS) });
const mappingState = fc.record({ hash: hashArg, region_off: of(OFFS), start_va: of(STARTS), size: of(SIZES), prot: of(PROTS) });

/** Calls of one chapter, each with arguments drawn from the pools. */
const life = (t: "task" | "region" | "mapping", field: string): fc.Arbitrary<GenCall>[] => [
  call(`fluke_${t}_create`, { [`new_${t}`]: addrOf(t) }),
  call(`fluke_${t}_create_hash`, { [`new_${t}`]: addrOf(t), hash: hashArg }),
  call(`fluke_${t}_destroy`, { [field]: addrOf(t) }),
  call(`fluke_${t}_move`, { old_addr: addrOf(t), new_addr: addrOf(t) }),
];

const CHAPTER_CALLS: Record<Chapter, fc.Arbitrary<GenCall>[]> = {
  task: [
    ...life("task", "task"),
    call("fluke_task_get_state", { task: addrOf("task"), keeper_ref: refArg }),
    call("fluke_task_set_state", { task: addrOf("task"), state: fc.option(fc.record({ hash: hashArg }), { nil: null }), keeper_ref: refArg }),
    call("fluke_task_reference", { task: fc.oneof(addrOf("task"), fc.constant(FLUKE_VM_MIN)), new_task_ref: addrOf("ref") }),
  ],
  region: [
    ...life("region", "region"),
    call("fluke_region_get_state", { region: addrOf("region"), task_ref: refArg, keeper_ref: refArg }),
    call("fluke_region_set_state", { region: addrOf("region"), state: fc.option(regionState, { nil: null, freq: 4 }), task_ref: refArg, keeper_ref: refArg }),
    call("fluke_region_protect", { region: addrOf("region"), max_prot: of(PROTS) }),
    call("fluke_region_reference", { region: addrOf("region"), new_region_ref: addrOf("ref") }),
    call("fluke_region_search", { region: addrOf("region"), offset: of([0, 0x1000, 0x10, 0x8000]), size: of([0x1000, 0x8000, 0x4_0000, 0xffff_ffff]), obarray_size: fc.nat(4) }),
  ],
  mapping: [
    ...life("mapping", "mapping"),
    call("fluke_mapping_get_state", { mapping: addrOf("mapping"), region_ref: refArg, task_ref: refArg }),
    call("fluke_mapping_set_state", { mapping: addrOf("mapping"), state: fc.option(mappingState, { nil: null, freq: 4 }), region_ref: refArg, task_ref: refArg }),
    call("fluke_mapping_protect", { mapping: addrOf("mapping"), prot: of(PROTS) }),
  ],
  harness: [
    call("harness_mem_read", { addr: of(MEM), len: fc.integer({ min: 1, max: 48 }) }),
    call("harness_mem_write", { addr: of(MEM), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 24 }) }),
  ],
};

/** Support calls every sequence needs: references bound to tasks and regions, and the root task's. */
const SUPPORT: fc.Arbitrary<GenCall>[] = [
  call("fluke_task_reference", { task: of([...POOL.task, FLUKE_VM_MIN]), new_task_ref: of(POOL.ref) }),
  call("fluke_region_reference", { region: of(POOL.region), new_region_ref: of(POOL.ref) }),
  call("fluke_ref_destroy", { ref: of(POOL.ref) }),
  call("fluke_ref_create", { new_ref: of(POOL.ref) }),
];

/** One random step: the focus chapter's calls weigh 6, the other chapters' 1; binding references 4, ref life 1. */
export const stepArb = (focus: Chapter): fc.Arbitrary<GenCall> => {
  const parts: { arbitrary: fc.Arbitrary<GenCall>; weight: number }[] = [];
  for (const [ch, calls] of Object.entries(CHAPTER_CALLS)) for (const c of calls) parts.push({ arbitrary: c, weight: ch === focus ? 6 : 1 });
  SUPPORT.forEach((c, i) => parts.push({ arbitrary: c, weight: i < 2 ? 4 : 1 }));
  return fc.oneof(...parts);
};

/** A sequence: usually starting from the three-level chain of kernel-vm-kit (buildChain), else from boot. */
export interface GenSeq { readonly chain: boolean; readonly steps: readonly GenCall[] }
export const seqArb = (focus: Chapter, maxLength = 40): fc.Arbitrary<GenSeq> =>
  fc.record({ chain: fc.nat(3).map((n) => n > 0), steps: fc.array(stepArb(focus), { minLength: 5, maxLength }) });

// ---------------------------------------------------------------------------------------------
// Running a sequence in lockstep

/** The object tables agree: same blocks, types and validity. */
export const expectSameObjects = (ls: Lockstep): void => {
  const m = [...ls.model.objects.values()].map((o) => `${o.type}@${o.paddr}${o.invalid ? "!" : ""}`).sort();
  const k: string[] = [];
  for (let p = 0; p < ls.kernel.phys.bytes; p += 4096) {
    for (const o of ls.kernel.objects.onFrame(p / 4096) ?? []) k.push(`${o.type}@${o.paddr}${o.invalid ? "!" : ""}`);
  }
  expect(k.sort(), `object tables differ\n${ls.transcript()}`).toEqual(m);
};

/** Every task translates every probe address the same way (and faults to the same region) on both sides. */
export const expectSameSpaces = (ls: Lockstep): void => {
  for (const o of ls.model.objects.values()) {
    if (o.type !== "task") continue;
    for (const va of PROBES) for (const acc of ["read", "write"] as FaultKind[]) expectSameWhere(ls, FLUKE_VM_MIN + o.paddr, va, acc);
  }
};

/** Run a sequence (after its prefix); every step's results, tables and spaces must agree. */
export const runLockstep = (seq: GenSeq): void => {
  const ls = new Lockstep();
  if (seq.chain) buildChain(ls);
  else for (const r of POOL.ref) okCall(ls, "fluke_ref_create", { new_ref: r });
  for (const c of seq.steps) {
    same(ls, c.name, c.args);
    expectSameObjects(ls);
    expectSameSpaces(ls);
  }
  expectSamePhys(ls);
};

/** The property of one chapter: random sequences focused on it, run in lockstep. */
export const chapterProperty = (focus: Chapter, seed: number, numRuns = 40): void => {
  fc.assert(fc.property(seqArb(focus), (seq) => runLockstep(seq)), { seed, numRuns });
};
