// Test support for the conform runner's tests: the seed (printed; FLUKE_SEED overrides), and adapters
// made by wrapping another one, to break it on purpose in-process (flip a return code, rename hashes).
// Above: conformance/conform*.test.ts. Below: adapters/adapter.ts.
import type { Outcome } from "../spec/kernel-api/common.js";
import type { Adapter, ResetInfo } from "./adapters/adapter.js";
import type { CallResult, HashMode } from "./protocol.js";

export const seedOf = (label: string, fallback: number): number => {
  const seed = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : fallback;
  console.log(`${label}: seed ${seed} (replay with FLUKE_SEED=${seed})`);
  return seed;
};

export interface Twist {
  readonly hashes?: HashMode;
  readonly call?: (name: string, args: Record<string, unknown>, r: CallResult) => CallResult;
}

/** `inner` with its answers changed by `twist`. */
export const twisted = (inner: Adapter, label: string, twist: Twist): Adapter => ({
  label,
  reset: async (pages: number): Promise<ResetInfo> => {
    await inner.reset(pages);
    return { hashes: twist.hashes ?? "model" };
  },
  call: async (thread, name, args) => {
    const r = await inner.call(thread, name, args);
    return twist.call === undefined ? r : twist.call(name, args, r);
  },
  close: () => inner.close(),
});

/** Reports MUTEX_HELD for the first fluke_mutex_trylock that succeeds after each reset. */
export const flipTrylock = (inner: Adapter): Adapter => {
  let armed = true;
  const t = twisted(inner, "flip-trylock", {
    call: (name, _args, r) => {
      if (!armed || name !== "fluke_mutex_trylock" || r.outcome.kind !== "return" || r.outcome.rc !== "SUCCESS") return r;
      armed = false;
      return { ...r, outcome: { ...r.outcome, rc: "MUTEX_HELD" } };
    },
  });
  return { ...t, reset: (pages) => { armed = true; return t.reset(pages); } };
};

/** Every `hash` field anywhere in `x`, rewritten by `f`. */
const mapHashes = (x: unknown, f: (h: number) => number, key = ""): unknown => {
  if (key === "hash" && typeof x === "number") return f(x);
  if (Array.isArray(x)) return x.map((v) => mapHashes(v, f));
  if (typeof x === "object" && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapHashes(v, f, k)]));
  return x;
};

/**
 * An adapter whose implementation chooses other hashes than the model: every large hash it did not get
 * from a caller is renamed by `rename` (consistently or not), boot objects' small hashes kept.
 */
export const renameHashes = (inner: Adapter, hashes: HashMode, rename: (h: number) => number): Adapter => {
  const given = new Set<number>();
  const f = (h: number): number => (h < 0x1_0000 || given.has(h) ? h : rename(h));
  const t = twisted(inner, "rename-hashes", {
    hashes,
    call: (_name, args, r) => {
      if (typeof args["hash"] === "number") given.add(args["hash"]);
      return { outcome: mapHashes(r.outcome, f) as Outcome, completions: mapHashes(r.completions, f) as CallResult["completions"] };
    },
  });
  return { ...t, reset: (pages) => { given.clear(); return t.reset(pages); } };
};
