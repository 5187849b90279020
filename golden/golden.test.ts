// A fast subset of the golden GNU workloads (issue 7) on our stack, compared with the oracle's recording
// in golden/recorded.json exactly as `npm run golden:diff` compares them (stdout with the printed
// files, stderr, wait status; the workload's stated normalisations). The full set (153 workloads, 94
// programs, minutes) is `npm run golden:diff`, not part of npm test. Each fast workload runs traced
// (the tracer nester) and its normalised trace must equal the stored one in golden/traces/ byte for byte
// (golden/traces.ts; a missing or stale trace fails; the guest root's package versions are checked
// against golden/traces/VERSIONS.json first); the full trace comparison is `npm run golden:diff --
// --traces`. A multi-process workload traced twice gives identical normalised traces. Above: vitest.
// Below: scripts/golden-diff.ts, golden/traces.ts, golden/workloads.json, golden/recorded.json,
// golden/traces/, the guest root.
import { assert, beforeAll, describe, expect, test } from "vitest";
import { guestRoot } from "../impl/nesters/procmgr/guest-binaries.js";
import { compareGolden, loadGoldenRecording, runGolden, traceProblem } from "../scripts/golden-diff.js";
import type { GoldenRecording } from "../scripts/golden-record.js";
import { goldenDigest, loadGolden, PROGRAM_COUNT } from "./workloads.js";
import type { TraceEvent } from "../impl/nesters/tracer/formats.js";
import { canonicalEvent, compareTrace, currentVersions, EDGE, gunzipText, gzipDeterministic, loadIndex, loadVersions, TraceCollector, versionMismatch, type StoredTrace } from "./traces.js";

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

/** The multi-process workload (bash, then the program, then the post snippet's programs) traced twice. */
const TWICE = "sed-inplace";
const collected = new Map<string, TraceCollector>();

const traced = (name: string): { c: TraceCollector; o: ReturnType<typeof runGolden> } => {
  const w = workloads.find((x) => x.name === name)!;
  const c = new TraceCollector();
  const o = runGolden(root, w, 2e10, 60_000, false, c.sink);
  return { c, o };
};

describe("a fast subset matches the oracle, and its traces the stored ones", () => {
  test("the guest root is the one the traces were recorded with", () => {
    expect(versionMismatch(loadVersions(), currentVersions())).toBeNull();
  });
  for (const name of FAST) {
    test(name, () => {
      const w = workloads.find((x) => x.name === name)!;
      const e = rec.entries.find((x) => x.name === name)!;
      const { c, o } = traced(name);
      collected.set(name, c);
      expect(o.error).toBeNull();
      expect(o.timedOut, o.log.slice(-12).join("\n")).toBe(false);
      expect(compareGolden(w, e, o), o.log.slice(-12).join("\n")).toBeNull();
      // the version check first: a trace recorded on another guest root is not compared
      const versions = versionMismatch(loadVersions(), currentVersions());
      if (versions !== null) assert.fail(versions);
      const why = traceProblem(w, c, loadIndex());
      if (why !== null) assert.fail(`${name}: ${why}`);
    });
  }
});

describe("golden traces", () => {
  test(`determinism: ${TWICE} (several processes) traced twice gives identical normalised traces`, () => {
    const a = collected.get(TWICE) ?? traced(TWICE).c;
    const b = traced(TWICE).c;
    const pids = new Set(a.head.concat(a.tail()).map((l) => (JSON.parse(l) as { pid?: number }).pid).filter((p) => p !== undefined));
    expect(pids.size).toBeGreaterThanOrEqual(2);
    expect(a.events).toBeGreaterThan(100);
    expect(b.events).toBe(a.events);
    expect(compareTrace(b, { form: "full", text: a.text()! }, { ours: "second run", stored: "first run" })).toBeNull();
    expect(b.sha256()).toBe(a.sha256());
  });

  test("every workload has a stored trace recorded from its current definition", () => {
    const index = loadIndex();
    const missing = workloads.filter((w) => index[w.name]?.digest !== goldenDigest(w)).map((w) => w.name);
    expect(missing, "npm run golden:update").toEqual([]);
  });

  test("gzip of the stored form is deterministic (same bytes for the same text, no time in the header)", () => {
    const text = Array.from({ length: 2000 }, (_, i) => `{"t":${i * 37},"layer":"linux","call":"read"}`).join("\n") + "\n";
    const a = gzipDeterministic(text), b = gzipDeterministic(text);
    expect(Buffer.compare(a, b)).toBe(0);
    expect([...a.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    expect(gunzipText(a)).toBe(text);
  });

  test("digest form (a trace too large to store): equal, or the difference located in the head, the tail or the middle", () => {
    const ev = (i: number, x = ""): TraceEvent => ({ t: i * 10, dur: 1, pid: 2, layer: "linux", call: "read", args: {}, result: {}, text: `read(${i})${x}` });
    const collect = (n: number, change = -1): TraceCollector => {
      const c = new TraceCollector();
      for (let i = 0; i < n; i++) c.sink(ev(i, i === change ? " changed" : ""));
      return c;
    };
    const n = 3 * EDGE + 50;
    const base = collect(n);
    const stored: StoredTrace = { form: "digest", file: { format: 1, events: base.events, bytes: base.bytes, sha256: base.sha256(), head: base.head, tail: base.tail() } };
    expect(compareTrace(collect(n), stored)).toBeNull();
    expect(compareTrace(collect(n, 5), stored)).toContain("first difference at event #5:");
    expect(compareTrace(collect(n, n - 3), stored)).toContain(`first difference at event #${n - 3}:`);
    expect(compareTrace(collect(n, EDGE + 20), stored)).toContain("the difference is in the middle");
    expect(compareTrace(collect(n + 1), stored)).toContain(`ours ${n + 1} events, recorded ${n}`);
  });

  test("normalisation: host stat fields of a lower-layer file, directory sizes and dirent previews", () => {
    const stat = { status: 0, dev: 2049, ino: 1234567, mode: 0o40755, nlink: 7, uid: 1000, gid: 1000, rdev: 0, size: 12288, blksize: 4096, blocks: 24, atime_sec: 1, atime_nsec: 2, mtime_sec: 3, mtime_nsec: 4, ctime_sec: 5, ctime_nsec: 6 };
    const n = canonicalEvent({ t: 1, dur: 2, layer: "FileSystem", call: "stat", target: "FileSystem", args: {}, result: stat }).result;
    expect(n).toEqual({ ...stat, ino: "*", nlink: "*", uid: "*", gid: "*", size: "*", blksize: "*", blocks: "*", atime_sec: "*", atime_nsec: "*", mtime_sec: "*", mtime_nsec: "*", ctime_sec: "*", ctime_nsec: "*" });
    const f = canonicalEvent({ t: 1, dur: 2, layer: "FileDescription", call: "stat", args: {}, result: { ...stat, mode: 0o100644, size: 10 } }).result;
    expect([f["size"], f["mtime_sec"], f["nlink"], f["ino"]]).toEqual([10, 3, 7, "*"]);
    const d = canonicalEvent({ t: 1, dur: 2, layer: "FileDescription", call: "readdir", args: {}, result: { status: 0, entries: '"\\001\\002abc"... <300 bytes>', next: 9 } }).result;
    expect(d).toEqual({ status: 0, entries: "<dirents>... <300 bytes>", next: 9 });
  });
});
