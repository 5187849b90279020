// Chapter "region" of the concrete kernel: the handlers of spec/kernel-api/region.ts (region.md), same
// rules as model/region.ts, and the value checks the mapping chapter shares. A region's extent and
// ceiling live in its VmRegion (vm.owner is the KRegion, so a fault can name it); every change detaches
// the record first and attaches it after, which invalidates the translation caches of every task that
// can reach memory through the region, at any depth, so protect, set_state and destroy apply at once.
// fluke_region_search enumerates objects through the region's task with the object table's per-frame
// index. Above: handlers.ts, mapping.ts (value checks). Below: object-ops.ts, decode.ts, vm.ts, objtab.ts.
import {
  FLUKE_ENTRY_MAX, FLUKE_ENTRY_MIN, FLUKE_VM_MAX, FLUKE_VM_MIN, OBJECT_SIZE, PAGE_SIZE, isValidProt,
} from "../../spec/kernel-api/common.js";
import type { ObSpec, RegionState } from "../../spec/kernel-api/region.js";
import { lookup, refSlot } from "./decode.js";
import { kinsane, ok, type KCtx, type KHandler } from "./kctx.js";
import type { Kernel } from "./kernel.js";
import { live, type KRegion, type KTask } from "./kobjects.js";
import {
  bindSlot, createObject, linkFromSlot, lookupForDestroy, moveObject, referenceObject, removeObject,
} from "./object-ops.js";
import {
  attachMapping, attachRegion, detachMapping, detachRegion, newVmRegion, translatePage,
} from "./vm.js";

// ---------------------------------------------------------------------------------------------
// Value checks shared with the mapping chapter (ours: page granularity, usable range, entry area)

export const checkProt = (prot: number): void => {
  if (!isValidProt(prot)) kinsane("INVALID_PROT");
};

/** Page alignment of every offset, address and size (NOT_ALIGNED). */
export const checkPageAligned = (...values: number[]): void => {
  if (values.some((v) => v % PAGE_SIZE !== 0)) kinsane("NOT_ALIGNED");
};

/** A non-empty range must lie in [FLUKE_VM_MIN, FLUKE_VM_MAX) clear of the entry area (INVALID_ADDRESS). */
export const checkUsableRange = (start: number, size: number): void => {
  if (size === 0) return;
  const end = start + size;
  if (start < FLUKE_VM_MIN || end > FLUKE_VM_MAX || (start < FLUKE_ENTRY_MAX && FLUKE_ENTRY_MIN < end)) kinsane("INVALID_ADDRESS");
};

// ---------------------------------------------------------------------------------------------
// fluke_region_search (model/region.ts findObjects/search, on the kernel's indexes)

interface Found { readonly off: number; readonly spec: ObSpec }

/** The lowest address >= va that `task` maps at its first level (model/memory.ts nextMapped), or Infinity. */
export const nextMapped = (k: Kernel, task: KTask, va: number): number => {
  if (task.root) return va - FLUKE_VM_MIN < k.phys.bytes ? Math.max(va, FLUKE_VM_MIN) : Infinity;
  const ms = task.vm.mappings; // sorted, non-overlapping, non-empty: their ends are sorted too
  let lo = 0, hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms[mid]!.start + ms[mid]!.size > va) hi = mid;
    else lo = mid + 1;
  }
  return lo < ms.length ? Math.max(va, ms[lo]!.start) : Infinity;
};

/** Physical address of page `pageVa` of `task`, rights not checked, or undefined (model resolve). */
const resolvePage = (k: Kernel, task: KTask, pageVa: number): number | undefined => {
  const r = translatePage(task.vm, pageVa, 0, k.phys.pages);
  return typeof r === "number" ? Math.floor(r / 16) * PAGE_SIZE : undefined;
};

/** Objects whose blocks start in [from, to) of region r, in offset order; at most `limit` of them. */
const findObjects = (k: Kernel, r: KRegion, from: number, to: number, limit: number): Found[] => {
  const out: Found[] = [];
  const task = live(r.task);
  if (task === null) return out;
  const start = r.vm.start;
  let page = from - (from % PAGE_SIZE);
  while (page < to && out.length < limit) {
    const next = nextMapped(k, task, start + page) - start; // skip holes of the region's task
    if (next === Infinity) break;
    if (next > page) {
      page = next - (next % PAGE_SIZE);
      continue;
    }
    const p = resolvePage(k, task, start + page);
    const here = p === undefined ? [] : [...(k.objects.onFrame(p / PAGE_SIZE) ?? [])].sort((x, y) => x.paddr - y.paddr);
    for (const o of here) {
      const off = page + (o.paddr - p!);
      if (off >= from && off < to && out.length < limit) out.push({ off, spec: { ob: start + off, type: o.type } });
    }
    page += PAGE_SIZE;
  }
  return out;
};

