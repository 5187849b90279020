// Small pieces every nester repeats: a port set with ports made in it (each with the alias its server
// tells it apart by), a fresh reference to a port, and a segment of the nester's pool mapped into the
// nester itself, and a native child started in such a segment. Above: the nesters. Below: env.ts,
// spawn.ts, the Memory protocol.
import { FLUKE_PROT_ALL } from "../../../spec/kernel-api/common.js";
import { must } from "../libc/client.js";
import { Memory } from "../protocol/protocols.js";
import { dropRef, newRef, ok, type Nest, type NestEnv } from "./env.js";
import { CHILD_AREA, spawnNativeChild, type NativeChild } from "./spawn.js";

export interface PortSet {
  /** The port set object (what a server thread waits on). */
  readonly pset: number;
  /** A new port in the set with `alias`. */
  newPort(alias: number): Nest<number>;
  /** Drop the nester's reference to the set once no more ports will be made in it (the set stays). */
  release(): Nest<void>;
}

export function* newPortSet(env: NestEnv): Nest<PortSet> {
  const pset = env.alloc.alloc("pset");
  yield* ok("fluke_pset_create", { new_pset: pset });
  const psetRef = yield* newRef(env);
  yield* ok("fluke_pset_reference", { pset, new_pset_ref: psetRef });
  return {
    pset,
    *newPort(alias: number): Nest<number> {
      const port = env.alloc.alloc("port");
      yield* ok("fluke_port_create", { new_port: port });
      yield* ok("fluke_port_set_state", { port, state: { hash: 0, alias }, pset_ref: psetRef });
      return port;
    },
    *release(): Nest<void> {
      yield* dropRef(env, psetRef);
    },
  };
}

/** A new reference to `port` (to send, or to keep). */
export function* refTo(env: NestEnv, port: number): Nest<number> {
  const ref = yield* newRef(env);
  yield* ok("fluke_port_reference", { port, new_port_ref: ref });
  return ref;
}

/** A segment of `bytes` from the nester's pool (env.memory), mapped into the nester with every right. */
export function* segmentForSelf(env: NestEnv, bytes: number): Nest<{ readonly va: number; readonly size: number; readonly segment: number; readonly regionRef: number }> {
  const regionRef = yield* newRef(env);
  const s = yield* must(env.memory, Memory.methods.create_var_segment, { size: bytes }, [], [regionRef]);
  const va = env.space.alloc(s.size);
  if (va === null) throw new Error(`${env.name}: own address space exhausted`);
  const mapping = env.alloc.alloc("mapping");
  yield* ok("fluke_mapping_create", { new_mapping: mapping });
  yield* ok("fluke_mapping_set_state", { mapping, state: { hash: 0, region_off: 0, start_va: va, size: s.size, prot: FLUKE_PROT_ALL }, region_ref: regionRef, task_ref: env.self });
  return { va, size: s.size, segment: s.segment, regionRef };
}

/** Start `program` as this nester's native child, its boot area a segment of this nester's pool. */
export function* spawnPooledChild(env: NestEnv, parentRef: number, child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> }): Nest<NativeChild> {
  const { va } = yield* segmentForSelf(env, CHILD_AREA);
  return yield* spawnNativeChild(env, va, parentRef, child.name, child.program);
}
