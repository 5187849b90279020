// The memory manager nester: it owns a pool of memory (its own address space, backed by its parent) and
// hands it out as segments: each segment is a region over a piece of the pool, given to clients as a
// reference, so a client maps it wherever it likes, into itself or into its children. Pools form a tree:
// every Memory port is an account with a quota, and a segment is charged to its account and all the
// accounts above it, so no child obtains more than its parent was granted (ENOMEM otherwise). A
// destroyed segment's region is destroyed (every mapping of it, at any depth, loses it at once), its
// bytes are cleared and its pages go back to the pool; copy_segment copies (fork).
// The manager also serves the Parent protocol for its one child (the next nester of the stack) and starts it.
// Above: the boot code (impl/nesters/boot.ts), its child. Below: libnest, the kernel.
import { FLUKE_PROT_ALL } from "../../../spec/kernel-api/common.js";
import { Memory, Parent } from "../protocol/protocols.js";
import { load, newRef, ok, store, VaSpace, type Nest, type NestEnv } from "../libnest/env.js";
import { Dispatch, fail, reply, serve, type Meta } from "../libnest/serve.js";
import { CHILD_AREA, spawnNativeChild } from "../libnest/spawn.js";

const ENOMEM = 12, EINVAL = 22, EPERM = 1;
const PAGE = 4096;
const CLEAR_CHUNK = 1 << 20;

export interface MemmgrConfig {
  /** Where the pool is mapped in the manager's own address space, and its size. */
  readonly poolBase: number;
  readonly poolSize: number;
  /** Quota of the pool given to the child. */
  readonly childQuota: number;
  /** The child nester to start, if any. */
  readonly child?: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
}

interface Account {
  readonly id: number;
  /** The account's port (its Memory service), in the manager's memory. */
  port: number;
  readonly quota: number;
  used: number;
  readonly parent: Account | null;
}

interface Segment {
  readonly id: number;
  readonly va: number;
  readonly size: number;
  readonly region: number;
  readonly regionRef: number;
  readonly account: Account;
}

/** Alias of the Parent port of the manager's child (accounts use their id, from 1). */
const PARENT_ALIAS = 0x8000_0000;

