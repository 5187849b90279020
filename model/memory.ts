// Relative address spaces in the abstract model. A task's address becomes a physical address by
// following the mapping that covers it to its region, and the region to the task it is defined over,
// until the root task, whose addresses are physical memory (decision 9). Rights intersect along the way.
// Who hears of a refused access follows the published mapping overview: a refusal by the faulting
// task's own mapping (or no mapping there at all) is the thread's own exception (region null); a refusal
// at a higher level names the region through which the access entered that level, and its keeper hears
// of it first. This file also reads and writes physical memory. Above: model/objects.ts, the chapter
// handlers, model/harness.ts. Below: model/state.ts.
import {
  FLUKE_MAX_CHAIN, FLUKE_PROT_ALL, FLUKE_PROT_CREATE_OB, FLUKE_PROT_EXEC, FLUKE_PROT_READ, FLUKE_PROT_WRITE,
  FLUKE_VM_MIN, PAGE_SIZE, type FaultKind,
} from "../spec/kernel-api/common.js";
import { MemFault } from "./errors.js";
import type { MappingObj, ModelState, Oid, PAddr, RegionObj, TaskObj } from "./state.js";

export const ACCESS_BIT: Record<FaultKind, number> = {
  read: FLUKE_PROT_READ, write: FLUKE_PROT_WRITE, exec: FLUKE_PROT_EXEC, create_ob: FLUKE_PROT_CREATE_OB,
};

/** The result of translating one address: the physical byte and the rights the whole chain grants. */
export interface Translation { readonly paddr: PAddr; readonly prot: number }

/** The mapping of `task` that covers `va`, if any (mappings of one task never overlap). */
export const mappingAt = (s: ModelState, task: Oid, va: number): MappingObj | undefined => {
  for (const o of s.objects.values()) {
    if (o.type === "mapping" && o.task === task && va >= o.start_va && va - o.start_va < o.size) return o;
  }
  return undefined;
};

const taskOf = (s: ModelState, oid: Oid | null): TaskObj | undefined => {
  const t = oid === null ? undefined : s.objects.get(oid);
  return t?.type === "task" ? t : undefined;
};

const regionOf = (s: ModelState, oid: Oid | null): RegionObj | undefined => {
  const r = oid === null ? undefined : s.objects.get(oid);
  return r?.type === "region" ? r : undefined;
};

/**
 * Walk the chain from (`task`, `va`) to physical memory. `need` is the right every level must grant
 * (0: rights are not checked). Returns the physical address and the intersected rights, or the fault:
 * `{ fault: region, off }` where region is the Oid whose keeper hears of it, or null for the thread
 * itself, and `off` the offset of the access within that region (from its start_va; 0 when null).
 */
export const walk = (
  s: ModelState, task: Oid, va: number, need: number,
): Translation | { readonly fault: Oid | null; readonly off: number } => {
  let prot = FLUKE_PROT_ALL;
  let cur = taskOf(s, task);
  let above: Oid | null = null; // region through which the access entered `cur` (null at the caller's level)
  let aboveOff = 0; // the offset of the access within `above`
  for (let depth = 0; depth <= FLUKE_MAX_CHAIN && cur !== undefined; depth++) {
    if (cur.root) {
      const p = va - FLUKE_VM_MIN;
      return p < 0 || p >= s.physBytes ? { fault: above, off: aboveOff } : { paddr: p, prot };
    }
    const m = mappingAt(s, cur.oid, va);
    const r = m === undefined ? undefined : regionOf(s, m.region);
    if (m === undefined || r === undefined || (m.prot & need) !== need) return { fault: above, off: aboveOff };
    const off = va - m.start_va + m.region_off;
    if ((r.prot & need) !== need || off >= r.size || taskOf(s, r.task) === undefined) return { fault: r.oid, off };
    prot &= m.prot & r.prot;
    va = (r.start_va + off) >>> 0;
    cur = taskOf(s, r.task);
    above = r.oid;
    aboveOff = off;
  }
  return cur === undefined ? { fault: above, off: aboveOff } : { fault: null, off: 0 }; // decision 8: too long a chain is unmapped
};

/**
 * Translate `va` in `task` for an access of kind `access`. Throws MemFault naming the region whose keeper
 * hears of the refusal (null: the faulting thread's own exception path) and the offset within it.
 */
export const translate = (s: ModelState, task: Oid, va: number, access: FaultKind): Translation => {
  const r = walk(s, task, va, ACCESS_BIT[access]);
  if ("fault" in r) throw new MemFault(va, access, r.fault, r.off);
  return r;
};

/** Physical address of `va` in `task` ignoring rights (what the task's memory *is* there), or undefined. */
export const resolve = (s: ModelState, task: Oid, va: number): PAddr | undefined => {
  const r = walk(s, task, va, 0);
  return "fault" in r ? undefined : r.paddr;
};

/**
 * The lowest address >= `va` that `task` has something mapped at (its first level only), or Infinity.
 * Lets a scan over a large range skip the holes of an address space.
 */
export const nextMapped = (s: ModelState, task: Oid, va: number): number => {
  const t = taskOf(s, task);
  if (t === undefined) return Infinity;
  if (t.root) return va - FLUKE_VM_MIN < s.physBytes ? Math.max(va, FLUKE_VM_MIN) : Infinity;
  let best = Infinity;
  for (const o of s.objects.values()) {
    if (o.type === "mapping" && o.task === task && o.size > 0 && o.start_va + o.size > va) best = Math.min(best, Math.max(va, o.start_va));
  }
  return best;
};

/** Root-view address of a physical byte, and back. */
export const rootVa = (p: PAddr): number => FLUKE_VM_MIN + p;
export const paddrOfRootVa = (va: number): PAddr => va - FLUKE_VM_MIN;

export const readPhys = (s: ModelState, p: PAddr, len: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < len; i++) {
    const a = p + i;
    const page = s.pages.get(Math.floor(a / PAGE_SIZE));
    out.push(page === undefined ? 0 : page[a % PAGE_SIZE]!);
  }
  return out;
};

export const writePhys = (s: ModelState, p: PAddr, bytes: readonly number[]): void => {
  for (let i = 0; i < bytes.length; ) {
    const a = p + i;
    const pn = Math.floor(a / PAGE_SIZE);
    const old = s.pages.get(pn);
    const page = old === undefined ? new Uint8Array(PAGE_SIZE) : old.slice();
    for (let off = a % PAGE_SIZE; off < PAGE_SIZE && i < bytes.length; off++, i++) page[off] = bytes[i]!;
    s.pages.set(pn, page);
  }
};

/**
 * Translate every byte of [va, va+len) in `task` (each page once; faults name the first refused byte).
 * Returns the physical address of each byte.
 */
export const translateRange = (s: ModelState, task: Oid, va: number, len: number, access: FaultKind): PAddr[] => {
  const out: PAddr[] = [];
  let i = 0;
  while (i < len) {
    const a = (va + i) >>> 0;
    const t = translate(s, task, a, access);
    const inPage = Math.min(len - i, PAGE_SIZE - (a % PAGE_SIZE));
    for (let k = 0; k < inPage; k++) out.push(t.paddr + k);
    i += inPage;
  }
  return out;
};
