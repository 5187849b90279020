// Blocking in IPC in the concrete kernel: putting a thread to sleep on a port (client waiting for a
// server: the port's FIFO `clients`), on a port set (server waiting for an invocation: the set's FIFO
// `servers`), on an idempotent reply (the server's `callers`), or on a reliable connection; finding the
// FIFO-first waiter; re-running a blocked connection operation when its connection changed ("poke"); and
// storing the continuation a multi-phase call resumes as. FIFO tickets come from one increasing counter,
// so a queue's order is its append order, and the first client of a set is the head with the smallest
// ticket among the set's ports (the model's rule: spec/kernel-api/pset.md decision 1). Above:
// impl/kernel/ipc-*.ts, port.ts. Below: ipc-state.ts, kernel.ts (resumePending).
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { IpcParams } from "../../spec/kernel-api/ipc.js";
import { blocked, type KCtx } from "./kctx.js";
import { live, type KObj, type KPort, type KPset, type KThread } from "./kobjects.js";
import { recvOnly } from "./ipc-params.js";
import { ipcOf, isWaiting, type KIpcWait, type Side } from "./ipc-state.js";

let ticket = 0;

/** A wait request: a port or port-set wait gets its FIFO ticket in sleep(). */
export type SleepOn = { kind: "port"; port: KPort } | { kind: "pset"; pset: KPset } | { kind: "reply"; server: KThread } | { kind: "conn"; side: Side };

/** The object a thread blocked in IPC waits on (the waiting_for link of fluke_thread_get_state). */
export const waitObject = (t: KThread, w: KIpcWait): KObj | null =>
  w.kind === "port" ? w.port : w.kind === "pset" ? w.pset : w.kind === "reply" ? w.server : w.side === "client" ? t.server : t.client;

const drop = <T>(list: T[], x: T): void => {
  const i = list.indexOf(x);
  if (i >= 0) list.splice(i, 1);
};

/** Perform: take `t` out of the queue its current IPC wait put it in (if any). */
const unqueue = (t: KThread): void => {
  const ipc = ipcOf(t);
  const w = ipc.waitFor;
  if (w === null) return;
  if (w.kind === "port") drop(w.port.clients, t);
  else if (w.kind === "pset") drop(w.pset.servers, t);
  else if (w.kind === "reply") ipcOf(w.server).callers.delete(t);
};

/** Perform: block `t` in IPC (leaving any earlier IPC queue first). */
export const sleep = (t: KThread, on: SleepOn): void => {
  unqueue(t);
  const ipc = ipcOf(t);
  let w: KIpcWait;
  if (on.kind === "port") {
    w = { kind: "port", port: on.port, seq: ++ticket };
    drop(on.port.clients, t); // never twice in a queue, even if another chapter cleared the wait directly
    on.port.clients.push(t);
  } else if (on.kind === "pset") {
    w = { kind: "pset", pset: on.pset, seq: ++ticket };
    drop(on.pset.servers, t);
    on.pset.servers.push(t);
  } else {
    w = on;
    if (on.kind === "reply") ipcOf(on.server).callers.add(t);
  }
  ipc.waitFor = w;
  const obj = waitObject(t, w);
  t.waiting_for = obj; // the stored link get_state falls back to (as the model's sleep)
  t.wait = obj === null ? { kind: "ipc" } : { kind: "ipc", on: obj };
};

/** Perform: `t` is no longer blocked in IPC (its wait and pending call are cleared by whoever completes it). */
export const wake = (t: KThread): void => {
  unqueue(t);
  ipcOf(t).waitFor = null;
  t.waiting_for = null;
};

/** Block the running thread on its connection `side`; it resumes as `cont` (a call name) with the receive params. */
export const blockOnConn = (ctx: KCtx, side: Side, cont: string, p: IpcParams): Outcome => {
  sleep(ctx.self, { kind: "conn", side });
  ctx.self.pending = { name: cont, args: { ipc_params: recvOnly(p) } };
  return blocked();
};

/** The FIFO-first server waiting on port set `pset` (stale entries are dropped). */
export const firstServer = (pset: KPset): KThread | null => {
  const q = pset.servers;
  while (q.length > 0) {
    const t = q[0]!;
    const w = ipcOf(t).waitFor;
    if (isWaiting(t, "pset") && w?.kind === "pset" && w.pset === pset) return t;
    q.shift();
  }
  return null;
};

/** The FIFO-first client waiting on `port` (stale entries are dropped). */
const headClient = (port: KPort): KThread | null => {
  const q = port.clients;
  while (q.length > 0) {
    const t = q[0]!;
    const w = ipcOf(t).waitFor;
    if (isWaiting(t, "port") && w?.kind === "port" && w.port === port) return t;
    q.shift();
  }
  return null;
};

const seqOf = (t: KThread): number => {
  const w = ipcOf(t).waitFor;
  return w?.kind === "port" ? w.seq : Infinity;
};

/** The FIFO-first client waiting on any live port attached to `pset`, with its port. */
export const firstClient = (pset: KPset): { client: KThread; port: KPort } | null => {
  let best: { client: KThread; port: KPort } | null = null;
  for (const port of pset.ports) {
    if (!port.alive || live(port.pset) !== pset) continue;
    const c = headClient(port);
    if (c !== null && (best === null || seqOf(c) < seqOf(best.client))) best = { client: c, port };
  }
  return best;
};

/** Perform: re-run the operation `peer` is blocked in on its connection `side`, now that the connection changed. */
export const poke = (ctx: KCtx, peer: KThread | null, side: Side): void => {
  if (peer === null || ctx.self === peer) return;
  const w = ipcOf(peer).waitFor;
  if (peer.wait?.kind === "ipc" && w?.kind === "conn" && w.side === side) {
    wake(peer);
    ctx.k.resumePending(ctx, peer);
  }
};
