// Unit tests of the kernel's port chapter (spec/kernel-api/port.md) and port-set chapter (pset.md):
// each statement of the prose, every return code and insanity of the rows, and the internal indexes
// (client FIFO on the port, server FIFO and attached ports on the set) those statements rely on.
import { describe, expect, it } from "vitest";
import type { KPort, KPset } from "./kobjects.js";
import { ipcOf } from "./ipc-state.js";
import { EMPTY, KWorld, P, PORT, PSET, REF, rc } from "./ipc-testkit.js";

const port = (w: KWorld, i: number): KPort => w.obj(PORT(i)) as KPort;
const pset = (w: KWorld, i: number): KPset => w.obj(PSET(i)) as KPset;

describe("fluke_port_create / create_hash", () => {
  it("makes a port with alias 0 in no set; create_hash returns the hash used", () => {
    const w = new KWorld(0);
    expect(rc(w.call(0x1080, "fluke_port_create", { new_port: PORT(0) }))).toBe("SUCCESS");
    expect(port(w, 0)).toMatchObject({ type: "port", alias: 0, pset: null, clients: [] });
    expect(w.ok("fluke_port_create_hash", { new_port: PORT(1), hash: 1234 })).toEqual({ hash: 1234 });
    const h = w.ok("fluke_port_create_hash", { new_port: PORT(2), hash: 0 })["hash"];
    expect(h).not.toBe(0);
    expect(port(w, 2).hash).toBe(h);
  });
  it("raises OBJECT_EXISTS and NOT_ALIGNED; NO_MEMORY when full", () => {
    for (const [args, want] of [[{ new_port: PORT(0) }, "INS:OBJECT_EXISTS"], [{ new_port: PORT(1) + 4 }, "INS:NOT_ALIGNED"]] as const) {
      const w = new KWorld(0);
      w.port(0);
      expect(rc(w.call(0x1080, "fluke_port_create", args))).toBe(want);
      const v = new KWorld(0);
      v.port(0);
      expect(rc(v.call(0x1080, "fluke_port_create_hash", { ...args, hash: 3 }))).toBe(want);
    }
    const full = new KWorld(0, { objectLimit: 2 });
    expect(rc(full.call(0x1080, "fluke_port_create", { new_port: PORT(0) }))).toBe("NO_MEMORY");
    expect(rc(full.call(0x1080, "fluke_port_create_hash", { new_port: PORT(0), hash: 3 }))).toBe("NO_MEMORY");
    expect(full.obj(PORT(0))).toBeUndefined();
  });
});

