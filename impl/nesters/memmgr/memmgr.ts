// The memory manager nester: it owns a pool of physical memory (a region its parent gave it) and hands
// it out as segments: each segment is a region over a window of the manager's own address space, given
// to clients as a reference, so a client maps it wherever it likes, into itself or into its children.
// Windows start empty: their chunks are provided on first touch through region-keeper faults, and
// copies (fork) share frames until written (paging.ts). Pools form a tree: every Memory port is an
// account with a quota, and a segment is charged (its size rounded up to whole chunks) to its account
// and all the accounts above it, so no child obtains more than its parent was granted (ENOMEM
// otherwise). A destroyed segment's region is destroyed (every mapping of it, at any depth, loses it at
// once) and its frames are cleared and return to the pool. The manager also serves the Parent protocol
// for its one child (the next nester of the stack) and starts it.
// Above: the boot code (impl/nesters/boot.ts), its child. Below: paging.ts, libnest, the kernel.
import { FLUKE_PROT_ALL } from "../../../spec/kernel-api/common.js";
import { FLUKE_EXC_MSG_REGION_OFFSET, FLUKE_EXC_REPLY_RETRY, faultExcCode } from "../../../spec/kernel-api/x86.js";
import { Memory, Parent } from "../protocol/protocols.js";
import { newRef, ok, VaSpace, type Nest, type NestEnv } from "../libnest/env.js";
import { Dispatch, fail, reply, serve, type Meta, type Reply } from "../libnest/serve.js";
import { CHILD_AREA, spawnNativeChild } from "../libnest/spawn.js";
import { newPortSet, refTo as refToPort } from "../libnest/ports.js";
import { CHUNK, Pager, type Window } from "./paging.js";

const ENOMEM = 12, EINVAL = 22, EPERM = 1;

const WRITE_FAULT = faultExcCode("write"), CREATE_FAULT = faultExcCode("create_ob");

export interface MemmgrConfig {
  /** A reference (in the manager) to the region of physical memory it hands out, and that region's size. */
  readonly physRef: number;
  readonly physSize: number;
  /** The part of the manager's own address space used for segment windows. */
  readonly windowBase: number;
  readonly windowSize: number;
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

interface Segment extends Window {
  readonly id: number;
  readonly region: number;
  readonly regionRef: number;
  /** The segment's keeper port (alias KEEPER_BASE + id). */
  readonly keeper: number;
  readonly account: Account;
}

/** Aliases: accounts use their id (from 1); segment keepers KEEPER_BASE + id; the child's Parent port. */
const KEEPER_BASE = 0x4000_0000;
const PARENT_ALIAS = 0x8000_0000;

export function* memmgr(env: NestEnv, cfg: MemmgrConfig): Nest<void> {
  const windows = new VaSpace(cfg.windowBase, cfg.windowBase + cfg.windowSize);
  const scratch = windows.alloc(CHUNK)!;
  const pager = new Pager(env, cfg.physRef, cfg.physSize, scratch);
  const ports = yield* newPortSet(env);
  const newPort = ports.newPort;
  const refTo = (port: number) => refToPort(env, port);

  const accounts = new Map<number, Account>();
  const segments = new Map<number, Segment>();
  let nextAccount = 1, nextSegment = 1;

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
    const size = Math.ceil(bytes / CHUNK) * CHUNK;
    if (size === 0 || !fits(a, size)) return null;
    const va = windows.alloc(size);
    if (va === null) return null;
    const id = nextSegment++;
    const keeper = yield* newPort(KEEPER_BASE + id);
    const keeperRef = yield* refTo(keeper);
    const region = env.alloc.alloc("region");
    yield* ok("fluke_region_create", { new_region: region });
    yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: va, size, prot: FLUKE_PROT_ALL }, task_ref: env.self, keeper_ref: keeperRef });
    yield* ok("fluke_ref_destroy", { ref: keeperRef });
    env.alloc.release("ref", keeperRef);
    const regionRef = yield* newRef(env);
    yield* ok("fluke_region_reference", { region, new_region_ref: regionRef });
    const s: Segment = { id, va, size, region, regionRef, keeper, account: a, chunks: new Map() };
    segments.set(s.id, s);
    charge(a, size);
    return s;
  }

  function* dropSegment(s: Segment): Nest<void> {
    yield* ok("fluke_region_destroy", { region: s.region });
    env.alloc.release("region", s.region);
    yield* ok("fluke_ref_destroy", { ref: s.regionRef });
    env.alloc.release("ref", s.regionRef);
    yield* pager.release(s);
    yield* ok("fluke_port_destroy", { port: s.keeper });
    env.alloc.release("port", s.keeper);
    windows.release(s.va, s.size);
    segments.delete(s.id);
    charge(s.account, -s.size);
  }

  /** A fault in a segment's window (a keeper call): provide the chunk and let the access be retried. */
  function* onFault(words: readonly number[], meta: Meta): Nest<Reply> {
    const s = segments.get(meta.alias - KEEPER_BASE);
    const code = words[0]! >>> 0, off = (words[FLUKE_EXC_MSG_REGION_OFFSET] ?? 0) >>> 0;
    if (s !== undefined) yield* pager.resolve(s, Math.floor(off / CHUNK), code === WRITE_FAULT || code === CREATE_FAULT);
    // A fault the manager cannot resolve (no frame left) is answered all the same: the access faults
    // again, and the time it burns is the faulting thread's (ours; quotas keep frames from running out).
    return { status: FLUKE_EXC_REPLY_RETRY, words: [], refs: [] };
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
      yield* pager.share(src, s);
      return reply(Memory.methods.copy_segment, { segment: s.id, size: s.size }, [s.regionRef]);
    })
    .on(Memory.methods.create_sub_pool, function* (m, meta) {
      const a = accountOf(meta);
      if (a === undefined) return fail(EINVAL);
      const ref = yield* refTo((yield* newAccount(Math.min(m.quota, a.quota), a)).port);
      return reply(Memory.methods.create_sub_pool, {}, [ref], [ref]);
    })
    .on(Memory.methods.prefault, function* (m, meta) {
      const a = accountOf(meta), s = segments.get(m.segment);
      if (a === undefined || s === undefined || !within(s.account, a)) return fail(EINVAL);
      if (m.length === 0 || m.offset + m.length > s.size) return fail(EINVAL);
      for (let i = Math.floor(m.offset / CHUNK); i * CHUNK < m.offset + m.length; i++) {
        if (!(yield* pager.resolve(s, i, m.write !== 0))) return fail(ENOMEM);
      }
      return reply(Memory.methods.prefault, {});
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
    // The child's boot area: a segment of the child's own account, mapped into the manager.
    const s = (yield* newSegment(childAccount, CHILD_AREA))!;
    const mapping = env.alloc.alloc("mapping");
    yield* ok("fluke_mapping_create", { new_mapping: mapping });
    const at = windows.alloc(CHILD_AREA)!;
    yield* ok("fluke_mapping_set_state", { mapping, state: { hash: 0, region_off: 0, start_va: at, size: CHILD_AREA, prot: FLUKE_PROT_ALL }, region_ref: s.regionRef, task_ref: env.self });
    for (let i = 0; i * CHUNK < CHILD_AREA; i++) yield* pager.resolve(s, i, true);
    yield* spawnNativeChild(env, at, childParentRef, cfg.child.name, cfg.child.program);
  }
  yield* serve(env, ports.pset, (w, meta) => (meta.alias >= KEEPER_BASE && meta.alias < PARENT_ALIAS ? onFault(w, meta) : d.handle(w, meta)));
}
