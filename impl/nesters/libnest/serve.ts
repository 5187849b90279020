// The server side of the common protocols: a dispatch table from method ids to handlers (built from the
// protocol definitions, so request and reply layouts come from one place) and the receive loop of a
// server thread on a port set. A handler is a generator: it may make kernel calls and call other
// services while it serves (the thread is the client of those calls and the server of this one). The
// loop replies and waits in one call (fluke_ipc_reply_wait_receive), as the paper's servers do.
// A request that does not decode gets EBADMSG, an unknown method ENOSYS, one that overflows the receive
// buffer EMSGSIZE: a hostile client never takes the server down.
// Above: the nesters. Below: env.ts, protocol/define.ts, the kernel's IPC calls.
import { IPC_MAX_SEND_WORDS } from "../../../spec/kernel-api/ipc.js";
import type { MessageOf } from "../protocol/codec.js";
import { STATUS_BADMSG, STATUS_NOSYS, type Method, type MethodSpec } from "../protocol/define.js";
import { NestError, dropRef, newRef, sys, type Nest, type NestEnv } from "./env.js";

const EMSGSIZE = 90;

/** What a server thread learns with a request besides its words. */
export interface Meta {
  /** The alias of the port the request came through (which of the server's objects it is for). */
  readonly alias: number;
  /** The receive slots bound by this request, in order (valid until the next receive: keep with keepRef). */
  readonly refs: readonly number[];
}

export interface Reply {
  readonly status: number;
  readonly words: readonly number[];
  /** Reference objects of the server whose targets go back to the client. */
  readonly refs: readonly number[];
  /** Reference objects to destroy once the reply is sent (temporary references made for it). */
  readonly drop?: readonly number[];
  /** Stop serving after this reply. */
  readonly stop?: boolean;
}

export const reply = <S extends MethodSpec>(m: Method<S>, rep: MessageOf<S["rep"]>, refs: readonly number[] = [], drop: readonly number[] = []): Reply =>
  ({ status: 0, words: m.rep.encode(rep), refs, drop });

export const fail = (errno: number): Reply => ({ status: errno, words: [], refs: [] });

type AnyHandler = (msg: Record<string, unknown>, meta: Meta) => Nest<Reply>;

export class Dispatch {
  private readonly table = new Map<number, { readonly m: Method; readonly h: AnyHandler }>();

  on<S extends MethodSpec>(m: Method<S>, h: (msg: MessageOf<S["req"]>, meta: Meta) => Nest<Reply>): this {
    if (this.table.has(m.id)) throw new Error(`${m.protocol}.${m.name} has a handler already`);
    this.table.set(m.id, { m: m as unknown as Method, h: h as unknown as AnyHandler });
    return this;
  }

  /** Decode and serve one request. */
  *handle(words: readonly number[], meta: Meta): Nest<Reply> {
    const e = this.table.get(words[0] ?? -1);
    if (e === undefined) return fail(STATUS_NOSYS);
    const msg = e.m.req.decode(words, 1);
    if (msg === null || meta.refs.length < e.m.refsIn) return fail(STATUS_BADMSG);
    return yield* e.h(msg as Record<string, unknown>, meta);
  }
}

/**
 * Serve requests arriving on port set `pset` until a handler's reply says stop. `recvRefs` receive slots
 * are made for references that come with requests.
 */
export function* serve(env: NestEnv, pset: number, handle: (words: readonly number[], meta: Meta) => Nest<Reply>, recvRefs = 3): Nest<void> {
  const slots: number[] = [];
  for (let i = 0; i < recvRefs; i++) slots.push(yield* newRef(env));
  const params = (r: Reply | null) => ({
    send_words: r === null ? [] : [r.status, ...r.words], send_refs: r === null ? [] : [...r.refs],
    recv_words_max: IPC_MAX_SEND_WORDS, recv_refs: slots,
  });
  let o = yield* sys("fluke_ipc_setup_wait_receive", { pset, ipc_params: params(null) });
  for (;;) {
    if (o.kind !== "return") throw new NestError(`${env.name}: receive`, o);
    const out = o.out as { words: number[]; refs_received: number; port_alias?: number };
    const meta: Meta = { alias: out.port_alias ?? 0, refs: slots.slice(0, out.refs_received) };
    const r = o.rc === "SUCCESS" ? yield* handle(out.words, meta) : fail(EMSGSIZE);
    if (r.stop === true) {
      yield* sys("fluke_ipc_reply", { ipc_params: params(r) });
      for (const d of r.drop ?? []) yield* dropRef(env, d);
      return;
    }
    o = yield* sys("fluke_ipc_reply_wait_receive", { ipc_params: params(r) });
    for (const d of r.drop ?? []) yield* dropRef(env, d);
  }
}
