// Kernel.parse: an IPC call's message words are checked in one loop instead of word by word by the
// schema. The result and the refusals must be the schema's: large valid messages come out equal (and
// copied), and every kind of bad word, or too many words, is refused as the schema alone refuses it.
import { describe, expect, it } from "vitest";
import { IPC_MAX_SEND_WORDS } from "../../spec/kernel-api/ipc.js";
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import { Kernel, KernelCallError } from "./kernel.js";

const call = (words: unknown[]) => ({ name: "fluke_ipc_call", args: { destination: 0x1000, ipc_params: { send_words: words, recv_words_max: 8 } } });
const schemaOnly = (words: unknown[]) => CALLS_BY_NAME.get("fluke_ipc_call")!.args.safeParse(call(words).args);

describe("Kernel.parse of IPC message words", () => {
  const k = new Kernel();
  it("gives what the schema gives for valid messages of every size, as a copy", () => {
    for (const n of [0, 3, 15, 16, 17, 1000, IPC_MAX_SEND_WORDS]) {
      const words = Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 0);
      const out = k.parse(call(words));
      const want = schemaOnly(words);
      expect(want.success).toBe(true);
      expect(out.args).toEqual(want.data);
      if (n > 0) expect((out.args["ipc_params"] as { send_words: number[] }).send_words).not.toBe(words);
    }
  });
  it("refuses what the schema refuses, with the schema's message", () => {
    const ok = Array.from({ length: 40 }, () => 7);
    const bad: unknown[][] = [
      [...ok, -1], [...ok, 0x1_0000_0000], [...ok, 1.5], [...ok, "7"], [...ok, null], [...ok, Number.NaN],
      Array.from({ length: IPC_MAX_SEND_WORDS + 1 }, () => 1),
    ];
    for (const words of bad) {
      const want = schemaOnly(words);
      expect(want.success).toBe(false);
      expect(() => k.parse(call(words))).toThrow(KernelCallError);
      expect(() => k.parse(call(words))).toThrow(`bad arguments for fluke_ipc_call: ${want.error!.message}`);
    }
  });
  it("still checks the rest of the call", () => {
    const words = Array.from({ length: 64 }, () => 1);
    expect(() => k.parse({ name: "fluke_ipc_call", args: { destination: -4, ipc_params: { send_words: words } } })).toThrow(KernelCallError);
  });
});
