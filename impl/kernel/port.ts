// Chapter "port" (6) of the concrete kernel: the handlers of spec/kernel-api/port.ts on kernel objects.
// A port holds its alias, a direct link to its port set (kept in the set's `ports` index) and the FIFO
// of clients waiting on it; destroying it fails those clients in FIFO order (INVALID_DEST for a one-way
// send, IPC_CONNECT_INVALID_DEST for a call or connect, a failed keeper for a kernel call), and attaching
// it to a set lets them meet that set's waiting servers at once. Same rules as model/port.ts. Above:
// handlers.ts. Below: object-ops.ts, decode.ts, ipc-deliver.ts, ipc-wait.ts.
import type { PortState } from "../../spec/kernel-api/port.js";
import { lookup, refSlot } from "./decode.js";
import { ok, type KCtx, type KHandler } from "./kctx.js";
import { live, type KPort, type KPset } from "./kobjects.js";
import { failClient, meet } from "./ipc-deliver.js";
import { isWaiting } from "./ipc-state.js";
import { firstClient, firstServer } from "./ipc-wait.js";
import { bindSlot, createObject, lookupForDestroy, moveObject, referenceObject, refLinkOf, removeObject } from "./object-ops.js";

const newPort = (paddr: number, hash: number): KPort => ({
  type: "port", paddr, hash, invalid: false, alive: true, alias: 0, pset: null, clients: [],
});

/** Perform: link `port` to `pset` (or to none), keeping the sets' port indexes. */
const setPortPset = (port: KPort, pset: KPset | null): void => {
  port.pset?.ports.delete(port);
  port.pset = pset;
  pset?.ports.add(port);
};

/** Perform: while port set `pset` has both a waiting server and a queued client, let them meet (FIFO on both sides). */
export const matchPset = (ctx: KCtx, pset: KPset | null): void => {
  const ps = live(pset);
  if (ps === null) return;
  for (;;) {
    const srv = firstServer(ps);
    const c = firstClient(ps);
    if (srv === null || c === null) return;
    meet(ctx, c.client, null, srv, null, c.port);
  }
};

/** Perform: fail every client queued on `port`, in FIFO order. */
const failQueued = (ctx: KCtx, port: KPort): void => {
  const queued = port.clients.filter((t) => isWaiting(t, "port"));
  for (const t of queued) failClient(ctx, t);
  port.clients.length = 0;
};

export const K_PORT_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_port_create: (ctx, a: { new_port: number }) => createObject(ctx, "port", a.new_port, undefined, newPort),

  fluke_port_create_hash: (ctx, a: { new_port: number; hash: number }) => createObject(ctx, "port", a.new_port, a.hash, newPort),

  fluke_port_destroy: (ctx, a: { port: number }) => {
    const p = lookupForDestroy(ctx, a.port, "port");
    removeObject(ctx, p); // references to it now read as null (decision 6)
    setPortPset(p, null);
    failQueued(ctx, p);
    return ok();
  },

  fluke_port_get_state: (ctx, a: { port: number; pset_ref: number }) => {
    const p = lookup(ctx, a.port, "port");
    bindSlot(refSlot(ctx, a.pset_ref), p.pset);
    const state: PortState = { hash: p.hash, alias: p.alias };
    return ok({ state });
  },

  fluke_port_set_state: (ctx, a: { port: number; state: PortState | null; pset_ref: number }) => {
    const p = lookup(ctx, a.port, "port");
    const r = refSlot(ctx, a.pset_ref);
    const pset = r === null ? undefined : refLinkOf(r, "pset"); // NOT_PSET_REF for another kind
    if (a.state !== null) p.alias = a.state.alias; // the hash is write-once
    if (pset !== undefined) setPortPset(p, pset);
    matchPset(ctx, p.pset);
    return ok();
  },

  fluke_port_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "port", a.old_addr, a.new_addr),

  fluke_port_reference: (ctx, a: { port: number; new_port_ref: number }) => referenceObject(ctx, "port", a.port, a.new_port_ref),
};
