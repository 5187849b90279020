// Chapter "region" of the abstract model: the handlers of spec/kernel-api/region.ts (see region.md), and
// the extent checks the mapping chapter shares. A region's ceiling and extent are read by every
// translation that passes through it (model/memory.ts), so protect, set_state and destroy take effect
// at once for everything derived from the region, at every depth. Above: model/handlers.ts,
// model/mapping.ts. Below: model/object-ops.ts, model/objects.ts, model/memory.ts.
import {
  FLUKE_ENTRY_MAX, FLUKE_ENTRY_MIN, FLUKE_VM_MAX, FLUKE_VM_MIN, OBJECT_SIZE, PAGE_SIZE, isValidProt,
  type ObjectType,
} from "../spec/kernel-api/common.js";
import type { ObSpec, RegionState } from "../spec/kernel-api/region.js";
import type { Handler } from "./ctx.js";
import { ok } from "./ctx.js";
import { insane } from "./errors.js";
import { nextMapped, resolve } from "./memory.js";
import { bindSlot, createObject, linkFromSlot, lookupForDestroy, moveObject, refSlot, referenceObject } from "./object-ops.js";
import { deref, lookup } from "./objects.js";
import type { ModelState, Oid, RegionObj } from "./state.js";

// ---------------------------------------------------------------------------------------------
// Value checks shared with the mapping chapter (ours: page granularity, usable range, entry area)

export const checkProt = (prot: number): void => {
  if (!isValidProt(prot)) insane("INVALID_PROT");
};

/** Page alignment of every offset, address and size (NOT_ALIGNED). */
export const checkPageAligned = (...values: number[]): void => {
  if (values.some((v) => v % PAGE_SIZE !== 0)) insane("NOT_ALIGNED");
};

/** A non-empty range must lie in [FLUKE_VM_MIN, FLUKE_VM_MAX) and stay clear of the entry area (INVALID_ADDRESS). */
export const checkUsableRange = (start: number, size: number): void => {
  if (size === 0) return;
  const end = start + size;
  if (start < FLUKE_VM_MIN || end > FLUKE_VM_MAX || (start < FLUKE_ENTRY_MAX && FLUKE_ENTRY_MIN < end)) insane("INVALID_ADDRESS");
};

// ---------------------------------------------------------------------------------------------
// fluke_region_search

interface Found { readonly off: number; readonly spec: ObSpec }

/** Objects whose blocks start in [from, to) of the region, in offset order; stops after `limit` of them. */
const findObjects = (s: ModelState, r: RegionObj, from: number, to: number, limit: number): Found[] => {
  const out: Found[] = [];
  if (r.task === null || deref(s, r.task, "task") === null) return out;
  const objs = [...s.objects.values()].sort((x, y) => x.paddr - y.paddr);
  let page = from - (from % PAGE_SIZE);
  while (page < to && out.length < limit) {
    const next = nextMapped(s, r.task, r.start_va + page) - r.start_va; // skip holes of the region's task
    if (next === Infinity) break;
    if (next > page) {
      page = next - (next % PAGE_SIZE);
      continue;
    }
    const p = resolve(s, r.task, r.start_va + page);
    const here = p === undefined ? [] : objs.filter((o) => o.paddr >= p && o.paddr < p + PAGE_SIZE);
    for (const o of here) {
      const off = page + (o.paddr - p!);
      if (off >= from && off < to && out.length < limit) out.push({ off, spec: { ob: r.start_va + off, type: o.type } });
    }
    page += PAGE_SIZE;
  }
  return out;
};

const search = (s: ModelState, r: RegionObj, offset: number, size: number, room: number) => {
  const to = Math.min(offset + size, r.size);
  const found = findObjects(s, r, offset, to, room + 1);
  if (found.length <= room) {
    return { offset: (offset + size) >>> 0, obarray: found.map((f) => f.spec), obarray_size: room - found.length };
  }
  const listed = found.slice(0, room);
  const last = listed.at(-1);
  const next = last === undefined ? offset : last.off + OBJECT_SIZE[last.spec.type as ObjectType];
  return { offset: next, obarray: listed.map((f) => f.spec), obarray_size: 0 };
};

// ---------------------------------------------------------------------------------------------
// Handlers

const newRegion = (oid: Oid, paddr: number, hash: number): RegionObj => ({
  oid, paddr, hash, invalid: false, type: "region", start_va: 0, size: 0, prot: 0, task: null, keeper: null,
});

/** Perform half of fluke_region_destroy: mappings of the region lose their region link. */
const detachRegion = (s: ModelState, region: Oid): void => {
  for (const o of s.objects.values()) if (o.type === "mapping" && o.region === region) o.region = null;
  s.objects.delete(region);
};

type SetArgs = { region: number; state: RegionState | null; task_ref: number; keeper_ref: number };

const setState: Handler = (ctx, a: SetArgs) => {
  const r = lookup(ctx.s, ctx.task, a.region, "region");
  const task = linkFromSlot(ctx, a.task_ref, "task");
  const keeper = linkFromSlot(ctx, a.keeper_ref, "port");
  if (a.state !== null) {
    checkProt(a.state.prot);
    checkPageAligned(a.state.start_va, a.state.size);
    checkUsableRange(a.state.start_va, a.state.size);
  }
  if (a.state !== null) Object.assign(r, { start_va: a.state.start_va, size: a.state.size, prot: a.state.prot });
  if (task.set) r.task = task.to;
  if (keeper.set) r.keeper = keeper.to;
  return ok();
};

export const REGION_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_region_create: (ctx, a: { new_region: number }) => createObject(ctx, "region", a.new_region, undefined, newRegion),

  fluke_region_create_hash: (ctx, a: { new_region: number; hash: number }) => createObject(ctx, "region", a.new_region, a.hash, newRegion),

  fluke_region_destroy: (ctx, a: { region: number }) => {
    detachRegion(ctx.s, lookupForDestroy(ctx, a.region, "region").oid);
    return ok();
  },

  fluke_region_get_state: (ctx, a: { region: number; task_ref: number; keeper_ref: number }) => {
    const r = lookup(ctx.s, ctx.task, a.region, "region");
    const task = refSlot(ctx, a.task_ref);
    const keeper = refSlot(ctx, a.keeper_ref);
    bindSlot(ctx, task, r.task);
    bindSlot(ctx, keeper, r.keeper);
    const state: RegionState = { hash: r.hash, start_va: r.start_va, size: r.size, prot: r.prot };
    return ok({ state });
  },

  fluke_region_set_state: setState,

  fluke_region_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "region", a.old_addr, a.new_addr),

  fluke_region_protect: (ctx, a: { region: number; max_prot: number }) => {
    const r = lookup(ctx.s, ctx.task, a.region, "region");
    checkProt(a.max_prot);
    r.prot = a.max_prot;
    return ok();
  },

  fluke_region_reference: (ctx, a: { region: number; new_region_ref: number }) => referenceObject(ctx, "region", a.region, a.new_region_ref),

  fluke_region_search: (ctx, a: { region: number; offset: number; size: number; obarray_size: number }) => {
    const r = lookup(ctx.s, ctx.task, a.region, "region");
    return ok(search(ctx.s, r, a.offset, a.size, a.obarray_size));
  },
};
