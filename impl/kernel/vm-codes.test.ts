// Every code of the task, region, mapping and harness rows, on the kernel alone: each return code and
// insanity the registry lists for a row (and a memory fault for every call with an address argument) has
// a scenario in vm-scenarios.ts, and running it gives that code. The same scenarios run on the model and
// the kernel in lockstep in conformance/kernel-vm-codes.test.ts.
import { describe, expect, it } from "vitest";
import { ALL_CALLS } from "../../spec/kernel-api/registry.js";
import { BOOT } from "./kvm-testkit.js";
import { Kernel } from "./kernel.js";
import { VM_SCENARIOS, codeOf, type VmDrive } from "./vm-scenarios.js";

const CHAPTERS = new Set(["task", "region", "mapping", "harness"]);
const ROWS = ALL_CALLS.filter((c) => CHAPTERS.has(c.chapter));

/** Every code a row can give: its return codes, its insanities, and a fault. */
const codesOf = (row: (typeof ROWS)[number]): string[] => [...row.returns, ...row.insanities, "fault"];

const kernelDrive = (objectLimit?: number): VmDrive => {
  const k = new Kernel(objectLimit === undefined ? {} : { objectLimit });
  return {
    call: (name, args) => {
      const { outcome } = k.step(BOOT, { name, args });
      if (k.bootThread.wait?.kind === "exception") Object.assign(k.bootThread, { wait: null, pending: null });
      return outcome;
    },
  };
};

describe("every code of the task, region, mapping and harness rows (kernel)", () => {
  it("covers the 25 rows", () => expect(ROWS).toHaveLength(25));
  for (const row of ROWS) {
    for (const code of codesOf(row)) {
      it(`${row.name}: ${code}`, () => {
        const sc = VM_SCENARIOS.get(`${row.name}:${code}`);
        expect(sc, "scenario missing").toBeDefined();
        expect(codeOf(sc!.run(kernelDrive(sc!.objectLimit)))).toBe(code);
      });
    }
  }
  it("has no scenario for a code a row does not list", () => {
    const listed = new Set(ROWS.flatMap((r) => codesOf(r).map((c) => `${r.name}:${c}`)));
    expect([...VM_SCENARIOS.keys()].filter((k) => !listed.has(k))).toEqual([]);
  });
});
