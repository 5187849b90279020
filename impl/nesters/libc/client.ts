// The client side of the common protocols: one idempotent kernel call (fluke_ipc_call) per request,
// its words and references laid out by the same protocol definition the server decodes with. A server
// that is gone answers EPIPE; a reply that does not decode is EBADMSG; the caller always gets a status.
// Above: the nesters' clients (the process manager calling the file system and the memory manager),
// tests. Below: libnest/env.ts, protocol/define.ts.
import { IPC_MAX_SEND_WORDS } from "../../../spec/kernel-api/ipc.js";
import type { MessageOf } from "../protocol/codec.js";
import { STATUS_BADMSG, type Method, type MethodSpec } from "../protocol/define.js";
import { NestError, sys, type Nest } from "../libnest/env.js";

const EPIPE = 32;

export type Result<S extends MethodSpec> = { readonly status: 0; readonly rep: MessageOf<S["rep"]> } | { readonly status: number; readonly rep: null };

/** Call method `m` of the service behind reference `dest`; `recvRefs` get the reply's references. */
export function* invoke<S extends MethodSpec>(dest: number, m: Method<S>, req: MessageOf<S["req"]>, sendRefs: readonly number[] = [], recvRefs: readonly number[] = []): Nest<Result<S>> {
  const o = yield* sys("fluke_ipc_call", {
    destination: dest,
    ipc_params: { send_words: [m.id, ...m.req.encode(req)], send_refs: [...sendRefs], recv_words_max: IPC_MAX_SEND_WORDS, recv_refs: [...recvRefs] },
  });
  if (o.kind !== "return") throw new NestError(`${m.protocol}.${m.name}`, o);
  if (o.rc === "IPC_CONNECT_INVALID_DEST") return { status: EPIPE, rep: null };
  const words = (o.out["words"] as number[] | undefined) ?? [];
  const status = words[0] ?? STATUS_BADMSG;
  if (status !== 0) return { status, rep: null };
  const rep = m.rep.decode(words, 1);
  return rep === null ? { status: STATUS_BADMSG, rep: null } : { status: 0, rep };
}

/** A failed call where failure is not expected (a nester's setup). */
export class ServiceError extends Error {
  constructor(readonly method: string, readonly status: number) {
    super(`${method}: status ${status}`);
  }
}

/** invoke, and throw ServiceError unless it succeeded. */
export function* must<S extends MethodSpec>(dest: number, m: Method<S>, req: MessageOf<S["req"]>, sendRefs: readonly number[] = [], recvRefs: readonly number[] = []): Nest<MessageOf<S["rep"]>> {
  const r = yield* invoke(dest, m, req, sendRefs, recvRefs);
  if (r.status !== 0) throw new ServiceError(`${m.protocol}.${m.name}`, r.status);
  return r.rep!;
}
