// Every call on an existing mutex, condition variable or reference checks the alignment of its object
// argument first (spec/kernel-api/common.md, checking order): a misaligned address raises NOT_ALIGNED and
// changes nothing. Table-driven over the registry rows, so a new row is covered as soon as it exists.
import { describe, expect, it } from "vitest";
import { COND_CALLS } from "../spec/kernel-api/cond.js";
import { MUTEX_CALLS } from "../spec/kernel-api/mutex.js";
import { REF_CALLS } from "../spec/kernel-api/ref.js";
import { Driver } from "./testkit.js";

/** 8 bytes past a 16-byte boundary inside the root task's memory: misaligned for a 16-byte object. */
const MIS = 0x3008;

const argsFor = (keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((k) => k !== "released").map((k) => [k, k === "state" ? null : MIS]));

describe("object arguments are checked for alignment", () => {
  const rows = [...MUTEX_CALLS, ...COND_CALLS, ...REF_CALLS].filter((c) => !c.name.includes("_create"));
  for (const row of rows) {
    it(`${row.name} raises NOT_ALIGNED and changes nothing`, () => {
      expect(row.insanities).toContain("NOT_ALIGNED");
      const d = new Driver();
      const before = d.s;
      const keys = Object.keys((row.args as unknown as { shape: Record<string, unknown> }).shape);
      expect(d.call(row.name, argsFor(keys))).toEqual({ kind: "insanity", code: "NOT_ALIGNED" });
      expect([...d.s.objects.keys()]).toEqual([...before.objects.keys()]);
    });
  }
});
