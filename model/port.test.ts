// Chapter "port" of the model: every call of spec/kernel-api/port.ts, its statements in port.md, and each
// return and insanity code its row lists.
import { describe, expect, it } from "vitest";
import { PORT_CALLS } from "../spec/kernel-api/port.js";
import { EMPTY, P, PORT, PSET, REF, World, out, rc } from "./ipc-testkit.js";
import { invalidate } from "./test-threads.js";

const ins = (w: World, name: string, args: Record<string, unknown>): string => w.probe(name, args);

describe("fluke_port_create", () => {
  it("creates a port with alias 0 in no port set", () => {
    const w = new World(0);
    expect(rc(w.d.call("fluke_port_create", { new_port: PORT(0) }))).toBe("SUCCESS");
    w.nullRef(1);
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(1) }).state).toMatchObject({ alias: 0 });
    expect(w.targetOf(REF(1))).toBe(0);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED", () => {
    const w = new World(0);
    w.port(0);
    expect(ins(w, "fluke_port_create", { new_port: PORT(0) })).toBe("INS:OBJECT_EXISTS");
    expect(ins(w, "fluke_port_create", { new_port: PORT(1) + 8 })).toBe("INS:NOT_ALIGNED");
  });
  it("returns NO_MEMORY when the kernel is full", () => {
    const w = new World(0, { objectLimit: 2 });
    expect(rc(w.d.call("fluke_port_create", { new_port: PORT(0) }))).toBe("NO_MEMORY");
    expect(w.obj(PORT(0))).toBeUndefined();
  });
});

describe("fluke_port_create_hash", () => {
  it("uses the caller's hash, or chooses a non-zero one for 0", () => {
    const w = new World(0);
    expect(w.ok("fluke_port_create_hash", { new_port: PORT(0), hash: 77 }).hash).toBe(77);
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: 0 }).state).toEqual({ hash: 77, alias: 0 });
    expect(w.ok("fluke_port_create_hash", { new_port: PORT(1), hash: 0 }).hash).not.toBe(0);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED, returns NO_MEMORY", () => {
    const w = new World(0);
    w.port(0);
    expect(ins(w, "fluke_port_create_hash", { new_port: PORT(0), hash: 1 })).toBe("INS:OBJECT_EXISTS");
    expect(ins(w, "fluke_port_create_hash", { new_port: PORT(1) + 4, hash: 1 })).toBe("INS:NOT_ALIGNED");
    const full = new World(0, { objectLimit: 2 });
    expect(rc(full.d.call("fluke_port_create_hash", { new_port: PORT(0), hash: 1 }))).toBe("NO_MEMORY");
  });
});

describe("fluke_port_destroy", () => {
  it("nulls references and fails IPC that waits on the port or comes later", () => {
    const w = new World();
    const [a, b] = w.t;
    const dest = w.port(0);
    expect(rc(w.call(a!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) }))).toBe("blocked");
    expect(rc(w.call(b!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2 }) }))).toBe("blocked");
    expect(rc(w.d.call("fluke_port_destroy", { port: PORT(0) }))).toBe("SUCCESS");
    expect(rc(w.done(a!))).toBe("INVALID_DEST");
    expect(w.d.lastCompletions.map((c) => c.thread)).toEqual([a, b]); // FIFO
    expect(rc(w.done(b!))).toBe("IPC_CONNECT_INVALID_DEST");
    expect(w.targetOf(dest)).toBe(0);
    expect(rc(w.call(a!, "fluke_ipc_send", { destination: dest, ipc_params: P() }))).toBe("INVALID_DEST");
    expect(rc(w.call(a!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P() }))).toBe("IPC_CONNECT_INVALID_DEST");
  });
  it("raises NO_OBJECT, NOT_ALIGNED and NOT_PORT, and destroys an invalid port (decision 3)", () => {
    const w = new World(0);
    w.port(0);
    w.pset(0);
    expect(ins(w, "fluke_port_destroy", { port: EMPTY })).toBe("INS:NO_OBJECT");
    expect(ins(w, "fluke_port_destroy", { port: PORT(0) + 4 })).toBe("INS:NOT_ALIGNED");
    expect(ins(w, "fluke_port_destroy", { port: PSET(0) })).toBe("INS:NOT_PORT");
    invalidate(w.d, PORT(0));
    expect(rc(w.d.call("fluke_port_destroy", { port: PORT(0) }))).toBe("SUCCESS");
    expect(w.obj(PORT(0))).toBeUndefined();
  });
});

