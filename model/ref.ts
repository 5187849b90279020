// Chapter "ref" (11) of the abstract model: the handlers of spec/kernel-api/ref.ts. A reference is a
// RefObj whose `target` is an Oid or null; a target that no longer exists reads as null (decision 6).
// The shared rules for reading and binding links live in model/ref-link.ts. Above: model/handlers.ts.
// Below: model/object-ops.ts, model/ref-link.ts, model/objects.ts.
import type { Handler } from "./ctx.js";
import { ok } from "./ctx.js";
import { bindRef, lookupRef, refOid, refTarget } from "./ref-link.js";
import { createObject, lookupForDestroy, moveObject } from "./object-ops.js";
import type { RefObj } from "./state.js";

type A<T extends string> = Record<T, number>;

/** A new null reference. References carry no hash (published): the record's hash field is 0. */
const newRef = (oid: number, paddr: number): RefObj => ({ oid, paddr, hash: 0, invalid: false, type: "ref", target: null });

const fluke_ref_create: Handler = (ctx, a: A<"new_ref">) => createObject(ctx, "ref", a.new_ref, undefined, newRef);

const fluke_ref_destroy: Handler = (ctx, a: A<"ref">) => {
  const r = lookupForDestroy(ctx, a.ref, "ref");
  ctx.s.objects.delete(r.oid);
  return ok();
};

const fluke_ref_copy: Handler = (ctx, a: A<"src_ref" | "dst_ref">) => {
  const src = lookupRef(ctx, a.src_ref);
  const dst = lookupRef(ctx, a.dst_ref);
  bindRef(ctx.s, dst, refOid(ctx.s, src));
  return ok();
};

const fluke_ref_compare: Handler = (ctx, a: A<"ref1" | "ref2">) => {
  const r1 = lookupRef(ctx, a.ref1);
  const r2 = lookupRef(ctx, a.ref2);
  return ok({ equal: refOid(ctx.s, r1) === refOid(ctx.s, r2) });
};

const fluke_ref_hash: Handler = (ctx, a: A<"ref">) => {
  const r = lookupRef(ctx, a.ref);
  return ok({ hash: refTarget(ctx.s, r)?.hash ?? 0 });
};

const fluke_ref_type: Handler = (ctx, a: A<"ref">) => {
  const r = lookupRef(ctx, a.ref);
  return ok({ type: refTarget(ctx.s, r)?.type ?? "null" });
};

const fluke_ref_move: Handler = (ctx, a: A<"old_addr" | "new_addr">) => moveObject(ctx, "ref", a.old_addr, a.new_addr);

const fluke_ref_check: Handler = (ctx, a: A<"ref">) => {
  const r = lookupRef(ctx, a.ref);
  return ok({ is_null: refTarget(ctx.s, r) === null });
};

export const REF_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_ref_create, fluke_ref_destroy, fluke_ref_copy, fluke_ref_compare, fluke_ref_hash, fluke_ref_type,
  fluke_ref_move, fluke_ref_check,
};
