// How links travel through reference objects in the abstract model (spec/kernel-api/ref.md, "Rules
// for the other chapters"): decoding a reference argument, reading the link it carries (a dangling one
// reads as null: decision 6), checking the link's kind (NOT_<KIND>_REF), and binding it. Every chapter's
// get_state, set_state and fluke_<type>_reference use these. Above: the chapter handlers. Below:
// model/objects.ts.
import { notKindRef, type ObjectType } from "../spec/kernel-api/common.js";
import type { Ctx } from "./ctx.js";
import { insane } from "./errors.js";
import { lookup } from "./objects.js";
import type { ModelState, Obj, Oid, RefObj } from "./state.js";

/** Decode a reference argument (faults, NOT_ALIGNED, NO_OBJECT, NOT_REF, INVALID_OBJECT). */
export const lookupRef = (ctx: Ctx, va: number): RefObj => lookup(ctx.s, ctx.task, va, "ref");

/** Decode an optional reference argument: 0 is the null pointer ("do not read or change this link"). */
export const optRef = (ctx: Ctx, va: number): RefObj | null => (va === 0 ? null : lookupRef(ctx, va));

/** The object a reference points to, or null for a null or dangling reference (decision 6). */
export const refTarget = (s: ModelState, r: RefObj): Obj | null => (r.target === null ? null : s.objects.get(r.target) ?? null);

/** The link a reference carries as an Oid, dangling links read as null. */
export const refOid = (s: ModelState, r: RefObj): Oid | null => refTarget(s, r)?.oid ?? null;

/** Decode the link a reference imports into a slot of kind `kind`: null, or an object of that kind. */
export const refLinkOf = (s: ModelState, r: RefObj, kind: ObjectType): Oid | null => {
  const o = refTarget(s, r);
  if (o !== null && o.type !== kind) insane(notKindRef(kind));
  return o?.oid ?? null;
};

/** Perform: make `r` point at `oid` (null: a null reference). A dangling oid is stored as null. */
export const bindRef = (s: ModelState, r: RefObj, oid: Oid | null): void => {
  r.target = oid !== null && s.objects.has(oid) ? oid : null;
};