export function* memmgr(env: NestEnv, cfg: MemmgrConfig): Nest<void> {
  const pool = new VaSpace(cfg.poolBase, cfg.poolBase + cfg.poolSize);
  const pset = env.alloc.alloc("pset");
  yield* ok("fluke_pset_create", { new_pset: pset });
  const psetRef = yield* newRef(env);
  yield* ok("fluke_pset_reference", { pset, new_pset_ref: psetRef });

  const accounts = new Map<number, Account>();
  const segments = new Map<number, Segment>();
  let nextAccount = 1, nextSegment = 1;

  /** A new port in the manager's set, with `alias`. */
  function* newPort(alias: number): Nest<number> {
    const port = env.alloc.alloc("port");
    yield* ok("fluke_port_create", { new_port: port });
    yield* ok("fluke_port_set_state", { port, state: { hash: 0, alias }, pset_ref: psetRef });
    return port;
  }

  /** A new reference to `port` (the caller sends it and drops it). */
  function* refTo(port: number): Nest<number> {
    const ref = yield* newRef(env);
    yield* ok("fluke_port_reference", { port, new_port_ref: ref });
    return ref;
  }

  function* newAccount(quota: number, parent: Account | null): Nest<Account> {
    const account: Account = { id: nextAccount++, port: 0, quota, used: 0, parent };
    accounts.set(account.id, account);
    account.port = yield* newPort(account.id);
    return account;
  }

  const fits = (a: Account, size: number): boolean => {
    for (let x: Account | null = a; x !== null; x = x.parent) if (x.used + size > x.quota) return false;
    return true;
  };
  const charge = (a: Account, size: number): void => {
    for (let x: Account | null = a; x !== null; x = x.parent) x.used += size;
  };
  const within = (a: Account, root: Account): boolean => {
    for (let x: Account | null = a; x !== null; x = x.parent) if (x === root) return true;
    return false;
  };

  function* newSegment(a: Account, bytes: number): Nest<Segment | null> {
    const size = Math.ceil(bytes / PAGE) * PAGE;
    if (size === 0 || !fits(a, size)) return null;
    const va = pool.alloc(size);
    if (va === null) return null;
    const region = env.alloc.alloc("region");
    yield* ok("fluke_region_create", { new_region: region });
    yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: va, size, prot: FLUKE_PROT_ALL }, task_ref: env.self, keeper_ref: 0 });
    const regionRef = yield* newRef(env);
    yield* ok("fluke_region_reference", { region, new_region_ref: regionRef });
    const s: Segment = { id: nextSegment++, va, size, region, regionRef, account: a };
    segments.set(s.id, s);
    charge(a, size);
    return s;
  }

  function* dropSegment(s: Segment): Nest<void> {
    yield* ok("fluke_region_destroy", { region: s.region });
    env.alloc.release("region", s.region);
    yield* ok("fluke_ref_destroy", { ref: s.regionRef });
    env.alloc.release("ref", s.regionRef);
    const zeros = new Uint8Array(Math.min(CLEAR_CHUNK, s.size));
    for (let off = 0; off < s.size; off += zeros.length) store(env, s.va + off, zeros.subarray(0, Math.min(zeros.length, s.size - off)));
    pool.release(s.va, s.size);
    segments.delete(s.id);
    charge(s.account, -s.size);
  }

  const accountOf = (meta: Meta): Account | undefined => accounts.get(meta.alias);

  const childAccount = yield* newAccount(cfg.childQuota, null);

  const d = new Dispatch()
    .on(Memory.methods.create_var_segment, function* (m, meta) {
      const a = accountOf(meta);
      if (a === undefined) return fail(EINVAL);
      const s = yield* newSegment(a, m.size);
      return s === null ? fail(ENOMEM) : reply(Memory.methods.create_var_segment, { segment: s.id, size: s.size }, [s.regionRef]);
    })
    .on(Memory.methods.destroy_segment, function* (m, meta) {
      const a = accountOf(meta), s = segments.get(m.segment);
      if (a === undefined || s === undefined || !within(s.account, a)) return fail(EINVAL);
      yield* dropSegment(s);
      return reply(Memory.methods.destroy_segment, {});
    })
    .on(Memory.methods.copy_segment, function* (m, meta) {
      const a = accountOf(meta), src = segments.get(m.segment);
      if (a === undefined || src === undefined) return fail(EINVAL);
      // The caller proves it may read the source by sending a reference to its region.
      const same = yield* ok("fluke_ref_compare", { ref1: meta.refs[0]!, ref2: src.regionRef });
      if (same["equal"] !== true && !within(src.account, a)) return fail(EPERM);
      const s = yield* newSegment(a, src.size);
      if (s === null) return fail(ENOMEM);
      for (let off = 0; off < src.size; off += CLEAR_CHUNK) {
        const n = Math.min(CLEAR_CHUNK, src.size - off);
        const bytes = load(env, src.va + off, n);
        if (bytes === null || !store(env, s.va + off, bytes)) throw new Error(`memmgr: pool memory at 0x${(src.va + off).toString(16)} unreachable`);
      }
      return reply(Memory.methods.copy_segment, { segment: s.id, size: s.size }, [s.regionRef]);
    })
    .on(Memory.methods.create_sub_pool, function* (m, meta) {
      const a = accountOf(meta);
      if (a === undefined) return fail(EINVAL);
      const ref = yield* refTo((yield* newAccount(Math.min(m.quota, a.quota), a)).port);
      return reply(Memory.methods.create_sub_pool, {}, [ref], [ref]);
    })
    .on(Memory.methods.get_quota, function* (_m, meta) {
      const a = accountOf(meta);
      return a === undefined ? fail(EINVAL) : reply(Memory.methods.get_quota, { quota: a.quota, used: a.used });
    })
    .on(Parent.methods.get_memory_service, function* (_m, meta) {
      if (meta.alias !== PARENT_ALIAS) return fail(EPERM);
      const ref = yield* refTo(childAccount.port);
      return reply(Parent.methods.get_memory_service, {}, [ref], [ref]);
    });

  if (cfg.child !== undefined) {
    const childParentRef = yield* refTo(yield* newPort(PARENT_ALIAS));
    const backing = pool.alloc(CHILD_AREA);
    if (backing === null) throw new Error("memmgr: pool too small for the child's boot area");
    yield* spawnNativeChild(env, backing, childParentRef, cfg.child.name, cfg.child.program);
  }
  yield* serve(env, pset, (w, meta) => d.handle(w, meta));
}
