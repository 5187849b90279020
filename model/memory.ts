// Relative address spaces in the abstract model. A task's address becomes a physical address by
// following the mapping that covers it to its region, and the region to the task it is defined over,
// until the root task, whose addresses are physical memory (decision 9). Rights intersect along the way;
// the first level that refuses the access names the region whose keeper hears of the fault. This file
// also reads and writes physical memory. Above: model/objects.ts and the chapter handlers. Below:
// model/state.ts.
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

/**
 * Translate `va` in `task` for an access of kind `access`. Throws MemFault naming the first region that
 * refuses it (or null when no mapping covers the address).
 */
export const translate = (s: ModelState, task: Oid, va: number, access: FaultKind): Translation => {
  const need = ACCESS_BIT[access];
  const faultVa = va;
  let prot = FLUKE_PROT_ALL;
  let cur = task;
  for (let depth = 0; depth <= FLUKE_MAX_CHAIN; depth++) {
    const t = s.objects.get(cur) as TaskObj | undefined;
    if (t === undefined || t.type !== "task") throw new MemFault(faultVa, access, null);
    if (t.root) {
      const p = va - FLUKE_VM_MIN;
      if (p < 0 || p >= s.physBytes) throw new MemFault(faultVa, access, null);
      return { paddr: p, prot };
    }
    const m = mappingAt(s, cur, va);
    if (m === undefined) throw new MemFault(faultVa, access, null);
    const r = m.region === null ? undefined : (s.objects.get(m.region) as RegionObj | undefined);
    if (r === undefined || r.type !== "region") throw new MemFault(faultVa, access, null);
    const off = va - m.start_va + m.region_off;
    prot &= m.prot & r.prot;
    if (off >= r.size || r.task === null || (prot & need) === 0) throw new MemFault(faultVa, access, r.oid);
    va = r.start_va + off;
    cur = r.task;
  }
  throw new MemFault(faultVa, access, null);
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
    const a = va + i;
    const t = translate(s, task, a >>> 0, access);
    const inPage = Math.min(len - i, PAGE_SIZE - (a % PAGE_SIZE));
    for (let k = 0; k < inPage; k++) out.push(t.paddr + k);
    i += inPage;
  }
  return out;
};
