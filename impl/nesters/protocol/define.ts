// Defining a common protocol once: its methods, each with a request and a reply message (protocol/codec.ts)
// and how many references travel each way. libnest (the server side) and libc (the client side) are both
// derived from the same definition, so the two can never disagree on a layout.
// Wire format (ours): request words = [method id, ...request fields]; reply words = [status, ...reply
// fields], status 0 for success or a positive Linux errno. The method id is (protocol id << 8) | index.
// References: the request's ride in send_refs (refsIn of them), the reply's in the client's recv_refs
// (refsOut of them). Above: protocol/protocols.ts, libnest, libc. Below: codec.ts.
import { defineMessage, type Codec, type Fields } from "./codec.js";

export interface MethodSpec {
  readonly req: Fields;
  readonly rep: Fields;
  /** References the client sends with the request. */
  readonly refsIn?: number;
  /** References the server sends back with a successful reply. */
  readonly refsOut?: number;
  readonly doc: string;
}

export interface Method<S extends MethodSpec = MethodSpec> {
  readonly protocol: string;
  readonly name: string;
  readonly id: number;
  readonly req: Codec<S["req"]>;
  readonly rep: Codec<S["rep"]>;
  readonly refsIn: number;
  readonly refsOut: number;
  readonly doc: string;
}

export type Protocol<M extends Record<string, MethodSpec>> = {
  readonly name: string;
  readonly id: number;
  readonly methods: { readonly [K in keyof M]: Method<M[K]> };
};

/** Status word of a reply whose request could not be decoded (EBADMSG). */
export const STATUS_BADMSG = 74;
/** Status word for an unknown method id (ENOSYS). */
export const STATUS_NOSYS = 38;

export const defineProtocol = <const M extends Record<string, MethodSpec>>(name: string, id: number, specs: M): Protocol<M> => {
  if (!Number.isInteger(id) || id < 1 || id > 0xffffff) throw new RangeError(`protocol id ${id}`);
  const methods: Record<string, Method> = {};
  Object.entries(specs).forEach(([mname, s], index) => {
    methods[mname] = {
      protocol: name, name: mname, id: ((id << 8) | index) >>> 0,
      req: defineMessage(s.req), rep: defineMessage(s.rep),
      refsIn: s.refsIn ?? 0, refsOut: s.refsOut ?? 0, doc: s.doc,
    };
  });
  return { name, id, methods: methods as Protocol<M>["methods"] };
};
