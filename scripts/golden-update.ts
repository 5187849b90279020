// `npm run golden:update [-- --only NAME,PROGRAM,...] [--max-time T] [--wall S]`: re-record the golden
// traces (golden/traces/, golden/traces.ts explains the stored form): run each golden workload on our
// stack with the tracer nester, normalise its trace, print a readable diff against the previous trace
// (the first differing event with context) and a summary (changed, unchanged, new, failed), write the
// traces that changed (an unchanged trace keeps its file byte for byte), INDEX.json, and VERSIONS.json
// (the guest root's package versions, from .cache/guest-root/lock.json). When the guest root is not the
// one the previous traces were recorded with, it says so first, plainly; re-recording only some
// workloads (--only) against another guest root is refused (the traces would mix two guest roots).
// Above: a developer, after a change that moves the traces. Below: scripts/golden-diff.ts runGolden,
// golden/traces.ts.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_GUEST_DIR, ensureGuestRoot } from "./guest-root.js";
import { compareGolden, DEFAULT_MAX_TIME, loadGoldenRecording, runGolden } from "./golden-diff.js";
import { goldenDigest, loadGolden } from "../golden/workloads.js";
import {
  compareTrace, currentVersions, digestPath, fullPath, loadIndex, loadStoredTrace, loadVersions, saveIndexEntries, saveVersions,
  storedForm, TRACE_INDEX, TraceCollector, versionMismatch, type TraceIndexEntry,
} from "../golden/traces.js";

const indent = (s: string): string => s.split("\n").map((l) => `      ${l}`).join("\n");
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MB`;

const main = (): number => {
  const args = process.argv.slice(2);
  const opt = (k: string): string | undefined => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  const only = opt("--only")?.split(",");
  const maxTime = Number(opt("--max-time") ?? DEFAULT_MAX_TIME);
  const wall = Number(opt("--wall") ?? 1800) * 1000;
  const root = ensureGuestRoot(DEFAULT_GUEST_DIR);
  const current = currentVersions();
  const recorded = loadVersions();
  const mismatch = recorded === null ? null : versionMismatch(recorded, current);
  if (mismatch !== null) {
    console.log(`golden:update: ${mismatch}`);
    if (only !== undefined) {
      console.error("golden:update: refusing to re-record only some workloads against another guest root (the traces would mix two guest roots): run it without --only");
      return 2;
    }
    console.log("golden:update: the differences below are against traces of that other guest root");
  }
  const rec = loadGoldenRecording();
  const all = loadGolden();
  const workloads = all.filter((w) => only === undefined || only.includes(w.name) || only.includes(w.program));
  if (only !== undefined && workloads.length === 0) { console.error(`golden:update: no workload matches ${only.join(",")}`); return 2; }
  const index = loadIndex();
  const counts = { changed: 0, unchanged: 0, new: 0, failed: 0 };
  const t0 = performance.now();
  for (const w of workloads) {
    const c = new TraceCollector();
    const r = runGolden(root, w, maxTime, wall, false, c.sink);
    const secs = `${(r.wallMs / 1000).toFixed(1).padStart(6)} s`;
    if (r.error !== null || r.timedOut || r.status === null) {
      counts.failed++;
      const why = r.error !== null ? `crashed: ${r.error.split("\n")[0]}` : r.timedOut ? `did not finish (virtual time ${r.time.toExponential(2)})` : "the system stalled";
      console.log(`FAILED    ${w.name.padEnd(24)} ${secs}  ${why}; previous trace kept`);
      for (const l of r.log.slice(-8)) console.log(`      | ${l.slice(0, 200)}`);
      continue;
    }
    const e = rec?.entries.find((x) => x.name === w.name);
    const oracle = e === undefined ? " (no oracle recording)" : compareGolden(w, e, r) === null ? "" : " (output differs from the oracle: see npm run golden:diff)";
    const old = index[w.name];
    const stored = loadStoredTrace(w.name, old);
    const f = storedForm(c);
    const diff = stored === null ? null : compareTrace(c, stored, { ours: "new", stored: "old" });
    let kind: "new" | "changed" | "unchanged";
    if (stored === null) kind = "new";
    else kind = diff === null ? "unchanged" : "changed";
    const path = f.path(w.name);
    if (kind !== "unchanged" || old?.form !== f.form || !existsSync(path)) {
      writeFileSync(path, f.bytes);
      const other = f.form === "full" ? digestPath(w.name) : fullPath(w.name);
      if (existsSync(other)) rmSync(other);
    }
    const entry: TraceIndexEntry = { digest: goldenDigest(w), form: f.form, events: c.events, bytes: c.bytes, sha256: c.sha256(), status: r.status, virtualTime: r.time, stored: statSync(path).size };
    saveIndexEntries({ [w.name]: entry });
    counts[kind]++;
    const stale = old !== undefined && old.digest !== entry.digest ? " (workload definition changed)" : "";
    console.log(`${kind.padEnd(9)} ${w.name.padEnd(24)} ${secs}  ${c.events} events, ${f.form === "full" ? `${(entry.stored / 1024).toFixed(0)} KB gz` : `digest form (${mb(c.bytes)} normalised)`}${stale}${oracle}`);
    if (diff !== null) console.log(indent(diff));
  }
  if (only === undefined) {
    // traces of workloads that no longer exist
    const names = new Set(all.map((w) => w.name));
    const idx = loadIndex();
    const gone = Object.keys(idx).filter((n) => !names.has(n));
    for (const n of gone) for (const p of [fullPath(n), digestPath(n)]) if (existsSync(p)) rmSync(p);
    if (gone.length > 0) {
      for (const n of gone) delete idx[n];
      writeFileSync(TRACE_INDEX, JSON.stringify(idx, null, 1) + "\n");
      console.log(`removed the traces of ${gone.length} workloads that no longer exist: ${gone.join(", ")}`);
    }
  }
  if (counts.failed === 0 || recorded === null) saveVersions(current);
  const idx = loadIndex();
  const total = Object.values(idx).reduce((a, e) => a + e.stored, 0) + (existsSync(TRACE_INDEX) ? readFileSync(TRACE_INDEX).length : 0);
  const digests = Object.entries(idx).filter(([, e]) => e.form === "digest").map(([n]) => n);
  console.log(`${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.new} new, ${counts.failed} failed (of ${workloads.length}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`golden/traces: ${Object.keys(idx).length} traces, ${mb(total)}${digests.length > 0 ? `; digest form: ${digests.join(", ")}` : ""}`);
  return counts.failed === 0 ? 0 : 1;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
