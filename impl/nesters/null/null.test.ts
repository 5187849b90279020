// Stacked interposers: any number of null nesters between the program and the process manager change
// nothing the program sees (its output equals the recorded oracle output), while each layer is really on
// the path (virtual time grows with the depth, and a tracer at either end of a stack still sees every
// system call of the guest and the protocol traffic).
import { beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { WORKLOADS, type Workload } from "../procmgr/workloads.js";
import { runWorkload } from "../procmgr/workload-run.js";
import type { NesterName } from "../stack.js";
import type { TraceEvent } from "../tracer/formats.js";
import { readFileSync } from "node:fs";
import { fromBytes } from "../../../scripts/record-outputs.js";

type Bytes = { text: string } | { base64: string };
const recorded = JSON.parse(readFileSync(new URL("../procmgr/recorded-outputs.json", import.meta.url), "utf8")) as { entries: { name: string; stdout: Bytes; status: number }[] };

let root = "";
beforeAll(() => {
  root = guestRoot();
}, 600_000);

const wl = (name: string): Workload => WORKLOADS.find((w) => w.name === name)!;
/** The oracle's stdout and wait status for a workload (recorded-outputs.json). */
const expected = (name: string): { stdout: string; status: number } => {
  const e = recorded.entries.find((x) => x.name === name)!;
  return { stdout: fromBytes(e.stdout).toString("latin1"), status: e.status };
};

const run = (w: Workload, nest: NesterName[], sink?: (e: TraceEvent) => void) => {
  const o = runWorkload(root, w, { nest, trace: sink === undefined ? undefined : { sink } });
  return { stdout: o.stdout.toString("latin1"), status: o.result.status, time: o.result.time };
};

describe("null nesters stacked between the program and the process manager", () => {
  it("change nothing the program sees, and each layer costs virtual time (it is on the path)", () => {
    const times: number[] = [];
    for (const depth of [0, 1, 3]) {
      const r = run(wl("sort-file"), Array.from({ length: depth }, () => "null" as const));
      expect({ stdout: r.stdout, status: r.status }).toEqual(expected("sort-file"));
      times.push(r.time);
    }
    expect(times[1]!).toBeGreaterThan(times[0]!);
    expect(times[2]!).toBeGreaterThan(times[1]!);
  });

  it("a pipeline runs unchanged under two null nesters", () => {
    const r = run(wl("bash-ls-sort-head"), ["null", "null"]);
    expect({ stdout: r.stdout, status: r.status }).toEqual(expected("bash-ls-sort-head"));
  });

  for (const nest of [["tracer", "null"], ["null", "tracer"]] as NesterName[][]) {
    it(`a tracer in a stack [${nest.join(", ")}] still sees the guest's system calls and the protocol traffic`, () => {
      const ev: TraceEvent[] = [];
      const r = run(wl("echo"), nest, (e) => void ev.push(e));
      expect({ stdout: r.stdout, status: r.status }).toEqual(expected("echo"));
      expect(ev.some((e) => e.layer === "linux" && e.call === "write")).toBe(true);
      expect(ev.some((e) => e.layer === "linux" && e.call === "exit_group")).toBe(true);
      expect(ev.some((e) => e.layer === "FileSystem" && e.call === "open")).toBe(true);
    });
  }
});
