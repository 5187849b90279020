// Spec coverage of a conform run (`fluke conform --coverage`): which of the spec's kernel calls the run
// reached, and for each call which of its listed return codes and insanity codes, and how often it
// blocked, faulted, found its caller not runnable (n/run) or produced completions (compl).
// `CoverageRecorder.wrap` wraps the adapter and records every answer it gives (setup and revival calls
// included; a passing run's answers equal the model's); a blocked call's later completion is credited to
// that call (its return code counts as reached). The "listed error codes" are, per registry row, its
// return codes other than SUCCESS plus its insanities. Harness actions (not kernel calls) are left out.
// Above: conform-cli.ts. Below: spec/kernel-api/registry.ts.
import { writeFileSync } from "node:fs";
import type { Outcome } from "../spec/kernel-api/common.js";
import { KERNEL_CALLS } from "../spec/kernel-api/registry.js";
import type { Adapter } from "./adapters/adapter.js";
import type { CallResult } from "./protocol.js";

/** What one call reached. */
export interface CallCoverage {
  readonly name: string;
  /** Answers to this call (each call sent once, as the caller's outcome). */
  calls: number;
  blocked: number;
  fault: number;
  /** Answers "not_runnable" (the caller could not run: the call was not made; not counted as reached). */
  notRunnable: number;
  /** Completions this call produced (for other threads' blocked calls). */
  completions: number;
  /** Return codes reached (directly, or when a blocked call of this name completed), with counts. */
  readonly rc: Record<string, number>;
  /** Insanity codes reached, with counts. */
  readonly insanity: Record<string, number>;
}

export interface CoverageReport {
  readonly calls: { readonly reached: number; readonly total: number };
  /** (call, listed error code) pairs: SUCCESS left out. */
  readonly errorCodes: { readonly reached: number; readonly total: number };
  /** Per kernel call, registry order: listed codes reached and missing, codes reached though not listed. */
  readonly rows: readonly (CallCoverage & { readonly missing: readonly string[]; readonly unlisted: readonly string[] })[];
}

const bump = (m: Record<string, number>, k: string): void => { m[k] = (m[k] ?? 0) + 1; };

export class CoverageRecorder {
  readonly byCall = new Map<string, CallCoverage>();
  /** Thread (root address) -> name of its blocked call, for the current fresh system. */
  private readonly pending = new Map<number, string>();

  private cov(name: string): CallCoverage {
    let c = this.byCall.get(name);
    if (c === undefined) this.byCall.set(name, (c = { name, calls: 0, blocked: 0, fault: 0, notRunnable: 0, completions: 0, rc: {}, insanity: {} }));
    return c;
  }

  private outcome(c: CallCoverage, o: Outcome, thread: number): void {
    if (o.kind === "return") bump(c.rc, o.rc);
    else if (o.kind === "insanity") bump(c.insanity, o.code);
    else if (o.kind === "fault") c.fault++;
    else if (o.kind === "not_runnable") { c.notRunnable++; return; }
    else if (o.kind === "blocked") { c.blocked++; this.pending.set(thread, c.name); return; }
    this.pending.delete(thread);
  }

  /** Record one answer to `name` called by `thread`. */
  record(thread: number, name: string, r: CallResult, args: Record<string, unknown> = {}): void {
    const c = this.cov(name);
    c.calls++;
    // A thread whose state is replaced, moved or destroyed leaves its blocked call (if any) behind.
    if (/^fluke_thread_(set_state|destroy|move)$/.test(name) && typeof args["thread"] === "number") this.pending.delete(args["thread"]);
    c.completions += r.completions.length;
    this.outcome(c, r.outcome, thread);
    for (const done of r.completions) {
      const waiting = this.pending.get(done.thread);
      if (waiting !== undefined) this.outcome(this.cov(waiting), done.outcome, done.thread);
    }
  }

