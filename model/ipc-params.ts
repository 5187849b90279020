// The abstract IPC parameters in the model (spec/kernel-api/ipc.md "Parameters"): decoding the
// reference-object addresses a call names (send_refs, recv_refs, the destination), the minimum-message
// rules, reading the targets of sent references, and binding received references into the receiver's
// reference objects. Decoding throws (Insane, MemFault); the rest is perform and never throws: a receive
// slot that stopped being a valid reference object by the time something arrives is skipped. Above:
// model/ipc-*.ts. Below: model/objects.ts, model/ref-link.ts.
import { FLUKE_MIN_MSG_SIZE, type Word } from "../spec/kernel-api/common.js";
import type { IpcParams } from "../spec/kernel-api/ipc.js";
import type { Ctx } from "./ctx.js";
import { Insane, MemFault, insane } from "./errors.js";
import { lookup } from "./objects.js";
import { lookupRef, refTarget } from "./ref-link.js";
import type { Inbox } from "./ipc-state.js";
import type { ModelState, Oid, PortObj, RefObj, ThreadObj } from "./state.js";

// ---------------------------------------------------------------------------------------------
// Decode

/** Decode a destination reference: the port it names, or null when the port is gone (a null reference). */
export const decodeDest = (ctx: Ctx, va: number): PortObj | null => {
  const t = refTarget(ctx.s, lookupRef(ctx, va));
  if (t === null) return null;
  if (t.type !== "port") return insane("NOT_PORT_REF");
  return t;
};

/** Decode every reference-object address of a list (send_refs or recv_refs). */
export const decodeRefList = (ctx: Ctx, vas: readonly number[]): RefObj[] => vas.map((va) => lookupRef(ctx, va));

/** Decode the send half of the parameters. */
export const decodeSend = (ctx: Ctx, p: IpcParams): void => {
  decodeRefList(ctx, p.send_refs);
};

/** Decode the receive half; `minMsg`: the call receives a message start, so it needs FLUKE_MIN_MSG_SIZE words (ours). */
export const decodeRecv = (ctx: Ctx, p: IpcParams, minMsg: boolean): void => {
  decodeRefList(ctx, p.recv_refs);
  if (minMsg && p.recv_words_max < FLUKE_MIN_MSG_SIZE) insane("BUFFER_UNALIGNED");
};

// ---------------------------------------------------------------------------------------------
// Perform

/** A message that starts an invocation is padded with zero words to FLUKE_MIN_MSG_SIZE (ours). */
export const padMin = (words: readonly Word[]): Word[] =>
  words.length >= FLUKE_MIN_MSG_SIZE ? [...words] : [...words, ...new Array<Word>(FLUKE_MIN_MSG_SIZE - words.length).fill(0)];

/** Look up a reference object of `task` without raising: undefined if the address no longer holds one. */
const tryRef = (s: ModelState, task: Oid | null, va: number): RefObj | undefined => {
  if (task === null) return undefined;
  try {
    return lookup(s, task, va, "ref");
  } catch (e) {
    if (e instanceof Insane || e instanceof MemFault) return undefined;
    throw e;
  }
};

/** The targets of the references a thread sends (a slot that is no longer a reference sends null). */
export const readSendRefs = (s: ModelState, sender: ThreadObj, vas: readonly number[]): (Oid | null)[] =>
  vas.map((va) => {
    const r = tryRef(s, sender.task, va);
    return r === undefined ? null : (refTarget(s, r)?.oid ?? null);
  });

/** Bind received reference targets, in order, into the receiver's recv_refs slots; returns how many were bound. */
export const bindReceived = (s: ModelState, receiver: ThreadObj, vas: readonly number[], targets: readonly (Oid | null)[]): number => {
  const n = Math.min(vas.length, targets.length);
  for (let i = 0; i < n; i++) {
    const r = tryRef(s, receiver.task, vas[i]!);
    const t = targets[i]!;
    if (r !== undefined) r.target = t !== null && s.objects.has(t) ? t : null;
  }
  return n;
};

/** Deliver a whole message to a receiver, truncated to its buffers (one-way, idempotent). */
export const deliverTruncated = (s: ModelState, receiver: ThreadObj, p: IpcParams, words: readonly Word[], refs: readonly (Oid | null)[]): { words: Word[]; refs_received: number } => ({
  words: words.slice(0, p.recv_words_max),
  refs_received: bindReceived(s, receiver, p.recv_refs, refs),
});

/** How a reliable receive left an inbox: everything fit, or the data or reference buffers filled first. */
export type Rest = "none" | "data" | "refs";

/** Take from an inbox as much as the receive buffers hold; binds references; reports what is left. */
export const takeFromInbox = (s: ModelState, receiver: ThreadObj, inbox: Inbox, p: IpcParams): { words: Word[]; refs_received: number; rest: Rest } => {
  const words = inbox.words.splice(0, Math.min(p.recv_words_max, inbox.words.length));
  const refs = inbox.refs.splice(0, Math.min(p.recv_refs.length, inbox.refs.length));
  const refs_received = bindReceived(s, receiver, p.recv_refs, refs);
  const rest: Rest = inbox.words.length > 0 ? "data" : inbox.refs.length > 0 ? "refs" : "none";
  return { words, refs_received, rest };
};

/** True if the inbox holds more than the receive buffers can take. */
export const overflows = (inbox: Inbox, p: IpcParams): boolean =>
  inbox.words.length > p.recv_words_max || inbox.refs.length > p.recv_refs.length;

/** The receive half of the parameters: what a continuation that only receives keeps. */
export const recvOnly = (p: IpcParams): IpcParams => ({ send_words: [], send_refs: [], recv_words_max: p.recv_words_max, recv_refs: [...p.recv_refs] });

/** The IpcParams of a thread's pending call (a blocked thread's buffers), or empty parameters. */
export const pendingParams = (t: ThreadObj): IpcParams => {
  const p = t.pending?.args["ipc_params"] as IpcParams | undefined;
  return p ?? { send_words: [], send_refs: [], recv_words_max: 0, recv_refs: [] };
};
