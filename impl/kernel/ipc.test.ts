// Unit tests of the kernel's IPC chapter (spec/kernel-api/ipc.md) on its own: the statements of the
// prose about one-way and idempotent IPC, servers, kernel calls, reliable connections, blocking and the
// atomic API (continuations), and the thread chapter's entry points (ipcCancelWait, ipcThreadDestroyed,
// ipcWaitingFor, ipcLendingClient), checked on the kernel's own records (queues, links, flags, inboxes).
import { describe, expect, it } from "vitest";
import { FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_SERVER_SENDER } from "../../spec/kernel-api/common.js";
import { KERNEL_CALLS } from "../../spec/kernel-api/registry.js";
import { KERNEL_HANDLERS } from "./handlers.js";
import type { KCtx } from "./kctx.js";
import type { KPort, KPset } from "./kobjects.js";
import { ipcCancelWait, ipcLendingClient, ipcThreadDestroyed, ipcWaitingFor } from "./ipc-cleanup.js";
import { ipcKernelCall } from "./ipc-kernel.js";
import { end, ipcOf } from "./ipc-state.js";
import { sleep, wake } from "./ipc-wait.js";
import { KWorld, P, PORT, PSET, REF, out, rc } from "./ipc-testkit.js";

const setup = (threads = 4): { w: KWorld; ps: number; dest: number } => {
  const w = new KWorld(threads);
  const ps = w.pset(0);
  const dest = w.port(0, ps, 7);
  return { w, ps, dest };
};
const serve = (w: KWorld, s: number, ps: number, recv = 8, recvRefs: number[] = []): string =>
  rc(w.call(s, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: recv, recv_refs: recvRefs }) }));
const ctxOf = (w: KWorld, va: number): KCtx => ({ k: w.k, self: w.thread(va), task: w.k.rootTask, completions: [] });

describe("dispatch", () => {
  it("every row of the port, pset and ipc chapters (40) has a kernel handler", () => {
    const rows = KERNEL_CALLS.filter((c) => c.chapter === "port" || c.chapter === "pset" || c.chapter === "ipc");
    expect(rows.length).toBe(40);
    expect(rows.filter((c) => KERNEL_HANDLERS[c.name] === undefined).map((c) => c.name)).toEqual([]);
  });
});

describe("one-way and idempotent IPC", () => {
  it("send delivers to the FIFO-first waiting server, truncated, padded to FLUKE_MIN_MSG_SIZE, with alias and class", () => {
    const { w, ps, dest } = setup();
    const [s1, s2, c] = w.t;
    serve(w, s1!, ps, 3);
    serve(w, s2!, ps, 3);
    expect((w.obj(PSET(0)) as KPset).servers.length).toBe(2);
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3, 4] }) }))).toBe("SUCCESS");
    expect(out(w.done(s1!))).toEqual({ words: [1, 2, 3], refs_received: 0, port_alias: 7, ipc_class: "oneway" });
    w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [5] }) });
    expect(out(w.done(s2!)).words).toEqual([5, 0]);
    expect((w.obj(PSET(0)) as KPset).servers.length).toBe(0);
  });
  it("a sender with no server waits FIFO on the port (waiting_for = the port) and completes when a server takes it", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    w.call(c1!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 1] }) });
    w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [2, 2] }) });
    const p = w.obj(PORT(0)) as KPort;
    expect(p.clients.map((t) => t.thread_va)).toEqual([c1, c2]);
    expect(ipcWaitingFor(w.thread(c1!))).toBe(p);
    expect(w.thread(c1!).wait).toEqual({ kind: "ipc", on: p });
    expect(out(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) })).words).toEqual([1, 1]);
    expect(rc(w.done(c1!))).toBe("SUCCESS");
    expect(w.thread(c1!).waiting_for).toBeNull(); // the stored link is cleared on wake, as in the model
    expect(p.clients.map((t) => t.thread_va)).toEqual([c2]);
  });
  it("call: the server serves it, the reply (truncated, with references) completes the client, at most once", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.ref(1, PORT(0));
    w.nullRef(2);
    serve(w, s!, ps, 2);
    expect(rc(w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2, 3], recv_words_max: 3, recv_refs: [REF(2)] }) }))).toBe("blocked");
    expect(ipcOf(w.thread(s!)).serving).toBe(w.thread(c!));
    expect(ipcLendingClient(w.thread(s!))).toBe(w.thread(c!));
    expect(ipcWaitingFor(w.thread(c!))).toBe(w.thread(s!));
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [4, 5, 6, 7], send_refs: [REF(1)] }) });
    expect(w.done(c!)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [4, 5, 6], refs_received: 1 } });
    expect(w.targetOf(REF(2))).toBe(PORT(0));
    expect(rc(w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [9] }) }))).toBe("SUCCESS");
    expect(w.last.completions).toEqual([]);
  });
  it("a server that waits again without replying makes its client send the call again (idempotent retry)", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps);
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 2 }) });
    expect(out(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toMatchObject({ words: [1, 2], ipc_class: "idempotent" });
    expect(w.done(c!)).toBeUndefined();
  });
  it("IPC_CONNECT_INVALID_DEST for a caller whose server is destroyed (ipcThreadDestroyed)", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps);
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2 }) });
    const ctx = ctxOf(w, s!);
    ipcThreadDestroyed(ctx, w.thread(s!));
    expect(ctx.completions.map((x) => [x.thread.thread_va, rc(x.outcome)])).toEqual([[c, "IPC_CONNECT_INVALID_DEST"]]);
    expect(ipcOf(w.thread(s!)).callers.size).toBe(0);
  });
});

