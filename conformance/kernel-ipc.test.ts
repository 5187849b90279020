// Differential tests of the IPC chapter (8): scripted sequences run on the model and the concrete kernel
// in lockstep (conformance/kernel-ipc-kit.ts), several threads each; every call must give deeply equal
// outcomes and completions (in order). Covers one-way and idempotent IPC, servers, kernel calls to a
// task keeper, reliable connections in every role of both sides, every insanity of every row, and
// finally checks that every code of every IPC row was reached with both sides agreeing.
import { describe, expect, it } from "vitest";
import { IPC_CALLS } from "../spec/kernel-api/ipc.js";
import { EMPTY, IpcWorld, P, PORT, REF, connected, other, op, provoke, rc, roles, serve, setup, unreached, type Side } from "./kernel-ipc-kit.js";


describe("one-way and idempotent IPC (lockstep)", () => {
  it("send: to a waiting server (truncated, padded, alias, references), queued, and INVALID_DEST", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    expect(serve(w, s!, ps, 3, [REF(10), REF(11)])).toBe("blocked");
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3, 4], send_refs: [REF(1)] }) }))).toBe("SUCCESS");
    expect(w.last.completions[0]?.outcome).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [1, 2, 3], refs_received: 1, port_alias: 7, ipc_class: "oneway" } });
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [5] }) }))).toBe("blocked");
    expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("SUCCESS");
    expect(w.done(c!)).toBe("SUCCESS");
    w.ok("fluke_ref_check", { ref: REF(10), object: PORT(0) });
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P() }))).toBe("INVALID_DEST");
  });

  it("call: reply truncated, reply references, resend when the server waits again, reply dropped, server destroyed", () => {
    const { w, ps, dest } = setup(4);
    const [s, c, c2] = w.t;
    serve(w, s!, ps, 2);
    expect(rc(w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2, 3], recv_words_max: 3, recv_refs: [REF(11)] }) }))).toBe("blocked");
    expect(rc(w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [4, 5, 6, 7], send_refs: [REF(2)] }) }))).toBe("SUCCESS");
    expect(w.last.completions).toHaveLength(1);
    expect(rc(w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [1] }) }))).toBe("SUCCESS"); // no call: dropped
    expect(w.last.completions).toEqual([]);
    w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 4 }) });
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [8, 8], recv_words_max: 2 }) });
    expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("SUCCESS"); // sent again
    w.call(c2!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [9, 9], recv_words_max: 2 }) });
    w.ok("fluke_thread_destroy", { thread: s! });
    expect(w.done(c!)).toBe("IPC_CONNECT_INVALID_DEST");
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(w.done(c2!)).toBe("IPC_CONNECT_INVALID_DEST");
  });

  it("reply_wait_receive replies and takes the next request; MORE_DATA and MORE_REFS for reliable first parts", () => {
    const { w, ps, dest } = setup(4);
    const [s, c1, c2] = w.t;
    serve(w, s!, ps);
    w.call(c1!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 1], recv_words_max: 2 }) });
    w.call(c2!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [2, 2], recv_words_max: 2 }) });
    expect(rc(w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ send_words: [10, 10], recv_words_max: 8 }) }))).toBe("SUCCESS");
    expect(w.done(c1!)).toBe("SUCCESS");
    w.call(c1!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3, 4, 5] }) });
    expect(rc(w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_DATA");
    expect(w.done(c2!)).toBe("SUCCESS");
    w.call(c2!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(rc(w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_REFS");
  });

  it("FIFO among servers and among clients of several ports of one set", () => {
    const { w, ps, dest } = setup(6);
    const [s1, s2, c1, c2, c3] = w.t;
    const dest2 = w.port(1, ps, 9);
    w.call(c1!, "fluke_ipc_send", { destination: dest2, ipc_params: P({ send_words: [1, 1] }) });
    w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [2, 2] }) });
    w.call(c3!, "fluke_ipc_send", { destination: dest2, ipc_params: P({ send_words: [3, 3] }) });
    expect(w.call(s1!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) })).toMatchObject({ out: { words: [1, 1], port_alias: 9 } });
    expect(w.call(s2!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) })).toMatchObject({ out: { words: [2, 2], port_alias: 7 } });
    w.call(s1!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) });
    w.call(s1!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) });
    w.call(s2!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) });
    w.call(c1!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [4, 4] }) });
    expect(w.last.completions.map((x) => x.thread)).toEqual([s1]);
  });

  it("kernel calls to a task keeper: queued as idempotent clients, served, answered", () => {
    const { w, ps } = setup(4);
    const [s, t1, t2] = w.t;
    w.ok("fluke_task_set_state", { task: 0x1000, state: null, keeper_ref: REF(1) });
    expect(rc(w.call(t1!, "fluke_port_destroy", { port: EMPTY }))).toBe("INS:NO_OBJECT");
    expect(rc(w.call(t2!, "fluke_pset_destroy", { pset: EMPTY }))).toBe("INS:NO_OBJECT");
    expect(rc(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 16 }) }))).toBe("SUCCESS");
    w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ send_words: [0, 0], recv_words_max: 16 }) });
    w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 16 }) }); // t2's call is sent again
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [0, 0] }) });
    w.ok("fluke_port_destroy", { port: PORT(0) });
  });
});

