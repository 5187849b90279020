// Tests of the subprocess path of the conform runner: the example adapter
// (conformance/examples/model-adapter.ts) run as a command agrees with the model, and the deliberately
// broken adapter (conformance/examples/broken-adapter.ts) is caught for what it does: a flipped return
// code is a disagreement (shrunk, replayable), while a crash, a line of garbage, an answer with another
// id and silence past the timeout are adapter faults naming the last call sent, not disagreements; so
// are error answers and answers the protocol's schemas reject.
// The seed is printed; FLUKE_SEED overrides. Below: adapters/subprocess.ts, conform-campaign.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AdapterFault, type FaultKind } from "./adapters/adapter.js";
import { readAnswer } from "./adapters/answer.js";
import { InProcessAdapter, openAdapter } from "./adapters/in-process.js";
import { implSystem } from "./adapters/systems.js";
import { describeFailure, randomCalls, readReplay, replayFile, runCampaign, writeReplay } from "./conform-campaign.js";
import { seedOf } from "./conform-kit.js";

const SEED = seedOf("conform (subprocess)", 0x5eb_2026);
const dir = mkdtempSync(join(tmpdir(), "fluke-conform-sub-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = "node --import tsx conformance/examples/model-adapter.ts";
const broken = (fault: string): string => `node --import tsx conformance/examples/broken-adapter.ts --fault ${fault} --on fluke_mutex_trylock`;

describe("the subprocess adapter", () => {
  it("the example adapter agrees with the model", async () => {
    const a = openAdapter(EXAMPLE, { passStderr: false });
    try {
      const r = await runCampaign(a, { runs: 30, maxCommands: 30, seed: SEED });
      expect(r.failed === null ? "agree" : describeFailure(r.failed.run.failure, r.failed.run.steps)).toBe("agree");
      expect(r.runsDone).toBe(30);
    } finally {
      await a.close();
    }
  });

  it("a flipped return code: a disagreement, shrunk under 10 random calls, reproduced by its replay file", async () => {
    const a = openAdapter(broken("flip"), { passStderr: false });
    try {
      const r = await runCampaign(a, { runs: 200, maxCommands: 30, seed: SEED });
      const f = r.failed!;
      expect(f.run.failure.kind).toBe("disagreement");
      expect(randomCalls(f.run.steps)).toBeLessThan(10);
      const file = join(dir, "flip.json");
      writeReplay(file, broken("flip"), f.run, f.seed);
      expect((await replayFile(a, readReplay(file))).failure).toEqual(f.run.failure);
    } finally {
      await a.close();
    }
  });

  const faults: [string, FaultKind, RegExp][] = [
    ["crash", "crash", /exited with status 3/],
    ["garbage", "garbage", /not JSON: "Segmentation fault/],
    ["wrong-id", "out-of-order", /expected the answer to request \d+, got id \d+/],
    ["hang", "timeout", /no answer to request \d+ \(call\) within 1500 ms/],
  ];
  for (const [fault, kind, detail] of faults) {
    it(`an adapter that does '${fault}' is an adapter fault (${kind}), naming the last call sent`, async () => {
      const a = openAdapter(broken(fault), { passStderr: false, timeoutMs: 1500, startTimeoutMs: 60_000 });
      try {
        const r = await runCampaign(a, { runs: 200, maxCommands: 30, seed: SEED });
        const f = r.failed!;
        expect(f.run.failure.kind).toBe("adapter-fault");
        if (f.run.failure.kind !== "adapter-fault") return;
        expect(f.run.failure.fault).toBe(kind);
        expect(f.run.failure.message).toMatch(detail);
        expect(f.run.failure.message).toMatch(/last call sent: fluke_mutex_trylock /);
        expect(f.run.steps.at(-1)!.name).toBe("fluke_mutex_trylock");
        const text = describeFailure(f.run.failure, f.run.steps);
        expect(text).toMatch(/^ADAPTER FAULT/);
        expect(text).not.toMatch(/DISAGREEMENT|MODEL FAULT/);
      } finally {
        await a.close();
      }
    });
  }
});

describe("answers the suite rejects", () => {
  const last = { thread: 0x1080, name: "fluke_mutex_trylock", args: { mutex: 0x3000 } };
  const kindOf = (line: string): string => {
    try {
      readAnswer(line, 3, "call", last);
      return "accepted";
    } catch (e) {
      return e instanceof AdapterFault ? e.kind : String(e);
    }
  };
  it("classifies each way an answer can be wrong", () => {
    expect(kindOf('{"id":3,"outcome":{"kind":"blocked"},"completions":[]}')).toBe("accepted");
    expect(kindOf('{"id":3,"error":"no such call"}')).toBe("error");
    expect(kindOf('{"id":null,"error":"request is not JSON"}')).toBe("error");
    expect(kindOf('{"id":3,"outcome":{"kind":"return","rc":"EVERYTHING_FINE","out":{}},"completions":[]}')).toBe("schema");
    expect(kindOf('{"id":3,"outcome":{"kind":"blocked"}}')).toBe("schema");
    expect(kindOf('{"id":4,"outcome":{"kind":"blocked"},"completions":[]}')).toBe("out-of-order");
    expect(kindOf("<html>")).toBe("garbage");
  });
  it("an adapter that answers a call with an error is at fault, not the model", async () => {
    const sys = implSystem();
    const refusing = new InProcessAdapter("refusing", {
      reset: (pages) => sys.reset(pages),
      call: (thread, name, args) => {
        if (name === "fluke_mutex_trylock") throw new Error("trylock not implemented");
        return sys.call(thread, name, args);
      },
    });
    const r = await runCampaign(refusing, { runs: 200, maxCommands: 30, seed: SEED });
    const f = r.failed!.run.failure;
    expect(f.kind === "adapter-fault" && f.fault).toBe("error");
    expect(f.kind === "adapter-fault" && f.message).toMatch(/trylock not implemented[\s\S]*last call sent: fluke_mutex_trylock/);
  });
});
