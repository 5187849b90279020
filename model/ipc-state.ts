// Per-thread IPC progress in the abstract model: the port set a thread serves, what it is blocked on in
// IPC (a port, a port set, an idempotent reply, a reliable connection), the idempotent call it is
// serving, a kernel call made on its behalf, and for each of its two reliable connections (as a client:
// its `server` link; as a server: its `client` link) the data that arrived and the turn-taking state.
// The connection links themselves are the thread's `client`/`server` fields, and who holds the sending
// turn is FLUKE_THREAD_CLIENT_SENDER / FLUKE_THREAD_SERVER_SENDER in `ipc_flags` (model/state.ts), as
// fluke_thread_get_state exports them. Owned by the IPC chapter (model/ipc*.ts); model/state.ts embeds
// it in every thread. Below: model/state.ts.
import type { Word } from "../spec/kernel-api/common.js";
import type { Oid } from "./state.js";

/** The two reliable connections a thread can take part in: "client" = the one where it is the client. */
export type Side = "client" | "server";
export const otherSide = (s: Side): Side => (s === "client" ? "server" : "client");

/** Data and references sent to this thread on one connection and not yet received, in order. */
export interface Inbox {
  words: Word[];
  /** Targets of the references sent (null: a null reference), in order. */
  refs: (Oid | null)[];
}

/** This thread's end of one reliable connection. */
export interface ConnEnd {
  inbox: Inbox;
  /** The peer ended its message by handing the turn over (over_receive): a receive that drains the inbox returns SUCCESS. */
  peerOver: boolean;
  /** This thread handed the turn over and waits for the peer's ack (neither end is the sender meanwhile). */
  over: boolean;
}

/** What a thread blocked in IPC (wait.kind "ipc") waits for. */
export type IpcWait =
  | { readonly kind: "port"; readonly port: Oid; readonly seq: number } // a client waiting for a server
  | { readonly kind: "pset"; readonly pset: Oid; readonly seq: number } // a server waiting for an invocation
  | { readonly kind: "reply"; readonly server: Oid } // an idempotent client waiting for the reply
  | { readonly kind: "conn"; readonly side: Side }; // a reliable operation waiting on a connection

export type KernelCallPurpose = "fault" | "exception";

/** An idempotent call the kernel makes on the thread's behalf (to a region or task keeper). */
export interface KernelCall {
  readonly port: Oid;
  readonly words: Word[];
  readonly purpose: KernelCallPurpose;
}

export interface ThreadIpc {
  /** Port set this thread serves (fluke_ipc_setup_wait_receive), or null. */
  serverPset: Oid | null;
  /** Set while the thread is blocked in IPC (together with wait = {kind: "ipc"}). */
  waitFor: IpcWait | null;
  /** Ticket of the thread's latest wait; FIFO order among clients of a port and servers of a port set. */
  seq: number;
  /** Server: the client whose idempotent call it received and has not answered yet. */
  serving: Oid | null;
  /** Client: the kernel call in progress for this thread (instead of a call of its own). */
  kernelCall: KernelCall | null;
  /** The thread's end of its connection to its server ("client" side) and to its client ("server" side). */
  asClient: ConnEnd;
  asServer: ConnEnd;
  /**
   * An asynchronous alert posted to this thread over a reliable connection and not yet delivered:
   * "client" = posted by its client (fluke_ipc_client_alert, or its client was destroyed), "server" =
   * posted by its server. The thread chapter delivers it and clears the field; a second alert while one
   * is pending is merged into it (ours).
   */
  alertPending: Side | null;
}

export const emptyConnEnd = (): ConnEnd => ({ inbox: { words: [], refs: [] }, peerOver: false, over: false });

export const emptyThreadIpc = (): ThreadIpc => ({
  serverPset: null, waitFor: null, seq: 0, serving: null, kernelCall: null,
  asClient: emptyConnEnd(), asServer: emptyConnEnd(), alertPending: null,
});
