// Property tests of the IPC model (fast-check, fixed seed, printed; FLUKE_SEED replays another):
// (1) a reliable connection delivers every word and every reference in order, without loss or
// duplicates, whatever the mix of send sizes and receive buffer sizes; (2) idempotent calls get at most
// one reply each, and only their own, whatever the server does (reply, drop and wait again, reply-wait).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Outcome } from "../spec/kernel-api/common.js";
import { P, PORT, REF, World, out } from "./ipc-testkit.js";

const SEED = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : 20_261_130;
console.log(`ipc properties: seed ${SEED} (replay with FLUKE_SEED=${SEED})`);
const RUNS = 80;

type Op = { kind: "send"; words: number[]; refs: number[] } | { kind: "recv"; cap: number; slots: number };
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("send" as const), words: fc.array(fc.nat(1000), { maxLength: 5 }), refs: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }) }),
  fc.record({ kind: fc.constant("recv" as const), cap: fc.nat(6), slots: fc.nat(3) }),
);

/** Run a reliable conversation (client sends, server receives) and return what was sent and what arrived. */
const converse = (ops: readonly Op[]): { sent: number[]; got: number[]; sentRefs: number[]; gotRefs: number[] } => {
  const w = new World(2);
  const ps = w.pset(0);
  const dest = w.port(0, ps);
  for (let i = 1; i <= 3; i++) {
    w.ok("fluke_port_create", { new_port: PORT(i) });
    w.ref(i, PORT(i));
  }
  for (let i = 0; i < 3; i++) w.nullRef(10 + i);
  const [s, c] = w.t;
  const sent: number[] = [1, 2];
  const sentRefs: number[] = [];
  const got: number[] = [];
  const gotRefs: number[] = [];
  let slots = 0;
  const take = (o: Outcome | undefined): void => {
    if (o?.kind !== "return") return;
    got.push(...(out(o).words as number[]));
    const n = out(o).refs_received as number;
    for (let i = 0; i < n; i++) gotRefs.push(w.targetOf(REF(10 + i)));
    if (n > slots) throw new Error("more references than slots");
  };
  w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 64 }) });
  w.call(c!, "fluke_ipc_client_connect_send", { destination: dest, ipc_params: P({ send_words: [1, 2] }) });
  take(w.done(s!));
  const recv = (cap: number, n: number): void => {
    slots = n;
    const o = w.call(s!, "fluke_ipc_server_receive", { ipc_params: P({ recv_words_max: cap, recv_refs: [REF(10), REF(11), REF(12)].slice(0, n) }) });
    take(o);
  };
  for (const op of ops) {
    if (op.kind === "send") {
      sent.push(...op.words);
      sentRefs.push(...op.refs.map(PORT));
      w.call(c!, "fluke_ipc_client_send", { ipc_params: P({ send_words: op.words, send_refs: op.refs.map(REF) }) });
      take(w.done(s!));
    } else if (w.thread(s!).wait === null) recv(op.cap, op.slots);
  }
  w.call(c!, "fluke_ipc_client_over_receive", { ipc_params: P() });
  take(w.done(s!));
  for (let i = 0; i < 100 && w.thread(s!).wait === null; i++) {
    const o = w.call(s!, "fluke_ipc_server_receive", { ipc_params: P({ recv_words_max: 4, recv_refs: [REF(10)] }) });
    slots = 1;
    take(o);
    if (o.kind === "return" && o.rc === "SUCCESS") break;
  }
  return { sent, got, sentRefs, gotRefs };
};

describe("reliable connections (property)", () => {
  it("deliver words and references in order, without loss or duplicates", () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 25 }), (ops) => {
        const r = converse(ops);
        expect(r.got).toEqual(r.sent);
        expect(r.gotRefs).toEqual(r.sentRefs);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

type IOp = { kind: "call"; who: number } | { kind: "reply" } | { kind: "drop" } | { kind: "replyWait" };
const arbIOp: fc.Arbitrary<IOp> = fc.oneof(
  fc.record({ kind: fc.constant("call" as const), who: fc.nat(2) }),
  fc.constant({ kind: "reply" as const }),
  fc.constant({ kind: "drop" as const }),
  fc.constant({ kind: "replyWait" as const }),
);

describe("idempotent calls (property)", () => {
  it("get at most one reply per call, and only the answer to their own request", () => {
    fc.assert(
      fc.property(fc.array(arbIOp, { maxLength: 30 }), (ops) => {
        const w = new World(4);
        const ps = w.pset(0);
        const dest = w.port(0, ps);
        const [s, ...clients] = w.t;
        const calls = new Map<number, number>(); // client -> call number
        const replies: { client: number; words: number[] }[] = [];
        let serving: number[] | null = null;
        const note = (o: Outcome | undefined): void => {
          if (o?.kind === "return") serving = out(o).words as number[];
        };
        let seen = w.d.log.length;
        const collect = (): void => {
          const fresh = w.d.log.slice(seen).flatMap((e) => e.completions);
          seen = w.d.log.length;
          for (const cpl of fresh) {
            if (cpl.thread === s) note(cpl.outcome);
            else if (cpl.outcome.kind === "return") replies.push({ client: cpl.thread, words: out(cpl.outcome).words as number[] });
          }
        };
        note(w.call(s!, "fluke_ipc_setup_wait_receive", { pset: ps, ipc_params: P({ recv_words_max: 4 }) }));
        for (const op of ops) {
          const srvFree = w.thread(s!).wait === null;
          if (op.kind === "call") {
            const c = clients[op.who]!;
            if (w.thread(c).wait !== null) continue;
            const n = (calls.get(c) ?? 0) + 1;
            calls.set(c, n);
            w.call(c, "fluke_ipc_call", { destination: dest, ipc_params: P({ send_words: [c, n], recv_words_max: 2 }) });
          } else if (srvFree && op.kind === "reply") {
            w.call(s!, "fluke_ipc_reply", { ipc_params: P({ send_words: serving ?? [0, 0] }) });
            serving = null;
          } else if (srvFree && op.kind === "drop") {
            note(w.call(s!, "fluke_ipc_wait_receive", { ipc_params: P({ recv_words_max: 4 }) }));
          } else if (srvFree && op.kind === "replyWait") {
            const words = serving ?? [0, 0];
            serving = null;
            note(w.call(s!, "fluke_ipc_reply_wait_receive", { ipc_params: P({ send_words: words, recv_words_max: 4 }) }));
          }
          collect();
        }
        for (const r of replies) expect(r.words[0]).toBe(r.client); // its own request's answer
        for (const [c, n] of calls) {
          const mine = replies.filter((r) => r.client === c).map((r) => r.words[1]);
          expect(new Set(mine).size).toBe(mine.length); // at most one reply per call
          for (const k of mine) expect(k! >= 1 && k! <= n).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
