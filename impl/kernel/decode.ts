// Argument decoding shared by every chapter of the concrete kernel (the decode half of "decode, then
// perform", in the checking order of spec/kernel-api/common.md): find the object an address names in the
// caller's task, check a block for a new object, decode reference slots. Everything here may throw KInsane
// or KFault and changes nothing. Above: impl/kernel/<chapter>.ts. Below: kernel.ts, objtab.ts.
import { FLUKE_VM_MAX, FLUKE_VM_MIN, NOT_TYPE, OBJECT_SIZE, type Insanity, type ObjectType } from "../../spec/kernel-api/common.js";
import { kinsane, type KCtx } from "./kctx.js";
import type { KObj, KObjOf, KRef } from "./kobjects.js";

/** The live object of `type` at `va` in the caller's task: fault, NOT_ALIGNED, NO_OBJECT, NOT_<TYPE>, INVALID_OBJECT. */
export const lookup = <T extends ObjectType>(ctx: KCtx, va: number, type: T, wrongType?: Insanity): KObjOf<T> => {
  const o = lookupValid(ctx, va, type, wrongType);
  if (o.invalid) kinsane("INVALID_OBJECT");
  return o;
};

/** Like lookup, but an invalid object is returned (destroy works on one: decision 3). */
export const lookupValid = <T extends ObjectType>(ctx: KCtx, va: number, type: T, wrongType?: Insanity): KObjOf<T> => {
  const p = ctx.k.translate(ctx.task, va, "read");
  if (va % OBJECT_SIZE[type] !== 0) kinsane("NOT_ALIGNED");
  const o = ctx.k.objects.at(p) as KObj | undefined;
  if (o === undefined) return kinsane("NO_OBJECT");
  if (o.type !== type) return kinsane(wrongType ?? NOT_TYPE[type]);
  return o as KObjOf<T>;
};

/** Any live object at `va` (fault, NO_OBJECT, INVALID_OBJECT). */
export const lookupAny = (ctx: KCtx, va: number): KObj => {
  const o = ctx.k.objects.at(ctx.k.translate(ctx.task, va, "read")) as KObj | undefined;
  if (o === undefined) return kinsane("NO_OBJECT");
  if (o.invalid) kinsane("INVALID_OBJECT");
  return o;
};

/** A block for a new object of `type` at `va`: WRITE and CREATE_OB rights (faults), aligned, free. */
export const freeBlock = (ctx: KCtx, va: number, type: ObjectType): number => {
  ctx.k.translate(ctx.task, va, "write");
  const p = ctx.k.translate(ctx.task, va, "create_ob");
  if (va % OBJECT_SIZE[type] !== 0 || va < FLUKE_VM_MIN || va + OBJECT_SIZE[type] > FLUKE_VM_MAX) kinsane("NOT_ALIGNED");
  if (!ctx.k.objects.isFree(p, type)) kinsane("OBJECT_EXISTS");
  return p;
};

/** A reference argument slot: 0 is the null pointer (leave the link alone), else a valid reference. */
export const refSlot = (ctx: KCtx, va: number): KRef | null => (va === 0 ? null : lookup(ctx, va, "ref"));
