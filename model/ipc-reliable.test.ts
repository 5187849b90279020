// Reliable IPC connections in the model (spec/kernel-api/ipc.md "Reliable connections"): connecting, and
// every side operation in both its client_ and server_ forms, with each return code and the
// NOT_SENDER / NOT_RECEIVER insanities their rows list.
import { describe, expect, it } from "vitest";
import { FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_SERVER_SENDER } from "../spec/kernel-api/common.js";
import type { Side } from "./ipc-state.js";
import { P, PORT, REF, World, abandon, out, rc } from "./ipc-testkit.js";
import type { ThreadName } from "./state.js";

interface Conn { w: World; c: ThreadName; s: ThreadName; dest: number; ps: number }

/** Client t[1] connected to server t[0] (client is the sender; both runnable). */
const connected = (): Conn => {
  const w = new World(4);
  const ps = w.pset(0);
  const dest = w.port(0, ps, 7);
  const [s, c] = w.t;
  w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 8 }) });
  expect(rc(w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [0, 0] }) }))).toBe("SUCCESS");
  expect(rc(w.done(s!))).toBe("SUCCESS");
  return { w, c: c!, s: s!, dest, ps };
};

/**
 * A connection where `me` acts on its connection `side` in role `role`, `peer` is the other end, both
 * runnable. For the server as sender the turn is reversed first (the client's receive is then dropped).
 */