describe("fluke_port_get_state", () => {
  it("exports hash and alias and binds pset_ref to the port set", () => {
    const w = new World(0);
    const ps = w.pset(0);
    w.ok("fluke_port_create_hash", { new_port: PORT(0), hash: 5 });
    w.attach(0, ps, 42);
    w.nullRef(1);
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(1) }).state).toEqual({ hash: 5, alias: 42 });
    expect(w.targetOf(REF(1))).toBe(PSET(0));
  });
  it("raises the port codes and NOT_REF", () => {
    const w = new World(0);
    w.port(0);
    expect(ins(w, "fluke_port_get_state", { port: EMPTY, pset_ref: 0 })).toBe("INS:NO_OBJECT");
    expect(ins(w, "fluke_port_get_state", { port: PORT(0) + 4, pset_ref: 0 })).toBe("INS:NOT_ALIGNED");
    expect(ins(w, "fluke_port_get_state", { port: REF(100), pset_ref: 0 })).toBe("INS:NOT_PORT");
    expect(ins(w, "fluke_port_get_state", { port: PORT(0), pset_ref: PORT(0) })).toBe("INS:NOT_REF");
    invalidate(w.d, PORT(0));
    expect(ins(w, "fluke_port_get_state", { port: PORT(0), pset_ref: 0 })).toBe("INS:INVALID_OBJECT");
  });
});

describe("fluke_port_set_state", () => {
  it("sets the alias, keeps the hash, attaches and detaches", () => {
    const w = new World(0);
    const ps = w.pset(0);
    w.ok("fluke_port_create_hash", { new_port: PORT(0), hash: 9 });
    w.ref(1, ps, "pset");
    w.ok("fluke_port_set_state", { port: PORT(0), state: { hash: 1234, alias: 3 }, pset_ref: REF(1) });
    w.nullRef(2);
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(2) }).state).toEqual({ hash: 9, alias: 3 });
    expect(w.targetOf(REF(2))).toBe(PSET(0));
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: 0 }); // nothing changes
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(2) }).state).toEqual({ hash: 9, alias: 3 });
    w.nullRef(3);
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: REF(3) }); // a null reference detaches
    w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(2) });
    expect(w.targetOf(REF(2))).toBe(0);
  });
  it("lets clients queued on the port meet servers already waiting on the new set", () => {
    const w = new World();
    const [s, c] = w.t;
    const ps = w.pset(0);
    const dest = w.port(0);
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [8, 9] }) }))).toBe("blocked");
    w.attach(0, ps, 11);
    expect(rc(w.done(c!))).toBe("SUCCESS");
    expect(out(w.done(s!))).toEqual({ words: [8, 9], refs_received: 0, port_alias: 11, ipc_class: "oneway" });
  });
  it("raises the port codes, NOT_REF and NOT_PSET_REF", () => {
    const w = new World(0);
    w.port(0);
    const st = { hash: 0, alias: 1 };
    expect(ins(w, "fluke_port_set_state", { port: EMPTY, state: st, pset_ref: 0 })).toBe("INS:NO_OBJECT");
    expect(ins(w, "fluke_port_set_state", { port: PORT(0) + 16, state: st, pset_ref: 0 })).toBe("INS:NOT_ALIGNED");
    expect(ins(w, "fluke_port_set_state", { port: REF(100), state: st, pset_ref: 0 })).toBe("INS:NOT_PORT");
    expect(ins(w, "fluke_port_set_state", { port: PORT(0), state: st, pset_ref: PORT(0) })).toBe("INS:NOT_REF");
    expect(ins(w, "fluke_port_set_state", { port: PORT(0), state: st, pset_ref: REF(100) })).toBe("INS:NOT_PSET_REF");
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: 0 }).state).toMatchObject({ alias: 0 }); // no effect
    invalidate(w.d, PORT(0));
    expect(ins(w, "fluke_port_set_state", { port: PORT(0), state: st, pset_ref: 0 })).toBe("INS:INVALID_OBJECT");
  });
});

