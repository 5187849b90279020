// Per-thread IPC progress in the concrete kernel, kept in KThread.ext.ipc: the port set a thread serves,
// what it is blocked on in IPC (a port, a port set, an idempotent reply, a reliable connection), the
// idempotent call it serves, a kernel call made on its behalf, and its two reliable connection ends
// (inboxes and turn-taking marks). The same record as the model's ThreadIpc (spec/kernel-api/ipc.md,
// "Reliable connections" and "Blocking"), with direct links instead of identities, plus `callers`: the
// idempotent clients waiting for this thread's reply, so destroying a server fails them without a scan.
// The queues themselves are on the objects (KPort.clients, KPset.servers). Above: impl/kernel/ipc-*.ts,
// port.ts, pset.ts and the thread chapter. Below: kobjects.ts.
import type { Word } from "../../spec/kernel-api/common.js";
import type { KObj, KPort, KPset, KThread } from "./kobjects.js";

/** The two reliable connections a thread can take part in: "client" = the one where it is the client. */
export type Side = "client" | "server";
export const otherSide = (s: Side): Side => (s === "client" ? "server" : "client");
export const SIDES: readonly Side[] = ["client", "server"];

/** Data and reference targets sent to this thread on one connection and not yet received, in order. */
export interface KInbox {
  words: Word[];
  refs: (KObj | null)[];
}

/** This thread's end of one reliable connection. */
export interface KConnEnd {
  inbox: KInbox;
  /** The peer ended its message by handing the turn over. */
  peerOver: boolean;
  /** This thread handed the turn over and waits for the peer's ack. */
  over: boolean;
}

/** What a thread blocked in IPC waits for; `seq` orders port and port-set waits (FIFO tickets). */
export type KIpcWait =
  | { readonly kind: "port"; readonly port: KPort; readonly seq: number }
  | { readonly kind: "pset"; readonly pset: KPset; readonly seq: number }
  | { readonly kind: "reply"; readonly server: KThread }
  | { readonly kind: "conn"; readonly side: Side };

export type KernelCallPurpose = "fault" | "exception";

/** An idempotent call the kernel makes on the thread's behalf (to a region or task keeper). */
export interface KKernelCall {
  readonly port: KPort;
  readonly words: Word[];
  readonly purpose: KernelCallPurpose;
}

export interface KThreadIpc {
  serverPset: KPset | null;
  waitFor: KIpcWait | null;
  serving: KThread | null;
  kernelCall: KKernelCall | null;
  asClient: KConnEnd;
  asServer: KConnEnd;
  /** An alert posted over a connection and not yet delivered: the side it came from (the thread chapter clears it). */
  alertPending: Side | null;
  /** Idempotent clients whose waitFor is {reply, server: this thread}. */
  readonly callers: Set<KThread>;
}

export const emptyConnEnd = (): KConnEnd => ({ inbox: { words: [], refs: [] }, peerOver: false, over: false });

/** The IPC record of `t` (created on first use). */
export const ipcOf = (t: KThread): KThreadIpc => {
  let r = t.ext["ipc"] as KThreadIpc | undefined;
  if (r === undefined) {
    r = { serverPset: null, waitFor: null, serving: null, kernelCall: null, asClient: emptyConnEnd(), asServer: emptyConnEnd(), alertPending: null, callers: new Set() };
    t.ext["ipc"] = r;
  }
  return r;
};

/** This thread's end of its connection on `side`. */
export const end = (t: KThread, side: Side): KConnEnd => (side === "client" ? ipcOf(t).asClient : ipcOf(t).asServer);

/** True if `t` is blocked in IPC waiting for `kind`. */
export const isWaiting = (t: KThread, kind: KIpcWait["kind"]): boolean => t.wait?.kind === "ipc" && ipcOf(t).waitFor?.kind === kind;
