// Client invocations and idempotent replies in the concrete kernel (spec/kernel-api/ipc.md "One-way and
// idempotent IPC", "Connecting"): fluke_ipc_send, fluke_ipc_call, fluke_ipc_client_connect_send and
// fluke_ipc_client_connect_send_over_receive name a port through a reference, meet the FIFO-first server
// waiting on the port's set or queue FIFO on the port until one comes; fluke_ipc_reply answers the
// idempotent call a server is serving. Same rules as model/ipc-idempotent.ts. Above: ipc.ts. Below:
// ipc-deliver.ts, ipc-params.ts, ipc-conn.ts, ipc-wait.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { IpcParams } from "../../spec/kernel-api/ipc.js";
import { blocked, ok, ret, type KCtx, type KHandler } from "./kctx.js";
import { live } from "./kobjects.js";
import { disconnect } from "./ipc-conn.js";
import { answer, CLIENT_INVOCATIONS, emptyOut, meet } from "./ipc-deliver.js";
import { decodeDest, decodeRecv, decodeSend, padMin, readSendRefs } from "./ipc-params.js";
import { ipcOf } from "./ipc-state.js";
import { firstServer, sleep } from "./ipc-wait.js";

interface DestArgs { destination: number; ipc_params: IpcParams }

/** The four client invocations: decode (destination, send refs, receive refs), then meet a server or queue. */
const invoke = (name: string): KHandler => (ctx: KCtx, a: DestArgs): Outcome => {
  const spec = CLIENT_INVOCATIONS[name]!;
  const port = decodeDest(ctx, a.destination);
  decodeSend(ctx, a.ipc_params);
  if (name !== "fluke_ipc_send" && name !== "fluke_ipc_client_connect_send") decodeRecv(ctx, a.ipc_params, name === "fluke_ipc_call");
  if (port === null) return ret(spec.gone, emptyOut(name));
  if (spec.cls === "reliable") disconnect(ctx, ctx.self, "client"); // an existing server connection is broken first
  const pset = live(port.pset);
  const srv = pset === null ? null : firstServer(pset);
  if (srv !== null) return meet(ctx, ctx.self, { name, args: a as unknown as Record<string, unknown> }, srv, null, port) ?? blocked();
  sleep(ctx.self, { kind: "port", port });
  return blocked();
};

/** Perform the reply half: answer the call the caller is serving, if any (else silently ignored). */
export const replyPerform = (ctx: KCtx, p: IpcParams): void => {
  const ipc = ipcOf(ctx.self);
  const c = live(ipc.serving);
  ipc.serving = null;
  answer(ctx, ctx.self, c, padMin(p.send_words), readSendRefs(ctx.k, ctx.self, p.send_refs));
};

const fluke_ipc_reply: KHandler = (ctx, a: { ipc_params: IpcParams }) => {
  decodeSend(ctx, a.ipc_params);
  replyPerform(ctx, a.ipc_params);
  return ok();
};

export const K_IDEMPOTENT_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_ipc_send: invoke("fluke_ipc_send"),
  fluke_ipc_call: invoke("fluke_ipc_call"),
  fluke_ipc_client_connect_send: invoke("fluke_ipc_client_connect_send"),
  fluke_ipc_client_connect_send_over_receive: invoke("fluke_ipc_client_connect_send_over_receive"),
  fluke_ipc_reply,
};
