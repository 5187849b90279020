// Blocking in IPC, in the abstract model: putting a thread to sleep on a port (client waiting for a
// server), on a port set (server waiting for an invocation), on an idempotent reply, or on a reliable
// connection; finding the FIFO-first waiter; re-running a blocked connection operation when its
// connection changed ("poke"); and storing the continuation a multi-phase call resumes as (the atomic
// API: a blocked call is restartable from its pending call). Above: model/ipc-*.ts. Below:
// model/restart.ts, model/state.ts.
import type { IpcParams } from "../spec/kernel-api/ipc.js";
import { blocked, type Ctx } from "./ctx.js";
import { recvOnly } from "./ipc-params.js";
import type { IpcWait, Side } from "./ipc-state.js";
import { deref } from "./objects.js";
import { resumePending } from "./restart.js";
import type { ModelState, Oid, ThreadObj } from "./state.js";
import type { Outcome } from "../spec/kernel-api/common.js";

export const threads = (s: ModelState): ThreadObj[] => {
  const out: ThreadObj[] = [];
  for (const o of s.objects.values()) if (o.type === "thread") out.push(o);
  return out;
};

/** True if `t` is blocked in IPC waiting for `kind`. */
export const isWaiting = (t: ThreadObj, kind: IpcWait["kind"]): boolean => t.wait?.kind === "ipc" && t.ipc.waitFor?.kind === kind;

/** A fresh FIFO ticket: later than every ticket handed out so far to a live thread. */
const nextSeq = (s: ModelState): number => 1 + Math.max(0, ...threads(s).map((t) => t.ipc.seq));

/** The object a thread blocked in IPC waits on (the waiting_for link of fluke_thread_get_state). */
const waitObject = (t: ThreadObj, w: IpcWait): Oid | null =>
  w.kind === "port" ? w.port : w.kind === "pset" ? w.pset : w.kind === "reply" ? w.server : w.side === "client" ? t.server : t.client;

/** Perform: block `t` in IPC. `port`/`pset` waits get a FIFO ticket. */
export const sleep = (s: ModelState, t: ThreadObj, w: { kind: "port"; port: Oid } | { kind: "pset"; pset: Oid } | IpcWait): void => {
  const wait: IpcWait = w.kind === "port" || w.kind === "pset" ? { ...w, seq: (t.ipc.seq = nextSeq(s)) } as IpcWait : w;
  t.ipc.waitFor = wait;
  t.wait = { kind: "ipc" };
  t.waiting_for = waitObject(t, wait);
};

/** Perform: `t` is no longer blocked in IPC (its wait and pending call are cleared by whoever completes it). */
export const wake = (t: ThreadObj): void => {
  t.ipc.waitFor = null;
  t.waiting_for = null;
};

/** Block the running thread on its connection `side`; it resumes as `cont` (a call name) with the same params. */
export const blockOnConn = (ctx: Ctx, side: Side, cont: string, p: IpcParams): Outcome => {
  sleep(ctx.s, ctx.self, { kind: "conn", side });
  ctx.self.pending = { name: cont, args: { ipc_params: recvOnly(p) } };
  return blocked();
};

/** The FIFO-first server waiting on port set `pset`. */
export const firstServer = (s: ModelState, pset: Oid): ThreadObj | null => {
  let best: ThreadObj | null = null;
  for (const t of threads(s)) {
    const w = t.ipc.waitFor;
    if (isWaiting(t, "pset") && w?.kind === "pset" && w.pset === pset && (best === null || w.seq < best.ipc.seq)) best = t;
  }
  return best;
};

/** The FIFO-first client waiting on any live port attached to `pset`. */
export const firstClient = (s: ModelState, pset: Oid): ThreadObj | null => {
  let best: ThreadObj | null = null;
  for (const t of threads(s)) {
    const w = t.ipc.waitFor;
    if (!isWaiting(t, "port") || w?.kind !== "port") continue;
    if (deref(s, w.port, "port")?.pset !== pset) continue;
    if (best === null || w.seq < best.ipc.seq) best = t;
  }
  return best;
};

/** Perform: re-run the operation `peer` is blocked in on its connection `side`, now that the connection changed. */
export const poke = (ctx: Ctx, peer: ThreadObj | null, side: Side): void => {
  if (peer === null || ctx.self === peer) return;
  const w = peer.ipc.waitFor;
  if (peer.wait?.kind === "ipc" && w?.kind === "conn" && w.side === side) {
    wake(peer);
    resumePending(ctx, peer);
  }
};
