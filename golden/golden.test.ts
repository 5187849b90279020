// A fast subset of the golden GNU workloads (issue 7) on our stack, compared with the oracle's recording
// in golden/recorded.json exactly as `npm run golden:diff` compares them (stdout with the printed
// files, stderr, wait status; the workload's stated normalisations). The full set (153 workloads, 94
// programs, minutes) is `npm run golden:diff`, not part of npm test. Above: vitest. Below:
// scripts/golden-diff.ts, golden/workloads.json, golden/recorded.json, the guest root.
import { beforeAll, describe, expect, test } from "vitest";
import { guestRoot } from "../impl/nesters/procmgr/guest-binaries.js";
import { compareGolden, loadGoldenRecording, runGolden } from "../scripts/golden-diff.js";
import type { GoldenRecording } from "../scripts/golden-record.js";
import { goldenDigest, loadGolden, PROGRAM_COUNT } from "./workloads.js";

/** One or two cheap workloads from each group: text, file, shell, diff utilities, binutils, bash. */
const FAST = [
  "cat-n", "sort-k-n", "tr-classes", "od-tx1z", "split-l", "wc-stdin-L", "cp-files", "chmod-octal", "mkdir-p-m", "ls-ln-times",
  "diff-u", "cmp-l", "date-d-epoch", "id", "who-file", "expr-match", "factor", "sed-inplace", "gawk-progfile", "nm-n", "objdump-d",
];

let root: string;
let rec: GoldenRecording;
const workloads = loadGolden();

beforeAll(() => {
  root = guestRoot();
  rec = loadGoldenRecording()!;
}, 600_000);

describe("golden workloads and their recording", () => {
  test("cover the issue's 94 programs, each recorded from the current definition", () => {
    expect(new Set(workloads.map((w) => w.program)).size).toBe(PROGRAM_COUNT);
    for (const w of workloads) {
      const e = rec.entries.find((x) => x.name === w.name);
      expect({ name: w.name, digest: e?.digest }).toEqual({ name: w.name, digest: goldenDigest(w) });
    }
  });
});

describe("a fast subset matches the oracle", () => {
  for (const name of FAST) {
    test(name, () => {
      const w = workloads.find((x) => x.name === name)!;
      const e = rec.entries.find((x) => x.name === name)!;
      const o = runGolden(root, w, 2e10, 60_000);
      expect(o.error).toBeNull();
      expect(o.timedOut, o.log.slice(-12).join("\n")).toBe(false);
      expect(compareGolden(w, e, o), o.log.slice(-12).join("\n")).toBeNull();
    });
  }
});
