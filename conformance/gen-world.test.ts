// Tests of the state-aware generator as the conformance suite uses it (model/gen-world.ts,
// model/prop-gen.ts): after the setup, every object a thread is told it can see is really at that
// address in its task (the inverse of the model's translation), nested threads see themselves at their
// thread_va; generated calls match their schemas for every caller; and a run booted with an object limit
// reaches NO_MEMORY on both sides and records the limit in its replay file. Below: conform-session.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { boot } from "../model/boot.js";
import { resolve } from "../model/memory.js";
import { CALL_INDEX_RANGE, GEN_CALLS, genCall } from "../model/prop-gen.js";
import { worldOf } from "../model/gen-world.js";
import type { ModelState } from "../model/state.js";
import { step } from "../model/step.js";
import { openAdapter } from "./adapters/in-process.js";
import { readReplay, replayFile, writeReplay } from "./conform-campaign.js";
import { NESTED_THREADS, SETUP, SETUP_OBJECTS, SETUP_THREADS, WORLD, runSteps, type Step } from "./conform-session.js";

const afterSetup = (): ModelState => {
  let s = boot();
  for (const st of SETUP) s = step(s, st.thread, { name: st.name, args: st.args }).state;
  return s;
};

const dir = mkdtempSync(join(tmpdir(), "fluke-gen-world-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the generator's view of the world", () => {
  const s = afterSetup();
  const callers = [0x1080, ...SETUP_THREADS, ...NESTED_THREADS];

  it("every object a thread sees is at that address in its task", () => {
    for (const c of callers) {
      const w = worldOf(s, c);
      expect(w.seen.length, `thread 0x${c.toString(16)}`).toBeGreaterThan(0);
      for (const x of w.seen) expect(resolve(s, w.task, x.va), `${x.o.type} at 0x${x.va.toString(16)} for 0x${c.toString(16)}`).toBe(x.o.paddr);
    }
  });

  it("the nested threads see themselves at their thread_va, through one and two levels of mappings", () => {
    expect(worldOf(s, NESTED_THREADS[0]!).self).toBe(WORLD.childBase);
    expect(worldOf(s, NESTED_THREADS[1]!).self).toBe(WORLD.grandBase);
    expect(worldOf(s, SETUP_THREADS[0]!).self).toBe(SETUP_THREADS[0]);
    expect(worldOf(s, NESTED_THREADS[1]!).seen.map((x) => x.va)).toContain(WORLD.grandBase + 0x80); // a reference in the grandchild
  });

  it("generated calls match their registry schemas for every caller", () => {
    for (const c of callers) {
      for (let i = 0; i < CALL_INDEX_RANGE; i += 7) {
        const call = genCall(s, i, 1000 + i, c);
        expect(GEN_CALLS.find((r) => r.name === call.name)!.args.safeParse(call.args).success, `${call.name} ${JSON.stringify(call.args)}`).toBe(true);
      }
    }
  });
});

describe("object limits (protocol max_objects)", () => {
  const creates: Step[] = [0x6000, 0x6010, 0x6020].map((va) => ({ thread: 0x1080, name: "fluke_mutex_create", args: { new_mutex: va }, origin: "random" }));

  it("a limited run reaches NO_MEMORY on the model and on the kernel alike, and the replay file keeps the limit", async () => {
    const limit = SETUP_OBJECTS + 1;
    const r = await runSteps(openAdapter("impl"), [...SETUP, ...creates], 64, limit);
    expect(r.failure).toBeNull();
    expect(r.maxObjects).toBe(limit);
    const file = join(dir, "limited.json");
    writeReplay(file, "impl", { ...r, failure: { kind: "model-fault", index: 0, message: "not a failure: a test of the file format" } }, null);
    expect(readReplay(file).max_objects).toBe(limit);
    const again = await replayFile(openAdapter("model"), readReplay(file));
    expect(again.failure).toBeNull();
    expect(again.maxObjects).toBe(limit);
  });

  it("the model answers NO_MEMORY past the limit", () => {
    let s = boot({ objectLimit: SETUP_OBJECTS + 1 });
    for (const st of SETUP) s = step(s, st.thread, { name: st.name, args: st.args }).state;
    const rcs = creates.map((c) => { const r = step(s, c.thread, c); s = r.state; return r.outcome.kind === "return" ? r.outcome.rc : r.outcome.kind; });
    expect(rcs).toEqual(["SUCCESS", "NO_MEMORY", "NO_MEMORY"]);
  });
});
