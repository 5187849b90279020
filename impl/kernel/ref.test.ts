// Unit tests of impl/kernel/ref.ts on the kernel alone (ref.md): a reference reads its target's hash
// and type, compares by target, and reads as null once its target is destroyed (decision 6).
import { describe, expect, test } from "vitest";
import type { KRef, KThread } from "./kobjects.js";
import { kernelEnv } from "./ktest-drive.js";
import { REF, THREAD } from "./sync-scenarios.js";

describe("kernel ref", () => {
  test("a new reference is null; copy binds the same target; compare and hash follow the target", () => {
    const { e, at } = kernelEnv();
    e.ok("fluke_ref_create", { new_ref: REF(9) });
    expect(e.ok("fluke_ref_check", { ref: REF(9) })).toEqual({ is_null: true });
    expect(e.ok("fluke_ref_type", { ref: REF(9) })).toEqual({ type: "null" });
    expect(e.ok("fluke_ref_hash", { ref: REF(9) })).toEqual({ hash: 0 });
    e.ok("fluke_ref_copy", { src_ref: REF(3), dst_ref: REF(9) });
    expect(at<KRef>(REF(9)).target).toBe(at(THREAD(1)));
    expect(e.ok("fluke_ref_compare", { ref1: REF(3), ref2: REF(9) })).toEqual({ equal: true });
    expect(e.ok("fluke_ref_hash", { ref: REF(9) })).toEqual({ hash: at<KThread>(THREAD(1)).hash });
    expect(e.ok("fluke_ref_compare", { ref1: REF(0), ref2: REF(9) })).toEqual({ equal: false });
  });

  test("a reference to a destroyed object reads as null and compares equal to a null reference", () => {
    const { e } = kernelEnv();
    e.ok("fluke_thread_destroy", { thread: THREAD(1) });
    expect(e.ok("fluke_ref_check", { ref: REF(3) })).toEqual({ is_null: true });
    expect(e.ok("fluke_ref_type", { ref: REF(3) })).toEqual({ type: "null" });
    expect(e.ok("fluke_ref_compare", { ref1: REF(3), ref2: REF(2) })).toEqual({ equal: true });
  });

  test("a moved reference keeps its target; a destroyed one is gone", () => {
    const { e } = kernelEnv();
    e.ok("fluke_ref_move", { old_addr: REF(0), new_addr: REF(9) });
    expect(e.ok("fluke_ref_type", { ref: REF(9) })).toEqual({ type: "task" });
    e.ok("fluke_ref_destroy", { ref: REF(9) });
    expect(e.call("fluke_ref_type", { ref: REF(9) })).toEqual({ kind: "insanity", code: "NO_OBJECT" });
  });
});