describe("fluke_port_get_state / set_state", () => {
  it("exports {hash, alias} and binds pset_ref to the set (null if none)", () => {
    const w = new KWorld(0);
    const ps = w.pset(0);
    w.port(0, ps, 5);
    w.nullRef(1);
    expect(w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(1) })).toEqual({ state: { hash: port(w, 0).hash, alias: 5 } });
    expect(w.targetOf(REF(1))).toBe(ps);
    w.ok("fluke_port_create", { new_port: PORT(1) });
    w.ok("fluke_port_get_state", { port: PORT(1), pset_ref: REF(1) });
    expect(w.targetOf(REF(1))).toBe(0);
  });
  it("imports the alias (null state keeps it; the hash is write-once), attaches, moves and detaches, keeping the sets' port indexes", () => {
    const w = new KWorld(0);
    w.pset(0);
    w.pset(1);
    w.port(0, PSET(0), 4);
    const hash = port(w, 0).hash;
    w.ok("fluke_port_set_state", { port: PORT(0), state: { hash: hash + 1, alias: 9 }, pset_ref: 0 });
    expect(port(w, 0)).toMatchObject({ alias: 9, hash, pset: pset(w, 0) });
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: w.ref(1, PSET(1), "pset") });
    expect(port(w, 0).alias).toBe(9);
    expect([pset(w, 0).ports.has(port(w, 0)), pset(w, 1).ports.has(port(w, 0))]).toEqual([false, true]);
    w.nullRef(2);
    w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: REF(2) });
    expect(port(w, 0).pset).toBeNull();
    expect(pset(w, 1).ports.size).toBe(0);
  });
  it("raises NOT_PSET_REF for a reference to another kind, NOT_REF, NO_OBJECT, NOT_PORT, NOT_ALIGNED, INVALID_OBJECT", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ port: PORT(0), state: null, pset_ref: REF(100) }, "INS:NOT_PSET_REF"],
      [{ port: PORT(0), state: null, pset_ref: PORT(0) }, "INS:NOT_REF"],
      [{ port: EMPTY, state: null, pset_ref: 0 }, "INS:NO_OBJECT"],
      [{ port: PSET(0), state: null, pset_ref: 0 }, "INS:NOT_PORT"],
      [{ port: PORT(0) + 8, state: null, pset_ref: 0 }, "INS:NOT_ALIGNED"],
    ];
    for (const [args, want] of cases) {
      const w = new KWorld(0);
      w.pset(0);
      w.port(0, undefined, 0);
      expect(rc(w.call(0x1080, "fluke_port_set_state", args))).toBe(want);
      expect(port(w, 0).pset).toBeNull();
    }
    const w = new KWorld(1);
    w.port(0);
    w.ok("harness_mem_write", { addr: PORT(0), bytes: [1] });
    expect(rc(w.call(w.t[0]!, "fluke_port_get_state", { port: PORT(0), pset_ref: 0 }))).toBe("INS:INVALID_OBJECT");
  });
});

describe("fluke_port_destroy", () => {
  it("fails queued clients in FIFO order (INVALID_DEST / IPC_CONNECT_INVALID_DEST), nulls references, works on an invalid port", () => {
    const w = new KWorld(3);
    const dest = w.port(0);
    const [a, b, c] = w.t;
    w.call(a!, "fluke_ipc_send", { destination: dest, ipc_params: P() });
    w.call(b!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2 }) });
    w.call(c!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P() });
    expect(port(w, 0).clients.length).toBe(3);
    w.ok("harness_mem_write", { addr: PORT(0), bytes: [1] });
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(w.last.completions.map((x) => [x.thread, rc(x.outcome)])).toEqual([[a, "INVALID_DEST"], [b, "IPC_CONNECT_INVALID_DEST"], [c, "IPC_CONNECT_INVALID_DEST"]]);
    expect(w.targetOf(dest)).toBe(0);
    expect(w.obj(PORT(0))).toBeUndefined();
    expect(rc(w.call(a!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_CONNECT_INVALID_DEST");
  });
  it("raises NO_OBJECT, NOT_ALIGNED, NOT_PORT", () => {
    for (const [va, want] of [[EMPTY, "INS:NO_OBJECT"], [PORT(0) + 4, "INS:NOT_ALIGNED"], [PSET(0), "INS:NOT_PORT"]] as const) {
      const w = new KWorld(0);
      w.port(0);
      w.pset(0);
      expect(rc(w.call(0x1080, "fluke_port_destroy", { port: va }))).toBe(want);
    }
  });
  it("a kernel call waiting on the port is a failed keeper: the thread blocks for good", () => {
    const w = new KWorld(1);
    w.port(0);
    w.ok("fluke_task_set_state", { task: 0x1000, state: null, keeper_ref: REF(100) });
    expect(rc(w.call(w.t[0]!, "fluke_port_destroy", { port: EMPTY }))).toBe("INS:NO_OBJECT");
    expect(ipcOf(w.thread(w.t[0]!)).kernelCall?.port).toBe(port(w, 0));
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(w.thread(w.t[0]!).wait).toEqual({ kind: "exception" });
    expect(ipcOf(w.thread(w.t[0]!)).kernelCall).toBeNull();
  });
});

