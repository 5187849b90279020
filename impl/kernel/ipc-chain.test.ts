// A chain of idempotent calls, as an interposing nester makes them: A calls B; B, while serving A,
// calls C; C destroys A (a process manager ending the process whose exception B forwarded) and then
// replies to B. B's own call must still get C's reply: the end of B's client (A) breaks only B's
// server side, never the call B itself is making.
import { describe, expect, it } from "vitest";
import type { NativeProgram } from "./native.js";
import { spawnNative } from "./native-host.js";
import { DEST, PSET0, THREAD, ipcWorld, params } from "./bench/ipc-programs.js";

const code = (o: { kind: string; rc?: string }): string => (o.kind === "return" ? o.rc! : o.kind);

describe("a chain of idempotent calls", () => {
  it("the middle server still gets the far server's reply after its own client is destroyed", () => {
    const { k, host } = ipcWorld();
    const boot = (name: string, args: Record<string, unknown>): void => {
      const o = host.callAs(k.bootThread, { name, args });
      if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name}: ${JSON.stringify(o)}`);
    };
    // C's port set and port (alias 9) and a reference to it.
    const PSET_C = 0x9100, PORT_C = 0x8100, REF_C = 0xa100, PSET_C_REF = 0xa110;
    boot("fluke_pset_create", { new_pset: PSET_C });
    boot("fluke_port_create", { new_port: PORT_C });
    boot("fluke_ref_create", { new_ref: PSET_C_REF });
    boot("fluke_pset_reference", { pset: PSET_C, new_pset_ref: PSET_C_REF });
    boot("fluke_port_set_state", { port: PORT_C, state: { hash: 0, alias: 9 }, pset_ref: PSET_C_REF });
    boot("fluke_ref_create", { new_ref: REF_C });
    boot("fluke_port_reference", { port: PORT_C, new_port_ref: REF_C });
    const log: string[] = [];
    const A = THREAD(1);
    // B serves PSET0 (DEST's port): forwards each request to C and replies with C's answer.
    spawnNative(k, k.rootTask, THREAD(2), (function* (): NativeProgram {
      const r = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: params({ recv_words_max: 8 }) } };
      log.push(`B got ${code(r as never)}`);
      const c = yield { name: "fluke_ipc_call", args: { destination: REF_C, ipc_params: params({ send_words: [1, 2], recv_words_max: 8 }) } };
      log.push(`B's call ${code(c as never)} [${c.kind === "return" ? (c.out["words"] as number[]).join(",") : ""}]`);
      const rep = yield { name: "fluke_ipc_reply", args: { ipc_params: params({ send_words: [7, 7] }) } };
      log.push(`B replies ${code(rep as never)}`);
    })());
    // C serves PSET_C: destroys A, then replies.
    spawnNative(k, k.rootTask, THREAD(3), (function* (): NativeProgram {
      yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET_C, ipc_params: params({ recv_words_max: 8 }) } };
      const d = yield { name: "fluke_thread_destroy", args: { thread: A } };
      log.push(`C destroys A ${code(d as never)}`);
      const rep = yield { name: "fluke_ipc_reply", args: { ipc_params: params({ send_words: [42, 43] }) } };
      log.push(`C replies ${code(rep as never)}`);
    })());
    spawnNative(k, k.rootTask, A, (function* (): NativeProgram {
      yield { name: "fluke_ipc_call", args: { destination: DEST, ipc_params: params({ send_words: [5, 6], recv_words_max: 8 }) } };
      log.push("A returned (it should have been destroyed)");
    })());
    k.sched.run();
    expect(log).toEqual(["B got SUCCESS", "C destroys A SUCCESS", "C replies SUCCESS", "B's call SUCCESS [42,43]", "B replies SUCCESS"]);
  });
});