const roles = (side: Side, role: "sender" | "receiver"): { w: World; me: ThreadName; peer: ThreadName } => {
  const k = connected();
  const clientSends = (side === "client") === (role === "sender");
  if (!clientSends) {
    expect(rc(k.w.call(k.c, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("blocked");
    expect(rc(k.w.call(k.s, "fluke_ipc_server_ack_send", { ipc_params: P() }))).toBe("SUCCESS");
    abandon(k.w, k.c);
  }
  return side === "client" ? { w: k.w, me: k.c, peer: k.s } : { w: k.w, me: k.s, peer: k.c };
};

const other = (side: Side): Side => (side === "client" ? "server" : "client");
const op = (side: Side, name: string): string => `fluke_ipc_${side}_${name}`;

describe("fluke_ipc_client_connect_send", () => {
  it("connects to a waiting server: the client is the sender, both links are set", () => {
    const { w, c, s } = connected();
    expect(w.thread(c).server).toBe(w.thread(s).oid);
    expect(w.thread(s).client).toBe(w.thread(c).oid);
    expect(w.thread(c).ipc_flags & FLUKE_THREAD_CLIENT_SENDER).not.toBe(0);
    expect(w.thread(s).ipc_flags & FLUKE_THREAD_SERVER_SENDER).toBe(0);
  });
  it("waits for a server, and breaks an existing server connection first", () => {
    const k = connected();
    const [, , s2] = k.w.t;
    expect(rc(k.w.call(k.c, "fluke_ipc_client_connect_send", { destination: k.dest, ipc_params: P({ send_words: [1, 2] }) }))).toBe("blocked");
    expect(k.w.thread(k.s).client).toBeNull();
    k.w.call(s2!, "fluke_ipc_setup_wait_receive", { pset: k.ps, ipc_params: P({ recv_words_max: 8 }) });
    expect(rc(k.w.done(k.c))).toBe("SUCCESS");
    expect(k.w.thread(k.c).server).toBe(k.w.thread(s2!).oid);
  });
  it("returns IPC_CONNECT_INVALID_DEST for a null destination", () => {
    const w = new World(2);
    w.nullRef(1);
    expect(rc(w.call(w.t[0]!, "fluke_ipc_client_connect_send", { destination: REF(1), ipc_params: P() }))).toBe("IPC_CONNECT_INVALID_DEST");
  });
});

describe("fluke_ipc_client_connect_send_over_receive and fluke_ipc_server_ack_send_wait_receive (reliable RPC)", () => {
  const rpc = (): Conn & { c2: ThreadName } => {
    const w = new World(4);
    const ps = w.pset(0);
    const dest = w.port(0, ps, 7);
    const [s, c, c2] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 8 }) });
    expect(rc(w.call(c!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P({ send_words: [1, 2, 3], recv_words_max: 2 }) }))).toBe("blocked");
    expect(out(w.done(s!))).toEqual({ words: [1, 2, 3], refs_received: 0, port_alias: 7, ipc_class: "reliable" });
    return { w, c: c!, s: s!, dest, ps, c2: c2! };
  };
  it("SUCCESS: the reply arrives whole, the server disconnects and waits for the next request", () => {
    const k = rpc();
    expect(rc(k.w.call(k.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [7, 8], recv_words_max: 8 }) }))).toBe("blocked");
    expect(k.w.done(k.c)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [7, 8], refs_received: 0 } });
    expect(k.w.thread(k.c).server).toBeNull();
    k.w.call(k.c2, "fluke_ipc_send", { destination: k.dest, ipc_params: P({ send_words: [4, 4] }) });
    expect(rc(k.w.done(k.s))).toBe("SUCCESS");
  });
  it("IPC_RECV_MORE_DATA when the reply does not fit; the rest comes with fluke_ipc_client_receive", () => {
    const k = rpc();
    k.w.call(k.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [7, 8, 9], recv_words_max: 8 }) });
    expect(k.w.done(k.c)).toEqual({ kind: "return", rc: "IPC_RECV_MORE_DATA", out: { words: [7, 8], refs_received: 0 } });
    expect(k.w.call(k.c, "fluke_ipc_client_receive", { ipc_params: P({ recv_words_max: 8 }) })).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [9], refs_received: 0 } });
    expect(rc(k.w.call(k.c, "fluke_ipc_client_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("IPC_RECV_DISCONNECTED");
  });
  it("IPC_RECV_MORE_REFS when the reply carries more references than slots", () => {
    const k = rpc();
    k.w.ref(1, PORT(0));
    k.w.call(k.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_refs: [REF(1)], recv_words_max: 8 }) });
    expect(rc(k.w.done(k.c))).toBe("IPC_RECV_MORE_REFS");
  });
  it("IPC_OVER_DISCONNECTED when the server disconnects before its ack", () => {
    const k = rpc();
    k.w.call(k.s, "fluke_ipc_server_disconnect", {});
    expect(k.w.done(k.c)).toEqual({ kind: "return", rc: "IPC_OVER_DISCONNECTED", out: { words: [], refs_received: 0 } });
  });
  it("IPC_RECV_DISCONNECTED when the server acks, sends, and disconnects without ending the message", () => {
    const k = rpc();
    k.w.call(k.s, "fluke_ipc_server_ack_send", { ipc_params: P({ send_words: [5] }) });
    expect(k.w.done(k.c)).toBeUndefined();
    k.w.call(k.s, "fluke_ipc_server_disconnect", {});
    expect(k.w.done(k.c)).toEqual({ kind: "return", rc: "IPC_RECV_DISCONNECTED", out: { words: [5], refs_received: 0 } });
  });
  it("IPC_CONNECT_INVALID_DEST when the port is destroyed while the client waits", () => {
    const w = new World(2);
    const dest = w.port(0);
    w.call(w.t[0]!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(w.done(w.t[0]!)).toEqual({ kind: "return", rc: "IPC_CONNECT_INVALID_DEST", out: { words: [], refs_received: 0 } });
  });
  it("server_ack_send_wait_receive waits for the client's over; IPC_ACK_DISCONNECTED without a connection; MORE_* for the next request", () => {
    const k = connected();
    expect(rc(k.w.call(k.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [1], recv_words_max: 2 }) }))).toBe("blocked");
    const o = k.w.call(k.c, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 8 }) });
    expect(o).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [1], refs_received: 0 } }); // reversed, answered, ended at once
    expect(rc(k.w.call(k.c, "fluke_ipc_client_connect_send", { destination: k.dest, ipc_params: P({ send_words: [1, 2, 3] }) }))).toBe("SUCCESS");
    expect(rc(k.w.done(k.s))).toBe("IPC_RECV_MORE_DATA");
    k.w.call(k.c, "fluke_ipc_client_disconnect", {});
    expect(k.w.probe("fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }, k.s)).toBe("IPC_ACK_DISCONNECTED");
    k.w.ref(1, PORT(0));
    const [, , c2] = k.w.t;
    k.w.call(c2!, "fluke_ipc_client_connect_send_over_receive", { destination: k.dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 2 }) });
    expect(rc(k.w.call(k.s, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("SUCCESS");
    const [, , , c3] = k.w.t;
    k.w.call(c3!, "fluke_ipc_client_connect_send", { destination: k.dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(rc(k.w.call(k.s, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [5, 5], recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_REFS");
    expect(k.w.done(c2!)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [5, 5], refs_received: 0 } });
  });
  it("server_ack_send_wait_receive raises NOT_RECEIVER for the sender", () => {
    const { w, me } = roles("server", "sender");
    expect(w.probe("fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }, me)).toBe("INS:NOT_RECEIVER");
  });
});

describe("fluke_ipc_server_send_wait_receive", () => {
  it("sends as the sender, ends the message, disconnects, and waits; SEND_DISCONNECTED without a connection", () => {
    const { w, me, peer } = roles("server", "sender");
    w.call(peer, "fluke_ipc_client_receive", { ipc_params: P({ recv_words_max: 8 }) });
    expect(rc(w.call(me, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ send_words: [3, 3], recv_words_max: 2 }) }))).toBe("blocked");
    expect(w.done(peer)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [3, 3], refs_received: 0 } });
    expect(w.probe("fluke_ipc_server_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }, peer)).toBe("INS:NO_OBJECT"); // the client serves no set
    w.call(w.t[2]!, "fluke_ipc_send", { destination: REF(100), ipc_params: P({ send_words: [4, 4] }) });
    expect(w.done(me)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [4, 4], refs_received: 0, port_alias: 7, ipc_class: "oneway" } });
  });
  it("returns IPC_SEND_DISCONNECTED without a connection, MORE_DATA / MORE_REFS for the next request, NOT_SENDER for the receiver", () => {
    const k = connected();
    expect(k.w.probe("fluke_ipc_server_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }, k.s)).toBe("INS:NOT_SENDER");
    k.w.call(k.c, "fluke_ipc_client_disconnect", {});
    expect(rc(k.w.call(k.s, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_SEND_DISCONNECTED");
    for (const [send, want] of [[{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_words: [1, 2], send_refs: [REF(1)] }, "IPC_RECV_MORE_REFS"]] as const) {
      const r = roles("server", "sender");
      r.w.ref(1, PORT(0));
      r.w.call(r.w.t[2]!, "fluke_ipc_client_connect_send", { destination: REF(100), ipc_params: P(send) });
      expect(rc(r.w.call(r.me, "fluke_ipc_server_send_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe(want);
    }
  });
});

for (const side of ["client", "server"] as Side[]) {
  describe(`fluke_ipc_${side}_send`, () => {
    it("buffers data for the receiver; its receive returns once the sender hands the turn over", () => {
      const { w, me, peer } = roles(side, "sender");
      w.ref(1, PORT(0));
      w.nullRef(2);
      expect(rc(w.call(peer, op(other(side), "receive"), { ipc_params: P({ recv_words_max: 8, recv_refs: [REF(2)] }) }))).toBe("blocked");
      expect(rc(w.call(me, op(side, "send"), { ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) }))).toBe("SUCCESS");
      expect(w.done(peer)).toBeUndefined();
      w.call(me, op(side, "send"), { ipc_params: P({ send_words: [3] }) });
      w.call(me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 8 }) });
      expect(w.done(peer)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [1, 2, 3], refs_received: 1 } });
      expect(w.targetOf(REF(2))).toBe(PORT(0));
    });
    it("returns IPC_SEND_DISCONNECTED once the receiver disconnected", () => {
      const { w, me, peer } = roles(side, "sender");
      w.call(peer, op(other(side), "disconnect"), {});
      expect(rc(w.call(me, op(side, "send"), { ipc_params: P({ send_words: [1] }) }))).toBe("IPC_SEND_DISCONNECTED");
    });
    it("raises NOT_SENDER for the receiver", () => {
      const { w, me } = roles(side, "receiver");
      expect(w.probe(op(side, "send"), { ipc_params: P({ send_words: [1] }) }, me)).toBe("INS:NOT_SENDER");
    });
  });

  describe(`fluke_ipc_${side}_receive`, () => {
    it("returns IPC_RECV_MORE_DATA, then the rest with SUCCESS after the over", () => {
      const { w, me, peer } = roles(side, "receiver");
      w.call(peer, op(other(side), "send_over_receive"), { ipc_params: P({ send_words: [1, 2, 3, 4, 5] }) });
      expect(w.call(me, op(side, "receive"), { ipc_params: P({ recv_words_max: 3 }) })).toEqual({ kind: "return", rc: "IPC_RECV_MORE_DATA", out: { words: [1, 2, 3], refs_received: 0 } });
      expect(w.call(me, op(side, "receive"), { ipc_params: P({ recv_words_max: 3 }) })).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [4, 5], refs_received: 0 } });
    });
    it("returns IPC_RECV_MORE_REFS when references overflow the slots", () => {
      const { w, me, peer } = roles(side, "receiver");
      w.ref(1, PORT(0));
      w.call(peer, op(other(side), "send"), { ipc_params: P({ send_refs: [REF(1), REF(1)] }) });
      expect(rc(w.call(me, op(side, "receive"), { ipc_params: P({ recv_words_max: 3 }) }))).toBe("IPC_RECV_MORE_REFS");
    });
    it("returns IPC_RECV_DISCONNECTED with the last data when the sender disconnects", () => {
      const { w, me, peer } = roles(side, "receiver");
      expect(rc(w.call(me, op(side, "receive"), { ipc_params: P({ recv_words_max: 3 }) }))).toBe("blocked");
      w.call(peer, op(other(side), "send"), { ipc_params: P({ send_words: [9] }) });
      w.call(peer, op(other(side), "disconnect"), {});
      expect(w.done(me)).toEqual({ kind: "return", rc: "IPC_RECV_DISCONNECTED", out: { words: [9], refs_received: 0 } });
    });
    it("raises NOT_RECEIVER for the sender", () => {
      const { w, me } = roles(side, "sender");
      expect(w.probe(op(side, "receive"), { ipc_params: P({ recv_words_max: 3 }) }, me)).toBe("INS:NOT_RECEIVER");
    });
  });

  describe(`fluke_ipc_${side}_over_receive`, () => {
    it("hands the turn over, waits for the ack, then receives the answer (SUCCESS)", () => {
      const { w, me, peer } = roles(side, "sender");
      expect(rc(w.call(me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 4 }) }))).toBe("blocked");
      expect(w.thread(me).pending?.name).toBe(op(side, "over_receive"));
      expect(rc(w.call(peer, op(other(side), "ack_send_over_receive"), { ipc_params: P({ send_words: [6, 6], recv_words_max: 4 }) }))).toBe("blocked");
      expect(w.done(me)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [6, 6], refs_received: 0 } });
    });
    it("returns IPC_OVER_DISCONNECTED if the connection breaks before the ack, or is gone", () => {
      const { w, me, peer } = roles(side, "sender");
      w.call(me, op(side, "over_receive"), { ipc_params: P() });
      w.call(peer, op(other(side), "disconnect"), {});
      expect(rc(w.done(me))).toBe("IPC_OVER_DISCONNECTED");
      expect(rc(w.call(me, op(side, "over_receive"), { ipc_params: P() }))).toBe("IPC_OVER_DISCONNECTED");
    });
    it("continues as a receive after the ack: RECV_DISCONNECTED, MORE_DATA, MORE_REFS", () => {
      const a = roles(side, "sender");
      a.w.call(a.me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 4 }) });
      a.w.call(a.peer, op(other(side), "ack_send"), { ipc_params: P({ send_words: [1] }) });
      expect(a.w.thread(a.me).pending?.name).toBe(op(side, "receive"));
      a.w.call(a.peer, op(other(side), "disconnect"), {});
      expect(rc(a.w.done(a.me))).toBe("IPC_RECV_DISCONNECTED");
      const b = roles(side, "sender");
      b.w.call(b.me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 1 }) });
      b.w.call(b.peer, op(other(side), "ack_send"), { ipc_params: P({ send_words: [1, 2] }) });
      expect(rc(b.w.done(b.me))).toBe("IPC_RECV_MORE_DATA");
      const c = roles(side, "sender");
      c.w.ref(1, PORT(0));
      c.w.call(c.me, op(side, "over_receive"), { ipc_params: P({ recv_words_max: 1 }) });
      c.w.call(c.peer, op(other(side), "ack_send"), { ipc_params: P({ send_refs: [REF(1)] }) });
      expect(rc(c.w.done(c.me))).toBe("IPC_RECV_MORE_REFS");
    });
    it("raises NOT_SENDER for the receiver", () => {
      const { w, me } = roles(side, "receiver");
      expect(w.probe(op(side, "over_receive"), { ipc_params: P() }, me)).toBe("INS:NOT_SENDER");
    });
  });

  describe(`fluke_ipc_${side}_ack_send`, () => {
    it("takes the turn after the over and sends (SUCCESS); the peer's receive continues", () => {
      const { w, me, peer } = roles(side, "receiver");
      w.call(peer, op(other(side), "over_receive"), { ipc_params: P({ recv_words_max: 4 }) });
      expect(rc(w.call(me, op(side, "ack_send"), { ipc_params: P({ send_words: [4] }) }))).toBe("SUCCESS");
      expect(w.thread(me).ipc_flags & (side === "client" ? FLUKE_THREAD_CLIENT_SENDER : FLUKE_THREAD_SERVER_SENDER)).not.toBe(0);
      w.call(me, op(side, "disconnect"), {});
      expect(w.done(peer)).toEqual({ kind: "return", rc: "IPC_RECV_DISCONNECTED", out: { words: [4], refs_received: 0 } });
    });
    it("discards unreceived data and waits for the sender's over", () => {
      const { w, me, peer } = roles(side, "receiver");
      w.call(peer, op(other(side), "send"), { ipc_params: P({ send_words: [1, 1] }) });
      expect(rc(w.call(me, op(side, "ack_send"), { ipc_params: P({ send_words: [2] }) }))).toBe("blocked");
      w.call(peer, op(other(side), "send"), { ipc_params: P({ send_words: [3] }) });
      expect(w.done(me)).toBeUndefined();
      expect(rc(w.call(peer, op(other(side), "over_receive"), { ipc_params: P({ recv_words_max: 4 }) }))).toBe("blocked");
      expect(rc(w.done(me))).toBe("SUCCESS");
      expect(w.thread(me).ipc.asClient.inbox.words.length + w.thread(me).ipc.asServer.inbox.words.length).toBe(0);
    });
    it("returns IPC_ACK_DISCONNECTED when the sender disconnected (before or while waiting)", () => {
      const { w, me, peer } = roles(side, "receiver");
      w.call(me, op(side, "ack_send"), { ipc_params: P() });
      w.call(peer, op(other(side), "disconnect"), {});
      expect(rc(w.done(me))).toBe("IPC_ACK_DISCONNECTED");
      expect(rc(w.call(me, op(side, "ack_send"), { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
    });
    it("raises NOT_RECEIVER for the sender", () => {
      const { w, me } = roles(side, "sender");
      expect(w.probe(op(side, "ack_send"), { ipc_params: P() }, me)).toBe("INS:NOT_RECEIVER");
    });
  });

  describe(`fluke_ipc_${side}_ack_send_over_receive`, () => {
    const turned = (): { w: World; me: ThreadName; peer: ThreadName } => {
      const r = roles(side, "receiver");
      r.w.call(r.peer, op(other(side), "over_receive"), { ipc_params: P({ recv_words_max: 8 }) });
      return r;
    };
    it("acks, sends, hands the turn back and receives the answer (SUCCESS)", () => {
      const { w, me, peer } = turned();
      expect(rc(w.call(me, op(side, "ack_send_over_receive"), { ipc_params: P({ send_words: [5], recv_words_max: 4 }) }))).toBe("blocked");
      expect(w.done(peer)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [5], refs_received: 0 } });
      w.call(peer, op(other(side), "ack_send_over_receive"), { ipc_params: P({ send_words: [6], recv_words_max: 4 }) });
      expect(w.done(me)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [6], refs_received: 0 } });
    });
    it("returns IPC_ACK_DISCONNECTED without a connection, IPC_OVER_DISCONNECTED if it breaks before the second reversal", () => {
      const { w, me, peer } = turned();
      w.call(me, op(side, "ack_send_over_receive"), { ipc_params: P({ recv_words_max: 4 }) });
      w.call(peer, op(other(side), "disconnect"), {});
      expect(rc(w.done(me))).toBe("IPC_OVER_DISCONNECTED");
      expect(rc(w.call(me, op(side, "ack_send_over_receive"), { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
    });
    it("returns IPC_RECV_DISCONNECTED, MORE_DATA and MORE_REFS in its receive phase", () => {
      for (const [send, want] of [[{ send_words: [1] }, "IPC_RECV_DISCONNECTED"], [{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_refs: [REF(100)] }, "IPC_RECV_MORE_REFS"]] as const) {
        const { w, me, peer } = turned();
        w.call(me, op(side, "ack_send_over_receive"), { ipc_params: P({ recv_words_max: 2 }) });
        w.call(peer, op(other(side), "ack_send"), { ipc_params: P(send) });
        if (want === "IPC_RECV_DISCONNECTED") w.call(peer, op(other(side), "disconnect"), {});
        expect(rc(w.done(me))).toBe(want);
      }
    });
    it("raises NOT_RECEIVER for the sender", () => {
      const { w, me } = roles(side, "sender");
      expect(w.probe(op(side, "ack_send_over_receive"), { ipc_params: P() }, me)).toBe("INS:NOT_RECEIVER");
    });
  });

  describe(`fluke_ipc_${side}_send_over_receive`, () => {
    it("sends, hands the turn over, and receives the answer (SUCCESS)", () => {
      const { w, me, peer } = roles(side, "sender");
      expect(rc(w.call(me, op(side, "send_over_receive"), { ipc_params: P({ send_words: [1, 2], recv_words_max: 4 }) }))).toBe("blocked");
      expect(w.call(peer, op(other(side), "receive"), { ipc_params: P({ recv_words_max: 4 }) })).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [1, 2], refs_received: 0 } });
      w.call(peer, op(other(side), "ack_send_over_receive"), { ipc_params: P({ send_words: [3], recv_words_max: 4 }) });
      expect(out(w.done(me)).words).toEqual([3]);
    });
    it("returns SEND_DISCONNECTED without a connection, OVER_DISCONNECTED before the ack, and the receive codes after it", () => {
      const a = roles(side, "sender");
      a.w.call(a.peer, op(other(side), "disconnect"), {});
      expect(rc(a.w.call(a.me, op(side, "send_over_receive"), { ipc_params: P() }))).toBe("IPC_SEND_DISCONNECTED");
      const b = roles(side, "sender");
      b.w.call(b.me, op(side, "send_over_receive"), { ipc_params: P() });
      b.w.call(b.peer, op(other(side), "disconnect"), {});
      expect(rc(b.w.done(b.me))).toBe("IPC_OVER_DISCONNECTED");
      for (const [send, want] of [[{ send_words: [1] }, "IPC_RECV_DISCONNECTED"], [{ send_words: [1, 2, 3] }, "IPC_RECV_MORE_DATA"], [{ send_refs: [REF(100)] }, "IPC_RECV_MORE_REFS"]] as const) {
        const c = roles(side, "sender");
        c.w.call(c.me, op(side, "send_over_receive"), { ipc_params: P({ recv_words_max: 2 }) });
        c.w.call(c.peer, op(other(side), "ack_send"), { ipc_params: P(send) });
        if (want === "IPC_RECV_DISCONNECTED") c.w.call(c.peer, op(other(side), "disconnect"), {});
        expect(rc(c.w.done(c.me))).toBe(want);
      }
    });
    it("raises NOT_SENDER for the receiver", () => {
      const { w, me } = roles(side, "receiver");
      expect(w.probe(op(side, "send_over_receive"), { ipc_params: P() }, me)).toBe("INS:NOT_SENDER");
    });
  });

  describe(`fluke_ipc_${side}_disconnect`, () => {
    it("clears both links and the turn bits; later operations of either end see *_DISCONNECTED", () => {
      const { w, me, peer } = roles(side, "sender");
      expect(rc(w.call(me, op(side, "disconnect"), {}))).toBe("SUCCESS");
      expect([w.thread(me).client, w.thread(me).server, w.thread(peer).client, w.thread(peer).server]).toEqual([null, null, null, null]);
      expect(w.thread(me).ipc_flags).toBe(0);
      expect(rc(w.call(peer, op(other(side), "ack_send"), { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
      expect(rc(w.call(me, op(side, "send"), { ipc_params: P() }))).toBe("IPC_SEND_DISCONNECTED");
      expect(rc(w.call(me, op(side, "disconnect"), {}))).toBe("SUCCESS"); // no connection: nothing to do
    });
  });

  describe(`fluke_ipc_${side}_alert`, () => {
    it("posts an alert on the peer, marked with the side it came from; ignored without a connection", () => {
      const { w, me, peer } = roles(side, "sender");
      expect(rc(w.call(me, op(side, "alert"), {}))).toBe("SUCCESS");
      expect(w.thread(peer).ipc.alertPending).toBe(side);
      w.call(me, op(side, "disconnect"), {});
      w.thread(peer).ipc.alertPending = null;
      w.call(me, op(side, "alert"), {});
      expect(w.thread(peer).ipc.alertPending).toBeNull();
    });
  });
}
