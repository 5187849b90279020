// Chapter "pset" (7) of the abstract model: the handlers of spec/kernel-api/pset.ts. A port set record
// has no state beyond its hash: ports point at it (PortObj.pset) and servers wait on it (their
// ThreadIpc), so destroying it leaves its ports in no set (the dangling link reads as null) and its
// waiting servers blocked with nothing that can reach them (ours). Above: model/handlers.ts. Below:
// model/object-ops.ts.
import type { PsetState } from "../spec/kernel-api/pset.js";
import { ok, type Handler } from "./ctx.js";
import { createObject, lookupForDestroy, moveObject, referenceObject } from "./object-ops.js";
import { lookup } from "./objects.js";
import type { Oid, PsetObj } from "./state.js";

const newPset = (oid: Oid, paddr: number, hash: number): PsetObj => ({ oid, paddr, hash, invalid: false, type: "pset" });

export const PSET_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_pset_create: (ctx, a: { new_pset: number }) => createObject(ctx, "pset", a.new_pset, undefined, newPset),

  fluke_pset_create_hash: (ctx, a: { new_pset: number; hash: number }) => createObject(ctx, "pset", a.new_pset, a.hash, newPset),

  fluke_pset_destroy: (ctx, a: { pset: number }) => {
    const p = lookupForDestroy(ctx, a.pset, "pset");
    ctx.s.objects.delete(p.oid);
    return ok();
  },

  fluke_pset_get_state: (ctx, a: { pset: number }) => {
    const p = lookup(ctx.s, ctx.task, a.pset, "pset");
    const state: PsetState = { hash: p.hash };
    return ok({ state });
  },

  fluke_pset_set_state: (ctx, a: { pset: number; state: PsetState | null }) => {
    lookup(ctx.s, ctx.task, a.pset, "pset"); // the hash is write-once: nothing else to import
    void a.state;
    return ok();
  },

  fluke_pset_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "pset", a.old_addr, a.new_addr),

  fluke_pset_reference: (ctx, a: { pset: number; new_pset_ref: number }) => referenceObject(ctx, "pset", a.pset, a.new_pset_ref),
};
