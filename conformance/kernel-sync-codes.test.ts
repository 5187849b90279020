// Differential run of the scenarios of impl/kernel/sync-scenario-list.ts: every return code and insanity
// of the thread, mutex, cond and ref rows, reached with every call made on the model and the kernel in
// lockstep; each step's results (outcome and completions) must be deeply equal, and the final outcome
// must carry the scenario's code. Above: npx vitest. Below: conformance/lockstep.ts.
import { describe, expect, test } from "vitest";
import type { Outcome } from "../spec/kernel-api/common.js";
import { SYNC_SCENARIOS } from "../impl/kernel/sync-scenario-list.js";
import { Env, codeOf, type Drive } from "../impl/kernel/sync-scenarios.js";
import { Lockstep } from "./lockstep.js";

const lockstepDrive = (opts: { objectLimit?: number }): Drive => {
  const ls = new Lockstep(opts);
  let last: readonly { thread: number; outcome: Outcome }[] = [];
  return {
    call: (thread, name, args) => {
      const r = ls.call(name, args, thread);
      expect(r.kernel, `${name} diverged\n${ls.transcript()}`).toEqual(r.model);
      if (r.model.outcome === "harness-error") throw new Error(`harness error in ${name}`);
      last = r.model.completions;
      return r.model.outcome;
    },
    completions: () => last,
  };
};

describe("model and kernel agree on every code of the thread, mutex, cond and ref rows", () => {
  for (const s of SYNC_SCENARIOS) {
    test(`${s.row}: ${s.code} (${s.what})`, () => {
      const e = new Env(lockstepDrive(s.objectLimit === undefined ? {} : { objectLimit: s.objectLimit }));
      if (s.objectLimit === undefined) e.setup();
      expect(codeOf(s.run(e))).toBe(s.code);
    });
  }
});
