// Random calls for the model's property tests, its benchmark and the conformance suite, generated FROM THE
// REGISTRY's argument schemas: the zod schema of each row is walked and every leaf gets a value from a
// small deterministic PRNG, biased towards what makes calls do something but with deliberately wrong
// values too (misaligned, unmapped, random words). The bias comes from the model's state as the calling
// thread sees it (model/gen-world.ts): object arguments name live objects of the right type at their
// address in the caller's task (or, less often, invalidated objects, objects of another type, free
// aligned blocks, misaligned addresses); reference arguments name references that lead to the kind of
// object wanted (ports for IPC destinations, psets, tasks, threads) or null ones; creates get free
// blocks; harness stores often hit an object's block (invalidating it); IPC buffer sizes, ranges and
// protections get plausible values. The row is drawn from `callIndex` bands, and a caller in a reliable
// connection, serving an idempotent call or lent time by a donor mostly goes on with what it is doing.
// The same (state, caller, step seed) always gives the same call. Used by model/properties.test.ts,
// model/bench.ts and conformance/conform-session.ts; not by the model. Below: model/gen-world.ts,
// spec/kernel-api/registry.ts, model/state.ts.
import type { z } from "zod";
import { FLUKE_VM_MAX, FLUKE_VM_MIN, OBJECT_SIZE, OBJECT_TYPES, PAGE_SIZE, type ObjectType } from "../spec/kernel-api/common.js";
import { ALL_CALLS } from "../spec/kernel-api/registry.js";
import type { CallDef } from "../spec/kernel-api/common.js";
import { BOOT_THREAD_VA, boot } from "./boot.js";
import {
  IPC_START_CALLS, PLAY_MAX, PLAY_MIN, blockIn, freeBlockIn, ipcRoleCalls, isRefKey, pageIn, refKindOfKey, smartObject, worldOf, type World,
} from "./gen-world.js";
import { HANDLERS } from "./handlers.js";
import { rootVa } from "./memory.js";
import type { AbstractCall, ModelState } from "./state.js";
import { step } from "./step.js";
import { extraThreadVa, withThreads } from "./test-threads.js";

/** The thread the property tests keep for inspection (model/roundtrip.ts); random steps never run on it. */
export const INSPECTOR = extraThreadVa(4);

/** mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The calls the generator draws from: every registry row that has a model handler. */
export const GEN_CALLS: readonly CallDef[] = ALL_CALLS.filter((c) => HANDLERS[c.name] !== undefined);

interface Gen { readonly rnd: () => number; readonly s: ModelState; readonly chapterType: ObjectType | null; readonly w: World }

const pick = <T>(g: Gen, xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(g.rnd() * xs.length)]);

/** The object type a field name suggests (`mutex`, `new_mutex_ref`, `owner_ref` ...), if any. */
const typeOfKey = (key: string, g: Gen): ObjectType | null => {
  if (key.endsWith("ref") || key.endsWith("refs") || key === "destination") return "ref";
  if (key === "cur_thread") return "thread";
  for (const t of OBJECT_TYPES) if (key.includes(t)) return t;
  return key === "old_addr" || key === "new_addr" ? g.chapterType : null;
};

/** Root-view address of an existing object, preferring `type`. */
const objectAddr = (g: Gen, type: ObjectType | null): number | undefined => {
  const all = [...g.s.objects.values()];
  const same = type === null ? [] : all.filter((o) => o.type === type);
  const o = pick(g, same.length > 0 && g.rnd() < 0.85 ? same : all);
  return o === undefined ? undefined : rootVa(o.paddr);
};

/** A block aligned for `type` in the play window (free or not: the model decides). */
const freeBlock = (g: Gen, type: ObjectType | null): number => {
  const size = OBJECT_SIZE[type ?? "region"];
  return PLAY_MIN + Math.floor(g.rnd() * ((PLAY_MAX - PLAY_MIN) / size)) * size;
};

/**
 * A state-aware value for field `key` (model/gen-world.ts: live objects the caller can name, references
 * by the kind of their target, free blocks, page-aligned ranges, small buffer sizes), or undefined to
 * draw a plain random word instead.
 */
