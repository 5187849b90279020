// The abstract IPC parameters in the concrete kernel (spec/kernel-api/ipc.md "Parameters"): decoding the
// reference-object addresses a call names (destination, send_refs, recv_refs), the minimum-message rules,
// reading the targets of sent references, binding received references, and taking data from a
// connection's inbox. Decoding throws (KInsane, KFault); the rest is perform and never throws: a receive
// slot that stopped being a valid reference object by the time something arrives is skipped (ours).
// Above: impl/kernel/ipc-*.ts. Below: decode.ts, object-ops.ts, kernel.ts (translate).
import { FLUKE_MIN_MSG_SIZE, OBJECT_SIZE, type Word } from "../../spec/kernel-api/common.js";
import type { IpcParams } from "../../spec/kernel-api/ipc.js";
import { lookup } from "./decode.js";
import { KFault, kinsane, type KCtx } from "./kctx.js";
import { live, type KObj, type KPort, type KRef, type KTask, type KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";
import type { KInbox } from "./ipc-state.js";
import { refTarget } from "./object-ops.js";

// ---------------------------------------------------------------------------------------------
// Decode

/** Decode a destination reference: the port it names, or null when the port is gone (a null reference). */
export const decodeDest = (ctx: KCtx, va: number): KPort | null => {
  const t = refTarget(lookup(ctx, va, "ref"));
  if (t === null) return null;
  if (t.type !== "port") return kinsane("NOT_PORT_REF");
  return t;
};

/** Decode the send half of the parameters (every send reference). */
export const decodeSend = (ctx: KCtx, p: IpcParams): void => {
  for (const va of p.send_refs) lookup(ctx, va, "ref");
};

/** Decode the receive half; `minMsg`: the call receives a message start, so it needs FLUKE_MIN_MSG_SIZE words (ours). */
export const decodeRecv = (ctx: KCtx, p: IpcParams, minMsg: boolean): void => {
  for (const va of p.recv_refs) lookup(ctx, va, "ref");
  if (minMsg && p.recv_words_max < FLUKE_MIN_MSG_SIZE) kinsane("BUFFER_UNALIGNED");
};

// ---------------------------------------------------------------------------------------------
// Perform

/** A message that starts or answers an invocation is padded with zero words to FLUKE_MIN_MSG_SIZE (ours). */
export const padMin = (words: readonly Word[]): Word[] => {
  const out = [...words];
  while (out.length < FLUKE_MIN_MSG_SIZE) out.push(0);
  return out;
};

/** The valid reference object at `va` in `task`, or undefined (never throws). */
const tryRef = (k: Kernel, task: KTask | null, va: number): KRef | undefined => {
  if (task === null || va % OBJECT_SIZE.ref !== 0) return undefined;
  let p: number;
  try {
    p = k.translate(task, va, "read");
  } catch (e) {
    if (e instanceof KFault) return undefined;
    throw e;
  }
  const o = k.objects.at(p);
  return o?.type === "ref" && !o.invalid ? o : undefined;
};

/** The targets of the references a thread sends (a slot that is no longer a reference sends null). */
export const readSendRefs = (k: Kernel, sender: KThread, vas: readonly number[]): (KObj | null)[] =>
  vas.map((va) => {
    const r = tryRef(k, live(sender.task), va);
    return r === undefined ? null : refTarget(r);
  });

/** Bind received reference targets, in order, into the receiver's recv_refs slots; returns how many were bound. */
export const bindReceived = (k: Kernel, receiver: KThread, vas: readonly number[], targets: readonly (KObj | null)[]): number => {
  const n = Math.min(vas.length, targets.length);
  for (let i = 0; i < n; i++) {
    const r = tryRef(k, live(receiver.task), vas[i]!);
    if (r !== undefined) r.target = live(targets[i]!);
  }
  return n;
};

/** Deliver a whole message to a receiver, truncated to its buffers (one-way, idempotent). */
export const deliverTruncated = (k: Kernel, receiver: KThread, p: IpcParams, words: readonly Word[], refs: readonly (KObj | null)[]): { words: Word[]; refs_received: number } => ({
  words: words.slice(0, p.recv_words_max),
  refs_received: bindReceived(k, receiver, p.recv_refs, refs),
});

/** How a reliable receive left an inbox: everything fit, or the data or reference buffers filled first. */
export type Rest = "none" | "data" | "refs";

/** Take from an inbox as much as the receive buffers hold; binds references; reports what is left. */
export const takeFromInbox = (k: Kernel, receiver: KThread, inbox: KInbox, p: IpcParams): { words: Word[]; refs_received: number; rest: Rest } => {
  const words = inbox.words.splice(0, Math.min(p.recv_words_max, inbox.words.length));
  const refs = inbox.refs.splice(0, Math.min(p.recv_refs.length, inbox.refs.length));
  const refs_received = bindReceived(k, receiver, p.recv_refs, refs);
  const rest: Rest = inbox.words.length > 0 ? "data" : inbox.refs.length > 0 ? "refs" : "none";
  return { words, refs_received, rest };
};

/** True if the inbox holds more than the receive buffers can take. */
export const overflows = (inbox: KInbox, p: IpcParams): boolean =>
  inbox.words.length > p.recv_words_max || inbox.refs.length > p.recv_refs.length;

/** The receive half of the parameters: what a continuation that only receives keeps. */
export const recvOnly = (p: IpcParams): IpcParams => ({ send_words: [], send_refs: [], recv_words_max: p.recv_words_max, recv_refs: [...p.recv_refs] });

const NO_PARAMS: IpcParams = { send_words: [], send_refs: [], recv_words_max: 0, recv_refs: [] };

/** The IpcParams of a thread's pending call (a blocked thread's buffers), or empty parameters. */
export const pendingParams = (t: KThread): IpcParams => (t.pending?.args["ipc_params"] as IpcParams | undefined) ?? NO_PARAMS;
