// Chapter "pset" of the model: every call of spec/kernel-api/pset.ts, its statements in pset.md, and each
// return and insanity code its row lists.
import { describe, expect, it } from "vitest";
import { PSET_CALLS } from "../spec/kernel-api/pset.js";
import { EMPTY, P, PORT, PSET, REF, World, out, rc } from "./ipc-testkit.js";
import { invalidate } from "./test-threads.js";

/** The codes every call on an existing port set raises, checked on `call` with the set's address in `field`. */
const onPset = (name: string, extra: Record<string, unknown> = {}, field = "pset"): void => {
  const w = new World(0);
  w.pset(0);
  w.port(0);
  expect(w.probe(name, { ...extra, [field]: EMPTY })).toBe("INS:NO_OBJECT");
  expect(w.probe(name, { ...extra, [field]: PSET(0) + 4 })).toBe("INS:NOT_ALIGNED");
  expect(w.probe(name, { ...extra, [field]: PORT(0) })).toBe("INS:NOT_PSET");
  invalidate(w.d, PSET(0));
  expect(w.probe(name, { ...extra, [field]: PSET(0) })).toBe("INS:INVALID_OBJECT");
};

describe("fluke_pset_create", () => {
  it("creates an empty port set", () => {
    const w = new World(0);
    expect(rc(w.d.call("fluke_pset_create", { new_pset: PSET(0) }))).toBe("SUCCESS");
    expect(w.obj(PSET(0))?.type).toBe("pset");
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED, returns NO_MEMORY", () => {
    const w = new World(0);
    w.pset(0);
    expect(w.probe("fluke_pset_create", { new_pset: PSET(0) })).toBe("INS:OBJECT_EXISTS");
    expect(w.probe("fluke_pset_create", { new_pset: PSET(1) + 8 })).toBe("INS:NOT_ALIGNED");
    expect(rc(new World(0, { objectLimit: 2 }).d.call("fluke_pset_create", { new_pset: PSET(0) }))).toBe("NO_MEMORY");
  });
});

describe("fluke_pset_create_hash", () => {
  it("uses the caller's hash, or chooses a non-zero one for 0", () => {
    const w = new World(0);
    expect(w.ok("fluke_pset_create_hash", { new_pset: PSET(0), hash: 31 }).hash).toBe(31);
    expect(w.ok("fluke_pset_get_state", { pset: PSET(0) }).state).toEqual({ hash: 31 });
    expect(w.ok("fluke_pset_create_hash", { new_pset: PSET(1), hash: 0 }).hash).not.toBe(0);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED, returns NO_MEMORY", () => {
    const w = new World(0);
    w.pset(0);
    expect(w.probe("fluke_pset_create_hash", { new_pset: PSET(0), hash: 1 })).toBe("INS:OBJECT_EXISTS");
    expect(w.probe("fluke_pset_create_hash", { new_pset: PSET(1) + 8, hash: 1 })).toBe("INS:NOT_ALIGNED");
    expect(rc(new World(0, { objectLimit: 2 }).d.call("fluke_pset_create_hash", { new_pset: PSET(0), hash: 1 }))).toBe("NO_MEMORY");
  });
});

