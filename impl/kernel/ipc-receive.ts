// The server side of IPC in the concrete kernel (spec/kernel-api/ipc.md "Servers"): a server thread names
// the port set it serves (fluke_ipc_setup_wait_receive) and then waits on it for an invocation of any
// class, FIFO among the set's waiting servers, taking the FIFO-first client queued on any of the set's
// ports. Before waiting, it leaves its current work: an idempotent call it did not answer is sent again
// by its client (ours), a client connection is broken. The combined calls (reply_wait_receive,
// server_ack_send_wait_receive, server_send_wait_receive) end in the same wait and continue as
// fluke_ipc_wait_receive once their first half is done. Same rules as model/ipc-receive.ts. Above:
// ipc.ts. Below: ipc-deliver.ts, ipc-conn.ts, ipc-idempotent.ts, ipc-kernel.ts, ipc-wait.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { IpcParams } from "../../spec/kernel-api/ipc.js";
import { lookup } from "./decode.js";
import { blocked, kinsane, ret, type KCtx, type KHandler } from "./kctx.js";
import { live, type KPset } from "./kobjects.js";
import { disconnect, livePeer, push, reverse, roleOf } from "./ipc-conn.js";
import { meet, resend } from "./ipc-deliver.js";
import { replyPerform } from "./ipc-idempotent.js";
import { sendKernelCall } from "./ipc-kernel.js";
import { decodeRecv, decodeSend, readSendRefs, recvOnly } from "./ipc-params.js";
import { end, ipcOf } from "./ipc-state.js";
import { firstClient, sleep } from "./ipc-wait.js";

interface P { ipc_params: IpcParams }
const NOTHING = { words: [], refs_received: 0 };

/** Decode the port set the caller serves (set up earlier): NO_OBJECT if none, or if it was destroyed (ours). */
const servedPset = (ctx: KCtx): KPset => live(ipcOf(ctx.self).serverPset) ?? kinsane("NO_OBJECT");

/** Perform: drop the current work before waiting (an unanswered idempotent call is re-sent; a client connection breaks). */
const leaveCurrent = (ctx: KCtx): void => {
  const ipc = ipcOf(ctx.self);
  const c = live(ipc.serving);
  ipc.serving = null;
  if (c !== null) resend(ctx, c, ctx.self, sendKernelCall);
  disconnect(ctx, ctx.self, "server");
};

/** Perform: take the FIFO-first queued client of `pset`, or wait for one (resuming as fluke_ipc_wait_receive). */
export const waitPhase = (ctx: KCtx, pset: KPset, p: IpcParams): Outcome => {
  leaveCurrent(ctx);
  const first = firstClient(pset);
  if (first !== null) return meet(ctx, first.client, null, ctx.self, p, first.port) ?? blocked();
  sleep(ctx.self, { kind: "pset", pset });
  ctx.self.pending = { name: "fluke_ipc_wait_receive", args: { ipc_params: recvOnly(p) } };
  return blocked();
};

const fluke_ipc_setup_wait_receive: KHandler = (ctx, a: P & { pset: number }) => {
  const pset = lookup(ctx, a.pset, "pset");
  decodeRecv(ctx, a.ipc_params, true);
  ipcOf(ctx.self).serverPset = pset;
  return waitPhase(ctx, pset, a.ipc_params);
};

const fluke_ipc_wait_receive: KHandler = (ctx, a: P) => {
  decodeRecv(ctx, a.ipc_params, true);
  return waitPhase(ctx, servedPset(ctx), a.ipc_params);
};

const fluke_ipc_reply_wait_receive: KHandler = (ctx, a: P) => {
  decodeSend(ctx, a.ipc_params);
  decodeRecv(ctx, a.ipc_params, true);
  const pset = servedPset(ctx);
  replyPerform(ctx, a.ipc_params);
  return waitPhase(ctx, pset, a.ipc_params);
};

/** Send the reply on the client connection, end the message (as by an over, ours), disconnect, then wait. */
const replyAndWait = (ctx: KCtx, pset: KPset, p: IpcParams): Outcome => {
  push(livePeer(ctx.self, "server")!, "server", p.send_words, readSendRefs(ctx.k, ctx.self, p.send_refs));
  disconnect(ctx, ctx.self, "server", true);
  return waitPhase(ctx, pset, p);
};

const fluke_ipc_server_ack_send_wait_receive: KHandler = (ctx, a: P) => {
  decodeSend(ctx, a.ipc_params);
  decodeRecv(ctx, a.ipc_params, true);
  const pset = servedPset(ctx);
  const peer = livePeer(ctx.self, "server");
  if (peer === null) return ret("IPC_ACK_DISCONNECTED", NOTHING);
  if (roleOf(ctx.self, "server") !== "receiver") kinsane("NOT_RECEIVER");
  const e = end(ctx.self, "server");
  if (!e.peerOver) {
    e.inbox = { words: [], refs: [] }; // the sender's unreceived data is discarded; wait for its over
    sleep(ctx.self, { kind: "conn", side: "server" });
    return blocked();
  }
  reverse(ctx.self, peer, "server");
  return replyAndWait(ctx, pset, a.ipc_params);
};

const fluke_ipc_server_send_wait_receive: KHandler = (ctx, a: P) => {
  decodeSend(ctx, a.ipc_params);
  decodeRecv(ctx, a.ipc_params, true);
  const pset = servedPset(ctx);
  if (livePeer(ctx.self, "server") === null) return ret("IPC_SEND_DISCONNECTED", NOTHING);
  if (roleOf(ctx.self, "server") !== "sender") kinsane("NOT_SENDER");
  return replyAndWait(ctx, pset, a.ipc_params);
};

export const K_RECEIVE_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_ipc_setup_wait_receive, fluke_ipc_wait_receive, fluke_ipc_reply_wait_receive,
  fluke_ipc_server_ack_send_wait_receive, fluke_ipc_server_send_wait_receive,
};
