// Relative address spaces of the concrete kernel, made fast: each task keeps its mappings sorted by
// address, and a cache of flattened translations (virtual page -> physical frame + rights) computed by
// following mapping -> region -> task chains to the root task. Every change to a region or mapping
// invalidates exactly the tasks whose translations can pass through it (the tasks downstream of it),
// and tells their listeners (the CPU's software TLB) to flush. Same rules as model/memory.ts, on real
// memory. Above: the kernel's region/mapping/task calls and the fault path. Below: impl/kernel/physmem.ts.
import {
  FLUKE_MAX_CHAIN, FLUKE_PROT_ALL, FLUKE_VM_MIN, PAGE_SIZE,
} from "../../spec/kernel-api/common.js";

export interface VmTask {
  readonly root: boolean;
  /** Non-empty mappings whose task link is this task, sorted by start address, never overlapping. */
  readonly mappings: VmMapping[];
  /** Regions defined over this task (their mappings import from it). */
  readonly regionsOver: Set<VmRegion>;
  /** vpn -> pfn * 16 + rights. */
  readonly cache: Map<number, number>;
  /** Called when this task's translations are invalidated (flush the TLBs built from them). */
  readonly listeners: Set<() => void>;
}

export interface VmRegion {
  /** The kernel object this record belongs to (the region chapter sets it; vm.ts never reads it). */
  owner: unknown;
  start: number;
  size: number;
  prot: number;
  task: VmTask | null;
  /** Mappings whose region link is this region. */
  readonly mappings: Set<VmMapping>;
}

export interface VmMapping {
  start: number;
  size: number;
  regionOff: number;
  prot: number;
  region: VmRegion | null;
  task: VmTask | null;
}

export const newVmTask = (root = false): VmTask => ({ root, mappings: [], regionsOver: new Set(), cache: new Map(), listeners: new Set() });
export const newVmRegion = (owner: unknown = null): VmRegion => ({ owner, start: 0, size: 0, prot: 0, task: null, mappings: new Set() });
export const newVmMapping = (): VmMapping => ({ start: 0, size: 0, regionOff: 0, prot: 0, region: null, task: null });

/**
 * A refused translation: the faulting (page) address, the region whose keeper hears of it (null: none),
 * and the offset of that page within the region (from its start; 0 when region is null). Every start,
 * size and region_off is a page multiple, so the exact offset of an access is `off + va % PAGE_SIZE`.
 */
export interface VmFault {
  readonly addr: number;
  readonly region: VmRegion | null;
  readonly off: number;
}

/** Binary search for the mapping of `task` covering `va`. */
export const findMapping = (task: VmTask, va: number): VmMapping | undefined => {
  const ms = task.mappings;
  let lo = 0, hi = ms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = ms[mid]!;
    if (va < m.start) hi = mid - 1;
    else if (va - m.start >= m.size) lo = mid + 1;
    else return m;
  }
  return undefined;
};

/**
 * Translate page-aligned address `va` of `task` needing rights `need`. Returns pfn * 16 + rights, or a
 * VmFault. Successful translations are cached per task.
 */
export const translatePage = (task: VmTask, va: number, need: number, physPages: number): number | VmFault => {
  const vpn = Math.floor(va / PAGE_SIZE);
  const hit = task.cache.get(vpn);
  if (hit !== undefined && (hit & need) === need) return hit;
  const r = walk(task, vpn * PAGE_SIZE, need, physPages);
  if (typeof r === "number") task.cache.set(vpn, r);
  return r;
};

/**
 * The chain walk, with the model's fault attribution (model/memory.ts, mapping.md): a hole or a refusing
 * mapping at some level is reported against the region through which the access entered that task (null
 * at the caller's own level); a refusing region (its ceiling, an offset past its end, no task) against
 * itself. A chain longer than FLUKE_MAX_CHAIN is unmapped (decision 8).
 */
