// Finding, creating and removing objects in the abstract model, and the argument checks every chapter
// shares (the decode half of "decode, then perform", in the checking order of spec/kernel-api/common.md).
// An object is found by the physical memory its block occupies, so two tasks that map the same memory
// name the same object at different addresses. Above: the chapter handlers. Below: model/memory.ts.
import {
  FLUKE_VM_MAX, FLUKE_VM_MIN, NOT_TYPE, OBJECT_SIZE, type Insanity, type ObjectType,
} from "../spec/kernel-api/common.js";
import { insane } from "./errors.js";
import { translate } from "./memory.js";
import type { ModelState, Obj, ObjOf, Oid, PAddr } from "./state.js";

/** The object whose block starts exactly at physical address `p`. */
export const objectAtPhys = (s: ModelState, p: PAddr): Obj | undefined => {
  for (const o of s.objects.values()) if (o.paddr === p) return o;
  return undefined;
};

/** Objects whose blocks intersect [p, p + len). */
export const objectsOverlapping = (s: ModelState, p: PAddr, len: number): Obj[] => {
  const out: Obj[] = [];
  for (const o of s.objects.values()) {
    const size = OBJECT_SIZE[o.type];
    if (o.paddr < p + len && p < o.paddr + size) out.push(o);
  }
  return out;
};

/** Check that `va` in `task` is a properly aligned address for an object of `type` (NOT_ALIGNED). */
export const checkAligned = (va: number, type: ObjectType): void => {
  if (va % OBJECT_SIZE[type] !== 0 || va < FLUKE_VM_MIN || va + OBJECT_SIZE[type] > FLUKE_VM_MAX) insane("NOT_ALIGNED");
};

/**
 * Decode an object argument: translate (faults), check alignment, presence, type and validity.
 * `wrongType` overrides the NOT_<TYPE> code where a page lists a different one.
 */
export const lookup = <T extends ObjectType>(s: ModelState, task: Oid, va: number, type: T, wrongType?: Insanity): ObjOf<T> => {
  const p = translate(s, task, va, "read").paddr;
  if (va % OBJECT_SIZE[type] !== 0) insane("NOT_ALIGNED");
  const o = objectAtPhys(s, p);
  if (o === undefined) return insane("NO_OBJECT");
  if (o.type !== type) return insane(wrongType ?? NOT_TYPE[type]);
  if (o.invalid) return insane("INVALID_OBJECT");
  return o as ObjOf<T>;
};

/** Like lookup, for an object of any type (used where a reference can point at anything). */
export const lookupAny = (s: ModelState, task: Oid, va: number): Obj => {
  const p = translate(s, task, va, "read").paddr;
  const o = objectAtPhys(s, p);
  if (o === undefined) return insane("NO_OBJECT");
  if (o.invalid) return insane("INVALID_OBJECT");
  return o;
};

/**
 * Decode the destination of a create or move: translatable with WRITE and CREATE_OB (faults otherwise),
 * aligned, and free of other objects. Returns the physical address of the block.
 */
export const checkFreeBlock = (s: ModelState, task: Oid, va: number, type: ObjectType): PAddr => {
  translate(s, task, va, "write");
  const p = translate(s, task, va, "create_ob").paddr;
  checkAligned(va, type);
  if (objectsOverlapping(s, p, OBJECT_SIZE[type]).length > 0) insane("OBJECT_EXISTS");
  return p;
};

/** Choose the hash for a new object: the caller's if non-zero, else the next implementation hash. */
export const chooseHash = (s: ModelState, requested: number | undefined): number => {
  if (requested !== undefined && requested !== 0) return requested >>> 0;
  s.nextHash = (s.nextHash + 1) >>> 0;
  return (Math.imul(s.nextHash, 0x9e3779b1) >>> 0) || 1;
};

/** True when the kernel has no room for another object: the create returns NO_MEMORY (ours). */
export const noRoom = (s: ModelState): boolean => s.objectLimit !== undefined && s.objects.size >= s.objectLimit;

/** Allocate an Oid and register a fully built object (perform phase of every create). */
export const addObject = <O extends Obj>(s: ModelState, make: (oid: Oid) => O): O => {
  const o = make(s.nextOid++);
  s.objects.set(o.oid, o);
  return o;
};

/** Resolve a link: null if the target no longer exists (decision 6). */
export const deref = <T extends ObjectType>(s: ModelState, oid: Oid | null, type?: T): ObjOf<T> | null => {
  if (oid === null) return null;
  const o = s.objects.get(oid);
  if (o === undefined || (type !== undefined && o.type !== type)) return null;
  return o as ObjOf<T>;
};