describe("fluke_port_move / reference", () => {
  it("move keeps identity, references, set and waiting clients; reference binds", () => {
    const w = new KWorld(1);
    const ps = w.pset(0);
    const dest = w.port(0, ps);
    w.call(w.t[0]!, "fluke_ipc_send", { destination: dest, ipc_params: P() });
    const p = port(w, 0);
    w.ok("fluke_port_move", { old_addr: PORT(0), new_addr: PORT(3) });
    expect(w.obj(PORT(3))).toBe(p);
    expect(w.targetOf(dest)).toBe(PORT(3));
    expect(p.clients.length).toBe(1);
    expect(p.pset).toBe(pset(w, 0));
    for (const [args, want] of [[{ old_addr: PORT(3), new_addr: PSET(0) }, "INS:OBJECT_EXISTS"], [{ old_addr: EMPTY, new_addr: PORT(5) }, "INS:NO_OBJECT"], [{ old_addr: PSET(0), new_addr: PORT(5) }, "INS:NOT_PORT"]] as const) {
      const v = new KWorld(0);
      v.port(3);
      v.pset(0);
      expect(rc(v.call(0x1080, "fluke_port_move", args))).toBe(want);
    }
    const v = new KWorld(0);
    v.port(0);
    expect(rc(v.call(0x1080, "fluke_port_reference", { port: PORT(0), new_port_ref: EMPTY }))).toBe("INS:NO_OBJECT");
  });
});

describe("port sets (pset.md)", () => {
  it("create, create_hash, get_state, set_state (changes nothing), move, reference", () => {
    const w = new KWorld(0);
    w.pset(0);
    expect(w.ok("fluke_pset_create_hash", { new_pset: PSET(1), hash: 44 })).toEqual({ hash: 44 });
    expect(w.ok("fluke_pset_get_state", { pset: PSET(1) })).toEqual({ state: { hash: 44 } });
    w.ok("fluke_pset_set_state", { pset: PSET(1), state: { hash: 3 } });
    expect(pset(w, 1).hash).toBe(44);
    const s = pset(w, 0);
    w.ok("fluke_pset_move", { old_addr: PSET(0), new_addr: PSET(4) });
    expect(w.obj(PSET(4))).toBe(s);
    w.ref(1, PSET(4), "pset");
    expect(w.targetOf(REF(1))).toBe(PSET(4));
  });
  it("destroy: ports end in no set, waiting servers stay blocked, waiting again is NO_OBJECT; codes", () => {
    const w = new KWorld(2);
    const ps = w.pset(0);
    const dest = w.port(0, ps);
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) });
    w.ok("fluke_pset_destroy", { pset: ps });
    expect(w.thread(s!).wait?.kind).toBe("ipc");
    w.nullRef(1);
    w.ok("fluke_port_get_state", { port: PORT(0), pset_ref: REF(1) });
    expect(w.targetOf(REF(1))).toBe(0);
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P() }))).toBe("blocked");
    expect(rc(w.call(c!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("not_runnable");
    for (const [name, args, want] of [
      ["fluke_pset_destroy", { pset: PORT(0) }, "INS:NOT_PSET"], ["fluke_pset_get_state", { pset: EMPTY }, "INS:NO_OBJECT"],
      ["fluke_pset_set_state", { pset: PSET(0) + 4, state: null }, "INS:NOT_ALIGNED"], ["fluke_pset_create", { new_pset: PORT(0) }, "INS:OBJECT_EXISTS"],
      ["fluke_pset_move", { old_addr: EMPTY, new_addr: PSET(5) }, "INS:NO_OBJECT"], ["fluke_pset_reference", { pset: PSET(0), new_pset_ref: PORT(0) }, "INS:NOT_REF"],
    ] as const) {
      const v = new KWorld(0);
      v.port(0);
      v.pset(0);
      expect(rc(v.call(0x1080, name, args))).toBe(want);
    }
  });
});
