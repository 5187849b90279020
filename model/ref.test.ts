// Tests of chapter "ref" of the model (spec/kernel-api/ref.md): one describe per call, each asserting
// the spec's statements and every code its registry row lists, and the rules of ref.md that every
// chapter relies on (a dangling reference reads as null; binding replaces the old target).
import { describe, expect, it } from "vitest";
import { Driver } from "./testkit.js";
import { invalidate, probe } from "./test-threads.js";

const R = 0x3100;
const R2 = 0x3110;
const R3 = 0x3120;
const M = 0x3000;
const ins = (code: string) => ({ kind: "insanity", code });

const setup = (): Driver => {
  const d = new Driver();
  d.ok("fluke_ref_create", { new_ref: R });
  d.ok("fluke_ref_create", { new_ref: R2 });
  d.ok("fluke_mutex_create_hash", { new_mutex: M, hash: 555 });
  return d;
};
/** The three object-argument codes every call on an existing reference lists. */
const objectCodes = (name: string, args: (ref: number) => Record<string, unknown>): void => {
  it("raises NO_OBJECT, NOT_REF and INVALID_OBJECT", () => {
    const d = setup();
    expect(probe(d, name, args(R3))).toEqual(ins("NO_OBJECT"));
    expect(probe(d, name, args(M))).toEqual(ins("NOT_REF"));
    invalidate(d, R);
    expect(probe(d, name, args(R))).toEqual(ins("INVALID_OBJECT"));
  });
};

describe("fluke_ref_create", () => {
  it("returns NO_MEMORY when the kernel is full, creating nothing", () => {
    const d = new Driver({ objectLimit: 2 });
    expect(d.call("fluke_ref_create", { new_ref: R })).toEqual({ kind: "return", rc: "NO_MEMORY", out: {} });
    expect(probe(d, "fluke_ref_check", { ref: R })).toEqual(ins("NO_OBJECT"));
  });
  it("creates a null reference", () => {
    const d = setup();
    expect(d.ok("fluke_ref_type", { ref: R })).toEqual({ type: "null" });
    expect(d.ok("fluke_ref_check", { ref: R })).toEqual({ is_null: true });
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED; faults on unreachable memory", () => {
    const d = setup();
    expect(probe(d, "fluke_ref_create", { new_ref: R })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_ref_create", { new_ref: R3 + 4 })).toEqual(ins("NOT_ALIGNED"));
    expect(probe(d, "fluke_ref_create", { new_ref: 0x0200_0000 })).toMatchObject({ kind: "fault", access: "write" });
  });
});

describe("fluke_ref_destroy", () => {
  it("destroys the reference and leaves its target alone", () => {
    const d = setup();
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    d.ok("fluke_ref_destroy", { ref: R });
    expect(probe(d, "fluke_ref_type", { ref: R })).toEqual(ins("NO_OBJECT"));
    expect(d.ok("fluke_mutex_get_state", { mutex: M, owner_ref: 0 }).state).toMatchObject({ hash: 555 });
  });
  it("raises NO_OBJECT and NOT_REF, and still destroys an invalid reference (decision 3)", () => {
    const d = setup();
    expect(probe(d, "fluke_ref_destroy", { ref: R3 })).toEqual(ins("NO_OBJECT"));
    expect(probe(d, "fluke_ref_destroy", { ref: M })).toEqual(ins("NOT_REF"));
    invalidate(d, R);
    expect(d.call("fluke_ref_destroy", { ref: R })).toMatchObject({ kind: "return", rc: "SUCCESS" });
    expect(probe(d, "fluke_ref_destroy", { ref: R })).toEqual(ins("NO_OBJECT"));
  });
});

describe("fluke_ref_copy", () => {
  it("makes dst point where src points, dropping dst's old target", () => {
    const d = setup();
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    d.ok("fluke_ref_copy", { src_ref: R, dst_ref: R2 });
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R2 }).equal).toBe(true);
    d.ok("fluke_ref_create", { new_ref: R3 });
    d.ok("fluke_ref_copy", { src_ref: R3, dst_ref: R2 });
    expect(d.ok("fluke_ref_check", { ref: R2 }).is_null).toBe(true);
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("mutex");
  });
  objectCodes("fluke_ref_copy", (ref) => ({ src_ref: ref, dst_ref: R2 }));
  it("checks the destination too", () => {
    const d = setup();
    expect(probe(d, "fluke_ref_copy", { src_ref: R, dst_ref: M })).toEqual(ins("NOT_REF"));
  });
});

describe("fluke_ref_compare", () => {
  it("is true for the same target and for two null references, false otherwise", () => {
    const d = setup();
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R2 }).equal).toBe(true);
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R2 }).equal).toBe(false);
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R }).equal).toBe(true);
  });
  objectCodes("fluke_ref_compare", (ref) => ({ ref1: R2, ref2: ref }));
});

describe("fluke_ref_hash", () => {
  it("returns the target's hash, 0 for a null reference", () => {
    const d = setup();
    expect(d.ok("fluke_ref_hash", { ref: R }).hash).toBe(0);
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    expect(d.ok("fluke_ref_hash", { ref: R }).hash).toBe(555);
  });
  objectCodes("fluke_ref_hash", (ref) => ({ ref }));
});

describe("fluke_ref_type", () => {
  it("returns the target's type, and FLUKE_NULL once the target is destroyed (decision 6)", () => {
    const d = setup();
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("mutex");
    d.ok("fluke_mutex_destroy", { mutex: M });
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("null");
    expect(d.ok("fluke_ref_hash", { ref: R }).hash).toBe(0);
    expect(d.ok("fluke_ref_compare", { ref1: R, ref2: R2 }).equal).toBe(true);
    d.ok("fluke_mutex_create_hash", { new_mutex: M, hash: 555 });
    expect(d.ok("fluke_ref_type", { ref: R }).type).toBe("null");
  });
  objectCodes("fluke_ref_type", (ref) => ({ ref }));
});

describe("fluke_ref_move", () => {
  it("moves the reference; it keeps its target", () => {
    const d = setup();
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    d.ok("fluke_ref_move", { old_addr: R, new_addr: R3 });
    expect(d.ok("fluke_ref_hash", { ref: R3 }).hash).toBe(555);
    expect(probe(d, "fluke_ref_hash", { ref: R })).toEqual(ins("NO_OBJECT"));
  });
  objectCodes("fluke_ref_move", (ref) => ({ old_addr: ref, new_addr: R3 }));
  it("raises OBJECT_EXISTS and NOT_ALIGNED for the destination", () => {
    const d = setup();
    expect(probe(d, "fluke_ref_move", { old_addr: R, new_addr: R2 })).toEqual(ins("OBJECT_EXISTS"));
    expect(probe(d, "fluke_ref_move", { old_addr: R, new_addr: R3 + 8 })).toEqual(ins("NOT_ALIGNED"));
  });
});

describe("fluke_ref_check", () => {
  it("tells whether the reference points to an object", () => {
    const d = setup();
    expect(d.ok("fluke_ref_check", { ref: R }).is_null).toBe(true);
    d.ok("fluke_mutex_reference", { mutex: M, new_mutex_ref: R });
    expect(d.ok("fluke_ref_check", { ref: R }).is_null).toBe(false);
  });
  objectCodes("fluke_ref_check", (ref) => ({ ref }));
});
