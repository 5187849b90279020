// The null nester: interposes on every protocol its child speaks and on its child's guests' exceptions,
// and forwards everything unchanged (libnest/proxy.ts). It does nothing else, which makes it the
// baseline for the cost of one layer of full interposition (`fluke run --nest null,...`, and the
// benchmark's depth). Interposers stack: a keeper proxy is offered to the parent to wrap in turn.
// Above: the stack (stack.ts). Below: libnest/proxy.ts, the Parent protocol.
import { must } from "../libc/client.js";
import { keepRef, newRef, type Nest, type NestEnv } from "../libnest/env.js";
import { spawnPooledChild } from "../libnest/ports.js";
import { Proxy, spawnKeeperProxy, wrapKeeperUp } from "../libnest/proxy.js";
import { reply, type Meta, type Reply } from "../libnest/serve.js";
import { Parent } from "../protocol/protocols.js";

const EBADMSG = 74;

export interface NullConfig {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
}

export function* nullNester(env: NestEnv, cfg: NullConfig): Nest<void> {
  env.memory = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [env.memory]);
  const WRAP = Parent.methods.wrap_keeper;
  const px = new Proxy(env, {
    local: function* (port, words, meta: Meta): Nest<Reply | null> {
      if (port.kind !== "Parent" || words[0] !== WRAP.id) return null;
      const m = WRAP.req.decode(words, 1);
      if (m === null || meta.refs.length < 2) return { status: EBADMSG, words: [], refs: [] };
      const keeper = yield* keepRef(env, meta.refs[0]!);
      const task = yield* keepRef(env, meta.refs[1]!);
      const proxied = yield* spawnKeeperProxy(env, keeper, `${env.name}:${m.pid}`);
      const ref = yield* wrapKeeperUp(env, proxied, m.pid, task);
      return reply(WRAP, {}, [ref], [ref]);
    },
  });
  yield* px.start();
  const { ref: parentRef } = yield* px.wrap(yield* keepRef(env, env.parent), "Parent");
  yield* spawnPooledChild(env, parentRef, cfg.child);
  yield* px.serve();
}
