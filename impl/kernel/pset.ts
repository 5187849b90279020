// Chapter "pset" (7) of the concrete kernel: the handlers of spec/kernel-api/pset.ts on kernel objects.
// A port set carries only its hash plus two indexes for IPC: the FIFO of servers waiting on it and the
// ports attached to it. Destroying it leaves its ports in no set (their link reads as null: `live`) and
// its waiting servers blocked with nothing that can reach them (ours). Same rules as model/pset.ts.
// Above: handlers.ts. Below: object-ops.ts, decode.ts.
import type { PsetState } from "../../spec/kernel-api/pset.js";
import { lookup } from "./decode.js";
import { ok, type KHandler } from "./kctx.js";
import type { KPset } from "./kobjects.js";
import { createObject, lookupForDestroy, moveObject, referenceObject, removeObject } from "./object-ops.js";

const newPset = (paddr: number, hash: number): KPset => ({
  type: "pset", paddr, hash, invalid: false, alive: true, servers: [], ports: new Set(),
});

export const K_PSET_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_pset_create: (ctx, a: { new_pset: number }) => createObject(ctx, "pset", a.new_pset, undefined, newPset),

  fluke_pset_create_hash: (ctx, a: { new_pset: number; hash: number }) => createObject(ctx, "pset", a.new_pset, a.hash, newPset),

  fluke_pset_destroy: (ctx, a: { pset: number }) => {
    removeObject(ctx, lookupForDestroy(ctx, a.pset, "pset"));
    return ok();
  },

  fluke_pset_get_state: (ctx, a: { pset: number }) => {
    const state: PsetState = { hash: lookup(ctx, a.pset, "pset").hash };
    return ok({ state });
  },

  fluke_pset_set_state: (ctx, a: { pset: number; state: PsetState | null }) => {
    lookup(ctx, a.pset, "pset"); // the hash is write-once: nothing else to import
    void a.state;
    return ok();
  },

  fluke_pset_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "pset", a.old_addr, a.new_addr),

  fluke_pset_reference: (ctx, a: { pset: number; new_pset_ref: number }) => referenceObject(ctx, "pset", a.pset, a.new_pset_ref),
};
