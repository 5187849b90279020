// Random calls for the model's property tests and benchmark, generated FROM THE REGISTRY's argument
// schemas: the zod schema of each row is walked and every leaf gets a value from a small deterministic
// PRNG, biased towards what makes calls do something (addresses of existing objects, free aligned blocks
// for creates, small flag values) but with deliberately wrong values too (misaligned, unmapped, random
// words). The same (state, step seed) always gives the same call. Used by model/properties.test.ts and
// model/bench.ts; not by the model. Below: spec/kernel-api/registry.ts, model/state.ts.
import type { z } from "zod";
import { FLUKE_VM_MIN, OBJECT_SIZE, OBJECT_TYPES, type ObjectType } from "../spec/kernel-api/common.js";
import { ALL_CALLS } from "../spec/kernel-api/registry.js";
import type { CallDef } from "../spec/kernel-api/common.js";
import { BOOT_THREAD_VA, boot } from "./boot.js";
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

/** Free blocks for creates are drawn from this root-task window (above the boot objects and test threads). */
const PLAY_MIN = 0x3000;
const PLAY_MAX = 0x7000;

interface Gen { readonly rnd: () => number; readonly s: ModelState; readonly chapterType: ObjectType | null }

const pick = <T>(g: Gen, xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(g.rnd() * xs.length)]);

/** The object type a field name suggests (`mutex`, `new_mutex_ref`, `owner_ref` ...), if any. */
const typeOfKey = (key: string, g: Gen): ObjectType | null => {
  if (key.endsWith("ref") || key.endsWith("refs")) return "ref";
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

/** A 32-bit value for field `key`, within [min, max]. */
const word = (g: Gen, key: string, min: number, max: number): number => {
  const clamp = (v: number): number => Math.min(max, Math.max(min, v));
  const type = typeOfKey(key, g);
  const r = g.rnd();
  if (max < 0x1_0000) return clamp(r < 0.5 ? Math.floor(g.rnd() * 8) : min + Math.floor(g.rnd() * (max - min + 1)));
  if (key.startsWith("new_") && r < 0.7) return clamp(freeBlock(g, type));
  if (type !== null && r < 0.85) return clamp(objectAddr(g, type) ?? freeBlock(g, type));
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
    case "nullable": return g.rnd() < 0.2 ? null : value(g, d["innerType"] as z.ZodType, key);
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
/** How many values `callIndex` ranges over for genCall (GEN_CALLS.length * 6). */
export const CALL_INDEX_RANGE = GEN_CALLS.length * 6;
/** Rows by `callIndex` band: [0, 2n) any row, [2n, 3n) a create, [3n, 6n) a mutex, cond or ref call. */
const rowFor = (callIndex: number): CallDef => {
  const n = GEN_CALLS.length;
  const band = callIndex < 2 * n ? GEN_CALLS : callIndex < 3 * n ? CREATES : SYNC;
  const xs = band.length > 0 ? band : GEN_CALLS;
  return xs[callIndex % xs.length]!;
};

/** The call for one random step: the row `callIndex` picks, with arguments drawn with `seed` against `s`. */
export const genCall = (s: ModelState, callIndex: number, seed: number): AbstractCall => {
  const row = rowFor(callIndex);
  const chapterType = (OBJECT_TYPES as readonly string[]).includes(row.chapter) ? (row.chapter as ObjectType) : null;
  const g: Gen = { rnd: prng(seed), s, chapterType };
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
