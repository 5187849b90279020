// Chapter "mapping" of the concrete kernel: the handlers of spec/kernel-api/mapping.ts (mapping.md), same
// rules as model/mapping.ts. A mapping's extent, offset and requested access live in its VmMapping; every
// change detaches the record (unlinking it from its task's sorted list and its region, and invalidating
// the caches of every task downstream) and attaches it again, so protect, set_state and destroy apply at
// once for its task and everything derived from that task's memory. Mappings cannot be referenced.
// Above: handlers.ts. Below: region.ts (value checks), object-ops.ts, decode.ts, vm.ts.
import type { MappingState } from "../../spec/kernel-api/mapping.js";
import { lookup, refSlot } from "./decode.js";
import { kinsane, ok, type KHandler } from "./kctx.js";
import { live, type KMapping, type KTask } from "./kobjects.js";
import { bindSlot, createObject, linkFromSlot, lookupForDestroy, moveObject, removeObject } from "./object-ops.js";
import { checkPageAligned, checkProt, checkUsableRange } from "./region.js";
import { attachMapping, detachMapping, newVmMapping, overlapsMapping } from "./vm.js";

const makeMapping = (paddr: number, hash: number): KMapping => ({
  type: "mapping", paddr, hash, invalid: false, alive: true, vm: newVmMapping(), region: null, task: null,
});

/**
 * ADDRESS_OVERLAP: a non-empty range [start, start+size) in `task` collides with another (non-empty)
 * mapping of the task, or the task is the root task, whose whole range is physical memory (ours).
 */
const checkNoOverlap = (m: KMapping, task: KTask | null, start: number, size: number): void => {
  if (task === null || size === 0) return;
  if (task.root || overlapsMapping(task.vm, start, size, m.vm)) kinsane("ADDRESS_OVERLAP");
};

/** Change mapping m's vm record (fields and links from the object) between a detach and an attach. */
const syncVm = (m: KMapping, change: () => void): void => {
  detachMapping(m.vm);
  change();
  m.vm.region = live(m.region)?.vm ?? null;
  m.vm.task = live(m.task)?.vm ?? null;
  attachMapping(m.vm);
};

type SetArgs = { mapping: number; state: MappingState | null; region_ref: number; task_ref: number };

const fluke_mapping_set_state: KHandler = (ctx, a: SetArgs) => {
  const m = lookup(ctx, a.mapping, "mapping");
  const region = linkFromSlot(ctx, a.region_ref, "region");
  const task = linkFromSlot(ctx, a.task_ref, "task");
  const s = a.state;
  if (s !== null) {
    checkProt(s.prot);
    checkPageAligned(s.region_off, s.start_va, s.size);
    checkUsableRange(s.start_va, s.size);
  }
  const start = s?.start_va ?? m.vm.start;
  const size = s?.size ?? m.vm.size;
  checkNoOverlap(m, task.set ? task.to : live(m.task), start, size);
  syncVm(m, () => {
    if (s !== null) Object.assign(m.vm, { regionOff: s.region_off, start: s.start_va, size: s.size, prot: s.prot });
    if (region.set) m.region = region.to;
    if (task.set) m.task = task.to;
  });
  return ok();
};

const fluke_mapping_get_state: KHandler = (ctx, a: { mapping: number; region_ref: number; task_ref: number }) => {
  const m = lookup(ctx, a.mapping, "mapping");
  const region = refSlot(ctx, a.region_ref);
  const task = refSlot(ctx, a.task_ref);
  bindSlot(region, m.region);
  bindSlot(task, m.task);
  const v = m.vm;
  const state: MappingState = { hash: m.hash, region_off: v.regionOff, start_va: v.start, size: v.size, prot: v.prot };
  return ok({ state });
};

const fluke_mapping_protect: KHandler = (ctx, a: { mapping: number; prot: number }) => {
  const m = lookup(ctx, a.mapping, "mapping");
  checkProt(a.prot);
  syncVm(m, () => void (m.vm.prot = a.prot));
  return ok();
};

export const K_MAPPING_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_mapping_create: (ctx, a: { new_mapping: number }) => createObject(ctx, "mapping", a.new_mapping, undefined, makeMapping),
  fluke_mapping_create_hash: (ctx, a: { new_mapping: number; hash: number }) => createObject(ctx, "mapping", a.new_mapping, a.hash, makeMapping),
  fluke_mapping_destroy: (ctx, a: { mapping: number }) => {
    const m = lookupForDestroy(ctx, a.mapping, "mapping");
    detachMapping(m.vm);
    removeObject(ctx, m);
    return ok();
  },
  fluke_mapping_get_state,
  fluke_mapping_set_state,
  fluke_mapping_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "mapping", a.old_addr, a.new_addr),
  fluke_mapping_protect,
};
