// Unmodified Debian 12 i386 programs on our stack (runStack: root kernel → memory manager → file system →
// process manager → program) give byte-for-byte the output a machine that is not ours gave: each workload
// of workloads.ts is run here and its stdout, stderr and exit status are compared with
// recorded-outputs.json (recorded by scripts/record-outputs.ts with qemu-i386, or with host tools for
// the workloads that exec other programs). Also: a run is deterministic, output and virtual time.
//
// Normalisations: none. stdout, stderr and the wait status are compared byte for byte for every entry.
// (The recorder runs each program through ld.so's --argv0, so argv[0] in messages is the workload's
// own, not qemu's host path; for "host-tools" entries the expected stderr is empty, as ours must be.)
// Above: vitest. Below: impl/nesters/stack.ts, guest-binaries.ts (fetches the guest root on a clean
// clone), workloads.ts, recorded-outputs.json.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { runWorkload, type WorkloadOutcome } from "./workload-run.js";
import { guestRoot } from "./guest-binaries.js";
import { WORKLOADS, workloadDigest } from "./workloads.js";
import { fromBytes, RECORDED_FILE, type Recording } from "../../../scripts/record-outputs.js";

type Outcome = WorkloadOutcome;

let root: string;
let recording: Recording;
const outcomes = new Map<string, Outcome>();

beforeAll(() => {
  root = guestRoot();
  recording = JSON.parse(readFileSync(RECORDED_FILE, "utf8")) as Recording;
}, 600_000);

describe("the recording", () => {
  test("has one entry per workload, recorded from the current definitions by an oracle that is not our system", () => {
    expect(recording.entries.map((e) => e.name)).toEqual(WORKLOADS.map((w) => w.name));
    for (const wl of WORKLOADS) {
      const e = recording.entries.find((x) => x.name === wl.name)!;
      expect({ name: wl.name, digest: e.digest }).toEqual({ name: wl.name, digest: workloadDigest(wl) });
      expect(["native", "qemu-i386", "host-tools"]).toContain(e.oracle);
      expect(e.oracle === "host-tools").toBe(wl.hostOracle !== undefined);
    }
  });
});

describe("unmodified Debian i386 programs match the recorded oracle output", () => {
  for (const wl of WORKLOADS) {
    test(`${wl.name}: ${wl.argv.join(" ").slice(0, 60)}`, () => {
      const rec = recording.entries.find((e) => e.name === wl.name);
      expect(rec, `no recording for ${wl.name}: run npm run record:outputs`).toBeDefined();
      const o = runWorkload(root, wl);
      outcomes.set(wl.name, o);
      const diag = `${wl.name}: the nesters' log:\n${o.log.join("\n")}`;
      expect(o.result.timedOut, diag).toBe(false);
      const expected = { status: rec!.status, stdout: fromBytes(rec!.stdout).toString("latin1"), stderr: fromBytes(rec!.stderr).toString("latin1") };
      expect({ status: o.result.status, stdout: o.stdout.toString("latin1"), stderr: o.stderr.toString("latin1") }, diag).toEqual(expected);
    });
  }
});

describe("determinism", () => {
  // A multi-process pipeline (scheduling, pipes, fork/exec/wait) and a floating-point-heavy gawk run.
  for (const name of ["bash-ls-sort-head", "gawk-math"]) {
    test(`${name} twice: identical output and identical virtual time`, () => {
      const wl = WORKLOADS.find((w) => w.name === name)!;
      const first = outcomes.get(name) ?? runWorkload(root, wl);
      const second = runWorkload(root, wl);
      expect(second.result.time).toBe(first.result.time);
      expect(second.result.status).toBe(first.result.status);
      expect(second.stdout.equals(first.stdout)).toBe(true);
      expect(second.stderr.equals(first.stderr)).toBe(true);
      expect(second.log).toEqual(first.log);
      expect(first.stdout.length).toBeGreaterThan(0);
    });
  }
});