const smartWord = (g: Gen, key: string): number | undefined => {
  const { w, rnd } = g;
  const r = rnd();
  if (key === "cur_thread") return r < 0.85 ? w.self : undefined;
  if (key.startsWith("new_") && key.endsWith("_ref")) {
    if (r < 0.75) return smartObject(w, rnd, "ref");
    return undefined;
  }
  if (key.startsWith("new_")) {
    const type = typeOfKey(key, g);
    if (r < 0.75) return freeBlockIn(w, rnd, type);
    if (r < 0.82) return pick(g, w.seen)?.va;
    return undefined;
  }
  if (isRefKey(key)) return r < 0.9 ? smartObject(w, rnd, "ref", refKindOfKey(key)) : undefined;
  if (key === "thread" && w.donor !== undefined && r < 0.5) return w.donor;
  if (key === "mutex" && w.holds.length > 0 && r < 0.4) return pick(g, w.holds);
  if (key === "thread" && r > 0.8) { // a thread with something to lose: holding a mutex, blocked, connected
    const owners = new Set<number>();
    for (const o of g.s.objects.values()) if (o.type === "mutex" && o.owner !== null) owners.add(o.owner);
    const busy = w.seen.filter((x) => x.o.type === "thread" && x.va !== w.self
      && (owners.has(x.o.oid) || x.o.wait !== null || x.o.client !== null || x.o.server !== null));
    const x = pick(g, busy);
    if (x !== undefined) return x.va;
  }
  const type = key === "old_addr" ? g.chapterType : (OBJECT_TYPES as readonly string[]).includes(key) ? (key as ObjectType) : null;
  if (type !== null) return r < 0.92 ? smartObject(w, rnd, type) : undefined;
  switch (key) {
    case "addr": // harness accesses: into an object's block (invalidates it on a store), or plain memory
      if (r < 0.5) { // an object of a type drawn first, so that every type gets invalidated now and then
        const type = pick(g, [...new Set(w.seen.map((x) => x.o.type))]);
        const x = pick(g, w.seen.filter((y) => y.o.type === type));
        return x === undefined ? undefined : x.va + Math.floor(rnd() * 4) * 4;
      }
      if (r < 0.82) return blockIn(w, rnd, "ref") + Math.floor(rnd() * 16);
      if (r < 0.94) { // at the edge of memory the caller has: the last bytes, or just past the end
        const rg = pick(g, w.ranges);
        return rg === undefined ? undefined : rg.hi + Math.floor(rnd() * 32) - 16;
      }
      return undefined;
    case "recv_words_max":
      if (r < 0.08) return Math.floor(rnd() * 2);
      if (r < 0.5) return 2 + Math.floor(rnd() * 2);
      if (r < 0.9) return 4 + Math.floor(rnd() * 5);
      return r < 0.95 ? 64 : undefined;
    case "start_va": // mostly where the caller has memory; now and then right at the top of the usable range
      if (r < 0.72) return pageIn(w, rnd);
      if (r < 0.8) return pageIn(w, rnd) + 4 * (1 + Math.floor(rnd() * 8)); // not page-aligned
      return r < 0.88 ? FLUKE_VM_MAX - Math.floor(rnd() * 9) * PAGE_SIZE : undefined;
    case "size": return r < 0.72 ? Math.floor(rnd() * 9) * PAGE_SIZE : r < 0.87 ? 1 + Math.floor(rnd() * 0x2000) : undefined;
    case "region_off": case "offset": return r < 0.85 ? Math.floor(rnd() * 5) * PAGE_SIZE : undefined;
    case "prot": case "max_prot": return r < 0.88 ? Math.floor(rnd() * 16) : r < 0.95 ? 16 + Math.floor(rnd() * 48) : undefined;
    case "thread_va": return r < 0.6 ? (pick(g, w.seen.filter((x) => x.o.type === "thread"))?.va ?? undefined) : undefined;
    case "obarray_size": return r < 0.8 ? Math.floor(rnd() * 6) : undefined;
    default: return undefined;
  }
};

/** A 32-bit value for field `key`, within [min, max]. */
const word = (g: Gen, key: string, min: number, max: number): number => {
  const clamp = (v: number): number => Math.min(max, Math.max(min, v));
  const smart = smartWord(g, key);
  if (smart !== undefined) return clamp(smart);
  const type = typeOfKey(key, g);
  const r = g.rnd();
  if (max < 0x1_0000) return clamp(r < 0.5 ? Math.floor(g.rnd() * 8) : min + Math.floor(g.rnd() * (max - min + 1)));
  if (key.startsWith("new_") && r < 0.7) return clamp(freeBlock(g, type));
  if (type !== null && r < 0.85) return clamp(objectAddr(g, type) ?? freeBlock(g, type));
  if (type === null && key !== "flags" && r >= 0.6) { // plain values (registers, sched_val, alias ...): varied, so that state round trips show
    return clamp(r < 0.85 ? Math.floor(g.rnd() * 16) : r < 0.95 ? Math.floor(g.rnd() * 0x1_0000) : Math.floor(g.rnd() * 0x1_0000_0000));
  }
  if (r < 0.9) return clamp(0);
  if (r < 0.93 || type === null) return clamp(Math.floor(g.rnd() * 16));
  if (r < 0.95) return clamp(FLUKE_VM_MIN + Math.floor(g.rnd() * 0x8000)); // often misaligned or empty
  return clamp(Math.floor(g.rnd() * 0x1_0000_0000));
};