describe("references in messages (lockstep)", () => {
  it("a receive slot destroyed before arrival is skipped; a null reference travels as null; a target destroyed in transit binds null", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.ok("fluke_port_create", { new_port: PORT(3) });
    w.ref(3, PORT(3));
    serve(w, s!, ps, 2, [REF(10), REF(11), REF(12)]);
    w.ok("fluke_ref_destroy", { ref: REF(11) });
    w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_refs: [REF(1), REF(3), REF(12)] }) });
    expect(w.last.completions[0]?.outcome).toMatchObject({ out: { refs_received: 3 } });
    w.ok("fluke_ref_check", { ref: REF(10), object: PORT(0) });
    serve(w, s!, ps, 2, [REF(10)]);
    w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    w.call(c!, "fluke_ipc_client_send", { ipc_params: P({ send_refs: [REF(3)] }) });
    w.ok("fluke_port_destroy", { port: PORT(3) });
    w.call(c!, "fluke_ipc_client_over_receive", { ipc_params: P() });
    expect(rc(w.call(s!, "fluke_ipc_server_receive", { ipc_params: P({ recv_refs: [REF(10)] }) }))).toBe("SUCCESS");
    expect(w.ok("fluke_ref_type", { ref: REF(10) })).toEqual(w.ok("fluke_ref_type", { ref: REF(12) }));
  });
});

describe("alerts (lockstep)", () => {
  it("a second alert while one is pending is merged into it (get_state shows the first side only)", () => {
    const { w, ps, dest } = setup();
    const [x, a, b] = w.t;
    const ps1 = w.pset(1);
    const dest1 = w.port(1, ps1, 8);
    serve(w, x!, ps);
    w.call(a!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P() });
    serve(w, b!, ps1);
    w.call(x!, "fluke_ipc_client_connect_send", { destination: dest1, ipc_params: P() });
    w.call(a!, "fluke_ipc_client_alert", {});
    w.call(b!, "fluke_ipc_server_alert", {});
    const st = w.ok("fluke_thread_get_state", { thread: x!, task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 });
    expect(st["state"]).toBeDefined();
  });
});

describe("servers (lockstep)", () => {
  it("setup_wait_receive and wait_receive take a queued reliable first part: MORE_DATA, MORE_REFS, SUCCESS later", () => {
    for (const [send, want] of [[{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_words: [1, 2], send_refs: [REF(1)] }, "IPC_RECV_MORE_REFS"]] as const) {
      const { w, ps, dest } = setup();
      const [s, c, c2] = w.t;
      w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P(send) });
      expect(serve(w, s!, ps, 2)).toBe(want);
      w.call(c2!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P(send) });
      expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe(want);
      expect(rc(w.call(s!, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("blocked");
      expect(rc(w.call(c2!, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("SUCCESS");
      w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [4, 4] }) });
      expect(w.done(s!)).toBe("SUCCESS");
      const r = roles("server", "sender");
      expect(rc(r.w.call(r.me, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ send_words: [3], recv_words_max: 2 }) }))).toBe("blocked");
      r.w.call(r.w.t[2]!, "fluke_ipc_send", { destination: REF(100), ipc_params: P({ send_words: [4, 4] }) });
      expect(r.w.done(r.me)).toBe("SUCCESS");
    }
  });
});

