// The null nester: interposes on every protocol its child speaks and on its child's guests' exceptions,
// and forwards everything unchanged (libnest/proxy.ts). It does nothing else, which makes it the
// baseline for the cost of one layer of full interposition (`fluke run --nest null,...`, and the
// benchmark's depth). Interposers stack: a keeper proxy is offered to the parent to wrap in turn.
// Above: the stack (stack.ts). Below: libnest/interpose.ts.
import type { Nest, NestEnv } from "../libnest/env.js";
import { interpose } from "../libnest/interpose.js";

export interface NullConfig {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
}

export function* nullNester(env: NestEnv, cfg: NullConfig): Nest<void> {
  yield* interpose(env, { child: cfg.child });
}
