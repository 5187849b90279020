// Every return code and insanity of the kernel's thread, mutex, cond and ref rows, reached on the
// kernel alone by the scenarios of sync-scenario-list.ts (the conformance suite runs the same scenarios
// against the model). Also checks that the scenarios cover every code each row lists.
import { describe, expect, test } from "vitest";
import { KERNEL_CALLS } from "../../spec/kernel-api/registry.js";
import { kernelDrive } from "./ktest-drive.js";
import { SYNC_ROWS, SYNC_SCENARIOS } from "./sync-scenario-list.js";
import { Env, codeOf } from "./sync-scenarios.js";

describe("kernel: every code of the thread, mutex, cond and ref rows", () => {
  for (const s of SYNC_SCENARIOS) {
    test(`${s.row}: ${s.code} (${s.what})`, () => {
      const e = new Env(kernelDrive(s.objectLimit === undefined ? {} : { objectLimit: s.objectLimit }));
      if (s.objectLimit === undefined) e.setup();
      expect(codeOf(s.run(e))).toBe(s.code);
    });
  }

  test("the scenarios cover the four chapters' rows and every code each lists", () => {
    const mine = KERNEL_CALLS.filter((c) => ["thread", "mutex", "cond", "ref"].includes(c.chapter));
    expect([...SYNC_ROWS].sort()).toEqual(mine.map((c) => c.name).sort());
    expect(mine.length).toBe(49);
    const missing = mine.flatMap((c) =>
      [...c.returns, ...c.insanities].filter((code) => !SYNC_SCENARIOS.some((s) => s.row === c.name && s.code === code)).map((code) => `${c.name} ${code}`));
    expect(missing).toEqual([]);
  });
});
