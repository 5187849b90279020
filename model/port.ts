// Chapter "port" (6) of the abstract model: the handlers of spec/kernel-api/port.ts. A port record holds
// its alias and its port-set link; the clients waiting on it live in their own threads' IPC state
// (model/ipc-state.ts), so destroying the port fails them (INVALID_DEST for a one-way send,
// IPC_CONNECT_INVALID_DEST for a call or connect, a failed keeper for a kernel call), and attaching it to
// a port set lets them meet that set's waiting servers at once. Above: model/handlers.ts. Below:
// model/object-ops.ts, model/ipc-deliver.ts, model/ipc-wait.ts.
import type { PortState } from "../spec/kernel-api/port.js";
import { ok, type Ctx, type Handler } from "./ctx.js";
import { failClient, meet } from "./ipc-deliver.js";
import { firstClient, firstServer, isWaiting, threads } from "./ipc-wait.js";
import { createObject, lookupForDestroy, moveObject, referenceObject } from "./object-ops.js";
import { deref, lookup } from "./objects.js";
import { bindRef, optRef, refLinkOf } from "./ref-link.js";
import type { Oid, PortObj } from "./state.js";

const newPort = (oid: Oid, paddr: number, hash: number): PortObj => ({
  oid, paddr, hash, invalid: false, type: "port", alias: 0, pset: null,
});

/** Perform: while port set `pset` has both a waiting server and a queued client, let them meet (FIFO on both sides). */
export const matchPset = (ctx: Ctx, pset: Oid | null): void => {
  if (deref(ctx.s, pset, "pset") === null) return;
  for (;;) {
    const srv = firstServer(ctx.s, pset!);
    const c = firstClient(ctx.s, pset!);
    const w = c?.ipc.waitFor;
    const port = w?.kind === "port" ? deref(ctx.s, w.port, "port") : null;
    if (srv === null || c === null || port === null) return;
    meet(ctx, c, null, srv, null, port);
  }
};

/** Perform: fail every client queued on `port`, in FIFO order. */
const failQueued = (ctx: Ctx, port: Oid): void => {
  const queued = threads(ctx.s)
    .filter((t) => isWaiting(t, "port") && t.ipc.waitFor?.kind === "port" && t.ipc.waitFor.port === port)
    .sort((x, y) => x.ipc.seq - y.ipc.seq);
  for (const t of queued) failClient(ctx, t);
};

export const PORT_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_port_create: (ctx, a: { new_port: number }) => createObject(ctx, "port", a.new_port, undefined, newPort),

  fluke_port_create_hash: (ctx, a: { new_port: number; hash: number }) => createObject(ctx, "port", a.new_port, a.hash, newPort),

  fluke_port_destroy: (ctx, a: { port: number }) => {
    const p = lookupForDestroy(ctx, a.port, "port");
    ctx.s.objects.delete(p.oid); // references to it now read as null (decision 6)
    failQueued(ctx, p.oid);
    return ok();
  },

  fluke_port_get_state: (ctx, a: { port: number; pset_ref: number }) => {
    const p = lookup(ctx.s, ctx.task, a.port, "port");
    const r = optRef(ctx, a.pset_ref);
    if (r !== null) bindRef(ctx.s, r, p.pset);
    const state: PortState = { hash: p.hash, alias: p.alias };
    return ok({ state });
  },

  fluke_port_set_state: (ctx, a: { port: number; state: PortState | null; pset_ref: number }) => {
    const p = lookup(ctx.s, ctx.task, a.port, "port");
    const r = optRef(ctx, a.pset_ref);
    const pset = r === null ? undefined : refLinkOf(ctx.s, r, "pset"); // NOT_PSET_REF for another kind
    if (a.state !== null) p.alias = a.state.alias; // the hash is write-once
    if (pset !== undefined) p.pset = pset;
    matchPset(ctx, p.pset);
    return ok();
  },

  fluke_port_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "port", a.old_addr, a.new_addr),

  fluke_port_reference: (ctx, a: { port: number; new_port_ref: number }) => referenceObject(ctx, "port", a.port, a.new_port_ref),
};
