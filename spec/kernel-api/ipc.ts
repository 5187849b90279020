// Chapter "ipc" (8) of the Fluke kernel API: the abstract IPC parameters, the out-parameters of the
// receiving calls, and one registry row per real entry point (the reference's "side" pages each document
// a client_ and a server_ call; both get a row). The three classes: one-way (fluke_ipc_send), idempotent
// (fluke_ipc_call / reply) and reliable connections (connect, send/receive, over/ack, disconnect, alert).
// See ipc.md for the semantics and for how IpcParams maps onto the x86 parameter block. Above:
// registry.ts. Below: common.ts.
import { z } from "zod";
import { Addr, NoArgs, NoOut, Word, defineCall, type CallDef, type Insanity, type ReturnCode, objectArgCodes } from "./common.js";

// ---------------------------------------------------------------------------------------------
// Parameters (ours: data travels by value, see common.md "The abstract call")

/** Longest data message one call may send, in words (ours). */
export const IPC_MAX_SEND_WORDS = 4096;
/** Most references one call may send or receive (the x86 count fields are one byte). */
export const IPC_MAX_REFS = 255;

/**
 * The abstract fluke_ipc_params_t. send_words: the data to send (the concatenation of the send buffers);
 * send_refs: addresses of reference objects in the caller's task whose targets are sent; recv_words_max:
 * the total capacity of the receive buffers in words; recv_refs: addresses of the reference objects that
 * received references are bound into, in order. Omitted fields are empty.
 */
export const IpcParams = z.object({
  send_words: z.array(Word).max(IPC_MAX_SEND_WORDS).default([]),
  send_refs: z.array(Addr).max(IPC_MAX_REFS).default([]),
  recv_words_max: z.number().int().min(0).max(1 << 20).default(0),
  recv_refs: z.array(Addr).max(IPC_MAX_REFS).default([]),
});
export type IpcParams = z.infer<typeof IpcParams>;

/** The class of an invocation a server received (ours: on x86 the server entry point tells it). */
export const IpcClass = z.enum(["oneway", "idempotent", "reliable"]);
export type IpcClass = z.infer<typeof IpcClass>;

/** What a receive reports: the words that arrived and how many recv_refs were bound (in order). */
export const IpcRecvOut = z.object({
  words: z.array(Word),
  refs_received: z.number().int().min(0).max(IPC_MAX_REFS),
});
export type IpcRecvOut = z.infer<typeof IpcRecvOut>;

/** What a server-side wait reports: as IpcRecvOut, plus the alias of the port and the class, when something arrived. */
export const IpcServerOut = IpcRecvOut.extend({
  port_alias: Word.optional(),
  ipc_class: IpcClass.optional(),
});
export type IpcServerOut = z.infer<typeof IpcServerOut>;

const Dest = Addr.describe("fluke_ref_t *destination: a reference to the port to invoke");
const WithDest = z.object({ destination: Dest, ipc_params: IpcParams });
const WithParams = z.object({ ipc_params: IpcParams });

// ---------------------------------------------------------------------------------------------
// Insanity lists (checking order of common.md: object arguments, then references, then values)

/** Codes of a reference-object address (destination, send_refs, recv_refs). */
const REF_ARG = objectArgCodes("ref");
const DEST: readonly Insanity[] = [...REF_ARG, "NOT_PORT_REF"];
/** recv_words_max below FLUKE_MIN_MSG_SIZE where a minimum message is received (ours, see ipc.md). */
const SMALL: readonly Insanity[] = ["BUFFER_UNALIGNED"];
const MORE: readonly ReturnCode[] = ["IPC_RECV_MORE_DATA", "IPC_RECV_MORE_REFS"];

interface RowSpec {
  readonly name: string;
  readonly trap: number;
  readonly summary: string;
  readonly args: z.ZodTypeAny;
  readonly out: z.ZodTypeAny;
  readonly returns: readonly ReturnCode[];
  readonly insanities: readonly Insanity[];
  readonly blocking: boolean;
  readonly provenance: "published" | "inferred" | "ours";
}
const row = (r: RowSpec): CallDef =>
  defineCall({ ...r, chapter: "ipc", restartable: true, thread: "current-only" as const });

// ---------------------------------------------------------------------------------------------
// One-way and idempotent

export const fluke_ipc_send = row({
  name: "fluke_ipc_send", trap: 80, provenance: "published", blocking: true,
  summary: "Send a one-way message to the destination port (at most once, unordered); waits until a server takes it.",
  args: WithDest, out: NoOut, returns: ["SUCCESS", "INVALID_DEST"], insanities: DEST,
});

