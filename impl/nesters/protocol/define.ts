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
  /**
   * What each reply reference is (refsOut entries): the name of the protocol its port speaks (a service:
   * "FileDescription", "Memory" ...) or "region" (memory, not a port). A proxy wraps services in ports of
   * its own and passes regions on as they are (libnest/proxy.ts). Absent: unknown (passed on as they are).
   */
  readonly outKinds?: readonly RefKind[];
  readonly doc: string;
}

/** What a reference in a reply stands for: a port speaking a protocol (by name), or a memory region. */
export type RefKind = "region" | "Parent" | "Memory" | "FileSystem" | "FileDescription" | "Process" | "keeper";

export interface Method<S extends MethodSpec = MethodSpec> {
  readonly protocol: string;
  readonly name: string;
  readonly id: number;
  readonly req: Codec<S["req"]>;
  readonly rep: Codec<S["rep"]>;
  readonly refsIn: number;
  readonly refsOut: number;
  /** One kind per reply reference (empty when the definition gives none). */
  readonly outKinds: readonly RefKind[];
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
      refsIn: s.refsIn ?? 0, refsOut: s.refsOut ?? 0, outKinds: s.outKinds ?? [], doc: s.doc,
    };
    if (s.outKinds !== undefined && s.outKinds.length !== (s.refsOut ?? 0)) throw new RangeError(`${name}.${mname}: ${s.outKinds.length} outKinds for ${s.refsOut ?? 0} references`);
  });
  const protocol = { name, id, methods: methods as Protocol<M>["methods"] };
  for (const m of Object.values(methods)) METHODS_BY_ID.set(m.id, m);
  return protocol;
};

const METHODS_BY_ID = new Map<number, Method>();

/** The method of any protocol defined so far with wire id `id` (a proxy decoding traffic it forwards), or undefined. */
export const methodById = (id: number): Method | undefined => METHODS_BY_ID.get(id >>> 0);
