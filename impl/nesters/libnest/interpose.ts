// An interposing nester's whole life, shared by every nester that sits between a child and its parent's
// services (null, tracer, debugger): take a memory pool from the parent, put proxy ports in front of the parent's
// services (libnest/proxy.ts), answer Parent.wrap_keeper by putting a keeper proxy in front of each guest
// task's keeper (and offering it up the chain, so stacked interposers all see the exceptions), start the
// child with the proxied Parent port, and forward until the end. What differs between interposers is
// what they look at: `observe` for protocol exchanges, `keeper` hooks for exceptions.
// Above: null/null.ts, tracer/tracer.ts, debugger/debugger.ts. Below: proxy.ts, ports.ts, the Parent protocol.
import { must } from "../libc/client.js";
import { STATUS_BADMSG, type RefKind } from "../protocol/define.js";
import { Parent } from "../protocol/protocols.js";
import { keepRef, newRef, type Nest, type NestEnv } from "./env.js";
import { spawnPooledChild } from "./ports.js";
import { Proxy, spawnKeeperProxy, wrapKeeperUp, type KeeperProxyHooks, type ProxyCall } from "./proxy.js";
import { reply, type Meta, type Reply } from "./serve.js";

export interface InterposeOptions {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  /** Which service kinds to interpose on (default: all). */
  readonly wraps?: (kind: RefKind) => boolean;
  /** Told of every protocol exchange the proxies forward. */
  readonly observe?: (c: ProxyCall) => void;
  /** Hooks of the keeper proxy for guest process `pid`, whose task `taskRef` names (default: none). */
  readonly keeper?: (pid: number, taskRef: number) => Nest<KeeperProxyHooks>;
}

export function* interpose(env: NestEnv, o: InterposeOptions): Nest<void> {
  env.memory = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [env.memory]);
  const WRAP = Parent.methods.wrap_keeper;
  const px: Proxy = new Proxy(env, {
    wraps: o.wraps,
    observe: o.observe,
    local: function* (port, words, meta: Meta): Nest<Reply | null> {
      if (port.kind !== "Parent" || words[0] !== WRAP.id) return null;
      const m = WRAP.req.decode(words, 1);
      if (m === null || meta.refs.length < 2) return { status: STATUS_BADMSG, words: [], refs: [] };
      const keeper = yield* keepRef(env, meta.refs[0]!);
      const task = yield* keepRef(env, meta.refs[1]!);
      const hooks = o.keeper === undefined ? {} : yield* o.keeper(m.pid, task);
      const proxied = yield* spawnKeeperProxy(env, keeper, `${env.name}:${m.pid}`, hooks);
      const ref = yield* wrapKeeperUp(env, proxied, m.pid, task);
      return reply(WRAP, {}, [ref], [ref]);
    },
  });
  yield* px.start();
  const { ref: parentRef } = yield* px.wrap(yield* keepRef(env, env.parent), "Parent");
  yield* spawnPooledChild(env, parentRef, o.child);
  yield* px.serve();
}
