// One-way and idempotent IPC in the model, and the server side (spec/kernel-api/ipc.md): fluke_ipc_send,
// fluke_ipc_call, fluke_ipc_reply, fluke_ipc_reply_wait_receive, fluke_ipc_setup_wait_receive,
// fluke_ipc_wait_receive, kernel calls to keepers, FIFO order, references carried in messages.
import { describe, expect, it } from "vitest";
import { FLUKE_MIN_MSG_SIZE } from "../spec/kernel-api/common.js";
import { ipcKernelCall } from "./ipc-kernel.js";
import { P, PORT, REF, World, out, rc } from "./ipc-testkit.js";
import type { Ctx } from "./ctx.js";

/** A world with a port set, port 0 in it (alias 7), and reference 100 to the port. */
const setup = (threads = 4): { w: World; ps: number; dest: number } => {
  const w = new World(threads);
  const ps = w.pset(0);
  const dest = w.port(0, ps, 7);
  return { w, ps, dest };
};
const serve = (w: World, s: number, ps: number, recv = 8, recvRefs: number[] = []): string =>
  rc(w.call(s, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: recv, recv_refs: recvRefs }) }));

describe("fluke_ipc_send", () => {
  it("delivers to a waiting server, truncated to its buffers, with the port's alias", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    expect(serve(w, s!, ps, 3)).toBe("blocked");
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3, 4] }) }))).toBe("SUCCESS");
    expect(out(w.done(s!))).toEqual({ words: [1, 2, 3], refs_received: 0, port_alias: 7, ipc_class: "oneway" });
  });
  it("pads a message shorter than FLUKE_MIN_MSG_SIZE with zero words", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps, 8);
    w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [5] }) });
    expect(out(w.done(s!)).words).toEqual([5, 0]);
    expect((out(w.done(s!)).words as number[]).length).toBe(FLUKE_MIN_MSG_SIZE);
  });
  it("waits for a server when none is waiting, then SUCCESS", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) }))).toBe("blocked");
    expect(serve(w, s!, ps)).toBe("SUCCESS");
    expect(rc(w.done(c!))).toBe("SUCCESS");
  });
  it("returns INVALID_DEST when the port is gone", () => {
    const { w, dest } = setup();
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(rc(w.call(w.t[0]!, "fluke_ipc_send", { destination: dest, ipc_params: P() }))).toBe("INVALID_DEST");
  });
  it("carries references: the receiver's slots are bound to the sent targets, the sender keeps its own", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.ref(1, PORT(0));
    w.nullRef(2);
    w.nullRef(3);
    serve(w, s!, ps, 4, [REF(2), REF(3)]);
    w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(out(w.done(s!)).refs_received).toBe(1);
    expect(w.targetOf(REF(2))).toBe(PORT(0));
    expect(w.targetOf(REF(3))).toBe(0);
    expect(w.targetOf(REF(1))).toBe(PORT(0));
  });
});

describe("fluke_ipc_call", () => {
  it("sends the request, blocks, and returns the reply truncated to its buffers", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps, 2);
    expect(rc(w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2, 3], recv_words_max: 3 }) }))).toBe("blocked");
    expect(out(w.done(s!))).toEqual({ words: [1, 2], refs_received: 0, port_alias: 7, ipc_class: "idempotent" });
    expect(rc(w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [4, 5, 6, 7] }) }))).toBe("SUCCESS");
    expect(w.done(c!)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [4, 5, 6], refs_received: 0 } });
  });
  it("returns IPC_CONNECT_INVALID_DEST for a destroyed port, and to a caller whose server is destroyed", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps);
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 2 }) });
    w.ok("fluke_thread_destroy", { thread: s! });
    expect(rc(w.done(c!))).toBe("IPC_CONNECT_INVALID_DEST");
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(rc(w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_CONNECT_INVALID_DEST");
  });
  it("is sent again when the server waits for new work without replying (at most one reply)", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps);
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 2 }) });
    expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("SUCCESS"); // the same request again
    expect(w.done(c!)).toBeUndefined();
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [9, 9] }) });
    expect(rc(w.done(c!))).toBe("SUCCESS");
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [8, 8] }) }); // no call in progress: ignored
    expect(w.d.lastCompletions).toEqual([]);
  });
  it("raises BUFFER_UNALIGNED when the receive buffers hold less than FLUKE_MIN_MSG_SIZE words", () => {
    const { w, dest } = setup();
    expect(w.probe("fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 1 }) }, w.t[0])).toBe("INS:BUFFER_UNALIGNED");
  });
});

describe("fluke_ipc_reply", () => {
  it("is silently ignored outside an idempotent call", () => {
    const { w } = setup();
    expect(rc(w.call(w.t[0]!, "fluke_ipc_reply", { ipc_params: P({ send_words: [1] }) }))).toBe("SUCCESS");
  });
  it("binds the references of the reply into the caller's receive slots", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.ref(1, PORT(0));
    w.nullRef(2);
    serve(w, s!, ps);
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2, recv_refs: [REF(2)] }) });
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_refs: [REF(1)] }) });
    expect(w.done(c!)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [0, 0], refs_received: 1 } });
    expect(w.targetOf(REF(2))).toBe(PORT(0));
  });
});

