// Reliable IPC connections in the abstract model (spec/kernel-api/ipc.md "Reliable connections"): a
// connection joins a client thread (its `server` link) and a server thread (its `client` link); it is
// live while both links point at each other. Exactly one end holds the sending turn (the *_SENDER bit of
// ipc_flags), except during a reversal, when the old sender has handed the turn over (`over`) and waits
// for the receiver's ack. Sent data is buffered in the receiver's inbox for that connection, in order;
// a disconnect clears both links at once but leaves the receiver's inbox to be drained. This file holds
// the rules every reliable call shares; each rule is perform-only unless it says "decode". Above:
// model/ipc-reliable.ts, ipc-receive.ts, ipc-cleanup.ts. Below: model/ipc-wait.ts, ipc-params.ts.
import { FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_SERVER_SENDER, type Word } from "../spec/kernel-api/common.js";
import type { IpcParams, IpcRecvOut } from "../spec/kernel-api/ipc.js";
import { ret, type Ctx } from "./ctx.js";
import { overflows, takeFromInbox } from "./ipc-params.js";
import { emptyConnEnd, otherSide, type ConnEnd, type Side } from "./ipc-state.js";
import { blockOnConn, poke } from "./ipc-wait.js";
import { deref } from "./objects.js";
import type { ModelState, Oid, ThreadObj } from "./state.js";
import type { Outcome } from "../spec/kernel-api/common.js";

export const SENDER_FLAG: Record<Side, number> = { client: FLUKE_THREAD_CLIENT_SENDER, server: FLUKE_THREAD_SERVER_SENDER };

/** This thread's end of its connection on `side`. */
export const end = (t: ThreadObj, side: Side): ConnEnd => (side === "client" ? t.ipc.asClient : t.ipc.asServer);

/** The link of `t` on `side`: its server when it is the client, its client when it is the server. */
const link = (t: ThreadObj, side: Side): Oid | null => (side === "client" ? t.server : t.client);
const setLink = (t: ThreadObj, side: Side, to: Oid | null): void => {
  if (side === "client") t.server = to;
  else t.client = to;
};

/** The peer of `t` on `side` if the connection is live (both links point at each other), else null. */
export const livePeer = (s: ModelState, t: ThreadObj, side: Side): ThreadObj | null => {
  const p = deref(s, link(t, side), "thread");
  return p !== null && link(p, otherSide(side)) === t.oid ? p : null;
};

export type Role = "sender" | "over" | "receiver";
export const roleOf = (t: ThreadObj, side: Side): Role =>
  (t.ipc_flags & SENDER_FLAG[side]) !== 0 ? "sender" : end(t, side).over ? "over" : "receiver";

const setSender = (t: ThreadObj, side: Side, on: boolean): void => {
  t.ipc_flags = on ? t.ipc_flags | SENDER_FLAG[side] : t.ipc_flags & ~SENDER_FLAG[side];
};

/**
 * Reset `t`'s end on `side` to "no connection" (link and turn bit). `keep`: the end's inbox and marks
 * stay, so a blocked peer can still drain the data and learn how the connection ended.
 */
const clearEnd = (t: ThreadObj, side: Side, keep: boolean): void => {
  setLink(t, side, null);
  setSender(t, side, false);
  if (keep) return;
  if (side === "client") t.ipc.asClient = emptyConnEnd();
  else t.ipc.asServer = emptyConnEnd();
};

/** Perform: join client `c` and server `s` with a fresh connection; the client holds the sending turn. */
export const connect = (c: ThreadObj, s: ThreadObj): void => {
  clearEnd(c, "client", false);
  clearEnd(s, "server", false);
  c.server = s.oid;
  s.client = c.oid;
  setSender(c, "client", true);
};

/**
 * Perform: break `t`'s connection on `side`. The peer's link goes too (its later operations see
 * *_DISCONNECTED), but its inbox stays so that it can still receive what was sent (the normal end);
 * `complete` marks the end of the message as by an over (the combined server calls, ours). The peer is
 * re-run if it is blocked on the connection. Returns the peer it had, if the connection was live.
 */