type Def = { type: string } & Record<string, unknown>;
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const lengthBounds = (d: Def): [number, number] => {
  let lo = 0;
  let hi = 6;
  for (const c of (d["checks"] as { _zod: { def: { check: string; minimum?: number; maximum?: number } } }[] | undefined) ?? []) {
    if (c._zod.def.check === "min_length") lo = c._zod.def.minimum ?? lo;
    if (c._zod.def.check === "max_length") hi = Math.min(hi, c._zod.def.maximum ?? hi);
  }
  return [lo, Math.max(lo, hi)];
};

/** A value for schema `s` at field `key`. */
const value = (g: Gen, s: z.ZodType, key: string): unknown => {
  const d = defOf(s);
  switch (d.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d["shape"] as Record<string, z.ZodType>)) {
        const x = value(g, v, k);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    case "number": {
      const n = s as unknown as { minValue: number | null; maxValue: number | null };
      return word(g, key, Math.max(n.minValue ?? 0, -0x8000_0000), Math.min(n.maxValue ?? 0xffff_ffff, 0xffff_ffff));
    }
    case "boolean": return g.rnd() < 0.5;
    case "string": return pick(g, ["", "a", "fluke"]);
    case "literal": return pick(g, d["values"] as unknown[]);
    case "enum": return pick(g, Object.values(d["entries"] as Record<string, unknown>));
    case "optional": return g.rnd() < 0.3 ? undefined : value(g, d["innerType"] as z.ZodType, key);
    case "nullable": {
      const r = g.rnd();
      if (key === "pending_call" || key === "saved_pending_call") { // mostly none or a real call: a random name is INVALID_ADDRESS
        return r < 0.7 ? null : r < 0.85 ? { name: "fluke_thread_self", args: {} } : value(g, d["innerType"] as z.ZodType, key);
      }
      return r < 0.2 ? null : value(g, d["innerType"] as z.ZodType, key);
    }
    case "default": return value(g, d["innerType"] as z.ZodType, key);
    case "union": return value(g, pick(g, d["options"] as z.ZodType[])!, key);
    case "tuple": return (d["items"] as z.ZodType[]).map((x) => value(g, x, key));
    case "array": {
      const [lo, hi] = lengthBounds(d);
      const n = lo + Math.floor(g.rnd() * (hi - lo + 1));
      return Array.from({ length: n }, () => value(g, d["element"] as z.ZodType, key));
    }
    case "pipe": return value(g, d["in"] as z.ZodType, key);
    case "record": return {};
    default: return undefined; // unknown, any: leave out
  }
};

const CREATES = GEN_CALLS.filter((c) => /_create(_hash)?$/.test(c.name));
const BLOCKING = /_(lock|unlock|trylock|wait|signal|broadcast)$/;
const SYNC = GEN_CALLS.filter((c) => c.chapter === "mutex" || c.chapter === "cond" || c.chapter === "ref")
  .flatMap((c) => (BLOCKING.test(c.name) ? [c, c, c, c] : [c]));
const IPC = GEN_CALLS.filter((c) => c.chapter === "ipc");
const BY_NAME = new Map(GEN_CALLS.map((c) => [c.name, c]));
const MEM_WRITE = BY_NAME.get("harness_mem_write");
/** How many values `callIndex` ranges over for genCall (GEN_CALLS.length * 6). */
export const CALL_INDEX_RANGE = GEN_CALLS.length * 6;
/**
 * Rows by `callIndex` band: [0, 2n) any row, [2n, 2.5n) a create, [2.5n, 4.5n) a mutex, cond or ref
 * call, [4.5n, 6n) an IPC call: with a known caller, one that suits its part in IPC (model/gen-world.ts).
 * A caller that holds a mutex now and then unlocks it or waits on a condition with it; one in a reliable
 * connection or serving a call mostly goes on with it; one lent time by a donor tries to export it.
 */