describe("fluke_port_move", () => {
  it("moves the port; references, its set and IPC through it keep working", () => {
    const w = new World();
    const [s, c] = w.t;
    const ps = w.pset(0);
    const dest = w.port(0, ps, 5);
    w.ok("fluke_port_move", { old_addr: PORT(0), new_addr: PORT(1) });
    expect(w.obj(PORT(0))).toBeUndefined();
    expect(w.targetOf(dest)).toBe(PORT(1));
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) });
    w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    expect(out(w.done(s!))).toMatchObject({ words: [1, 2], port_alias: 5 });
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_PORT, INVALID_OBJECT and OBJECT_EXISTS", () => {
    const w = new World(0);
    w.port(0);
    w.port(1);
    expect(ins(w, "fluke_port_move", { old_addr: EMPTY, new_addr: PORT(2) })).toBe("INS:NO_OBJECT");
    expect(ins(w, "fluke_port_move", { old_addr: PORT(0) + 4, new_addr: PORT(2) })).toBe("INS:NOT_ALIGNED");
    expect(ins(w, "fluke_port_move", { old_addr: REF(100), new_addr: PORT(2) })).toBe("INS:NOT_PORT");
    expect(ins(w, "fluke_port_move", { old_addr: PORT(0), new_addr: PORT(1) })).toBe("INS:OBJECT_EXISTS");
    invalidate(w.d, PORT(0));
    expect(ins(w, "fluke_port_move", { old_addr: PORT(0), new_addr: PORT(2) })).toBe("INS:INVALID_OBJECT");
  });
});

describe("fluke_port_reference", () => {
  it("binds a reference to the port", () => {
    const w = new World(0);
    w.port(0);
    w.nullRef(1);
    expect(rc(w.d.call("fluke_port_reference", { port: PORT(0), new_port_ref: REF(1) }))).toBe("SUCCESS");
    expect(w.targetOf(REF(1))).toBe(PORT(0));
  });
  it("raises the port codes and NOT_REF", () => {
    const w = new World(0);
    w.port(0);
    w.nullRef(1);
    expect(ins(w, "fluke_port_reference", { port: EMPTY, new_port_ref: REF(1) })).toBe("INS:NO_OBJECT");
    expect(ins(w, "fluke_port_reference", { port: PORT(0) + 4, new_port_ref: REF(1) })).toBe("INS:NOT_ALIGNED");
    expect(ins(w, "fluke_port_reference", { port: REF(100), new_port_ref: REF(1) })).toBe("INS:NOT_PORT");
    expect(ins(w, "fluke_port_reference", { port: PORT(0), new_port_ref: PORT(0) })).toBe("INS:NOT_REF");
    invalidate(w.d, PORT(0));
    expect(ins(w, "fluke_port_reference", { port: PORT(0), new_port_ref: REF(1) })).toBe("INS:INVALID_OBJECT");
  });
});

describe("port registry rows", () => {
  it("has one row per published call, traps 60-69", () => {
    expect(PORT_CALLS.map((c) => c.name)).toEqual([
      "fluke_port_create", "fluke_port_create_hash", "fluke_port_destroy", "fluke_port_get_state", "fluke_port_set_state",
      "fluke_port_move", "fluke_port_reference",
    ]);
    for (const c of PORT_CALLS) expect(c.trap >= 60 && c.trap <= 69).toBe(true);
  });
});
