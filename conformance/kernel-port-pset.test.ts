// Differential tests of the port (6) and port-set (7) chapters: scripted sequences run on the model and
// the concrete kernel in lockstep (conformance/kernel-ipc-kit.ts); every call must give deeply equal
// outcomes and completions. Each row's return codes and insanities are reached, plus the IPC effects of
// port and set changes (clients failing on destroy, queued clients meeting servers on attach).
import { describe, expect, it } from "vitest";
import { EMPTY, IpcWorld, P, PORT, PSET, REF, rc, unreached } from "./kernel-ipc-kit.js";

const code = (w: IpcWorld, name: string, args: Record<string, unknown>, thread?: number): string => rc(w.call(thread ?? 0x1080, name, args));

/** Objects: PORT(0), PSET(0), a null reference REF(3); PORT(7), PSET(7), REF(7) made invalid by a user write. */
const setupObjects = (v: IpcWorld): void => {
  v.port(0);
  v.pset(0);
  v.nullRef(3);
  v.ok("fluke_port_create", { new_port: PORT(7) });
  v.ok("fluke_pset_create", { new_pset: PSET(7) });
  v.nullRef(7);
  for (const a of [PORT(7), PSET(7), REF(7)]) v.ok("harness_mem_write", { addr: a, bytes: [1] });
};
const badArgs = (type: "port" | "pset" | "ref", invalid: boolean): [number, string][] => {
  const good = type === "port" ? PORT(0) : type === "pset" ? PSET(0) : REF(3);
  const other = type === "port" ? PSET(0) : PORT(0);
  const wrong = type === "port" ? "NOT_PORT" : type === "pset" ? "NOT_PSET" : "NOT_REF";
  const out: [number, string][] = [[EMPTY, "NO_OBJECT"], [good + 4, "NOT_ALIGNED"], [other, wrong], [0x7ffff000, "fault"]];
  if (invalid) out.push([type === "port" ? PORT(7) : type === "pset" ? PSET(7) : REF(7), "INVALID_OBJECT"]);
  return out;
};
const OBJECT_ROWS: [string, Record<string, unknown>, [string, "port" | "pset" | "ref", boolean][]][] = [
  ["fluke_port_destroy", { port: PORT(0) }, [["port", "port", false]]],
  ["fluke_pset_destroy", { pset: PSET(0) }, [["pset", "pset", false]]],
  ["fluke_port_get_state", { port: PORT(0), pset_ref: REF(3) }, [["port", "port", true], ["pset_ref", "ref", true]]],
  ["fluke_port_set_state", { port: PORT(0), state: null, pset_ref: REF(3) }, [["port", "port", true], ["pset_ref", "ref", true]]],
  ["fluke_port_move", { old_addr: PORT(0), new_addr: PORT(5) }, [["old_addr", "port", true]]],
  ["fluke_port_reference", { port: PORT(0), new_port_ref: REF(3) }, [["port", "port", true], ["new_port_ref", "ref", true]]],
  ["fluke_pset_get_state", { pset: PSET(0) }, [["pset", "pset", true]]],
  ["fluke_pset_set_state", { pset: PSET(0), state: null }, [["pset", "pset", true]]],
  ["fluke_pset_move", { old_addr: PSET(0), new_addr: PSET(5) }, [["old_addr", "pset", true]]],
  ["fluke_pset_reference", { pset: PSET(0), new_pset_ref: REF(3) }, [["pset", "pset", true], ["new_pset_ref", "ref", true]]],
];
const EXTRA_CASES: [string, Record<string, unknown>, string][] = [
  ["fluke_port_create", { new_port: PORT(0) }, "OBJECT_EXISTS"],
  ["fluke_port_create", { new_port: PORT(0) + 4 }, "NOT_ALIGNED"],
  ["fluke_port_create_hash", { new_port: PORT(0), hash: 1 }, "OBJECT_EXISTS"],
  ["fluke_port_create_hash", { new_port: PORT(1) + 8, hash: 1 }, "NOT_ALIGNED"],
  ["fluke_pset_create", { new_pset: PSET(0) + 8 }, "NOT_ALIGNED"],
  ["fluke_pset_create", { new_pset: PSET(0) }, "OBJECT_EXISTS"],
  ["fluke_pset_create_hash", { new_pset: PSET(0), hash: 1 }, "OBJECT_EXISTS"],
  ["fluke_pset_create_hash", { new_pset: PSET(1) + 4, hash: 1 }, "NOT_ALIGNED"],
  ["fluke_port_set_state", { port: PORT(0), state: null, pset_ref: REF(100) }, "NOT_PSET_REF"],
  ["fluke_port_move", { old_addr: PORT(0), new_addr: PSET(0) }, "OBJECT_EXISTS"],
  ["fluke_pset_move", { old_addr: PSET(0), new_addr: PORT(0) }, "OBJECT_EXISTS"],
];
describe("port and pset life cycle (lockstep)", () => {
  it("create, create_hash, get_state, set_state, move, reference, destroy agree", () => {
    const w = new IpcWorld(0);
    expect(code(w, "fluke_port_create", { new_port: PORT(0) })).toBe("SUCCESS");
    expect(w.ok("fluke_port_create_hash", { new_port: PORT(1), hash: 77 })).toEqual({ hash: 77 });
    expect(code(w, "fluke_pset_create", { new_pset: PSET(0) })).toBe("SUCCESS");
    expect(w.ok("fluke_pset_create_hash", { new_pset: PSET(1), hash: 99 })).toEqual({ hash: 99 });
    const r = w.ref(1, PSET(0), "pset");
    w.ok("fluke_port_set_state", { port: PORT(1), state: { hash: 5, alias: 42 }, pset_ref: r });
    w.nullRef(2);
    expect(w.ok("fluke_port_get_state", { port: PORT(1), pset_ref: REF(2) })).toEqual({ state: { hash: 77, alias: 42 } });
    expect(w.ok("fluke_pset_get_state", { pset: PSET(1) })).toEqual({ state: { hash: 99 } });
    w.ok("fluke_pset_set_state", { pset: PSET(1), state: null });
    w.ok("fluke_port_move", { old_addr: PORT(1), new_addr: PORT(5) });
    w.ok("fluke_pset_move", { old_addr: PSET(0), new_addr: PSET(5) });
    expect(w.ok("fluke_port_get_state", { port: PORT(5), pset_ref: REF(2) })).toEqual({ state: { hash: 77, alias: 42 } });
    w.ok("fluke_ref_check", { ref: REF(2), object: PSET(5) });
    w.ok("fluke_pset_destroy", { pset: PSET(5) });
    w.ok("fluke_port_get_state", { port: PORT(5), pset_ref: REF(2) });
    expect(w.ok("fluke_ref_type", { ref: REF(2) })).toBeDefined();
    w.ok("fluke_port_set_state", { port: PORT(5), state: null, pset_ref: 0 });
    w.ok("fluke_port_destroy", { port: PORT(5) });
    w.ok("fluke_port_destroy", { port: PORT(0) });
  });

  it("every insanity of the rows agrees (each bad argument in turn, on a fresh machine)", () => {
    const cases = [...EXTRA_CASES, ...OBJECT_ROWS.flatMap(([name, base, args]) => args.flatMap(([arg, type, inv]) => badArgs(type, inv).map(([va, want]) => [name, { ...base, [arg]: va }, want] as [string, Record<string, unknown>, string])))];
    for (const [name, args, want] of cases) {
      const v = new IpcWorld(0);
      setupObjects(v);
      const got = code(v, name, args);
      expect(`${name}(${JSON.stringify(args)}): ${got}`).toBe(`${name}(${JSON.stringify(args)}): ${want === "fault" ? "fault" : `INS:${want}`}`);
    }
  });

  it("NO_MEMORY agrees when the kernel is full", () => {
    const w = new IpcWorld(0, { objectLimit: 3 });
    w.ok("fluke_port_create", { new_port: PORT(0) });
    expect(code(w, "fluke_port_create", { new_port: PORT(1) })).toBe("NO_MEMORY");
    expect(code(w, "fluke_pset_create_hash", { new_pset: PSET(1), hash: 3 })).toBe("NO_MEMORY");
    expect(code(w, "fluke_port_create_hash", { new_port: PORT(1), hash: 3 })).toBe("NO_MEMORY");
    expect(code(w, "fluke_pset_create", { new_pset: PSET(1) })).toBe("NO_MEMORY");
  });

  it("INVALID_OBJECT after a user write, and destroy still works", () => {
    const w = new IpcWorld(2);
    w.port(0);
    w.pset(0);
    w.nullRef(1);
    w.ok("harness_mem_write", { addr: PORT(0), bytes: [1] });
    w.ok("harness_mem_write", { addr: PSET(0) + 4, bytes: [1] });
    expect(code(w, "fluke_port_get_state", { port: PORT(0), pset_ref: 0 }, w.t[0])).toBe("INS:INVALID_OBJECT");
    expect(code(w, "fluke_pset_reference", { pset: PSET(0), new_pset_ref: REF(1) }, w.t[1])).toBe("INS:INVALID_OBJECT");
    expect(code(w, "fluke_port_destroy", { port: PORT(0) })).toBe("SUCCESS");
    expect(code(w, "fluke_pset_destroy", { pset: PSET(0) })).toBe("SUCCESS");
  });
});

