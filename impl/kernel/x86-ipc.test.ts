// Tests of IPC from x86 code (x86-ipc-abi.ts, x86-abi.ts): the C program x86-tests/ipc.c, compiled with
// gcc -m32 against spec/kernel-api/fluke.h, calls a port served by a native thread (idempotent call with
// gathered and scattered buffers, the published result registers, a reliable RPC, references in and
// out through the reference tables, an unaligned buffer,
// a buffer outside memory), serves idempotent calls of a native client itself, and stays restartable
// while blocked (eip at the entry point, rewritten to the continuation call of a multi-phase call). The parameter block's offsets are checked by the header's own _Static_asserts.
import { describe, expect, test } from "vitest";
import { FLUKE_TYPE_VALUE, returnCodeValue } from "../../spec/kernel-api/common.js";
import { KERNEL_CALLS } from "../../spec/kernel-api/registry.js";
import { entryPoint, trapAtEip } from "../../spec/kernel-api/x86.js";
import { DEST, PSET0, THREAD, idemClient, params } from "./bench/ipc-programs.js";
import type { NativeProgram } from "./native.js";
import { spawnNative } from "./native-host.js";
import { decodeX86Call } from "./x86-abi.js";
import { readIpcBlock } from "./x86-ipc-abi.js";
import { DONE, MODE, mixedServer, x86IpcWorld } from "./x86-ipc-testkit.js";

const trapOf = (name: string): number => KERNEL_CALLS.find((c) => c.name === name)!.trap;

