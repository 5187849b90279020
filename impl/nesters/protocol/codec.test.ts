// The message codec: every field kind round-trips (fast-check, seed printed, FLUKE_SEED replays),
// including empty and maximal strings and byte arrays, all 256 byte values and u64 up to 2^53-1;
// decoding a truncated or random word array gives null or a valid message and never throws;
// encoding an invalid value (or a message too long for one IPC message) throws a ZodError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { IPC_MAX_SEND_WORDS } from "../../../spec/kernel-api/ipc.js";
import { fuzzSeed } from "../procmgr/seed.js";
import { MAX_FIELD_BYTES, MAX_MESSAGE_WORDS, defineMessage, type FieldKind, type Fields } from "./codec.js";
import { FileDescription, FileSystem, Memory, Parent, Process } from "./protocols.js";

const KINDS: readonly FieldKind[] = ["u32", "i32", "u64", "str", "bytes", "u32s"];
const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_LATIN1 = String.fromCharCode(...ALL_BYTES);

/** Values of each kind: random ones plus the edges. `long` bounds the random str/bytes/u32s lengths. */
const valueOf = (kind: FieldKind, long = 64): fc.Arbitrary<unknown> => {
  switch (kind) {
    case "u32": return fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff));
    case "i32": return fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, -1, -0x80000000, 0x7fffffff));
    case "u64": return fc.oneof(fc.maxSafeNat(), fc.constantFrom(0, 0xffffffff, 2 ** 32, 2 ** 32 + 1, 2 ** 52, Number.MAX_SAFE_INTEGER));
    case "str": return fc.oneof(fc.string({ unit: latin1Char, maxLength: long }), fc.constantFrom("", ALL_LATIN1, "\0", "\xff\xfe\xfd"));
    case "bytes": return fc.oneof(fc.uint8Array({ maxLength: long }), fc.constant(new Uint8Array(0)), fc.constant(ALL_BYTES));
    case "u32s": return fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: long });
  }
};

/** A random message layout with a value for it. */
const layoutAndMessage = fc
  .array(fc.constantFrom(...KINDS), { maxLength: 8 })
  .chain((kinds) => {
    const fields = kinds.map((k, i) => [`f${i}`, k] as const) as Fields;
    const rec: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, kind] of fields) rec[name] = valueOf(kind);
    return fc.record(rec).map((msg) => ({ fields, msg }));
  });

/** Compare a decoded message with the original (Uint8Array contents, not identity). */
const norm = (m: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? { bytes: Array.from(v) } : v]));

