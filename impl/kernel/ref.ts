// Chapter "ref" (11) of the concrete kernel: the handlers of spec/kernel-api/ref.ts on kernel objects
// (same rules as model/ref.ts). A reference holds a direct link to its target; a destroyed target reads
// as null (decision 6, `live`). Above: handlers.ts. Below: object-ops.ts, decode.ts, kobjects.ts.
import { lookup } from "./decode.js";
import { ok, type KHandler } from "./kctx.js";
import type { KRef } from "./kobjects.js";
import { createObject, lookupForDestroy, moveObject, refTarget, removeObject } from "./object-ops.js";

type A<T extends string> = Record<T, number>;

/** A new null reference. References carry no hash (published): the record's hash is 0. */
const newRef = (paddr: number): KRef => ({ type: "ref", paddr, hash: 0, invalid: false, alive: true, target: null });

const fluke_ref_create: KHandler = (ctx, a: A<"new_ref">) => createObject(ctx, "ref", a.new_ref, undefined, newRef);

const fluke_ref_destroy: KHandler = (ctx, a: A<"ref">) => {
  removeObject(ctx, lookupForDestroy(ctx, a.ref, "ref"));
  return ok();
};

const fluke_ref_copy: KHandler = (ctx, a: A<"src_ref" | "dst_ref">) => {
  const src = lookup(ctx, a.src_ref, "ref");
  const dst = lookup(ctx, a.dst_ref, "ref");
  dst.target = refTarget(src);
  return ok();
};

const fluke_ref_compare: KHandler = (ctx, a: A<"ref1" | "ref2">) => {
  const r1 = lookup(ctx, a.ref1, "ref");
  const r2 = lookup(ctx, a.ref2, "ref");
  return ok({ equal: refTarget(r1) === refTarget(r2) });
};

const fluke_ref_hash: KHandler = (ctx, a: A<"ref">) => ok({ hash: refTarget(lookup(ctx, a.ref, "ref"))?.hash ?? 0 });

const fluke_ref_type: KHandler = (ctx, a: A<"ref">) => ok({ type: refTarget(lookup(ctx, a.ref, "ref"))?.type ?? "null" });

const fluke_ref_move: KHandler = (ctx, a: A<"old_addr" | "new_addr">) => moveObject(ctx, "ref", a.old_addr, a.new_addr);

const fluke_ref_check: KHandler = (ctx, a: A<"ref">) => ok({ is_null: refTarget(lookup(ctx, a.ref, "ref")) === null });

export const K_REF_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_ref_create, fluke_ref_destroy, fluke_ref_copy, fluke_ref_compare, fluke_ref_hash, fluke_ref_type,
  fluke_ref_move, fluke_ref_check,
};
