// Blocked IPC as state (spec/kernel-api/ipc.md "Blocking and the atomic API"): a thread taken out of
// its IPC wait (ipcCancelWait, as fluke_thread_get_state does) keeps a pending call that, re-run later,
// finishes the operation correctly; the connection survives. And the IPC half of fluke_thread_destroy.
import { describe, expect, it } from "vitest";
import { FLUKE_THREAD_STOPPED } from "../spec/kernel-api/common.js";
import type { Completion } from "./state.js";
import type { Ctx } from "./ctx.js";
import { ipcCancelWait } from "./ipc-cleanup.js";
import { P, REF, World, out, rc } from "./ipc-testkit.js";
import { resumePending } from "./restart.js";

/** Run `f` on the driver's current state as thread `name` (in place); returns the completions. */
const inPlace = (w: World, name: number, f: (ctx: Ctx) => void): Completion[] => {
  const t = w.thread(name);
  const ctx: Ctx = { s: w.d.s, self: t, task: t.task!, completions: [] };
  f(ctx);
  return ctx.completions;
};
const cancel = (w: World, name: number): void => void inPlace(w, name, (ctx) => ipcCancelWait(ctx, ctx.self));
const restart = (w: World, name: number): Completion[] => inPlace(w, name, (ctx) => resumePending(ctx, ctx.self));

const setup = (): { w: World; ps: number; dest: number } => {
  const w = new World(4);
  const ps = w.pset(0);
  return { w, ps, dest: w.port(0, ps, 3) };
};

describe("ipcCancelWait and restarting the pending call", () => {
  it("a cancelled queued call is not delivered; restarted, it meets the server", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 2 }) });
    cancel(w, c!);
    expect(w.thread(c!).wait).toBeNull();
    expect(w.thread(c!).pending?.name).toBe("fluke_ipc_call");
    expect(rc(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) }))).toBe("blocked");
    expect(restart(w, c!)).toEqual([{ thread: s, outcome: { kind: "return", rc: "SUCCESS", out: { words: [1, 2], refs_received: 0, port_alias: 3, ipc_class: "idempotent" } } }]);
    expect(w.thread(c!).wait).toEqual({ kind: "ipc" });
  });
  it("a server taken out of its wait misses invocations until restarted", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    cancel(w, s!);
    expect(rc(w.call(c!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [5, 5] }) }))).toBe("blocked");
    const cs = restart(w, s!);
    expect(cs.map((x) => x.thread)).toEqual([c, s]);
    expect(out(cs[1]!.outcome).words).toEqual([5, 5]);
  });
  it("a reply to a stopped caller is dropped; the restarted call is sent again", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    w.call(c!, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 2 }) });
    cancel(w, c!);
    w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ send_words: [7, 7], recv_words_max: 4 }) });
    expect(w.done(c!)).toBeUndefined();
    const cs = restart(w, c!);
    expect(cs.map((x) => x.thread)).toEqual([s]); // the server receives the request again
  });
  it("a thread stopped while waiting for the ack resumes as a receive once the peer acked", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    w.call(c!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 4 }) });
    expect(w.thread(c!).pending?.name).toBe("fluke_ipc_client_over_receive");
    cancel(w, c!);
    expect(w.thread(c!).server).toBe(w.thread(s!).oid); // the connection survives
    w.call(s!, "fluke_ipc_server_ack_send", { ipc_params: P({ send_words: [8] }) });
    expect(w.thread(c!).pending?.name).toBe("fluke_ipc_client_receive");
    w.call(s!, "fluke_ipc_server_over_receive", { ipc_params: P() });
    expect(restart(w, c!)).toEqual([{ thread: c, outcome: { kind: "return", rc: "SUCCESS", out: { words: [8], refs_received: 0 } } }]);
  });
});

describe("exporting and restoring a thread blocked in IPC (fluke_thread_get_state / set_state)", () => {
  it("exports the continuation and the peer it waits for; restored, it finishes the RPC", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    w.call(c!, "fluke_ipc_client_connect_send_over_receive", { destination: dest, ipc_params: P({ send_words: [1, 2], recv_words_max: 4 }) });
    w.nullRef(5);
    const refs = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: REF(5), client_ref: 0, server_ref: 0 };
    const g = w.d.call("fluke_thread_get_state", { thread: c!, ...refs });
    const st = out(g)["state"] as { flags: number; pending_call: { name: string } | null };
    expect(st.pending_call?.name).toBe("fluke_ipc_client_over_receive");
    expect(w.targetOf(REF(5))).toBe(s);
    expect(w.thread(c!).wait).toBeNull(); // stopped, out of its wait
    w.d.call("fluke_thread_set_state", { thread: c!, state: { ...st, flags: st.flags & ~FLUKE_THREAD_STOPPED }, ...refs, waiting_for_ref: 0 });
    expect(w.thread(c!).wait).toEqual({ kind: "ipc" });
    w.call(s!, "fluke_ipc_server_ack_send_wait_receive", { ipc_params: P({ send_words: [9], recv_words_max: 4 }) });
    expect(w.done(c!)).toEqual({ kind: "return", rc: "SUCCESS", out: { words: [9], refs_received: 0 } });
  });
});

describe("ipcThreadDestroyed (through fluke_thread_destroy)", () => {
  it("breaks the thread's connections and alerts the partner; the partner then sees *_DISCONNECTED", () => {
    const { w, ps, dest } = setup();
    const [s, c] = w.t;
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    w.ok("fluke_thread_destroy", { thread: c! });
    expect(w.thread(s!).client).toBeNull();
    expect(w.thread(s!).ipc.alertPending).toBe("client"); // no handler set: the alert stays posted
    expect(rc(w.call(s!, "fluke_ipc_server_ack_send", { ipc_params: P() }))).toBe("IPC_ACK_DISCONNECTED");
  });
  it("fails the idempotent callers the thread was serving and drops its queue entries", () => {
    const { w, ps, dest } = setup();
    const [s, c1, c2] = w.t;
    w.call(c2!, "fluke_ipc_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
    w.ok("fluke_thread_destroy", { thread: c2! });
    w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) });
    expect(w.done(s!)).toBeUndefined(); // the destroyed sender's message is gone
    w.call(c1!, "fluke_ipc_call", { destination: dest, ipc_params: P({ recv_words_max: 2, recv_refs: [REF(100)] }) });
    w.ok("fluke_thread_destroy", { thread: s! });
    expect(w.done(c1!)).toEqual({ kind: "return", rc: "IPC_CONNECT_INVALID_DEST", out: { words: [], refs_received: 0 } });
  });
});