  /** The adapter, recording every answer it gives. */
  wrap(a: Adapter): Adapter {
    return {
      label: a.label,
      reset: (pages, maxObjects) => { this.pending.clear(); return a.reset(pages, maxObjects); },
      call: async (thread, name, args) => { const r = await a.call(thread, name, args); this.record(thread, name, r, args); return r; },
      close: () => a.close(),
    };
  }

  report(): CoverageReport {
    let reached = 0, errTotal = 0, errReached = 0;
    const rows = KERNEL_CALLS.map((def) => {
      const c = this.byCall.get(def.name) ?? { name: def.name, calls: 0, blocked: 0, fault: 0, notRunnable: 0, completions: 0, rc: {}, insanity: {} };
      if (c.calls > c.notRunnable) reached++;
      const listedErr = [...def.returns.filter((x) => x !== "SUCCESS"), ...def.insanities.map((x) => `INSANITY_${x}`)];
      const has = (k: string): boolean => k.startsWith("INSANITY_") ? (c.insanity[k.slice(9)] ?? 0) > 0 : (c.rc[k] ?? 0) > 0;
      const missing = [...(def.returns.includes("SUCCESS") && !has("SUCCESS") ? ["SUCCESS"] : []), ...listedErr.filter((k) => !has(k))];
      errTotal += listedErr.length;
      errReached += listedErr.filter(has).length;
      const unlisted = [
        ...Object.keys(c.rc).filter((k) => !(def.returns as readonly string[]).includes(k)),
        ...Object.keys(c.insanity).filter((k) => !(def.insanities as readonly string[]).includes(k)).map((k) => `INSANITY_${k}`),
      ];
      return { ...c, name: def.name, missing, unlisted };
    });
    return { calls: { reached, total: KERNEL_CALLS.length }, errorCodes: { reached: errReached, total: errTotal }, rows };
  }
}

const pct = (a: number, b: number): string => `${b === 0 ? "100.0" : ((100 * a) / b).toFixed(1)}%`;

export const summaryLine = (r: CoverageReport): string =>
  `calls reached ${r.calls.reached} of ${r.calls.total} (${pct(r.calls.reached, r.calls.total)}), `
  + `listed error codes reached ${r.errorCodes.reached} of ${r.errorCodes.total} (${pct(r.errorCodes.reached, r.errorCodes.total)})`;

const codes = (m: Record<string, number>, prefix = ""): string =>
  Object.entries(m).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${prefix}${k}:${n}`).join(" ");

/** The report as a text table (one row per kernel call) and the summary line. */
export const formatCoverage = (r: CoverageReport): string => {
  const w = Math.max(...r.rows.map((x) => x.name.length));
  const head = `${"call".padEnd(w)}  ${"calls".padStart(7)} ${"blocked".padStart(7)} ${"fault".padStart(6)} ${"n/run".padStart(6)} ${"compl".padStart(6)}  reached (code:count); missing listed codes`;
  const lines = r.rows.map((x) => {
    const got = [codes(x.rc), codes(x.insanity, "INSANITY_")].filter((s) => s !== "").join(" ");
    const tail = [got === "" ? "-" : got, x.missing.length > 0 ? `MISSING ${x.missing.join(" ")}` : "", x.unlisted.length > 0 ? `UNLISTED ${x.unlisted.join(" ")}` : ""]
      .filter((s) => s !== "").join("; ");
    return `${x.name.padEnd(w)}  ${String(x.calls).padStart(7)} ${String(x.blocked).padStart(7)} ${String(x.fault).padStart(6)} ${String(x.notRunnable).padStart(6)} ${String(x.completions).padStart(6)}  ${tail}`;
  });
  return [head, ...lines, summaryLine(r)].join("\n") + "\n";
};

export const writeCoverageJson = (file: string, r: CoverageReport): void => {
  writeFileSync(file, JSON.stringify({ format: "fluke-conform-coverage", version: 1, summary: summaryLine(r), ...r }, null, 1) + "\n");
};