describe("codec round trips", () => {
  it("decode(encode(m)) is m for random layouts of every kind, also after a prefix", () => {
    const seed = fuzzSeed("codec round trip");
    fc.assert(
      fc.property(layoutAndMessage, fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 5 }), ({ fields, msg }, prefix) => {
        const c = defineMessage(fields);
        const words = c.encode(msg as never);
        expect(words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
        expect(norm(c.decode(words) as Record<string, unknown>)).toEqual(norm(msg));
        expect(norm(c.decode([...prefix, ...words], prefix.length) as Record<string, unknown>)).toEqual(norm(msg));
        // what decodes also passes the schema (the receiver's validation)
        expect(() => c.schema.parse(c.decode(words))).not.toThrow();
      }),
      { seed, numRuns: 500 },
    );
  });

  it("every strict prefix of an encoding decodes to null", () => {
    const seed = fuzzSeed("codec truncation");
    fc.assert(
      fc.property(layoutAndMessage.filter(({ fields }) => fields.length > 0), ({ fields, msg }) => {
        const c = defineMessage(fields);
        const words = c.encode(msg as never);
        for (let n = 0; n < words.length; n++) expect(c.decode(words.slice(0, n))).toBeNull();
      }),
      { seed, numRuns: 300 },
    );
  });

  it("each single kind round-trips over its whole range", () => {
    const seed = fuzzSeed("codec kinds");
    for (const kind of KINDS) {
      const c = defineMessage([["v", kind]] as const);
      fc.assert(
        fc.property(valueOf(kind, 300), (v) => {
          const got = c.decode(c.encode({ v } as never));
          expect(got).not.toBeNull();
          expect(norm(got as Record<string, unknown>)).toEqual(norm({ v }));
        }),
        { seed, numRuns: 200 },
      );
    }
  });

  it("keeps the edges: empty and maximal strings and bytes, all 256 byte values, u64 2^53-1, i32 signs", () => {
    const m = defineMessage([["s", "str"], ["b", "bytes"], ["w", "u32s"], ["big", "u64"], ["neg", "i32"]] as const);
    const empty = m.encode({ s: "", b: new Uint8Array(0), w: [], big: 0, neg: -1 });
    expect(empty).toEqual([0, 0, 0, 0, 0, 0xffffffff]);
    expect(m.decode(empty)).toEqual({ s: "", b: new Uint8Array(0), w: [], big: 0, neg: -1 });

    const all = m.encode({ s: ALL_LATIN1, b: ALL_BYTES, w: [0xffffffff], big: Number.MAX_SAFE_INTEGER, neg: -0x80000000 });
    // little-endian packing: bytes 0,1,2,3 are the word 0x03020100
    expect(all.slice(0, 3)).toEqual([256, 0x03020100, 0x07060504]);
    expect(all.slice(-3)).toEqual([0xffffffff, 0x1fffff, 0x80000000]);
    const back = m.decode(all)!;
    expect(back.s).toBe(ALL_LATIN1);
    expect(Array.from(back.b)).toEqual(Array.from(ALL_BYTES));
    expect(back.big).toBe(2 ** 53 - 1);
    expect(back.neg).toBe(-0x80000000);

    for (const kind of ["str", "bytes"] as const) {
      const c = defineMessage([["v", kind]] as const);
      const v = kind === "str" ? "\xff".repeat(MAX_FIELD_BYTES) : new Uint8Array(MAX_FIELD_BYTES).fill(0xa5);
      const w = c.encode({ v } as never);
      expect(w.length).toBe(1 + MAX_FIELD_BYTES / 4);
      expect(w.length + 1).toBeLessThanOrEqual(IPC_MAX_SEND_WORDS);
      expect(norm(c.decode(w) as Record<string, unknown>)).toEqual(norm({ v }));
      // odd lengths pad the last word with zeros
      const odd = c.encode({ v: kind === "str" ? "abcde" : Uint8Array.from([1, 2, 3, 4, 5]) } as never);
      expect(odd).toEqual(kind === "str" ? [5, 0x64636261, 0x65] : [5, 0x04030201, 5]);
    }
    const u32s = defineMessage([["v", "u32s"]] as const);
    const maxWords = new Array<number>(MAX_FIELD_BYTES / 4).fill(0xffffffff);
    expect(u32s.decode(u32s.encode({ v: maxWords }))!.v).toEqual(maxWords);
  });

  it("the methods of the common protocols have distinct ids and codecs that round-trip an example", () => {
    const ids = new Set<number>();
    for (const p of [Parent, Memory, FileSystem, FileDescription, Process]) {
      for (const m of Object.values(p.methods)) {
        expect(ids.has(m.id)).toBe(false);
        ids.add(m.id);
        expect(m.id >>> 8).toBe(p.id);
      }
    }
    const req = { cwd: "/home", path: "caf\xe9", flags: 0o101, mode: 0o644, umask: 0o22 };
    expect(FileSystem.methods.open.req.decode(FileSystem.methods.open.req.encode(req))).toEqual(req);
    const seek = { offset: 2 ** 53 - 5, whence: 1 };
    expect(FileDescription.methods.seek.req.decode(FileDescription.methods.seek.req.encode(seek))).toEqual(seek);
  });
});