const walk = (task: VmTask, pageVa: number, need: number, physPages: number): number | VmFault => {
  let prot = FLUKE_PROT_ALL;
  let cur: VmTask = task;
  let va = pageVa;
  let above: VmRegion | null = null;
  let aboveOff = 0; // offset of the page within `above`
  for (let depth = 0; depth <= FLUKE_MAX_CHAIN; depth++) {
    if (cur.root) {
      const pfn = (va - FLUKE_VM_MIN) / PAGE_SIZE;
      if (pfn < 0 || pfn >= physPages) return { addr: pageVa, region: above, off: aboveOff };
      return pfn * 16 + prot;
    }
    const m = findMapping(cur, va);
    const r = m?.region ?? null;
    if (m === undefined || r === null || (m.prot & need) !== need) return { addr: pageVa, region: above, off: aboveOff };
    const off = va - m.start + m.regionOff;
    if ((r.prot & need) !== need || off >= r.size || r.task === null) return { addr: pageVa, region: r, off };
    prot &= m.prot & r.prot;
    va = r.start + off;
    cur = r.task;
    above = r;
    aboveOff = off;
  }
  return { addr: pageVa, region: null, off: 0 };
};

/** Every task whose translations may pass through `task`'s address space (itself included). */
const downstream = (task: VmTask, out: Set<VmTask>): void => {
  if (out.has(task)) return;
  out.add(task);
  for (const r of task.regionsOver) for (const m of r.mappings) if (m.task !== null) downstream(m.task, out);
};

const flush = (tasks: Set<VmTask>): void => {
  for (const t of tasks) {
    t.cache.clear();
    for (const l of t.listeners) l();
  }
};

/** Invalidate everything derived from region `r` (call before and after changing it). */
export const invalidateRegion = (r: VmRegion): void => {
  const out = new Set<VmTask>();
  for (const m of r.mappings) if (m.task !== null) downstream(m.task, out);
  flush(out);
};

/** Invalidate everything derived from mapping `m`. */
export const invalidateMapping = (m: VmMapping): void => {
  if (m.task === null) return;
  const out = new Set<VmTask>();
  downstream(m.task, out);
  flush(out);
};

/** Invalidate a task and everything downstream of it (task destroyed). */
export const invalidateTask = (t: VmTask): void => {
  const out = new Set<VmTask>();
  downstream(t, out);
  flush(out);
};

/** Does [start, start+size) overlap a mapping of `task` other than `except`? */
export const overlapsMapping = (task: VmTask, start: number, size: number, except?: VmMapping): boolean =>
  task.mappings.some((m) => m !== except && m.start < start + size && start < m.start + m.size);

/** Link mapping `m` into its task's sorted list (its fields already set). */
export const attachMapping = (m: VmMapping): void => {
  // An empty mapping covers nothing; listing it could hide a mapping it starts inside from findMapping.
  if (m.task !== null && m.size > 0) {
    const ms = m.task.mappings;
    let i = 0;
    while (i < ms.length && ms[i]!.start < m.start) i++;
    ms.splice(i, 0, m);
  }
  m.region?.mappings.add(m);
  invalidateMapping(m);
};

/** Unlink mapping `m` from its task and region (before changing or destroying it). */
export const detachMapping = (m: VmMapping): void => {
  invalidateMapping(m);
  if (m.task !== null) {
    const i = m.task.mappings.indexOf(m);
    if (i >= 0) m.task.mappings.splice(i, 1);
  }
  m.region?.mappings.delete(m);
};

/** Link region `r` to the task it is defined over (fields already set). */
export const attachRegion = (r: VmRegion): void => {
  r.task?.regionsOver.add(r);
  invalidateRegion(r);
};

/** Unlink region `r` from its task (before changing or destroying it). */
export const detachRegion = (r: VmRegion): void => {
  invalidateRegion(r);
  r.task?.regionsOver.delete(r);
};