describe("blocking (ipc-wait.ts)", () => {
  it("sleep sets the wait, its object and the stored waiting_for, and queues FIFO; wake undoes all of it", () => {
    const { w } = setup(2);
    const t = w.thread(w.t[0]!);
    const p = w.obj(PORT(0)) as KPort;
    sleep(t, { kind: "port", port: p });
    sleep(t, { kind: "port", port: p });
    expect([t.wait, t.waiting_for, p.clients]).toEqual([{ kind: "ipc", on: p }, p, [t]]);
    const ps = w.obj(PSET(0)) as KPset;
    sleep(t, { kind: "pset", pset: ps });
    expect([p.clients, ps.servers, t.waiting_for]).toEqual([[], [t], ps]);
    wake(t);
    expect([ps.servers, t.waiting_for, ipcOf(t).waitFor]).toEqual([[], null, null]);
  });
});

describe("servers", () => {
  it("setup_wait_receive records the served set; wait_receive without one (or a destroyed one) is NO_OBJECT", () => {
    const { w, ps } = setup();
    const [s, t] = w.t;
    expect(rc(w.call(t!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toBe("INS:NO_OBJECT");
    serve(w, s!, ps);
    expect(ipcOf(w.thread(s!)).serverPset).toBe(w.obj(ps));
    expect(w.thread(s!).pending?.name).toBe("fluke_ipc_wait_receive");
    expect(rc(w.call(w.t[2]!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 1 }) }))).toBe("INS:BUFFER_UNALIGNED");
  });
  it("takes the client that waited longest on any port of the set, with that port's alias", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    const dest2 = w.port(1, ps, 9);
    w.call(c1!, "fluke_ipc_send", { destination: dest2, ipc_params: P({ send_words: [1, 1] }) });
    w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [2, 2] }) });
    expect(out(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 2 }) }))).toMatchObject({ words: [1, 1], port_alias: 9 });
    expect(out(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 2 }) }))).toMatchObject({ words: [2, 2], port_alias: 7 });
  });
});

describe("kernel calls (ipcKernelCall)", () => {
  it("queue as an idempotent client; the keeper receives the words; its reply resumes the thread", () => {
    const { w, ps } = setup();
    const [s, t] = w.t;
    ipcKernelCall(ctxOf(w, t!), w.thread(t!), w.obj(PORT(0)) as KPort, [0xfe, 0xed, 3], "exception");
    expect(ipcWaitingFor(w.thread(t!))).toBe(w.obj(PORT(0)));
    expect(out(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 8 }) }))).toEqual({ words: [0xfe, 0xed, 3], refs_received: 0, port_alias: 7, ipc_class: "idempotent" });
    w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: [0, 0] }) });
    expect(w.thread(t!).wait).toBeNull();
    expect(ipcOf(w.thread(t!)).kernelCall).toBeNull();
  });
  it("a dead keeper port blocks the thread for good; ipcCancelWait takes a thread out of every queue", () => {
    const { w, dest } = setup();
    const [t1, t2] = w.t;
    const p = w.obj(PORT(0)) as KPort;
    w.ok("fluke_port_create", { new_port: PORT(3) });
    const dead = w.obj(PORT(3)) as KPort;
    w.ok("fluke_port_destroy", { port: PORT(3) });
    ipcKernelCall(ctxOf(w, t1!), w.thread(t1!), dead, [1], "fault");
    expect(w.thread(t1!).wait).toEqual({ kind: "exception" });
    w.call(t2!, "fluke_ipc_send", { destination: dest, ipc_params: P() });
    ipcCancelWait(ctxOf(w, t2!), w.thread(t2!));
    expect(p.clients).toEqual([]);
    expect(w.thread(t2!).wait).toBeNull();
    expect(w.thread(t2!).pending?.name).toBe("fluke_ipc_send");
  });
});