describe("codec decoding of hostile words", () => {
  it("random word arrays decode to null or to a message that passes the schema, never a throw", () => {
    const seed = fuzzSeed("codec garbage");
    const word = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(0xffffffff, MAX_FIELD_BYTES, MAX_FIELD_BYTES + 1, 0x1fffff, 0x200000));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KINDS), { maxLength: 6 }), fc.array(word, { maxLength: 60 }), fc.nat(70), (kinds, words, at) => {
        const c = defineMessage(kinds.map((k, i) => [`f${i}`, k] as const) as Fields);
        let got: unknown;
        expect(() => { got = c.decode(words, at); }).not.toThrow();
        if (got !== null) expect(() => c.schema.parse(got)).not.toThrow();
      }),
      { seed, numRuns: 2000 },
    );
  });

  it("refuses lengths past the end or over the limit and u64 above 2^53", () => {
    const str = defineMessage([["s", "str"]] as const);
    expect(str.decode([])).toBeNull();
    expect(str.decode([5, 0x64636261])).toBeNull();
    expect(str.decode([MAX_FIELD_BYTES + 1, ...new Array<number>(MAX_FIELD_BYTES / 4 + 1).fill(0)])).toBeNull();
    expect(str.decode([0xffffffff])).toBeNull();
    const bytes = defineMessage([["b", "bytes"]] as const);
    expect(bytes.decode([4])).toBeNull();
    const u32s = defineMessage([["w", "u32s"]] as const);
    expect(u32s.decode([3, 1, 2])).toBeNull();
    expect(u32s.decode([MAX_FIELD_BYTES / 4 + 1, ...new Array<number>(MAX_FIELD_BYTES / 4 + 1).fill(7)])).toBeNull();
    const u64 = defineMessage([["v", "u64"]] as const);
    expect(u64.decode([0])).toBeNull();
    expect(u64.decode([0xffffffff, 0x1fffff])).toEqual({ v: Number.MAX_SAFE_INTEGER });
    expect(u64.decode([0, 0x200000])).toBeNull();
    expect(u64.decode([0, 0xffffffff])).toBeNull();
    const u32 = defineMessage([["a", "u32"], ["b", "i32"]] as const);
    expect(u32.decode([1])).toBeNull();
    expect(u32.decode([1, 2], 1)).toBeNull();
    expect(u32.decode([1, 2], 5)).toBeNull();
    // words outside 0..2^32-1 (not from the kernel, but decode still never throws) are taken modulo 2^32
    expect(u32.decode([-1, 2 ** 32 + 3])).toEqual({ a: 0xffffffff, b: 3 });
  });
});

describe("codec encoding of invalid values (a sender's bug)", () => {
  const all = defineMessage([["a", "u32"], ["b", "i32"], ["c", "u64"], ["d", "str"], ["e", "bytes"], ["f", "u32s"]] as const);
  const good = { a: 1, b: -1, c: 2, d: "x", e: new Uint8Array(1), f: [1] };
  const bad: [string, Record<string, unknown>][] = [
    ["u32 negative", { a: -1 }], ["u32 2^32", { a: 2 ** 32 }], ["u32 fraction", { a: 1.5 }], ["u32 NaN", { a: Number.NaN }], ["u32 string", { a: "1" }],
    ["i32 2^31", { b: 2 ** 31 }], ["i32 below", { b: -(2 ** 31) - 1 }],
    ["u64 negative", { c: -1 }], ["u64 2^53", { c: 2 ** 53 }], ["u64 fraction", { c: 0.5 }], ["u64 bigint", { c: 5n }],
    ["str above latin1", { d: "\u20ac" }], ["str too long", { d: "a".repeat(MAX_FIELD_BYTES + 1) }], ["str not a string", { d: 5 }],
    ["bytes too long", { e: new Uint8Array(MAX_FIELD_BYTES + 1) }], ["bytes an array", { e: [1, 2] }],
    ["u32s element", { f: [1, -1] }], ["u32s too long", { f: new Array<number>(MAX_FIELD_BYTES / 4 + 1).fill(0) }],
    ["missing field", { a: undefined }], ["extra field", { g: 1 }],
  ];
  for (const [what, change] of bad) {
    it(`throws a ZodError: ${what}`, () => {
      const msg: Record<string, unknown> = { ...good, ...change };
      if ("a" in change && change["a"] === undefined) delete msg["a"];
      expect(() => all.encode(msg as never)).toThrow(ZodError);
    });
  }

  it("throws a ZodError for a message longer than one IPC message, accepts one that just fits", () => {
    const two = defineMessage([["x", "str"], ["y", "str"]] as const);
    expect(() => two.encode({ x: "a".repeat(MAX_FIELD_BYTES), y: "b".repeat(MAX_FIELD_BYTES) })).toThrow(ZodError);
    // 1 + 3840 + 1 + n/4 words: the largest y that fits
    const rest = (MAX_MESSAGE_WORDS - 2 - MAX_FIELD_BYTES / 4) * 4;
    const ok = two.encode({ x: "a".repeat(MAX_FIELD_BYTES), y: "b".repeat(rest) });
    expect(ok.length).toBe(MAX_MESSAGE_WORDS);
    expect(() => two.encode({ x: "a".repeat(MAX_FIELD_BYTES), y: "b".repeat(rest + 1) })).toThrow(ZodError);
    expect(MAX_MESSAGE_WORDS).toBe(IPC_MAX_SEND_WORDS - 1);
  });
});