export const fluke_ipc_call = row({
  name: "fluke_ipc_call", trap: 81, provenance: "published", blocking: true,
  summary: "Idempotent call: send a request to the destination port and wait for the reply (truncated to the receive buffers).",
  args: WithDest, out: IpcRecvOut, returns: ["SUCCESS", "IPC_CONNECT_INVALID_DEST"], insanities: [...DEST, ...SMALL],
});

export const fluke_ipc_reply = row({
  name: "fluke_ipc_reply", trap: 82, provenance: "published", blocking: false,
  summary: "Reply to the idempotent call this server thread is serving; silently ignored outside one; always SUCCESS.",
  args: WithParams, out: NoOut, returns: ["SUCCESS"], insanities: REF_ARG,
});

export const fluke_ipc_reply_wait_receive = row({
  name: "fluke_ipc_reply_wait_receive", trap: 83, provenance: "inferred", blocking: true,
  summary: "fluke_ipc_reply, then fluke_ipc_wait_receive: the main loop of an idempotent server.",
  args: WithParams, out: IpcServerOut, returns: ["SUCCESS", ...MORE], insanities: [...REF_ARG, ...SMALL],
});

export const fluke_ipc_setup_wait_receive = row({
  name: "fluke_ipc_setup_wait_receive", trap: 84, provenance: "published", blocking: true,
  summary: "Make the caller a server of the port set, then wait for an invocation of any class on it.",
  args: z.object({ pset: Addr, ipc_params: IpcParams }), out: IpcServerOut, returns: ["SUCCESS", ...MORE],
  insanities: ["NO_OBJECT", "NOT_ALIGNED", "NOT_PSET", "INVALID_OBJECT", "NOT_REF", ...SMALL],
});

export const fluke_ipc_wait_receive = row({
  name: "fluke_ipc_wait_receive", trap: 85, provenance: "published", blocking: true,
  summary: "Break any client connection, then wait on the port set set up earlier for the next invocation of any class.",
  args: WithParams, out: IpcServerOut, returns: ["SUCCESS", ...MORE], insanities: [...REF_ARG, ...SMALL],
});

// ---------------------------------------------------------------------------------------------
// Reliable connections: connecting and the combined server calls

export const fluke_ipc_client_connect_send = row({
  name: "fluke_ipc_client_connect_send", trap: 86, provenance: "published", blocking: true,
  summary: "Open a reliable connection to a server waiting on the destination's port set (client is the sender) and send the first data.",
  args: WithDest, out: NoOut, returns: ["SUCCESS", "IPC_CONNECT_INVALID_DEST"], insanities: DEST,
});

export const fluke_ipc_client_connect_send_over_receive = row({
  name: "fluke_ipc_client_connect_send_over_receive", trap: 87, provenance: "published", blocking: true,
  summary: "Reliable RPC: connect, send the request, hand the turn to the server, and receive its answer.",
  args: WithDest, out: IpcRecvOut,
  returns: ["SUCCESS", "IPC_CONNECT_INVALID_DEST", "IPC_OVER_DISCONNECTED", "IPC_RECV_DISCONNECTED", ...MORE],
  insanities: DEST,
});

export const fluke_ipc_server_ack_send_wait_receive = row({
  name: "fluke_ipc_server_ack_send_wait_receive", trap: 88, provenance: "published", blocking: true,
  summary: "Reliable RPC server loop: take the turn, send the reply, disconnect, and wait for the next invocation.",
  args: WithParams, out: IpcServerOut, returns: ["SUCCESS", "IPC_ACK_DISCONNECTED", ...MORE],
  insanities: ["NOT_RECEIVER", ...REF_ARG, ...SMALL],
});

export const fluke_ipc_server_send_wait_receive = row({
  name: "fluke_ipc_server_send_wait_receive", trap: 89, provenance: "published", blocking: true,
  summary: "As the sender, send data to the client, disconnect, and wait for the next invocation.",
  args: WithParams, out: IpcServerOut, returns: ["SUCCESS", "IPC_SEND_DISCONNECTED", ...MORE],
  insanities: ["NOT_SENDER", ...REF_ARG, ...SMALL],
});

// ---------------------------------------------------------------------------------------------
// Reliable connections: the "side" operations, one row for each of client_ and server_