describe("combined server calls take the next queued request (lockstep)", () => {
  it("server_ack_send_wait_receive: MORE_DATA / MORE_REFS from a client queued meanwhile", () => {
    for (const [send, want] of [[{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_words: [1, 2], send_refs: [REF(1)] }, "IPC_RECV_MORE_REFS"]] as const) {
      const k = connected();
      const [, , c2] = k.w.t;
      expect(rc(k.w.call(k.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [6], recv_words_max: 2 }) }))).toBe("blocked");
      k.w.call(c2!, "fluke_ipc_client_connect_send", { destination: k.dest, ipc_params: P(send) });
      expect(rc(k.w.call(k.c, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("SUCCESS");
      expect(k.w.last.completions.map((x) => [x.thread, rc(x.outcome)])).toEqual([[c2, "SUCCESS"], [k.s, want]]); // the client the resumed server met completes first
    }
  });
});

/** Server t[0] serving set 0; client t[1] blocked in connect_send_over_receive (recv buffers: `recv` words). */
const rpc = (recv = 2): { w: IpcWorld; s: number; c: number; c2: number; dest: number } => {
  const { w, ps, dest } = setup();
  const [s, c, c2] = w.t;
  serve(w, s!, ps);
  expect(rc(w.call(c!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P({ send_words: [1, 2, 3], recv_words_max: recv, recv_refs: [] }) }))).toBe("blocked");
  return { w, s: s!, c: c!, c2: c2!, dest };
};
describe("reliable connections (lockstep)", () => {
  it("connect_send breaks an existing connection and waits for a server; IPC_CONNECT_INVALID_DEST", () => {
    const k = connected();
    const [, , s2] = k.w.t;
    expect(rc(k.w.call(k.c, "fluke_ipc_client_connect_send", { destination: k.dest, ipc_params: P({ send_words: [1, 2] }) }))).toBe("blocked");
    serve(k.w, s2!, k.ps);
    expect(k.w.done(k.c)).toBe("SUCCESS");
    expect(rc(k.w.call(k.c, "fluke_ipc_client_connect_send", { destination: REF(10), ipc_params: P() }))).toBe("IPC_CONNECT_INVALID_DEST");
    expect(rc(k.w.call(k.c, "fluke_ipc_client_connect_send_over_receive", { destination: REF(10), ipc_params: P() }))).toBe("IPC_CONNECT_INVALID_DEST");
  });

  it("reliable RPC: every code of connect_send_over_receive and server_ack_send_wait_receive", () => {
    const a = rpc();
    expect(rc(a.w.call(a.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [7, 8], recv_words_max: 8 }) }))).toBe("blocked");
    expect(a.w.done(a.c)).toBe("SUCCESS");
    expect(rc(a.w.call(a.c, "fluke_ipc_client_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("IPC_RECV_DISCONNECTED"); // the end was consumed
    const b = rpc();
    b.w.call(b.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [7, 8, 9], recv_words_max: 8 }) });
    expect(b.w.done(b.c)).toBe("IPC_RECV_MORE_DATA");
    expect(rc(b.w.call(b.c, "fluke_ipc_client_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("SUCCESS");
    const c = rpc();
    c.w.call(c.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_refs: [REF(1)], recv_words_max: 8 }) });
    expect(c.w.done(c.c)).toBe("IPC_RECV_MORE_REFS");
    const d = rpc();
    d.w.call(d.s, "fluke_ipc_server_disconnect", {});
    expect(d.w.done(d.c)).toBe("IPC_OVER_DISCONNECTED");
    const e = rpc();
    e.w.call(e.s, "fluke_ipc_server_ack_send", { ipc_params: P({ send_words: [5] }) });
    e.w.call(e.s, "fluke_ipc_server_disconnect", {});
    expect(e.w.done(e.c)).toBe("IPC_RECV_DISCONNECTED");
    expect(rc(e.w.call(e.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_ACK_DISCONNECTED");
    e.w.call(e.c2, "fluke_ipc_client_connect_send", { destination: e.dest, ipc_params: P({ send_words: [1, 2, 3] }) });
    e.w.call(e.c, "fluke_ipc_client_connect_send", { destination: e.dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(rc(e.w.call(e.s, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_DATA");
    e.w.call(e.s, "fluke_ipc_server_receive", { ipc_params: P({ recv_words_max: 8 }) });
    expect(rc(e.w.call(e.c2, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("blocked");
    expect(rc(e.w.call(e.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [5, 5], recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_REFS");
  });

  it("reliable RPC: every code of server_send_wait_receive", () => {
    const f = rpc();
    f.w.call(f.s, "fluke_ipc_server_ack_send", { ipc_params: P() });
    expect(rc(f.w.call(f.s, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ send_words: [3, 3], recv_words_max: 2 }) }))).toBe("blocked");
    expect(f.w.done(f.c)).toBe("SUCCESS");
    expect(rc(f.w.call(f.c, "fluke_ipc_client_connect_send", { destination: f.dest, ipc_params: P({ send_words: [1, 2, 3] }) }))).toBe("SUCCESS");
    expect(f.w.done(f.s)).toBe("IPC_RECV_MORE_DATA");
    f.w.call(f.c, "fluke_ipc_client_disconnect", {});
    expect(rc(f.w.call(f.s, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_SEND_DISCONNECTED");
    f.w.call(f.c2, "fluke_ipc_client_connect_send", { destination: f.dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    const g = roles("server", "sender");
    g.w.call(g.w.t[2]!, "fluke_ipc_client_connect_send", { destination: REF(100), ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(rc(g.w.call(g.me, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_REFS");
  });

  it("a destroyed peer breaks the connection: alert, then *_DISCONNECTED", () => {
    const k = connected();
    expect(rc(k.w.call(k.s, "fluke_ipc_server_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("blocked");
    k.w.ok("fluke_thread_destroy", { thread: k.c });
    expect(k.w.done(k.s)).toBe("IPC_RECV_DISCONNECTED");
    expect(rc(k.w.call(k.s, "fluke_ipc_server_send", { ipc_params: P() }))).toBe("IPC_SEND_DISCONNECTED");
  });
});

for (const side of ["client", "server"] as Side[]) {
  const o = other(side);
  describe(`fluke_ipc_${side}_* side operations (lockstep)`, () => {
    it("send / receive: buffered, MORE_DATA, MORE_REFS, SUCCESS on over, RECV_DISCONNECTED, SEND_DISCONNECTED", () => {
      const a = roles(side, "sender");
      expect(rc(a.w.call(a.peer, op(o, "receive"), { ipc_params: P({ recv_words_max: 8, recv_refs: [REF(10)] }) }))).toBe("blocked");
      expect(rc(a.w.call(a.me, op(side, "send"), { ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) }))).toBe("SUCCESS");
      a.w.call(a.me, op(side, "send"), { ipc_params: P({ send_words: [3] }) });
      a.w.call(a.me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 8 }) });
      const b = roles(side, "receiver");
      b.w.call(b.peer, op(o, "send_over_receive"), { ipc_params: P({ send_words: [1, 2, 3, 4, 5] }) });
      expect(rc(b.w.call(b.me, op(side, "receive"), { ipc_params: P({ recv_words_max: 3 }) }))).toBe("IPC_RECV_MORE_DATA");
      expect(rc(b.w.call(b.me, op(side, "receive"), { ipc_params: P({ recv_words_max: 8 }) }))).toBe("SUCCESS");
      const c = roles(side, "receiver");
      c.w.call(c.peer, op(o, "send"), { ipc_params: P({ send_refs: [REF(1), REF(1)] }) });
      expect(rc(c.w.call(c.me, op(side, "receive"), { ipc_params: P({ recv_words_max: 9 }) }))).toBe("IPC_RECV_MORE_REFS");
      const d = roles(side, "receiver");
      d.w.call(d.peer, op(o, "send"), { ipc_params: P({ send_words: [9] }) });
      d.w.call(d.peer, op(o, "disconnect"), {});
      expect(rc(d.w.call(d.me, op(side, "receive"), { ipc_params: P({ recv_words_max: 9 }) }))).toBe("IPC_RECV_DISCONNECTED");
      expect(rc(d.w.call(d.peer, op(o, "send"), { ipc_params: P() }))).toBe("IPC_SEND_DISCONNECTED");
    });

    it("over_receive: SUCCESS after the peer's ack, OVER_DISCONNECTED, and the receive codes after the reversal", () => {
      const a = roles(side, "sender");
      expect(rc(a.w.call(a.me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 4 }) }))).toBe("blocked");
      a.w.call(a.peer, op(o, "ack_send_over_receive"), { ipc_params: P({ send_words: [6, 6], recv_words_max: 4 }) });
      expect(a.w.done(a.me)).toBe("SUCCESS");
      const b = roles(side, "sender");
      b.w.call(b.me, op(side, "over_receive"), { ipc_params: P() });
      b.w.call(b.peer, op(o, "disconnect"), {});
      expect(b.w.done(b.me)).toBe("IPC_OVER_DISCONNECTED");
      expect(rc(b.w.call(b.me, op(side, "over_receive"), { ipc_params: P() }))).toBe("IPC_OVER_DISCONNECTED");
      for (const [send, want] of [[{ send_words: [1] }, "IPC_RECV_DISCONNECTED"], [{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_refs: [REF(1)] }, "IPC_RECV_MORE_REFS"]] as const) {
        const c = roles(side, "sender");
        c.w.call(c.me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 2 }) });
        c.w.call(c.peer, op(o, "ack_send"), { ipc_params: P(send) });
        if (want === "IPC_RECV_DISCONNECTED") c.w.call(c.peer, op(o, "disconnect"), {});
        expect(c.w.done(c.me)).toBe(want);
      }
    });

    it("ack_send: SUCCESS after the over, waits (discarding) before it, ACK_DISCONNECTED", () => {
      const a = roles(side, "receiver");
      a.w.call(a.peer, op(o, "over_receive"), { ipc_params: P({ recv_words_max: 4 }) });
      expect(rc(a.w.call(a.me, op(side, "ack_send"), { ipc_params: P({ send_words: [4] }) }))).toBe("SUCCESS");
      a.w.call(a.me, op(side, "disconnect"), {});
      expect(a.w.done(a.peer)).toBe("IPC_RECV_DISCONNECTED");
      const b = roles(side, "receiver");
      b.w.call(b.peer, op(o, "send"), { ipc_params: P({ send_words: [1, 1] }) });
      expect(rc(b.w.call(b.me, op(side, "ack_send"), { ipc_params: P({ send_words: [2] }) }))).toBe("blocked");
      b.w.call(b.peer, op(o, "send"), { ipc_params: P({ send_words: [3] }) });
      expect(rc(b.w.call(b.peer, op(o, "over_receive"), { ipc_params: P({ recv_words_max: 4 }) }))).toBe("blocked");
      expect(b.w.done(b.me)).toBe("SUCCESS");
      const c = roles(side, "receiver");
      c.w.call(c.me, op(side, "ack_send"), { ipc_params: P() });
      c.w.call(c.peer, op(o, "disconnect"), {});
      expect(c.w.done(c.me)).toBe("IPC_ACK_DISCONNECTED");
      expect(rc(c.w.call(c.me, op(side, "ack_send"), { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
    });

    it("ack_send_over_receive: SUCCESS, ACK_DISCONNECTED, OVER_DISCONNECTED, and the receive codes", () => {
      const turned = (): { w: IpcWorld; me: number; peer: number } => {
        const r = roles(side, "receiver");
        r.w.call(r.peer, op(o, "over_receive"), { ipc_params: P({ recv_words_max: 8 }) });
        return r;
      };
      const a = turned();
      expect(rc(a.w.call(a.me, op(side, "ack_send_over_receive"), { ipc_params: P({ send_words: [5], recv_words_max: 4 }) }))).toBe("blocked");
      a.w.call(a.peer, op(o, "ack_send_over_receive"), { ipc_params: P({ send_words: [6], recv_words_max: 4 }) });
      expect(a.w.done(a.me)).toBe("SUCCESS");
      const b = turned();
      b.w.call(b.me, op(side, "ack_send_over_receive"), { ipc_params: P({ recv_words_max: 4 }) });
      b.w.call(b.peer, op(o, "disconnect"), {});
      expect(b.w.done(b.me)).toBe("IPC_OVER_DISCONNECTED");
      expect(rc(b.w.call(b.me, op(side, "ack_send_over_receive"), { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
      for (const [send, want] of [[{ send_words: [1] }, "IPC_RECV_DISCONNECTED"], [{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_refs: [REF(100)] }, "IPC_RECV_MORE_REFS"]] as const) {
        const c = turned();
        c.w.call(c.me, op(side, "ack_send_over_receive"), { ipc_params: P({ recv_words_max: 2 }) });
        c.w.call(c.peer, op(o, "ack_send"), { ipc_params: P(send) });
        if (want === "IPC_RECV_DISCONNECTED") c.w.call(c.peer, op(o, "disconnect"), {});
        expect(c.w.done(c.me)).toBe(want);
      }
    });

    it("send_over_receive: SUCCESS, SEND_DISCONNECTED, OVER_DISCONNECTED, and the receive codes", () => {
      const a = roles(side, "sender");
      expect(rc(a.w.call(a.me, op(side, "send_over_receive"), { ipc_params: P({ send_words: [1, 2], recv_words_max: 4 }) }))).toBe("blocked");
      a.w.call(a.peer, op(o, "receive"), { ipc_params: P({ recv_words_max: 9 }) });
      a.w.call(a.peer, op(o, "ack_send_over_receive"), { ipc_params: P({ send_words: [3], recv_words_max: 4 }) });
      expect(a.w.done(a.me)).toBe("SUCCESS");
      const b = roles(side, "sender");
      b.w.call(b.peer, op(o, "disconnect"), {});
      expect(rc(b.w.call(b.me, op(side, "send_over_receive"), { ipc_params: P() }))).toBe("IPC_SEND_DISCONNECTED");
      const c = roles(side, "sender");
      c.w.call(c.me, op(side, "send_over_receive"), { ipc_params: P() });
      c.w.call(c.peer, op(o, "disconnect"), {});
      expect(c.w.done(c.me)).toBe("IPC_OVER_DISCONNECTED");
      for (const [send, want] of [[{ send_words: [1] }, "IPC_RECV_DISCONNECTED"], [{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_refs: [REF(100)] }, "IPC_RECV_MORE_REFS"]] as const) {
        const d = roles(side, "sender");
        d.w.call(d.me, op(side, "send_over_receive"), { ipc_params: P({ recv_words_max: 2 }) });
        d.w.call(d.peer, op(o, "ack_send"), { ipc_params: P(send) });
        if (want === "IPC_RECV_DISCONNECTED") d.w.call(d.peer, op(o, "disconnect"), {});
        expect(d.w.done(d.me)).toBe(want);
      }
    });

    it("disconnect and alert", () => {
      const a = roles(side, "sender");
      expect(rc(a.w.call(a.me, op(side, "alert"), {}))).toBe("SUCCESS");
      expect(rc(a.w.call(a.me, op(side, "disconnect"), {}))).toBe("SUCCESS");
      expect(rc(a.w.call(a.me, op(side, "disconnect"), {}))).toBe("SUCCESS");
      expect(rc(a.w.call(a.me, op(side, "alert"), {}))).toBe("SUCCESS");
      expect(rc(a.w.call(a.peer, op(o, "ack_send"), { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
    });
  });
}

describe("IPC insanities: every row, every listed code (lockstep)", () => {
  for (const row of IPC_CALLS) {
    if (row.insanities.length === 0) continue;
    it(`${row.name}: ${row.insanities.join(", ")}`, () => {
      for (const code of row.insanities) {
        const { w, args, thread } = provoke(row, code);
        expect(`${code}: ${rc(w.call(thread, row.name, args))}`).toBe(`${code}: INS:${code}`);
      }
    });
  }
});

describe("coverage of the rows", () => {
  it("every return code and insanity of the IPC rows was reached, on both sides alike", () => {
    expect(unreached("ipc")).toEqual([]);
  });
});
