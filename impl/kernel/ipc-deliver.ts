// Meeting of a client and a server in the concrete kernel: when a client's invocation (one-way send,
// idempotent call, reliable connect, or a kernel call on a thread's behalf) meets a server waiting on the
// port set of the port it named, the message moves and each side gets its result. Either side may be the
// running thread, or neither (a port joining a set with waiters on both sides). Also the end of an
// idempotent call: the reply, and failing or re-sending a call whose port or server went away. Same
// rules as model/ipc-deliver.ts. Perform-only. Above: ipc-idempotent.ts, ipc-receive.ts, ipc-kernel.ts,
// port.ts, ipc-cleanup.ts. Below: ipc-conn.ts, ipc-params.ts, ipc-wait.ts, exceptions.ts (onKernelReply).
import type { Outcome, ReturnCode, Word } from "../../spec/kernel-api/common.js";
import type { IpcClass, IpcParams } from "../../spec/kernel-api/ipc.js";
import { onKernelReply } from "./exceptions.js";
import { blocked, complete, ret, type KCtx } from "./kctx.js";
import type { KCall, KObj, KPort, KThread } from "./kobjects.js";
import { connect, handOver, push } from "./ipc-conn.js";
import { deliverTruncated, padMin, pendingParams, readSendRefs, recvOnly, takeFromInbox } from "./ipc-params.js";
import { end, ipcOf } from "./ipc-state.js";
import { sleep, wake } from "./ipc-wait.js";

/** The client calls that start an invocation, with their class (and whether the client then hands the turn over). */
export const CLIENT_INVOCATIONS: Readonly<Record<string, { readonly cls: IpcClass; readonly over: boolean; readonly gone: ReturnCode }>> = {
  fluke_ipc_send: { cls: "oneway", over: false, gone: "INVALID_DEST" },
  fluke_ipc_call: { cls: "idempotent", over: false, gone: "IPC_CONNECT_INVALID_DEST" },
  fluke_ipc_client_connect_send: { cls: "reliable", over: false, gone: "IPC_CONNECT_INVALID_DEST" },
  fluke_ipc_client_connect_send_over_receive: { cls: "reliable", over: true, gone: "IPC_CONNECT_INVALID_DEST" },
};

/** The out-parameters a client call reports when it fails before anything arrived. */
export const emptyOut = (name: string): Record<string, unknown> =>
  name === "fluke_ipc_send" || name === "fluke_ipc_client_connect_send" ? {} : { words: [], refs_received: 0 };

interface Invocation {
  readonly cls: IpcClass;
  readonly over: boolean;
  readonly words: Word[];
  readonly refs: (KObj | null)[];
  readonly recv: IpcParams;
}

const NO_RECV: IpcParams = { send_words: [], send_refs: [], recv_words_max: 0, recv_refs: [] };

/** What client `c` sends: its kernel call, or the call `call` (its own, running or pending). */
const invocationOf = (ctx: KCtx, c: KThread, call: KCall | null): Invocation => {
  const kc = ipcOf(c).kernelCall;
  if (kc !== null || call === null) return { cls: "idempotent", over: false, words: padMin(kc?.words ?? []), refs: [], recv: NO_RECV };
  const spec = CLIENT_INVOCATIONS[call.name] ?? CLIENT_INVOCATIONS["fluke_ipc_send"]!;
  const p = call.args["ipc_params"] as IpcParams;
  return { cls: spec.cls, over: spec.over, words: padMin(p.send_words), refs: readSendRefs(ctx.k, c, p.send_refs), recv: p };
};

/** Perform the reliable transfer: connect, deliver the first part; the client may hand the turn over. */
const transferReliable = (ctx: KCtx, c: KThread, inv: Invocation, srv: KThread, sp: IpcParams, tag: Record<string, unknown>): { server: Outcome; client: Outcome | null } => {
  connect(c, srv);
  push(srv, "client", inv.words, inv.refs);
  const r = takeFromInbox(ctx.k, srv, end(srv, "server").inbox, sp);
  const rc: ReturnCode = r.rest === "none" ? "SUCCESS" : r.rest === "data" ? "IPC_RECV_MORE_DATA" : "IPC_RECV_MORE_REFS";
  const server = ret(rc, { words: r.words, refs_received: r.refs_received, ...tag });
  if (!inv.over) return { server, client: ret("SUCCESS") };
  handOver(ctx, c, srv, "client");
  sleep(c, { kind: "conn", side: "client" });
  c.pending = { name: "fluke_ipc_client_over_receive", args: { ipc_params: recvOnly(inv.recv) } };
  return { server, client: null };
};