describe("x86 IPC", () => {
  test("an x86 client calls a native server: gathered request, scattered reply, recv part advanced", () => {
    const { k, x, results } = x86IpcWorld(MODE.client);
    const log: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), mixedServer(log));
    expect(k.sched.run(2_000_000)).toBe("idle");
    const r = results();
    expect(r["done"]).toEqual([DONE]);
    // the request: first send buffer (2 words) then the table's buffer (4 words)
    expect(log[0]).toBe("idempotent [1,2,3,4,5,6]");
    expect(r["call_rc"]).toEqual([0]);
    // the reply, doubled, filled 3 + 2 words and one word of the 8-word buffer
    expect(r["call_words"]).toEqual([2, 4, 6, 8, 10, 12, 0, 0, 0, 0, 0]);
    // recv part: the current buffer is the third one, one word in; the table advanced by two entries
    expect([r["cur_words"]![0], r["cur_off"]![0], r["tab_off"]![0], r["bufs_left"]![0], r["refs_left"]![0]]).toEqual([7, 4, 16, 0, 0]);
    expect(x.counts.calls).toBeGreaterThanOrEqual(4);
  });

  test("fluke_ipc_call returns the published registers: al, ah, status byte, ecx, esi, edi", () => {
    const { k, results } = x86IpcWorld(MODE.client);
    const log: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), mixedServer(log));
    k.sched.run(2_000_000);
    const r = results();
    expect(log[1]).toBe("idempotent [10,20,30]");
    // 3 reply words into buffers of 2 + [2, 2]: one table buffer left, one word left in it, one ref slot unused
    expect(r["raw_eax"]).toEqual([(returnCodeValue("SUCCESS") << 16) | (1 << 8) | 1]);
    expect(r["raw_ecx"]).toEqual([1]);
    expect([r["raw_esi"]![0], r["raw_edi"]![0]]).toEqual([20, 40]);
  });

  test("a reliable RPC from x86 (connect_send_over_receive) gets the whole reply", () => {
    const { k, results } = x86IpcWorld(MODE.client);
    const log: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), mixedServer(log));
    k.sched.run(2_000_000);
    const r = results();
    expect(log[2]).toBe("reliable [100,200,300]");
    expect(r["rpc_rc"]).toEqual([0]);
    expect(r["rpc_words"]).toEqual([101, 201, 301, 0]);
    expect(r["rpc_left"]).toEqual([5]);
  });

  test("an unaligned send buffer is BUFFER_UNALIGNED: the call is abandoned without sending", () => {
    const { k, x, results } = x86IpcWorld(MODE.client);
    const log: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), mixedServer(log));
    k.sched.run(2_000_000);
    expect(results()["unaligned_after"]).toEqual([0]);
    expect(log).toHaveLength(3); // nothing of the fourth call reached the server
    expect(x.t.wait).toEqual({ kind: "exception" });
    // an insanity abandons the call (eip past it); a #GP or fault would leave eip at the entry point
    expect(trapAtEip(x.t.regs.eip)).toBeNull();
    expect(x.lastStop).toMatchObject({ kind: "fault", address: entryPoint(trapOf("fluke_ipc_call")) });
  });

  test("a send buffer outside memory is a fault of the call, before any effect", () => {
    const { k, x, results } = x86IpcWorld(MODE.badPointer);
    const log: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), mixedServer(log));
    k.sched.run(2_000_000);
    expect(results()["stage"]).toEqual([1]);
    expect(log).toEqual([]);
    expect(x.t.wait).toEqual({ kind: "exception" });
    expect(x.t.regs.eip).toBe(entryPoint(trapOf("fluke_ipc_call")));
  });

  test("references travel through the tables: one sent, one received into the first slot", () => {
    const { k, results } = x86IpcWorld(MODE.refs);
    const SLOT = 0xc000;
    expect(k.step(k.nameOf(k.bootThread), { name: "fluke_ref_create", args: { new_ref: SLOT } }).outcome).toMatchObject({ rc: "SUCCESS" });
    const seen: unknown[] = [];
    function* refServer(): NativeProgram {
      const o = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: params({ recv_words_max: 8, recv_refs: [SLOT] }) } };
      seen.push(o.kind === "return" ? o.out["refs_received"] : o);
      yield { name: "fluke_ipc_reply_wait_receive", args: { ipc_params: params({ send_words: [9, 9], send_refs: [SLOT], recv_words_max: 8 }) } };
    }
    spawnNative(k, k.rootTask, THREAD(1), refServer());
    k.sched.run(2_000_000);
    const r = results();
    expect(seen).toEqual([1]); // the x86 client's send_ref_tab[0] arrived
    expect([r["done"]![0], r["call_rc"]![0], r["call_words"]![0]]).toEqual([DONE, 0, 9]);
    // one of the two slots bound: the table advanced by one pointer
    expect([r["refs_left"]![0], r["tab_off"]![0]]).toEqual([1, 4]);
    expect([r["ref_same"]![0], r["ref_type"]![0]]).toEqual([1, FLUKE_TYPE_VALUE.port]);
  });

  test("a blocked call keeps eip at its entry point and completes when a server comes", () => {
    const { k, x, results } = x86IpcWorld(MODE.client);
    expect(k.sched.run(2_000_000)).toBe("idle");
    expect(x.t.regs.eip).toBe(entryPoint(trapOf("fluke_ipc_call")));
    expect(x.t.wait?.kind).toBe("ipc");
    expect(results()["call_words"]).toEqual(Array(11).fill(0)); // nothing written yet
    expect(results()["stage"]).toEqual([0]);
    const log: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), mixedServer(log));
    k.sched.run(2_000_000);
    expect(results()["stage"]).toEqual([3]);
    expect(results()["call_words"]!.slice(0, 6)).toEqual([2, 4, 6, 8, 10, 12]);
  });

  test("a blocked RPC past its connect is rewritten to client_over_receive (registers encode the continuation)", () => {
    const { k, x } = x86IpcWorld(MODE.client);
    // serves the two idempotent calls, then takes the reliable connection and never acks (blocks in a call)
    function* stalling(): NativeProgram {
      let o = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: params({ recv_words_max: 8 }) } };
      while (o.kind === "return" && o.out["ipc_class"] === "idempotent") {
        const reply = (o.out["words"] as number[]).map((w) => 2 * w);
        o = yield { name: "fluke_ipc_reply_wait_receive", args: { ipc_params: params({ send_words: reply, recv_words_max: 8 }) } };
      }
      yield { name: "fluke_ipc_call", args: { destination: DEST, ipc_params: params({ send_words: [0, 0], recv_words_max: 2 }) } };
    }
    spawnNative(k, k.rootTask, THREAD(1), stalling());
    expect(k.sched.run(2_000_000)).toBe("idle");
    const over = KERNEL_CALLS.find((c) => c.name === "fluke_ipc_client_over_receive")!;
    expect(x.t.pending?.name).toBe(over.name);
    expect(x.t.regs.eip).toBe(entryPoint(over.trap));
    // eax now holds rpc()'s parameter block (it was in ebx for connect_send_over_receive)
    expect(readIpcBlock(k, k.rootTask, x.t.regs.eax)).toMatchObject({ sendBuf: { words: 3 }, recvBuf: { words: 8 } });
    expect(decodeX86Call(k, k.rootTask, x.t.regs, over)).toMatchObject({ name: over.name, args: { ipc_params: { recv_words_max: 8, send_words: [] } } });
  });

  test("an x86 server (setup_wait_receive, reply_wait_receive) answers a native client", () => {
    const { k, results } = x86IpcWorld(MODE.server, 3);
    const got: string[] = [];
    const c = spawnNative(k, k.rootTask, THREAD(2), idemClient([[1, 2, 3], [7], [5, 6, 7, 8, 9]], got));
    k.sched.run(2_000_000);
    expect(c.runner.done).toBe(true);
    // requests shorter than the minimum message are padded to two words (ipc.md)
    expect(got).toEqual(["SUCCESS [2,4,6]", "SUCCESS [14,0]", "SUCCESS [10,12,14,16,18]"]);
    const r = results();
    expect(r["stage"]).toEqual([3]);
    expect(r["serve_first"]!.slice(0, 3)).toEqual([1, 7, 5]);
    expect(r["alias"]).toEqual([7]);
  });
});
