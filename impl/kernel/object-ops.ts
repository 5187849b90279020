// The operations every object type shares in the concrete kernel (chapter 1 of the reference: create,
// create_hash, move, reference, destroy of an invalid object) and how links travel through reference
// objects. Same rules as model/object-ops.ts and model/ref-link.ts, on kernel objects. Each follows
// "decode, then perform". Above: impl/kernel/<chapter>.ts. Below: decode.ts, objtab.ts.
import { notKindRef, type ObjectType, type Outcome } from "../../spec/kernel-api/common.js";
import { lookup, lookupValid, freeBlock, refSlot } from "./decode.js";
import { kinsane, ok, ret, type KCtx } from "./kctx.js";
import { live, type KObj, type KObjOf, type KRef } from "./kobjects.js";

/** Builds a new object record (every link null) at physical address `paddr` with `hash`. */
export type KMaker<T extends ObjectType> = (paddr: number, hash: number) => KObjOf<T>;

/** fluke_<type>_create / _create_hash: decode the block, NO_MEMORY if full, then perform. */
export const createObject = <T extends ObjectType>(ctx: KCtx, type: T, va: number, hash: number | undefined, make: KMaker<T>): Outcome => {
  const p = freeBlock(ctx, va, type);
  if (ctx.k.full()) return ret("NO_MEMORY");
  const h = ctx.k.chooseHash(hash ?? 0);
  ctx.k.objects.add(make(p, h));
  return hash === undefined ? ok() : ok({ hash: h });
};

/** Decode the object argument of a destroy: an invalid object is accepted (decision 3). */
export const lookupForDestroy = <T extends ObjectType>(ctx: KCtx, va: number, type: T): KObjOf<T> => lookupValid(ctx, va, type);

/** Perform half of every destroy: the object leaves the table; links to it read as null from now on. */
export const removeObject = (ctx: KCtx, o: KObj): void => ctx.k.objects.remove(o);

/** fluke_<type>_move: decode the object, then the destination block; perform: the block moves. */
export const moveObject = (ctx: KCtx, type: ObjectType, oldVa: number, newVa: number): Outcome => {
  const o = lookup(ctx, oldVa, type);
  const p = freeBlock(ctx, newVa, type);
  ctx.k.objects.move(o, p);
  return ok();
};

/** fluke_<type>_reference: decode the object and the reference; perform: bind the reference to it. */
export const referenceObject = (ctx: KCtx, type: ObjectType, va: number, refVa: number): Outcome => {
  const o = lookup(ctx, va, type);
  const r = lookup(ctx, refVa, "ref");
  r.target = o;
  return ok();
};

/** The object a reference points to, or null (null or dangling reference). */
export const refTarget = (r: KRef): KObj | null => live(r.target);

/** Decode the link a reference imports into a slot of kind `kind`: null, or an object of that kind. */
export const refLinkOf = <T extends ObjectType>(r: KRef, kind: T): KObjOf<T> | null => {
  const o = refTarget(r);
  if (o !== null && o.type !== kind) kinsane(notKindRef(kind));
  return o as KObjOf<T> | null;
};

/**
 * Decode a reference slot of set_state: `set: false` when the pointer is null; otherwise the link it
 * installs (null, or an object of `kind`, else NOT_<KIND>_REF).
 */
export const linkFromSlot = <T extends ObjectType>(ctx: KCtx, va: number, kind: T): { readonly set: false } | { readonly set: true; readonly to: KObjOf<T> | null } => {
  const r = refSlot(ctx, va);
  return r === null ? { set: false } : { set: true, to: refLinkOf(r, kind) };
};

/** Perform half of get_state: bind a decoded slot (if any) to a link (a dead link binds null). */
export const bindSlot = (r: KRef | null, link: KObj | null): void => {
  if (r !== null) r.target = live(link);
};