/** Perform the transfer; returns the server's result and the client's (null: the client stays blocked). */
const transfer = (ctx: KCtx, c: KThread, inv: Invocation, srv: KThread, sp: IpcParams, port: KPort): { server: Outcome; client: Outcome | null } => {
  const tag = { port_alias: port.alias, ipc_class: inv.cls };
  if (inv.cls === "reliable") return transferReliable(ctx, c, inv, srv, sp, tag);
  const got = deliverTruncated(ctx.k, srv, sp, inv.words, inv.refs);
  if (inv.cls === "oneway") return { server: ret("SUCCESS", { ...got, ...tag }), client: ret("SUCCESS") };
  ipcOf(srv).serving = c;
  sleep(c, { kind: "reply", server: srv });
  return { server: ret("SUCCESS", { ...got, ...tag }), client: null };
};

/** Finish a blocked thread's call with `o`. */
const finish = (ctx: KCtx, t: KThread, o: Outcome): void => {
  wake(t);
  complete(ctx, t, o);
};

/**
 * Perform: client `c` meets server `srv` through `port`. `call` is the client's call when it is the
 * running thread (else its pending call is used) and `sp` the server's parameters when it is running.
 * Returns the running thread's outcome (blocked if it must keep waiting), or null if neither runs.
 */
export const meet = (ctx: KCtx, c: KThread, call: KCall | null, srv: KThread, sp: IpcParams | null, port: KPort): Outcome | null => {
  const inv = invocationOf(ctx, c, call ?? c.pending);
  const r = transfer(ctx, c, inv, srv, sp ?? pendingParams(srv), port);
  if (ctx.self !== srv) finish(ctx, srv, r.server);
  if (ctx.self !== c && r.client !== null) finish(ctx, c, r.client);
  if (ctx.self === srv) return r.server;
  if (ctx.self === c) return r.client ?? blocked();
  return null;
};

/** Perform: answer the idempotent call of `c` (if it still waits for `srv`) with `words` and `refs`. */
export const answer = (ctx: KCtx, srv: KThread, c: KThread | null, words: Word[], refs: (KObj | null)[]): void => {
  const w = c === null ? null : ipcOf(c).waitFor;
  if (c === null || c.wait?.kind !== "ipc" || w?.kind !== "reply" || w.server !== srv) return; // lost reply: allowed
  wake(c);
  const kc = ipcOf(c).kernelCall;
  if (kc !== null) {
    ipcOf(c).kernelCall = null;
    onKernelReply(ctx, c, kc.purpose, words);
    return;
  }
  const got = deliverTruncated(ctx.k, c, pendingParams(c), words, refs);
  complete(ctx, c, ret("SUCCESS", got));
};

/** Perform: fail a blocked client whose port or server is gone (a kernel call: the keeper failed, ours). */
export const failClient = (ctx: KCtx, c: KThread): void => {
  wake(c);
  if (ipcOf(c).kernelCall !== null) {
    ipcOf(c).kernelCall = null;
    c.wait = { kind: "exception" };
    return;
  }
  const name = c.pending?.name ?? "fluke_ipc_call";
  const gone = CLIENT_INVOCATIONS[name]?.gone ?? "IPC_CONNECT_INVALID_DEST";
  complete(ctx, c, ret(gone, emptyOut(name)));
};

/** Perform: a server dropped the idempotent call of `c` unanswered: the client sends it again (idempotent retry, ours). */
export const resend = (ctx: KCtx, c: KThread, srv: KThread, again: (ctx: KCtx, c: KThread) => void): void => {
  const w = ipcOf(c).waitFor;
  if (c.wait?.kind !== "ipc" || w?.kind !== "reply" || w.server !== srv) return;
  wake(c);
  if (ipcOf(c).kernelCall !== null) again(ctx, c);
  else ctx.k.resumePending(ctx, c);
};