describe("port and pset effects on IPC (lockstep)", () => {
  it("destroying a port fails its queued clients in FIFO order with the class's code", () => {
    const w = new IpcWorld(4);
    const dest = w.port(0);
    const [a, b, c] = w.t;
    expect(rc(w.call(a!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1], recv_words_max: 2 }) }))).toBe("blocked");
    expect(rc(w.call(b!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [2] }) }))).toBe("blocked");
    expect(rc(w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P() }))).toBe("blocked");
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(w.last.completions.map((x) => [x.thread, rc(x.outcome)])).toEqual([[a, "IPC_CONNECT_INVALID_DEST"], [b, "INVALID_DEST"], [c, "IPC_CONNECT_INVALID_DEST"]]);
    expect(rc(w.call(a!, "fluke_ipc_send", { destination: dest, ipc_params: P() }))).toBe("INVALID_DEST");
  });

  it("attaching a port with queued clients to a set with waiting servers delivers at once, FIFO on both sides", () => {
    const w = new IpcWorld(5);
    const ps = w.pset(0);
    const dest = w.port(0);
    const [s1, s2, c1, c2, c3] = w.t;
    w.call(s1!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    w.call(s2!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    w.call(c1!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1] }) });
    w.call(c2!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [2], recv_words_max: 2 }) });
    w.call(c3!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [3] }) });
    w.attach(0, ps, 9);
    expect(w.last.completions.map((x) => x.thread)).toEqual([s1, c1, s2]);
    expect(w.done(c3!)).toBe("none");
  });

  it("a port moved to another set reaches that set's servers; a destroyed set leaves its port in no set", () => {
    const w = new IpcWorld(3);
    const ps0 = w.pset(0);
    const ps1 = w.pset(1);
    const dest = w.port(0, ps0);
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps1, ipc_params: P({ recv_words_max: 4 }) });
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [5] }) }))).toBe("blocked");
    w.attach(0, ps1, 3);
    expect(w.done(s!)).toBe("SUCCESS");
    w.ok("fluke_pset_destroy", { pset: ps1 });
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P() }))).toBe("blocked");
    expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 4 }) }))).toBe("INS:NO_OBJECT");
  });
});

describe("coverage of the rows", () => {
  it("every return code and insanity of the port and pset rows was reached, on both sides alike", () => {
    expect(unreached("port")).toEqual([]);
    expect(unreached("pset")).toEqual([]);
  });
});