describe("fluke_pset_destroy", () => {
  it("leaves its ports in no set; clients then queue until the port joins another set", () => {
    const w = new World();
    const [s, c] = w.t;
    const ps = w.pset(0);
    const dest = w.port(0, ps);
    expect(rc(w.d.call("fluke_pset_destroy", { pset: ps }))).toBe("SUCCESS");
    w.nullRef(1);
    w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(1) });
    expect(w.targetOf(REF(1))).toBe(0);
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [3, 4] }) }))).toBe("blocked");
    const ps2 = w.pset(1);
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps2, ipc_params: P({ recv_words_max: 2 }) });
    w.attach(0, ps2);
    expect(out(w.done(s!))).toMatchObject({ words: [3, 4] });
  });
  it("raises NO_OBJECT, NOT_ALIGNED and NOT_PSET, and destroys an invalid port set (decision 3)", () => {
    const w = new World(0);
    w.pset(0);
    w.port(0);
    expect(w.probe("fluke_pset_destroy", { pset: EMPTY })).toBe("INS:NO_OBJECT");
    expect(w.probe("fluke_pset_destroy", { pset: PSET(0) + 4 })).toBe("INS:NOT_ALIGNED");
    expect(w.probe("fluke_pset_destroy", { pset: PORT(0) })).toBe("INS:NOT_PSET");
    invalidate(w.d, PSET(0));
    expect(rc(w.d.call("fluke_pset_destroy", { pset: PSET(0) }))).toBe("SUCCESS");
    expect(w.obj(PSET(0))).toBeUndefined();
  });
});

describe("fluke_pset_get_state", () => {
  it("exports the hash", () => {
    const w = new World(0);
    w.ok("fluke_pset_create_hash", { new_pset: PSET(0), hash: 8 });
    expect(rc(w.d.call("fluke_pset_get_state", { pset: PSET(0) }))).toBe("SUCCESS");
    expect(w.ok("fluke_pset_get_state", { pset: PSET(0) }).state).toEqual({ hash: 8 });
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_PSET and INVALID_OBJECT", () => onPset("fluke_pset_get_state"));
});

describe("fluke_pset_set_state", () => {
  it("never changes the hash", () => {
    const w = new World(0);
    w.ok("fluke_pset_create_hash", { new_pset: PSET(0), hash: 8 });
    expect(rc(w.d.call("fluke_pset_set_state", { pset: PSET(0), state: { hash: 99 } }))).toBe("SUCCESS");
    expect(w.ok("fluke_pset_get_state", { pset: PSET(0) }).state).toEqual({ hash: 8 });
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_PSET and INVALID_OBJECT", () => onPset("fluke_pset_set_state", { state: null }));
});

describe("fluke_pset_move", () => {
  it("moves the set; its ports and waiting servers stay with it", () => {
    const w = new World();
    const [s, c] = w.t;
    const ps = w.pset(0);
    const dest = w.port(0, ps);
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) });
    expect(rc(w.d.call("fluke_pset_move", { old_addr: PSET(0), new_addr: PSET(1) }))).toBe("SUCCESS");
    expect(w.obj(PSET(0))).toBeUndefined();
    w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [6, 7] }) });
    expect(out(w.done(s!))).toMatchObject({ words: [6, 7] });
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_PSET, INVALID_OBJECT and OBJECT_EXISTS", () => {
    onPset("fluke_pset_move", { new_addr: PSET(2) }, "old_addr");
    const w = new World(0);
    w.pset(0);
    w.pset(1);
    expect(w.probe("fluke_pset_move", { old_addr: PSET(0), new_addr: PSET(1) })).toBe("INS:OBJECT_EXISTS");
  });
});

describe("fluke_pset_reference", () => {
  it("binds a reference to the set", () => {
    const w = new World(0);
    w.pset(0);
    w.nullRef(1);
    expect(rc(w.d.call("fluke_pset_reference", { pset: PSET(0), new_pset_ref: REF(1) }))).toBe("SUCCESS");
    expect(w.targetOf(REF(1))).toBe(PSET(0));
  });
  it("raises the set codes and NOT_REF", () => {
    onPset("fluke_pset_reference", { new_pset_ref: REF(1) });
    const w = new World(0);
    w.pset(0);
    expect(w.probe("fluke_pset_reference", { pset: PSET(0), new_pset_ref: PSET(0) })).toBe("INS:NOT_REF");
  });
});

describe("pset registry rows", () => {
  it("has one row per call, traps 70-79", () => {
    expect(PSET_CALLS).toHaveLength(7);
    for (const c of PSET_CALLS) expect(c.trap >= 70 && c.trap <= 79).toBe(true);
  });
});