describe("reliable connections", () => {
  const connected = (): { w: KWorld; c: number; s: number; dest: number; ps: number } => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps);
    expect(rc(w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2, 3] }) }))).toBe("SUCCESS");
    expect(out(w.done(s!))).toEqual({ words: [1, 2, 3], refs_received: 0, port_alias: 7, ipc_class: "reliable" });
    return { w, c: c!, s: s!, dest, ps };
  };
  it("connect links both ends; the client holds the turn (CLIENT_SENDER)", () => {
    const { w, c, s } = connected();
    expect(w.thread(c).server).toBe(w.thread(s));
    expect(w.thread(s).client).toBe(w.thread(c));
    expect(w.thread(c).ipc_flags & FLUKE_THREAD_CLIENT_SENDER).not.toBe(0);
    expect(w.thread(s).ipc_flags & FLUKE_THREAD_SERVER_SENDER).toBe(0);
  });
  it("sends are buffered in the receiver's inbox; a receive takes nothing until it can complete", () => {
    const { w, c, s } = connected();
    w.call(c, "fluke_ipc_client_send", { ipc_params: P({ send_words: [4] }) });
    expect(end(w.thread(s), "server").inbox.words).toEqual([4]);
    expect(rc(w.call(s, "fluke_ipc_server_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("blocked");
    expect(end(w.thread(s), "server").inbox.words).toEqual([4]);
    expect(ipcWaitingFor(w.thread(s))).toBe(w.thread(c));
    expect(rc(w.call(c, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 8 }) }))).toBe("blocked");
    expect(w.done(s)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [4], refs_received: 0 } });
    expect(end(w.thread(c), "client").over).toBe(true);
    expect(w.thread(c).pending?.name).toBe("fluke_ipc_client_over_receive");
  });
  it("ack reverses the turn; the old sender's continuation becomes a plain receive", () => {
    const { w, c, s } = connected();
    w.call(c, "fluke_ipc_client_over_receive", { ipc_params: P({ recv_words_max: 8 }) });
    w.call(s, "fluke_ipc_server_ack_send", { ipc_params: P() });
    expect(w.thread(s).ipc_flags & FLUKE_THREAD_SERVER_SENDER).not.toBe(0);
    expect(w.thread(c).pending?.name).toBe("fluke_ipc_client_receive");
    expect(rc(w.call(s, "fluke_ipc_server_receive", { ipc_params: P() }))).toBe("INS:NOT_RECEIVER");
  });
  it("disconnect clears both links and turn bits, keeps the receiver's inbox; a blocked peer completes", () => {
    const { w, c, s } = connected();
    w.call(c, "fluke_ipc_client_send", { ipc_params: P({ send_words: [9] }) });
    w.call(s, "fluke_ipc_server_receive", { ipc_params: P({ recv_words_max: 8 }) });
    w.call(c, "fluke_ipc_client_disconnect", {});
    expect([w.thread(c).server, w.thread(s).client, w.thread(c).ipc_flags]).toEqual([null, null, 0]);
    expect(w.done(s)).toEqual({ kind: "return", rc: "IPC_RECV_DISCONNECTED", out: { words: [9], refs_received: 0 } });
  });
  it("alert posts alertPending on the peer (the side it came from); a destroyed peer posts one and breaks the connection", () => {
    const { w, c, s } = connected();
    w.call(c, "fluke_ipc_client_alert", {});
    expect(ipcOf(w.thread(s)).alertPending).toBe("client");
    ipcOf(w.thread(s)).alertPending = null;
    const ctx = ctxOf(w, s);
    ipcThreadDestroyed(ctx, w.thread(s));
    expect(ipcOf(w.thread(c)).alertPending).toBe("server");
    expect(w.thread(c).server).toBeNull();
  });
  it("reliable RPC: connect_send_over_receive + server_ack_send_wait_receive returns the whole reply with SUCCESS", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    serve(w, s!, ps);
    expect(rc(w.call(c!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P({ send_words: [1], recv_words_max: 4 }) }))).toBe("blocked");
    expect(rc(w.call(s!, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [7, 8], recv_words_max: 8 }) }))).toBe("blocked");
    expect(w.done(c!)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [7, 8], refs_received: 0 } });
    expect(w.thread(s!).pending?.name).toBe("fluke_ipc_wait_receive");
    expect(w.thread(c!).server).toBeNull();
  });
});
