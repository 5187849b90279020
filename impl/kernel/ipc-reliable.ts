// The "side" operations of reliable connections in the concrete kernel (spec/kernel-api/ipc.md
// "Reliable connections"): for each of the caller's two connections (client_: the one to its server,
// server_: the one to its client) send, receive, over_receive, ack_send, ack_send_over_receive,
// send_over_receive, disconnect and alert. Each decodes its reference lists, then the connection: gone
// gives the operation's *_DISCONNECTED code, the wrong turn NOT_SENDER / NOT_RECEIVER; then performs with
// the rules of ipc-conn.ts. A call blocked part-way continues as the call that does the rest. Same rules
// as model/ipc-reliable.ts. Above: ipc.ts. Below: ipc-conn.ts, ipc-params.ts, ipc-wait.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { IpcParams, SideOp } from "../../spec/kernel-api/ipc.js";
import { blocked, kinsane, ok, ret, type KCtx, type KHandler } from "./kctx.js";
import type { KThread } from "./kobjects.js";
import { disconnect, handOver, livePeer, overPhase, push, receivePhase, reverse, roleOf } from "./ipc-conn.js";
import { decodeRecv, decodeSend, readSendRefs } from "./ipc-params.js";
import { end, ipcOf, otherSide, SIDES, type Side } from "./ipc-state.js";
import { poke, sleep } from "./ipc-wait.js";

interface P { ipc_params: IpcParams }
const NOTHING = { words: [], refs_received: 0 };

/** Decode: the live peer, after checking that the caller holds the sending turn (else NOT_SENDER). */
const asSender = (ctx: KCtx, side: Side): KThread | null => {
  const p = livePeer(ctx.self, side);
  if (p !== null && roleOf(ctx.self, side) !== "sender") kinsane("NOT_SENDER");
  return p;
};

/** Decode: the live peer, after checking that the caller is the receiver (else NOT_RECEIVER). */
const asReceiver = (ctx: KCtx, side: Side): KThread | null => {
  const p = livePeer(ctx.self, side);
  if (p !== null && roleOf(ctx.self, side) !== "receiver") kinsane("NOT_RECEIVER");
  return p;
};

/** Perform: send the params' data and references to the peer, and let it see them. */
const sendTo = (ctx: KCtx, p: KThread, side: Side, a: IpcParams): void => {
  push(p, side, a.send_words, readSendRefs(ctx.k, ctx.self, a.send_refs));
  poke(ctx, p, otherSide(side));
};

/** The ack rule: take the turn if the peer has handed it over; otherwise discard what it sent and wait for its over. */
const ackTurn = (ctx: KCtx, p: KThread, side: Side): boolean => {
  const e = end(ctx.self, side);
  if (e.peerOver) {
    reverse(ctx.self, p, side);
    return true;
  }
  e.inbox = { words: [], refs: [] };
  sleep(ctx.self, { kind: "conn", side });
  return false;
};

/** Perform: send, hand the turn over, and go on as over_receive. */
const sendOver = (ctx: KCtx, p: KThread, side: Side, a: IpcParams): Outcome => {
  push(p, side, a.send_words, readSendRefs(ctx.k, ctx.self, a.send_refs));
  handOver(ctx, ctx.self, p, side);
  return overPhase(ctx, side, a);
};

const OPS: Record<SideOp, (side: Side) => KHandler> = {
  send: (side) => (ctx, a: P) => {
    decodeSend(ctx, a.ipc_params);
    const p = asSender(ctx, side);
    if (p === null) return ret("IPC_SEND_DISCONNECTED");
    sendTo(ctx, p, side, a.ipc_params);
    return ok();
  },
  receive: (side) => (ctx, a: P) => {
    decodeRecv(ctx, a.ipc_params, false);
    asReceiver(ctx, side);
    return receivePhase(ctx, side, a.ipc_params);
  },
  over_receive: (side) => (ctx, a: P) => {
    decodeRecv(ctx, a.ipc_params, false);
    const p = livePeer(ctx.self, side);
    const role = roleOf(ctx.self, side);
    if (p !== null && role === "receiver") kinsane("NOT_SENDER");
    if (p === null && role !== "over") return ret("IPC_OVER_DISCONNECTED", NOTHING);
    if (p !== null && role === "sender") handOver(ctx, ctx.self, p, side);
    return overPhase(ctx, side, a.ipc_params); // role "over": resumed while waiting for the ack
  },
  ack_send: (side) => (ctx, a: P) => {
    decodeSend(ctx, a.ipc_params);
    const p = asReceiver(ctx, side);
    if (p === null) return ret("IPC_ACK_DISCONNECTED");
    if (!ackTurn(ctx, p, side)) return blocked();
    sendTo(ctx, p, side, a.ipc_params);
    return ok();
  },
  ack_send_over_receive: (side) => (ctx, a: P) => {
    decodeSend(ctx, a.ipc_params);
    decodeRecv(ctx, a.ipc_params, false);
    const p = asReceiver(ctx, side);
    if (p === null) return ret("IPC_ACK_DISCONNECTED", NOTHING);
    if (!ackTurn(ctx, p, side)) return blocked();
    return sendOver(ctx, p, side, a.ipc_params);
  },
  send_over_receive: (side) => (ctx, a: P) => {
    decodeSend(ctx, a.ipc_params);
    decodeRecv(ctx, a.ipc_params, false);
    const p = asSender(ctx, side);
    if (p === null) return ret("IPC_SEND_DISCONNECTED", NOTHING);
    return sendOver(ctx, p, side, a.ipc_params);
  },
  disconnect: (side) => (ctx) => {
    disconnect(ctx, ctx.self, side);
    return ok();
  },
  alert: (side) => (ctx) => {
    const p = livePeer(ctx.self, side);
    if (p !== null && ipcOf(p).alertPending === null) ipcOf(p).alertPending = side;
    return ok();
  },
};

export const K_RELIABLE_HANDLERS: Readonly<Record<string, KHandler>> = Object.fromEntries(
  (Object.keys(OPS) as SideOp[]).flatMap((op) => SIDES.map((side) => [`fluke_ipc_${side}_${op}`, OPS[op](side)])),
);