export const disconnect = (ctx: Ctx, t: ThreadObj, side: Side, complete = false): ThreadObj | null => {
  const p = livePeer(ctx.s, t, side);
  clearEnd(t, side, false);
  if (p === null) return null;
  const ps = otherSide(side);
  if (complete) end(p, ps).peerOver = true;
  clearEnd(p, ps, true);
  poke(ctx, p, ps);
  return p;
};

/** Perform: append data and references to the inbox of `p`, the peer of a sender on its connection `side`. */
export const push = (p: ThreadObj, side: Side, words: readonly Word[], refs: readonly (Oid | null)[]): void => {
  const inbox = end(p, otherSide(side)).inbox;
  inbox.words.push(...words);
  inbox.refs.push(...refs);
};

/** Perform: the sender `t` hands the turn over; the peer's receive can now finish, its ack can now reverse. */
export const handOver = (ctx: Ctx, t: ThreadObj, p: ThreadObj, side: Side): void => {
  setSender(t, side, false);
  end(t, side).over = true;
  end(p, otherSide(side)).peerOver = true;
  poke(ctx, p, otherSide(side));
};

/**
 * Perform: the receiver `t` takes the turn from `p`, which had handed it over; unreceived data is
 * discarded. If `p` is waiting for this ack, its call continues as a plain receive (its continuation is
 * rewritten, so a stopped `p` restarts as a receive too).
 */
export const reverse = (t: ThreadObj, p: ThreadObj, side: Side): void => {
  const ps = otherSide(side);
  end(t, side).peerOver = false;
  end(t, side).inbox = { words: [], refs: [] };
  end(p, ps).over = false;
  setSender(t, side, true);
  // Blocked or stopped in the over phase, the peer now continues as a plain receive.
  if (p.pending?.name === `fluke_ipc_${ps}_over_receive`) p.pending = { name: `fluke_ipc_${ps}_receive`, args: p.pending.args };
};

const recvOut = (r: { words: Word[]; refs_received: number }): IpcRecvOut => ({ words: r.words, refs_received: r.refs_received });

/**
 * The receive rule shared by every receiving call on a connection (the caller is the receiver, or the
 * connection is gone). Completes when the buffers overflow (MORE_DATA / MORE_REFS), when the peer has
 * handed the turn over (SUCCESS), or when the connection is gone (RECV_DISCONNECTED after the inbox is
 * drained); otherwise blocks without taking anything, to resume as `<side>_receive`.
 */
export const receivePhase = (ctx: Ctx, side: Side, p: IpcParams): Outcome => {
  const t = ctx.self;
  const e = end(t, side);
  const live = livePeer(ctx.s, t, side) !== null;
  if (!overflows(e.inbox, p) && live && !e.peerOver) return blockOnConn(ctx, side, `fluke_ipc_${side}_receive`, p);
  const r = takeFromInbox(ctx.s, t, e.inbox, p);
  if (r.rest !== "none") return ret(r.rest === "data" ? "IPC_RECV_MORE_DATA" : "IPC_RECV_MORE_REFS", recvOut(r));
  if (e.peerOver) {
    if (!live) e.peerOver = false; // the message that ended the connection is consumed
    return ret("SUCCESS", recvOut(r));
  }
  return ret("IPC_RECV_DISCONNECTED", recvOut(r));
};

/**
 * The over rule: the caller has handed the turn over (or had, before it was stopped). Waits for the ack,
 * resuming as `<side>_over_receive`; OVER_DISCONNECTED if the connection broke before the reversal; once
 * reversed, the receive rule.
 */
export const overPhase = (ctx: Ctx, side: Side, p: IpcParams): Outcome => {
  const t = ctx.self;
  if (livePeer(ctx.s, t, side) === null && end(t, side).over) {
    end(t, side).over = false;
    return ret("IPC_OVER_DISCONNECTED", { words: [], refs_received: 0 });
  }
  if (end(t, side).over) return blockOnConn(ctx, side, `fluke_ipc_${side}_over_receive`, p);
  return receivePhase(ctx, side, p);
};
