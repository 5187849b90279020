// The null nester: interposes on every protocol its child speaks and on its child's guests' exceptions,
// and forwards everything unchanged (libnest/proxy.ts). It does nothing else, which makes it the
// baseline for the cost of one layer of full interposition (`fluke run --nest null,...`, and the
// benchmark's depth). Interposers stack: a keeper proxy is offered to the parent to wrap in turn.
// With `shortCircuit`, it hands its child its own parent's references for the services it names
// (the Fluke paper's short-circuiting: a nester passes on what it does not change): calls on them, and
// on the services they hand out, go straight to the server and skip this layer.
// Above: the stack (stack.ts), short-circuit.test.ts. Below: libnest/interpose.ts.
import type { Nest, NestEnv } from "../libnest/env.js";
import { interpose } from "../libnest/interpose.js";
import type { ProxyCall } from "../libnest/proxy.js";
import type { RefKind } from "../protocol/define.js";

/** The services a null nester can pass through unwrapped (Parent it always interposes on: it is the child's way to the rest). */
export type ShortCircuitKind = Extract<RefKind, "Memory" | "FileSystem" | "FileDescription" | "Process">;
export const SHORT_CIRCUIT_KINDS: readonly ShortCircuitKind[] = ["Memory", "FileSystem", "FileDescription", "Process"];

export interface NullConfig {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  /**
   * Services handed to the child as this nester's parent gave them, not wrapped in proxy ports (default:
   * none, full interposition). FileSystem alone already takes every file off this layer: the
   * FileDescriptions that FileSystem.open hands out come from the server directly; FileDescription also
   * passes the console through.
   */
  readonly shortCircuit?: readonly ShortCircuitKind[];
  /** Told of every protocol exchange this layer forwards (what is on its path). */
  readonly observe?: (c: ProxyCall) => void;
}

export function* nullNester(env: NestEnv, cfg: NullConfig): Nest<void> {
  const short = new Set<RefKind>(cfg.shortCircuit ?? []);
  yield* interpose(env, {
    child: cfg.child,
    ...(short.size === 0 ? {} : { wraps: (kind: RefKind) => !short.has(kind) }),
    ...(cfg.observe === undefined ? {} : { observe: cfg.observe }),
  });
}
