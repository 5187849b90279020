// Reliable IPC connections in the concrete kernel (spec/kernel-api/ipc.md "Reliable connections"): a
// connection joins a client thread (its `server` link) and a server thread (its `client` link); it is
// live while both links point at each other. One end holds the sending turn (the *_SENDER bit of
// ipc_flags), except during a reversal, when the old sender has handed the turn over (`over`) and waits
// for the receiver's ack. Sent data is buffered in the receiver's inbox, in order; a disconnect clears
// both links at once but leaves the receiver's inbox to be drained. The rules every reliable call
// shares; perform-only. Same rules as the model's model/ipc-conn.ts. Above: ipc-reliable.ts,
// ipc-receive.ts, ipc-deliver.ts, ipc-cleanup.ts. Below: ipc-wait.ts, ipc-params.ts, ipc-state.ts.
import { FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_SERVER_SENDER, type Outcome, type Word } from "../../spec/kernel-api/common.js";
import type { IpcParams } from "../../spec/kernel-api/ipc.js";
import { ret, type KCtx } from "./kctx.js";
import { live, type KObj, type KThread } from "./kobjects.js";
import { overflows, takeFromInbox } from "./ipc-params.js";
import { emptyConnEnd, end, ipcOf, otherSide, type Side } from "./ipc-state.js";
import { blockOnConn, poke } from "./ipc-wait.js";

export const SENDER_FLAG: Record<Side, number> = { client: FLUKE_THREAD_CLIENT_SENDER, server: FLUKE_THREAD_SERVER_SENDER };

const link = (t: KThread, side: Side): KThread | null => (side === "client" ? t.server : t.client);
const setLink = (t: KThread, side: Side, to: KThread | null): void => {
  if (side === "client") t.server = to;
  else t.client = to;
};

/** The peer of `t` on `side` if the connection is live (both links point at each other), else null. */
export const livePeer = (t: KThread, side: Side): KThread | null => {
  const p = live(link(t, side));
  return p !== null && link(p, otherSide(side)) === t ? p : null;
};

export type Role = "sender" | "over" | "receiver";
export const roleOf = (t: KThread, side: Side): Role =>
  (t.ipc_flags & SENDER_FLAG[side]) !== 0 ? "sender" : end(t, side).over ? "over" : "receiver";

const setSender = (t: KThread, side: Side, on: boolean): void => {
  t.ipc_flags = on ? t.ipc_flags | SENDER_FLAG[side] : t.ipc_flags & ~SENDER_FLAG[side];
};

/** Reset `t`'s end on `side` to "no connection"; `keep`: its inbox and marks stay (a peer can still drain). */
const clearEnd = (t: KThread, side: Side, keep: boolean): void => {
  setLink(t, side, null);
  setSender(t, side, false);
  if (keep) return;
  if (side === "client") ipcOf(t).asClient = emptyConnEnd();
  else ipcOf(t).asServer = emptyConnEnd();
};

/** Perform: join client `c` and server `s` with a fresh connection; the client holds the sending turn. */
export const connect = (c: KThread, s: KThread): void => {
  clearEnd(c, "client", false);
  clearEnd(s, "server", false);
  c.server = s;
  s.client = c;
  setSender(c, "client", true);
};

/**
 * Perform: break `t`'s connection on `side`. The peer's link goes too, its inbox stays; `complete` marks
 * the end of the message as by an over (the combined server calls, ours). A peer blocked on the
 * connection is re-run. Returns the peer it had, if the connection was live.
 */
export const disconnect = (ctx: KCtx, t: KThread, side: Side, complete = false): KThread | null => {
  const p = livePeer(t, side);
  clearEnd(t, side, false);
  if (p === null) return null;
  const ps = otherSide(side);
  if (complete) end(p, ps).peerOver = true;
  clearEnd(p, ps, true);
  poke(ctx, p, ps);
  return p;
};

/** Perform: append data and references to the inbox of `p`, the peer of a sender on its connection `side`. */
export const push = (p: KThread, side: Side, words: readonly Word[], refs: readonly (KObj | null)[]): void => {
  const inbox = end(p, otherSide(side)).inbox;
  for (const w of words) inbox.words.push(w);
  for (const r of refs) inbox.refs.push(r);
};

/** Perform: the sender `t` hands the turn over; the peer's receive can now finish, its ack can now reverse. */
export const handOver = (ctx: KCtx, t: KThread, p: KThread, side: Side): void => {
  setSender(t, side, false);
  end(t, side).over = true;
  end(p, otherSide(side)).peerOver = true;
  poke(ctx, p, otherSide(side));
};

/** Perform: the receiver `t` takes the turn from `p`, which had handed it over; a blocked or stopped `p` continues as a plain receive. */
export const reverse = (t: KThread, p: KThread, side: Side): void => {
  const ps = otherSide(side);
  end(t, side).peerOver = false;
  end(t, side).inbox = { words: [], refs: [] };
  end(p, ps).over = false;
  setSender(t, side, true);
  if (p.pending?.name === `fluke_ipc_${ps}_over_receive`) p.pending = { name: `fluke_ipc_${ps}_receive`, args: p.pending.args };
};

const recvOut = (r: { words: Word[]; refs_received: number }): Record<string, unknown> => ({ words: r.words, refs_received: r.refs_received });

/**
 * The receive rule shared by every receiving call on a connection: completes on overflow (MORE_DATA /
 * MORE_REFS), when the peer has handed the turn over (SUCCESS), or when the connection is gone
 * (RECV_DISCONNECTED after draining); otherwise blocks without taking anything, to resume as `<side>_receive`.
 */
export const receivePhase = (ctx: KCtx, side: Side, p: IpcParams): Outcome => {
  const t = ctx.self;
  const e = end(t, side);
  const isLive = livePeer(t, side) !== null;
  if (!overflows(e.inbox, p) && isLive && !e.peerOver) return blockOnConn(ctx, side, `fluke_ipc_${side}_receive`, p);
  const r = takeFromInbox(ctx.k, t, e.inbox, p);
  if (r.rest !== "none") return ret(r.rest === "data" ? "IPC_RECV_MORE_DATA" : "IPC_RECV_MORE_REFS", recvOut(r));
  if (e.peerOver) {
    if (!isLive) e.peerOver = false; // the message that ended the connection is consumed
    return ret("SUCCESS", recvOut(r));
  }
  return ret("IPC_RECV_DISCONNECTED", recvOut(r));
};

/** The over rule: wait for the ack (resuming as `<side>_over_receive`); OVER_DISCONNECTED if the connection broke first; then the receive rule. */
export const overPhase = (ctx: KCtx, side: Side, p: IpcParams): Outcome => {
  const t = ctx.self;
  if (livePeer(t, side) === null && end(t, side).over) {
    end(t, side).over = false;
    return ret("IPC_OVER_DISCONNECTED", { words: [], refs_received: 0 });
  }
  if (end(t, side).over) return blockOnConn(ctx, side, `fluke_ipc_${side}_over_receive`, p);
  return receivePhase(ctx, side, p);
};
