// Tests of the conform runner with in-process adapters: the model and the built-in kernel agree with
// the model over bounded campaigns; the fixed setup and the revival of dead threads work through the
// API; a broken adapter (one return code flipped) is caught as a disagreement, shrunk under 10 random
// calls, written as a replay file that reproduces it; hashes are compared as-is unless the adapter's
// reset answer says "implementation", which allows a consistent renaming and nothing more.
// The seed is printed; FLUKE_SEED overrides. Below: conform-campaign.ts, conform-session.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { whyNotRunnable } from "../model/sched.js";
import { threadByName } from "../model/step.js";
import { openAdapter } from "./adapters/in-process.js";
import { describeFailure, randomCalls, readReplay, replayFile, runCampaign, writeReplay } from "./conform-campaign.js";
import { flipTrylock, renameHashes, seedOf } from "./conform-kit.js";
import { SETUP, SETUP_THREADS, Session } from "./conform-session.js";

const SEED = seedOf("conform (in-process)", 0x0c0f_2026);
const dir = mkdtempSync(join(tmpdir(), "fluke-conform-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("conform with the built-in adapters", () => {
  it("the setup succeeds on the model and the adapter agrees", async () => {
    const sess = new Session(openAdapter("impl"));
    await sess.start();
    for (const st of SETUP) {
      const r = await sess.do(st);
      expect(r?.outcome, st.name).toMatchObject({ kind: "return", rc: "SUCCESS" });
    }
    for (const va of SETUP_THREADS) expect(whyNotRunnable(sess.s, threadByName(sess.s, va)!)).toBeNull();
    expect(sess.calls).toBe(SETUP.length);
  });

  it("revives a thread blocked for good by an exception, through get_state and set_state", async () => {
    const sess = new Session(openAdapter("impl"));
    await sess.start();
    for (const st of SETUP) await sess.do(st);
    const victim = SETUP_THREADS[0]!;
    const r = await sess.do({ thread: victim, name: "fluke_mutex_lock", args: { mutex: 0x3020 }, origin: "random" }); // a cond: NOT_MUTEX
    expect(r?.outcome).toEqual({ kind: "insanity", code: "NOT_MUTEX" });
    expect(whyNotRunnable(sess.s, threadByName(sess.s, victim)!)).toBe("blocked");
    await sess.revive();
    expect(sess.steps.filter((s) => s.origin === "revive").map((s) => s.name)).toEqual(["fluke_thread_get_state", "fluke_thread_set_state"]);
    expect(whyNotRunnable(sess.s, threadByName(sess.s, victim)!)).toBeNull();
  });

  it("--adapter model: every call agrees", async () => {
    const r = await runCampaign(openAdapter("model"), { runs: 100, maxCommands: 30, seed: SEED });
    expect(r.failed === null ? "agree" : describeFailure(r.failed.run.failure, r.failed.run.steps)).toBe("agree");
    expect(r.runsDone).toBe(100);
    expect(r.calls).toBeGreaterThan(100 * SETUP.length);
  });

  it("--adapter impl: a bounded campaign (300 sequences) agrees", async () => {
    const r = await runCampaign(openAdapter("impl"), { runs: 300, maxCommands: 30, seed: SEED + 1 });
    expect(r.failed === null ? "agree" : describeFailure(r.failed.run.failure, r.failed.run.steps)).toBe("agree");
    expect(r.runsDone).toBe(300);
    console.log(`conform impl: ${r.calls} calls checked`);
  });
});

describe("a broken adapter", () => {
  it("a flipped return code is a disagreement, shrunk under 10 random calls, and its replay file reproduces it", async () => {
    const broken = flipTrylock(openAdapter("impl"));
    const r = await runCampaign(broken, { runs: 200, maxCommands: 30, seed: SEED });
    expect(r.failed).not.toBeNull();
    const f = r.failed!;
    expect(f.run.failure.kind).toBe("disagreement");
    expect(randomCalls(f.run.steps)).toBeLessThan(10);
    expect(f.run.steps[f.run.failure.index]!.name).toBe("fluke_mutex_trylock");
    expect(describeFailure(f.run.failure, f.run.steps)).toMatch(/DISAGREEMENT .*\.outcome\.rc/);
    console.log(`flip: shrunk to ${randomCalls(f.run.steps)} random calls (${f.run.steps.length} in all) after ${f.shrinks} shrinks`);

    const file = join(dir, "flip.json");
    writeReplay(file, "flip-trylock", f.run, f.seed);
    const saved = readReplay(file);
    expect(saved.calls.length).toBe(f.run.steps.length);
    const again = await replayFile(flipTrylock(openAdapter("impl")), saved);
    expect(again.failure).toEqual(f.run.failure);
    expect((await replayFile(openAdapter("impl"), saved)).failure).toBeNull();
  });
});

describe("implementation-chosen hashes", () => {
  const flipHigh = (h: number): number => (h ^ 0x8000_0000) >>> 0;
  it("are compared as-is by default, so other hashes are a disagreement", async () => {
    const r = await runCampaign(renameHashes(openAdapter("impl"), "model", flipHigh), { runs: 200, maxCommands: 30, seed: SEED });
    expect(r.failed?.run.failure.kind).toBe("disagreement");
    expect(r.failed!.run.failure.kind === "disagreement" && r.failed!.run.failure.where).toMatch(/\.hash$/);
  });
  it('with "hashes": "implementation", a consistent renaming agrees', async () => {
    const r = await runCampaign(renameHashes(openAdapter("impl"), "implementation", flipHigh), { runs: 200, maxCommands: 30, seed: SEED });
    expect(r.failed === null ? "agree" : describeFailure(r.failed.run.failure, r.failed.run.steps)).toBe("agree");
  });
  it('with "hashes": "implementation", an inconsistent one does not', async () => {
    let n = 0;
    const r = await runCampaign(renameHashes(openAdapter("impl"), "implementation", (h) => (h ^ ++n) >>> 0), { runs: 200, maxCommands: 30, seed: SEED });
    expect(r.failed?.run.failure.kind).toBe("disagreement");
    expect(r.failed!.run.failure.kind === "disagreement" && r.failed!.run.failure.where).toMatch(/hash/);
  });
});