const rowFor = (callIndex: number, g: Gen): CallDef => {
  const n = GEN_CALLS.length;
  if (callIndex >= 4.5 * n) {
    const roles = ipcRoleCalls(g.w);
    const r = g.rnd();
    const name = roles.length > 0 && r < 0.7 ? pick(g, roles) : g.w.caller !== null && r < 0.85 ? pick(g, IPC_START_CALLS) : undefined;
    const row = name === undefined ? undefined : BY_NAME.get(name);
    if (row !== undefined) return row;
    return IPC.length > 0 ? IPC[callIndex % IPC.length]! : GEN_CALLS[callIndex % n]!;
  }
  if (g.w.caller !== null && callIndex < 4.5 * n) {
    const r = g.rnd();
    if (g.w.holds.length > 0 && r < 0.12) return BY_NAME.get(r < 0.07 ? "fluke_cond_wait" : "fluke_mutex_unlock") ?? GEN_CALLS[callIndex % n]!;
    const roles = ipcRoleCalls(g.w);
    if (g.w.donor !== undefined && r > 0.75) return BY_NAME.get(r > 0.87 ? "fluke_thread_get_state" : "fluke_thread_set_state") ?? GEN_CALLS[callIndex % n]!;
    const busy = g.w.caller.client !== null || g.w.caller.server !== null || g.w.caller.ipc.serving !== null;
    if (roles.length > 0 && r < (busy ? 0.6 : 0.15)) return BY_NAME.get(pick(g, roles)!) ?? GEN_CALLS[callIndex % n]!;
    if (callIndex < 2 * n && MEM_WRITE !== undefined && r > 0.88) return MEM_WRITE;
  }
  const band = callIndex < 2 * n ? GEN_CALLS : callIndex < 2.5 * n ? CREATES : SYNC;
  const xs = band.length > 0 ? band : GEN_CALLS;
  return xs[callIndex % xs.length]!;
};

/**
 * The call for one random step: the row `callIndex` picks, with arguments drawn with `seed` against `s`,
 * as seen by the thread named `caller` (root-view address; omitted: the root task's view).
 */
export const genCall = (s: ModelState, callIndex: number, seed: number, caller?: number): AbstractCall => {
  const w = worldOf(s, caller);
  const g0: Gen = { rnd: prng(seed), s, chapterType: null, w };
  const row = rowFor(callIndex, g0);
  const chapterType = (OBJECT_TYPES as readonly string[]).includes(row.chapter) ? (row.chapter as ObjectType) : null;
  const g: Gen = { ...g0, chapterType };
  return { name: row.name, args: value(g, row.args, "") as Record<string, unknown> };
};

/**
 * The machine every random sequence starts from: booted, four extra threads in the root task
 * (model/test-threads.ts; the fourth, INSPECTOR, is kept out of the random calls for the round-trip
 * checks), and, made by the boot thread through ordinary calls, two mutexes, a condition variable and
 * three references (two of them bound), so that short sequences reach contention.
 */
export const startState = (): ModelState => {
  let s = withThreads(boot(), 4);
  const calls: AbstractCall[] = [
    { name: "fluke_mutex_create", args: { new_mutex: 0x3000 } },
    { name: "fluke_mutex_create", args: { new_mutex: 0x3010 } },
    { name: "fluke_cond_create", args: { new_cond: 0x3020 } },
    { name: "fluke_ref_create", args: { new_ref: 0x3030 } },
    { name: "fluke_ref_create", args: { new_ref: 0x3040 } },
    { name: "fluke_ref_create", args: { new_ref: 0x3050 } },
    { name: "fluke_mutex_reference", args: { mutex: 0x3000, new_mutex_ref: 0x3030 } },
    { name: "fluke_cond_reference", args: { cond: 0x3020, new_cond_ref: 0x3040 } },
  ];
  for (const c of calls) s = step(s, BOOT_THREAD_VA, c).state;
  return s;
};

/**
 * Revive threads blocked for good by an exception (no handler, no keeper), as if their keeper had told
 * them to skip the call, so random sequences keep exploring (the property tests and the benchmark).
 */
export const revive = (s: ModelState): ModelState => {
  let objects: Map<number, ModelState["objects"] extends Map<number, infer O> ? O : never> | null = null;
  for (const t of s.objects.values()) {
    if (t.type !== "thread" || t.wait?.kind !== "exception") continue;
    objects ??= new Map(s.objects);
    objects.set(t.oid, { ...t, wait: null, pending: null });
  }
  return objects === null ? s : { ...s, objects };
};
