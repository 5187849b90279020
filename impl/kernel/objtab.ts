// The concrete kernel's object table: every live kernel object, found by the physical memory its block
// occupies (spec/kernel-api/common.md: objects live in task memory). A per-frame index answers "which
// objects are on this page" in constant time, for create/move overlap checks (OBJECT_EXISTS), for
// invalidating objects that user code overwrites (decision 3), and for fluke_region_search.
// Above: the kernel's call handlers. Below: plain maps.
import { OBJECT_SIZE, PAGE_SIZE, type ObjectType } from "../../spec/kernel-api/common.js";

/** What every kernel object record carries; the chapter files extend it. */
export interface KObjBase {
  readonly type: ObjectType;
  /** Physical address of the block; changed only by move(). */
  paddr: number;
  readonly hash: number;
  /** Set when user code wrote into the block: INVALID_OBJECT from then on. */
  invalid: boolean;
  /** Cleared when the object is destroyed, so stale links can be recognised. */
  alive: boolean;
}

export class ObjectTable<O extends KObjBase = KObjBase> {
  private readonly byAddr = new Map<number, O>();
  private readonly byFrame = new Map<number, Set<O>>();

  get size(): number {
    return this.byAddr.size;
  }

  /** The object whose block starts at `paddr`. */
  at(paddr: number): O | undefined {
    return this.byAddr.get(paddr);
  }

  /** Objects on frame `pfn` (a block never straddles a page, since blocks are aligned to their size). */
  onFrame(pfn: number): ReadonlySet<O> | undefined {
    return this.byFrame.get(pfn);
  }

  /** Objects whose blocks intersect [paddr, paddr + len). */
  overlapping(paddr: number, len: number): O[] {
    const out: O[] = [];
    const last = Math.floor((paddr + len - 1) / PAGE_SIZE);
    for (let pfn = Math.floor(paddr / PAGE_SIZE); pfn <= last; pfn++) {
      for (const o of this.byFrame.get(pfn) ?? []) if (o.paddr < paddr + len && paddr < o.paddr + OBJECT_SIZE[o.type]) out.push(o);
    }
    return out;
  }

  /** Is [paddr, paddr + size of `type`) free of objects? */
  isFree(paddr: number, type: ObjectType): boolean {
    return this.overlapping(paddr, OBJECT_SIZE[type]).length === 0;
  }

  add(o: O): void {
    if (!this.isFree(o.paddr, o.type)) throw new Error(`kernel bug: object block at ${o.paddr} overlaps another`);
    this.byAddr.set(o.paddr, o);
    this.index(o);
  }

  remove(o: O): void {
    this.byAddr.delete(o.paddr);
    this.unindex(o);
    o.alive = false;
  }

  move(o: O, paddr: number): void {
    this.byAddr.delete(o.paddr);
    this.unindex(o);
    o.paddr = paddr;
    this.byAddr.set(paddr, o);
    this.index(o);
  }

  /** Mark objects overlapping a user write invalid; returns how many were hit. */
  invalidateWritten(paddr: number, len: number): number {
    const hit = this.overlapping(paddr, len);
    for (const o of hit) o.invalid = true;
    return hit.length;
  }

  private index(o: O): void {
    const pfn = Math.floor(o.paddr / PAGE_SIZE);
    let set = this.byFrame.get(pfn);
    if (set === undefined) this.byFrame.set(pfn, (set = new Set()));
    set.add(o);
  }

  private unindex(o: O): void {
    const pfn = Math.floor(o.paddr / PAGE_SIZE);
    const set = this.byFrame.get(pfn);
    set?.delete(o);
    if (set?.size === 0) this.byFrame.delete(pfn);
  }
}
