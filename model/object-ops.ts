// The operations every object type shares (chapter 1 of the reference: create, create_hash, move,
// reference) and the reference-slot halves of get_state/set_state, written once for the task, region
// and mapping chapters (any chapter may use them). Each follows "decode, then perform": the decode
// helpers throw Insane or MemFault, the perform helpers cannot fail. Above: model/task.ts, region.ts,
// mapping.ts and other chapters (port.ts, cond.ts). Below: model/objects.ts, model/ref-link.ts.
import type { ObjectType, Outcome } from "../spec/kernel-api/common.js";
import { ok, ret, type Ctx } from "./ctx.js";
import { Insane } from "./errors.js";
import { translate } from "./memory.js";
import { addObject, checkFreeBlock, chooseHash, lookup, noRoom, objectAtPhys } from "./objects.js";
import { bindRef, lookupRef, optRef, refLinkOf } from "./ref-link.js";
import type { ObjOf, Oid, PAddr, RefObj } from "./state.js";

/** Builds a new object's record (every link null) for a create. */
export type Maker<T extends ObjectType> = (oid: Oid, paddr: PAddr, hash: number) => ObjOf<T>;

/**
 * fluke_<type>_create and _create_hash: decode the block (faults, NOT_ALIGNED, OBJECT_EXISTS), then
 * NO_MEMORY if the kernel is full, then perform. `hash` undefined: plain create (no out-parameter).
 */
export const createObject = <T extends ObjectType>(ctx: Ctx, type: T, va: number, hash: number | undefined, make: Maker<T>): Outcome => {
  const p = checkFreeBlock(ctx.s, ctx.task, va, type);
  if (noRoom(ctx.s)) return ret("NO_MEMORY");
  const h = chooseHash(ctx.s, hash ?? 0);
  addObject(ctx.s, (oid) => make(oid, p, h));
  return hash === undefined ? ok() : ok({ hash: h });
};

/** Decode the object argument of a destroy: like lookup, but an invalid object is accepted (decision 3). */
export const lookupForDestroy = <T extends ObjectType>(ctx: Ctx, va: number, type: T): ObjOf<T> => {
  try {
    return lookup(ctx.s, ctx.task, va, type);
  } catch (e) {
    if (!(e instanceof Insane) || e.code !== "INVALID_OBJECT") throw e;
    return objectAtPhys(ctx.s, translate(ctx.s, ctx.task, va, "read").paddr) as ObjOf<T>;
  }
};

/** fluke_<type>_move: decode the object, then the destination block; perform: the object's block moves. */
export const moveObject = (ctx: Ctx, type: ObjectType, oldVa: number, newVa: number): Outcome => {
  const o = lookup(ctx.s, ctx.task, oldVa, type);
  const p = checkFreeBlock(ctx.s, ctx.task, newVa, type);
  o.paddr = p;
  return ok();
};

/** fluke_<type>_reference: decode the object and the reference; perform: bind the reference to it. */
export const referenceObject = (ctx: Ctx, type: ObjectType, va: number, refVa: number): Outcome => {
  const o = lookup(ctx.s, ctx.task, va, type);
  bindRef(ctx.s, lookupRef(ctx, refVa), o.oid);
  return ok();
};

/** Decode a reference slot of get_state/set_state: 0 is the null pointer (leave the link alone). */
export const refSlot = (ctx: Ctx, va: number): RefObj | null => optRef(ctx, va);

/**
 * Decode a reference slot of set_state: the link it will install. `set: false` when the pointer is null;
 * otherwise the reference's target, which must be null or of `kind` (else NOT_<KIND>_REF, model/ref-link.ts).
 */
export const linkFromSlot = (ctx: Ctx, va: number, kind: ObjectType): { readonly set: false } | { readonly set: true; readonly to: Oid | null } => {
  const r = optRef(ctx, va);
  return r === null ? { set: false } : { set: true, to: refLinkOf(ctx.s, r, kind) };
};

/** Perform half of get_state: bind a decoded slot (if any) to a link (null if the target is gone). */
export const bindSlot = (ctx: Ctx, r: RefObj | null, link: Oid | null): void => {
  if (r !== null) bindRef(ctx.s, r, link);
};