describe("fluke_ipc_reply_wait_receive", () => {
  it("replies, then takes the next queued request", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    serve(w, s!, ps);
    w.call(c1!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 1], recv_words_max: 2 }) });
    w.call(c2!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [2, 2], recv_words_max: 2 }) });
    const o = w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ send_words: [10, 10], recv_words_max: 8 }) });
    expect(out(w.done(c1!)).words).toEqual([10, 10]);
    expect(o).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [2, 2], refs_received: 0, port_alias: 7, ipc_class: "idempotent" } });
  });
  it("returns IPC_RECV_MORE_DATA and IPC_RECV_MORE_REFS when a reliable first message does not fit", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    w.ref(1, PORT(0));
    serve(w, s!, ps);
    w.call(c1!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    w.call(c1!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3, 4, 5] }) });
    expect(rc(w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_DATA");
    w.call(c2!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(rc(w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_REFS");
  });
});

describe("fluke_ipc_setup_wait_receive", () => {
  it("records the served port set and waits; FIFO among servers and among clients", () => {
    const { w, ps, dest } = setup(5);
    const [s1, s2, c1, c2] = w.t;
    serve(w, s1!, ps);
    serve(w, s2!, ps);
    expect(w.thread(s1!).ipc.serverPset).toBe(w.obj(ps)!.oid);
    w.call(c1!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 1] }) });
    expect(w.done(s1!)).toBeDefined();
    w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [2, 2] }) });
    expect(out(w.done(s2!)).words).toEqual([2, 2]);
  });
  it("takes the client that has waited longest on any port of the set, with that port's alias", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    const dest2 = w.port(1, ps, 9);
    w.call(c1!, "fluke_ipc_send", { destination: dest2, ipc_params: P({ send_words: [1, 1] }) });
    w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [2, 2] }) });
    expect(out(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) }))).toMatchObject({ words: [1, 1], port_alias: 9 });
    expect(out(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toMatchObject({ words: [2, 2], port_alias: 7 });
    expect(w.d.lastCompletions.map((c) => c.thread)).toEqual([c2]);
  });
  it("returns IPC_RECV_MORE_DATA / IPC_RECV_MORE_REFS for a reliable first message that does not fit", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.ref(1, PORT(0));
    w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3] }) });
    expect(serve(w, s!, ps, 2)).toBe("IPC_RECV_MORE_DATA");
    const v = setup();
    v.w.ref(1, PORT(0));
    v.w.call(v.w.t[1]!, "fluke_ipc_client_connect_send", { destination: v.dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(serve(v.w, v.w.t[0]!, v.ps, 2)).toBe("IPC_RECV_MORE_REFS");
  });
  it("raises the port-set codes and BUFFER_UNALIGNED", () => {
    const { w, ps } = setup();
    const s = w.t[0];
    expect(w.probe("fluke_ipc_setup_wait_receive", { pset: PORT(0), ipc_params: P({ recv_words_max: 2 }) }, s)).toBe("INS:NOT_PSET");
    expect(w.probe("fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 0 }) }, s)).toBe("INS:BUFFER_UNALIGNED");
  });
});

describe("fluke_ipc_wait_receive", () => {
  it("waits on the set set up earlier; SUCCESS for one-way, MORE_DATA / MORE_REFS for a large reliable message", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    w.ref(1, PORT(0));
    serve(w, s!, ps);
    w.call(c1!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("blocked");
    w.call(c2!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3] }) });
    expect(rc(w.done(s!))).toBe("IPC_RECV_MORE_DATA");
    w.call(c1!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2], send_refs: [REF(1)] }) });
    expect(rc(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("IPC_RECV_MORE_REFS");
    expect(w.thread(c2!).server).toBeNull(); // waiting again broke the previous client connection
  });
  it("raises NO_OBJECT when no port set was set up (or it was destroyed), and BUFFER_UNALIGNED", () => {
    const { w, ps } = setup();
    const s = w.t[0];
    expect(w.probe("fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }, s)).toBe("INS:NO_OBJECT");
    serve(w, s!, ps);
    w.call(w.t[1]!, "fluke_ipc_send", { destination: REF(100), ipc_params: P({ send_words: [1, 2] }) });
    expect(w.probe("fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 1 }) }, s)).toBe("INS:BUFFER_UNALIGNED");
    w.ok("fluke_pset_destroy", { pset: ps });
    expect(w.probe("fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }, s)).toBe("INS:NO_OBJECT");
  });
});

describe("kernel calls to keepers (ipcKernelCall)", () => {
  const kernelCall = (w: World, thread: number, port: number | null): void => {
    const t = w.thread(thread);
    const ctx: Ctx = { s: w.d.s, self: t, task: t.task!, completions: [] };
    ipcKernelCall(ctx, t, port ?? 999_999, [0xfe, 0xed, 3], "exception");
  };
  it("queues as an idempotent client; the keeper's reply resumes the thread", () => {
    const { w, ps } = setup();
    const [s, t] = w.t;
    kernelCall(w, t!, w.obj(PORT(0))!.oid);
    expect(w.thread(t!).wait).toEqual({ kind: "ipc" });
    expect(w.thread(t!).waiting_for).toBe(w.obj(PORT(0))!.oid);
    expect(out(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 8 }) }))).toEqual({
      words: [0xfe, 0xed, 3], refs_received: 0, port_alias: 7, ipc_class: "idempotent",
    });
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [0, 0] }) });
    expect(w.thread(t!).wait).toBeNull();
    expect(w.thread(t!).ipc.kernelCall).toBeNull();
  });
  it("a keeper port that does not exist, or is destroyed while the call waits, blocks the thread for good", () => {
    const { w } = setup();
    const [t1, t2] = w.t;
    kernelCall(w, t1!, null);
    expect(w.thread(t1!).wait).toEqual({ kind: "exception" });
    kernelCall(w, t2!, w.obj(PORT(0))!.oid);
    w.ok("fluke_port_destroy", { port: PORT(0) });
    expect(w.thread(t2!).wait).toEqual({ kind: "exception" });
  });
});