const search = (k: Kernel, r: KRegion, offset: number, size: number, room: number) => {
  const to = Math.min(offset + size, r.vm.size);
  const found = findObjects(k, r, offset, to, room + 1);
  if (found.length <= room) {
    return { offset: (offset + size) >>> 0, obarray: found.map((f) => f.spec), obarray_size: room - found.length };
  }
  const listed = found.slice(0, room);
  const last = listed.at(-1);
  const next = last === undefined ? offset : last.off + OBJECT_SIZE[last.spec.type as keyof typeof OBJECT_SIZE];
  return { offset: next, obarray: listed.map((f) => f.spec), obarray_size: 0 };
};

// ---------------------------------------------------------------------------------------------
// Handlers

const makeRegion = (paddr: number, hash: number): KRegion => {
  const r: KRegion = { type: "region", paddr, hash, invalid: false, alive: true, vm: newVmRegion(), task: null, keeper: null };
  r.vm.owner = r;
  return r;
};

/** Change region r's vm record (fields and task link from the object) between a detach and an attach. */
const syncVm = (r: KRegion, change: () => void): void => {
  detachRegion(r.vm);
  change();
  r.vm.task = live(r.task)?.vm ?? null;
  attachRegion(r.vm);
};

/** Perform half of fluke_region_destroy: mappings of the region lose their region link, at every depth. */
const detachKRegion = (ctx: KCtx, r: KRegion): void => {
  for (const m of [...r.vm.mappings]) {
    detachMapping(m);
    m.region = null; // the KMapping's own link reads null through live() once the region is gone
    attachMapping(m);
  }
  detachRegion(r.vm);
  removeObject(ctx, r);
};

type SetArgs = { region: number; state: RegionState | null; task_ref: number; keeper_ref: number };

const fluke_region_set_state: KHandler = (ctx, a: SetArgs) => {
  const r = lookup(ctx, a.region, "region");
  const task = linkFromSlot(ctx, a.task_ref, "task");
  const keeper = linkFromSlot(ctx, a.keeper_ref, "port");
  const s = a.state;
  if (s !== null) {
    checkProt(s.prot);
    checkPageAligned(s.start_va, s.size);
    checkUsableRange(s.start_va, s.size);
  }
  syncVm(r, () => {
    if (s !== null) Object.assign(r.vm, { start: s.start_va, size: s.size, prot: s.prot });
    if (task.set) r.task = task.to;
  });
  if (keeper.set) r.keeper = keeper.to;
  return ok();
};

const fluke_region_get_state: KHandler = (ctx, a: { region: number; task_ref: number; keeper_ref: number }) => {
  const r = lookup(ctx, a.region, "region");
  const task = refSlot(ctx, a.task_ref);
  const keeper = refSlot(ctx, a.keeper_ref);
  bindSlot(task, r.task);
  bindSlot(keeper, r.keeper);
  const state: RegionState = { hash: r.hash, start_va: r.vm.start, size: r.vm.size, prot: r.vm.prot };
  return ok({ state });
};

const fluke_region_protect: KHandler = (ctx, a: { region: number; max_prot: number }) => {
  const r = lookup(ctx, a.region, "region");
  checkProt(a.max_prot);
  syncVm(r, () => void (r.vm.prot = a.max_prot));
  return ok();
};

const fluke_region_search: KHandler = (ctx, a: { region: number; offset: number; size: number; obarray_size: number }) => {
  const r = lookup(ctx, a.region, "region");
  return ok(search(ctx.k, r, a.offset, a.size, a.obarray_size));
};

export const K_REGION_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_region_create: (ctx, a: { new_region: number }) => createObject(ctx, "region", a.new_region, undefined, makeRegion),
  fluke_region_create_hash: (ctx, a: { new_region: number; hash: number }) => createObject(ctx, "region", a.new_region, a.hash, makeRegion),
  fluke_region_destroy: (ctx, a: { region: number }) => {
    detachKRegion(ctx, lookupForDestroy(ctx, a.region, "region"));
    return ok();
  },
  fluke_region_get_state,
  fluke_region_set_state,
  fluke_region_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "region", a.old_addr, a.new_addr),
  fluke_region_protect,
  fluke_region_reference: (ctx, a: { region: number; new_region_ref: number }) => referenceObject(ctx, "region", a.region, a.new_region_ref),
  fluke_region_search,
};
