// The step function's own rules: harness errors, unknown threads, purity of the input state.
import { describe, expect, it } from "vitest";
import { BOOT_THREAD_VA, boot } from "./boot.js";
import { HarnessError, step } from "./step.js";

describe("model step", () => {
  it("rejects an unknown call as a harness error", () => {
    expect(() => step(boot(), BOOT_THREAD_VA, { name: "fluke_no_such_call", args: {} })).toThrow(HarnessError);
  });
  it("reports a thread name with no thread behind it as not runnable", () => {
    const r = step(boot(), BOOT_THREAD_VA + 128, { name: "harness_mem_read", args: { addr: 0x2000, len: 4 } });
    expect(r.outcome).toEqual({ kind: "not_runnable", why: "no_thread" });
  });
  it("rejects arguments that do not match the schema", () => {
    expect(() => step(boot(), BOOT_THREAD_VA, { name: "harness_mem_read", args: { addr: -1, len: 4 } })).toThrow(HarnessError);
  });
});
