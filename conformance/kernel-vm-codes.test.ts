// Every code of the task, region, mapping and harness rows, on the model and the kernel in lockstep: the
// scenarios of impl/kernel/vm-scenarios.ts (one per return code, insanity and fault of each row) with
// equal results required at every step of each script, and the listed code reached on both sides.
import { describe, expect, it } from "vitest";
import { ALL_CALLS } from "../spec/kernel-api/registry.js";
import { VM_SCENARIOS, codeOf, type VmDrive } from "../impl/kernel/vm-scenarios.js";
import { expectSameObjects } from "./kernel-vm-gen.js";
import { expectSamePhys, same } from "./kernel-vm-kit.js";
import { Lockstep } from "./lockstep.js";

const CHAPTERS = new Set(["task", "region", "mapping", "harness"]);
const ROWS = ALL_CALLS.filter((c) => CHAPTERS.has(c.chapter));

const lockstepDrive = (ls: Lockstep): VmDrive => ({
  call: (name, args) => {
    const r = same(ls, name, args);
    if (r.outcome === "harness-error") throw new Error(`harness error in ${name}`);
    return r.outcome;
  },
});

describe("every code of the task, region, mapping and harness rows (model vs kernel)", () => {
  for (const row of ROWS) {
    for (const code of [...row.returns, ...row.insanities, "fault"]) {
      it(`${row.name}: ${code}`, () => {
        const sc = VM_SCENARIOS.get(`${row.name}:${code}`);
        expect(sc, "scenario missing").toBeDefined();
        const ls = new Lockstep(sc!.objectLimit === undefined ? {} : { objectLimit: sc!.objectLimit });
        expect(codeOf(sc!.run(lockstepDrive(ls)))).toBe(code);
        expectSameObjects(ls);
        expectSamePhys(ls);
      });
    }
  }
});
