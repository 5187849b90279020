// Chapter "mapping" of the abstract model: the handlers of spec/kernel-api/mapping.ts (see mapping.md).
// A mapping's extent, offset and protection are read by every translation that passes through it
// (model/memory.ts), so protect, set_state and destroy take effect at once for its task and for
// everything derived from that task's memory. Mappings cannot be referenced: there is no
// fluke_mapping_reference. Above: model/handlers.ts. Below: model/region.ts (extent checks),
// model/object-ops.ts, model/objects.ts.
import type { MappingState } from "../spec/kernel-api/mapping.js";
import type { Handler } from "./ctx.js";
import { ok } from "./ctx.js";
import { insane } from "./errors.js";
import { bindSlot, createObject, linkFromSlot, lookupForDestroy, moveObject, refSlot } from "./object-ops.js";
import { deref, lookup } from "./objects.js";
import { checkPageAligned, checkProt, checkUsableRange } from "./region.js";
import type { MappingObj, ModelState, Oid } from "./state.js";

const newMapping = (oid: Oid, paddr: number, hash: number): MappingObj => ({
  oid, paddr, hash, invalid: false, type: "mapping", region_off: 0, start_va: 0, size: 0, prot: 0, region: null, task: null,
});

/**
 * ADDRESS_OVERLAP: a non-empty range [start, start+size) in `task` collides with another mapping of the
 * task, or the task is the root task, whose whole range is the machine's physical memory (ours).
 */
const checkNoOverlap = (s: ModelState, self: Oid, task: Oid | null, start: number, size: number): void => {
  const t = deref(s, task, "task");
  if (t === null || size === 0) return;
  if (t.root) insane("ADDRESS_OVERLAP");
  for (const o of s.objects.values()) {
    if (o.type !== "mapping" || o.oid === self || o.task !== t.oid || o.size === 0) continue;
    if (o.start_va < start + size && start < o.start_va + o.size) insane("ADDRESS_OVERLAP");
  }
};

type SetArgs = { mapping: number; state: MappingState | null; region_ref: number; task_ref: number };

const setState: Handler = (ctx, a: SetArgs) => {
  const m = lookup(ctx.s, ctx.task, a.mapping, "mapping");
  const region = linkFromSlot(ctx, a.region_ref, "region");
  const task = linkFromSlot(ctx, a.task_ref, "task");
  const v = a.state ?? m;
  if (a.state !== null) {
    checkProt(v.prot);
    checkPageAligned(v.region_off, v.start_va, v.size);
    checkUsableRange(v.start_va, v.size);
  }
  checkNoOverlap(ctx.s, m.oid, task.set ? task.to : m.task, v.start_va, v.size);
  Object.assign(m, { region_off: v.region_off, start_va: v.start_va, size: v.size, prot: v.prot });
  if (region.set) m.region = region.to;
  if (task.set) m.task = task.to;
  return ok();
};

export const MAPPING_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_mapping_create: (ctx, a: { new_mapping: number }) => createObject(ctx, "mapping", a.new_mapping, undefined, newMapping),

  fluke_mapping_create_hash: (ctx, a: { new_mapping: number; hash: number }) => createObject(ctx, "mapping", a.new_mapping, a.hash, newMapping),

  fluke_mapping_destroy: (ctx, a: { mapping: number }) => {
    ctx.s.objects.delete(lookupForDestroy(ctx, a.mapping, "mapping").oid);
    return ok();
  },

  fluke_mapping_get_state: (ctx, a: { mapping: number; region_ref: number; task_ref: number }) => {
    const m = lookup(ctx.s, ctx.task, a.mapping, "mapping");
    const region = refSlot(ctx, a.region_ref);
    const task = refSlot(ctx, a.task_ref);
    bindSlot(ctx, region, m.region);
    bindSlot(ctx, task, m.task);
    const state: MappingState = { hash: m.hash, region_off: m.region_off, start_va: m.start_va, size: m.size, prot: m.prot };
    return ok({ state });
  },

  fluke_mapping_set_state: setState,

  fluke_mapping_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "mapping", a.old_addr, a.new_addr),

  fluke_mapping_protect: (ctx, a: { mapping: number; prot: number }) => {
    const m = lookup(ctx.s, ctx.task, a.mapping, "mapping");
    checkProt(a.prot);
    m.prot = a.prot;
    return ok();
  },
};
