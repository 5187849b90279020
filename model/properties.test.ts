// Property tests of the whole model: fast-check generates random call sequences FROM THE REGISTRY's
// argument schemas (model/prop-gen.ts: biased towards existing objects and free blocks, with wrong
// arguments too), run by the boot thread and three more threads, and after every step checks: the step
// throws nothing but HarnessError; the input state is unchanged (purity); outcomes are well formed; the
// invariants of model/invariants.ts hold (links, wait queues, grants, references). At the end of each
// sequence every object with state survives a get_state/set_state round trip (model/roundtrip.ts, run
// by a fifth thread that random steps never use). Each sequence is run twice to check determinism. The
// seed is printed; FLUKE_SEED replays it, FLUKE_RUNS sets the number of sequences. A thread blocked for
// good by an exception (no handler, no keeper) is revived by the harness before the next step, as if its
// keeper had told it to skip the call, so sequences keep exploring.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Outcome } from "../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../spec/kernel-api/registry.js";
import { type Actor, checkGrants, checkLinks, checkRefStep, checkSyncQueues } from "./invariants.js";
import { rootVa } from "./memory.js";
import { recordOutcome } from "./outcome-log.js";
import { CALL_INDEX_RANGE, GEN_CALLS, INSPECTOR, genCall, revive, startState } from "./prop-gen.js";
import { checkRoundTrips } from "./roundtrip.js";
import { HarnessError, step } from "./step.js";
import type { ModelState, ThreadObj } from "./state.js";

const SEED = process.env["FLUKE_SEED"] !== undefined ? Number(process.env["FLUKE_SEED"]) : 20261130;
const RUNS = Number(process.env["FLUKE_RUNS"] ?? 60);
console.log(`model properties: seed ${SEED} (replay with FLUKE_SEED=${SEED}), ${RUNS} sequences`);

/** Steps taken and milliseconds spent inside step() over the whole file, for the figure printed at the end. */
const meter = { steps: 0, ms: 0, wall: performance.now(), roundTrips: 0 };

interface RandStep { readonly thread: number; readonly call: number; readonly seed: number }
const arbStep: fc.Arbitrary<RandStep> = fc.record({ thread: fc.nat(7), call: fc.nat(CALL_INDEX_RANGE - 1), seed: fc.nat() });
const arbSeq = fc.array(arbStep, { minLength: 10, maxLength: 40 });
/** Steps drawn only from the mutex, cond and ref rows (the top band of CALL_INDEX_RANGE): contention. */
const arbSyncStep: fc.Arbitrary<RandStep> = fc.record({
  thread: fc.nat(7), call: fc.integer({ min: CALL_INDEX_RANGE / 2, max: CALL_INDEX_RANGE - 1 }), seed: fc.nat(),
});
const arbSyncSeq = fc.array(arbSyncStep, { minLength: 10, maxLength: 60 });

/** The property: no violation, and a second run of the same sequence gives the same trace and state. */
const holds = (seq: readonly RandStep[]): void => {
  const a = run(seq);
  expect(a.violations).toEqual([]);
  const b = run(seq);
  expect(b.trace).toEqual(a.trace);
  expect(b.final).toBe(a.final);
};

const threads = (s: ModelState): ThreadObj[] => [...s.objects.values()].filter((o): o is ThreadObj => o.type === "thread").sort((a, b) => a.oid - b.oid);

/** Everything observable of a state, as text (pages by content checksum). */
const fingerprint = (s: ModelState): string => {
  const pages = [...s.pages].map(([n, p]) => `${n}:${p.reduce((h, b) => (Math.imul(h, 31) + b) | 0, 7)}`);
  return JSON.stringify({ o: [...s.objects.values()], n: s.nextOid, h: s.nextHash, t: s.time, pages });
};

/** The threads that acted in a step: the caller, and every thread the step completed or changed the wait of. */
const actorsOf = (before: ModelState, after: ModelState, caller: ThreadObj, call: Actor["call"], done: Set<number>): Actor[] => {
  const out: Actor[] = [{ thread: caller, call }];
  for (const t of threads(before)) {
    if (t.oid === caller.oid) continue;
    const a = after.objects.get(t.oid) as ThreadObj | undefined;
    if (done.has(rootVa(t.paddr)) || a === undefined || a.wait !== t.wait || a.pending !== t.pending) out.push({ thread: t, call: t.pending });
  }
  return out;
};

interface RunResult { readonly trace: string[]; readonly violations: string[]; readonly final: string }

const checkStep = (before: ModelState, after: ModelState, actors: Actor[], outcomes: unknown[]): string[] => [
  ...outcomes.filter((o) => !Outcome.safeParse(o).success).map((o) => `malformed outcome ${JSON.stringify(o)}`),
  ...checkLinks(after), ...checkSyncQueues(after), ...checkGrants(after), ...checkRefStep(before, after, actors),
];

