// The insanities of every IPC registry row (spec/kernel-api/ipc.ts), provoked one by one: bad reference
// addresses in the destination and the send/receive reference lists, a destination that is not a port,
// receive buffers below FLUKE_MIN_MSG_SIZE, a bad port set, and the wrong turn on a connection. Each must
// leave the state as it was (decode has no effect).
import { describe, expect, it } from "vitest";
import type { CallDef } from "../spec/kernel-api/common.js";
import { IPC_CALLS } from "../spec/kernel-api/ipc.js";
import { EMPTY, P, PORT, PSET, REF, World, abandon, rc } from "./ipc-testkit.js";
import { invalidate } from "./test-threads.js";

const sideOf = (name: string): "client" | "server" | null => (name.includes("_client_") ? "client" : name.includes("_server_") ? "server" : null);

/** A world with port 0 in set 0, client t[1] connected to server t[0]; `turn`: who holds the sending turn. */
const world = (turn: "client" | "server"): World => {
  const w = new World(3);
  const ps = w.pset(0);
  w.port(0, ps);
  w.ref(1, PORT(0));
  w.ref(2, ps, "pset");
  const [s, c] = w.t;
  w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 8 }) });
  w.call(c!, "fluke_ipc_client_connect_send", { destination: REF(100), ipc_params: P({ send_words: [1, 2] }) });
  if (turn === "server") {
    w.call(c!, "fluke_ipc_client_over_receive", { ipc_params: P() });
    w.call(s!, "fluke_ipc_server_ack_send", { ipc_params: P() });
    abandon(w, c!);
  }
  return w;
};

const BAD: Record<string, (w: World) => number> = {
  NO_OBJECT: () => EMPTY,
  NOT_ALIGNED: () => REF(1) + 4,
  NOT_REF: () => PORT(0),
  INVALID_OBJECT: (w) => {
    invalidate(w.d, REF(1));
    return REF(1);
  },
};

/** Arguments of `row` with the one fault that should raise `code`, and the thread to run it. */
const provoke = (row: CallDef, code: string): { w: World; args: Record<string, unknown>; thread: number } => {
  const side = sideOf(row.name);
  const peerSide = side === "client" ? "server" : "client";
  const turn = code === "NOT_SENDER" ? peerSide : code === "NOT_RECEIVER" ? side : "client"; // the wrong one for the caller
  const w = world(turn ?? "client");
  const thread = side === "client" ? w.t[1]! : w.t[0]!;
  const p = { recv_words_max: 2 } as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  const shape = (row.args as unknown as { shape: Record<string, unknown> }).shape;
  if ("destination" in shape) args["destination"] = REF(100);
  if ("pset" in shape) args["pset"] = PSET(0);
  const sends = /send|reply/.test(row.name) && row.name !== "fluke_ipc_setup_wait_receive";
  if (code === "BUFFER_UNALIGNED") p["recv_words_max"] = 1;
  else if (code === "NOT_PORT_REF") args["destination"] = REF(2);
  else if (code === "NOT_PSET") args["pset"] = PORT(0);
  else if (BAD[code] !== undefined) {
    const v = BAD[code]!(w);
    if ("destination" in shape) args["destination"] = v;
    else if ("pset" in shape && code !== "NOT_REF") args["pset"] = code === "NOT_ALIGNED" ? PSET(0) + 4 : code === "INVALID_OBJECT" ? (invalidate(w.d, PSET(0)), PSET(0)) : v;
    else if (sends) p["send_refs"] = [v];
    else p["recv_refs"] = [v];
  }
  if ("ipc_params" in shape) args["ipc_params"] = P(p);
  return { w, args, thread };
};

describe("IPC insanities (every row, every listed code)", () => {
  for (const row of IPC_CALLS) {
    if (row.insanities.length === 0) continue;
    it(`${row.name}: ${row.insanities.join(", ")}`, () => {
      for (const code of row.insanities) {
        const { w, args, thread } = provoke(row, code);
        const before = w.d.s;
        expect(`${code}: ${w.probe(row.name, args, thread)}`).toBe(`${code}: INS:${code}`);
        expect(w.d.s).toBe(before);
      }
    });
  }
  it("an insanity has no effect: the call's other arguments are left alone", () => {
    const w = world("client");
    const c = w.t[1]!;
    const r = w.call(c, "fluke_ipc_client_send", { ipc_params: P({ send_words: [9], send_refs: [EMPTY] }) });
    expect(rc(r)).toBe("INS:NO_OBJECT");
    expect(w.thread(w.t[0]!).ipc.asServer.inbox.words).toEqual([]);
  });
});