/** The side operations in trap order; the client form has trap 90 + 2i, the server form 91 + 2i. */
export const SIDE_OPS = ["send", "receive", "over_receive", "ack_send", "ack_send_over_receive", "send_over_receive", "disconnect", "alert"] as const;
export type SideOp = (typeof SIDE_OPS)[number];

interface SideSpec {
  readonly summary: string;
  readonly args: z.ZodTypeAny;
  readonly out: z.ZodTypeAny;
  readonly returns: readonly ReturnCode[];
  readonly insanities: readonly Insanity[];
  readonly blocking: boolean;
  readonly provenance: "published" | "inferred";
}
const SIDE: Record<SideOp, SideSpec> = {
  send: {
    summary: "As the sender, push data and references down the connection (buffered; not necessarily received yet).",
    args: WithParams, out: NoOut, returns: ["SUCCESS", "IPC_SEND_DISCONNECTED"], insanities: ["NOT_SENDER", ...REF_ARG],
    blocking: false, provenance: "published",
  },
  receive: {
    summary: "As the receiver, take data and references until the buffers are full, the sender turns the connection over, or it disconnects.",
    args: WithParams, out: IpcRecvOut, returns: ["SUCCESS", "IPC_RECV_DISCONNECTED", ...MORE], insanities: ["NOT_RECEIVER", ...REF_ARG],
    blocking: true, provenance: "published",
  },
  over_receive: {
    summary: "As the sender, hand the turn over, wait for the peer's ack, then receive its message.",
    args: WithParams, out: IpcRecvOut, returns: ["SUCCESS", "IPC_OVER_DISCONNECTED", "IPC_RECV_DISCONNECTED", ...MORE],
    insanities: ["NOT_SENDER", ...REF_ARG], blocking: true, provenance: "published",
  },
  ack_send: {
    summary: "As the receiver, take the turn (discarding unreceived data, waiting for the sender's over) and send a message.",
    args: WithParams, out: NoOut, returns: ["SUCCESS", "IPC_ACK_DISCONNECTED"], insanities: ["NOT_RECEIVER", ...REF_ARG],
    blocking: true, provenance: "published",
  },
  ack_send_over_receive: {
    summary: "As the receiver, take the turn, send one message, hand the turn back, and receive the answer.",
    args: WithParams, out: IpcRecvOut,
    returns: ["SUCCESS", "IPC_ACK_DISCONNECTED", "IPC_OVER_DISCONNECTED", "IPC_RECV_DISCONNECTED", ...MORE],
    insanities: ["NOT_RECEIVER", ...REF_ARG], blocking: true, provenance: "published",
  },
  send_over_receive: {
    summary: "As the sender, send a message, hand the turn over, and receive the answer.",
    args: WithParams, out: IpcRecvOut,
    returns: ["SUCCESS", "IPC_SEND_DISCONNECTED", "IPC_OVER_DISCONNECTED", "IPC_RECV_DISCONNECTED", ...MORE],
    insanities: ["NOT_SENDER", ...REF_ARG], blocking: true, provenance: "published",
  },
  disconnect: {
    summary: "Break this side's reliable connection (normal end when called by the sender after its last data).",
    args: NoArgs, out: NoOut, returns: ["SUCCESS"], insanities: [], blocking: false, provenance: "published",
  },
  alert: {
    summary: "Post an asynchronous alert to the thread at the other end of this side's connection (ignored without one).",
    args: NoArgs, out: NoOut, returns: ["SUCCESS"], insanities: [], blocking: false, provenance: "inferred",
  },
};

const sideRow = (side: "client" | "server", op: SideOp): CallDef =>
  row({ name: `fluke_ipc_${side}_${op}`, trap: 90 + 2 * SIDE_OPS.indexOf(op) + (side === "server" ? 1 : 0), ...SIDE[op] });

export const IPC_SIDE_CALLS: readonly CallDef[] = SIDE_OPS.flatMap((op) => [sideRow("client", op), sideRow("server", op)]);

export const IPC_CALLS: readonly CallDef[] = [
  fluke_ipc_send, fluke_ipc_call, fluke_ipc_reply, fluke_ipc_reply_wait_receive, fluke_ipc_setup_wait_receive,
  fluke_ipc_wait_receive, fluke_ipc_client_connect_send, fluke_ipc_client_connect_send_over_receive,
  fluke_ipc_server_ack_send_wait_receive, fluke_ipc_server_send_wait_receive, ...IPC_SIDE_CALLS,
];