/**
 * A call's immediate outcome must be one its registry row lists: an insanity among its insanities, a
 * return code among its returns, and on success out-parameters that match the row's `out` schema. (Completions are not checked here: a blocked call may finish as its
 * continuation, whose row differs.)
 */
const unlisted = (name: string, o: Outcome): string[] => {
  const row = CALLS_BY_NAME.get(name);
  if (row === undefined) return [`${name}: no registry row`];
  if (o.kind === "insanity" && !row.insanities.includes(o.code)) return [`${name} raised ${o.code}, which its row does not list`];
  if (o.kind === "return" && !row.returns.includes(o.rc)) return [`${name} returned ${o.rc}, which its row does not list`];
  if (o.kind === "return" && o.rc === "SUCCESS" && !row.out.safeParse(o.out).success) return [`${name} returned out-parameters its schema rejects: ${JSON.stringify(o.out)}`];
  return [];
};

/** Run one random sequence from the start state (model/prop-gen.ts). */
const run = (seq: readonly RandStep[]): RunResult => {
  let s = startState();
  const trace: string[] = [];
  const violations: string[] = [];
  const blockedIn = new Map<number, string>();
  for (const st of seq) {
    s = revive(s);
    const ts = threads(s).filter((t) => rootVa(t.paddr) !== INSPECTOR);
    if (ts.length === 0) break;
    const caller = ts[st.thread % ts.length]!;
    const call = genCall(s, st.call, st.seed);
    const fp = fingerprint(s);
    let r;
    const t0 = performance.now();
    try {
      r = step(s, rootVa(caller.paddr), call);
      meter.steps++;
      meter.ms += performance.now() - t0;
    } catch (e) {
      if (e instanceof HarnessError) { trace.push(`${call.name}: harness error`); continue; }
      violations.push(`${call.name} ${JSON.stringify(call.args)} threw ${String(e)}`);
      break;
    }
    if (fingerprint(s) !== fp) violations.push(`${call.name}: the step changed its input state`);
    const done = new Set(r.completions.map((c) => c.thread));
    const v = checkStep(s, r.state, actorsOf(s, r.state, caller, call, done), [r.outcome, ...r.completions.map((c) => c.outcome)]);
    violations.push(...v.map((x) => `after ${call.name} ${JSON.stringify(call.args)} by ${caller.oid}: ${x}`));
    violations.push(...unlisted(call.name, r.outcome));
    recordOutcome(call.name, r.outcome);
    if (r.outcome.kind === "blocked" || r.outcome.kind === "fault") blockedIn.set(rootVa(caller.paddr), call.name);
    for (const c of r.completions) recordOutcome(blockedIn.get(c.thread) ?? "unknown", c.outcome);
    trace.push(`${call.name} -> ${JSON.stringify(r.outcome)} ${JSON.stringify(r.completions)}`);
    s = r.state;
    if (v.length > 0) break;
  }
  const rt = violations.length === 0 ? checkRoundTrips(revive(s), INSPECTOR) : { violations: [], checked: 0 };
  meter.roundTrips += rt.checked;
  violations.push(...rt.violations.map((x) => `get/set_state round trip: ${x}`));
  return { trace, violations, final: fingerprint(s) };
};

describe("model properties over random call sequences", () => {
  afterAll(() => {
    const wall = (performance.now() - meter.wall) / 1000;
    console.log(`model properties: ${meter.steps} steps; ${Math.round(meter.steps / (meter.ms / 1000))} steps/s inside step(), `
      + `${Math.round(meter.steps / wall)} steps/s with invariant checks; ${meter.roundTrips} get/set_state round trips`);
  });
  it("never crashes, stays pure and deterministic, and keeps every invariant", () => {
    fc.assert(fc.property(arbSeq, holds), { seed: SEED, numRuns: RUNS });
  });
  it("keeps every invariant under contention (mutex, cond and ref calls only)", () => {
    fc.assert(fc.property(arbSyncSeq, holds), { seed: SEED + 1, numRuns: RUNS });
  });
  it("the generator reaches every call that has a model handler, with schema-valid arguments", () => {
    const s = startState();
    for (let i = 0; i < CALL_INDEX_RANGE; i++) {
      for (let k = 0; k < 5; k++) {
        const c = genCall(s, i, SEED + k);
        expect(GEN_CALLS.find((r) => r.name === c.name)!.args.safeParse(c.args).success, `${c.name} ${JSON.stringify(c.args)}`).toBe(true);
      }
    }
  });
});
