// The abstract model's step function: (state, thread, call) -> (state, outcome, completions). It finds
// the thread by its root-view address, checks that it may run, validates the arguments against the
// call's schema, and attempts the call on a draft copy of the state. A decode error (Insane, MemFault)
// drops the draft, so the call has no effect, and routes the synchronous exception. The step is pure:
// the input state is never changed. Above: conformance/ and the tests. Below: the chapter handlers.
import type { Outcome } from "../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../spec/kernel-api/registry.js";
import { cloneState } from "./clone.js";
import type { Ctx } from "./ctx.js";
import { Insane, MemFault } from "./errors.js";
import { deliverException, settleAlerts } from "./exceptions.js";
import { HANDLERS } from "./handlers.js";
import { paddrOfRootVa } from "./memory.js";
import { objectAtPhys } from "./objects.js";
import { installHandlers } from "./restart.js";
import { settleDonations, whyNotRunnable } from "./sched.js";
import type { AbstractCall, Completion, ModelState, Oid, StepResult, ThreadName, ThreadObj } from "./state.js";

installHandlers(HANDLERS);

/** A harness mistake (unknown call, arguments that do not match the schema): not a kernel outcome. */
export class HarnessError extends Error {}

/** Validate a call against its registry row; throws HarnessError. */
export const parseCall = (call: AbstractCall): AbstractCall => {
  const row = CALLS_BY_NAME.get(call.name);
  if (row === undefined) throw new HarnessError(`unknown call ${call.name}`);
  const r = row.args.safeParse(call.args);
  if (!r.success) throw new HarnessError(`bad arguments for ${call.name}: ${r.error.message}`);
  return { name: call.name, args: r.data as Record<string, unknown> };
};

/** The thread object a harness name denotes, if any. */
export const threadByName = (s: ModelState, name: ThreadName): ThreadObj | undefined => {
  const o = objectAtPhys(s, paddrOfRootVa(name));
  return o?.type === "thread" ? o : undefined;
};

export const step = (s: ModelState, name: ThreadName, call: AbstractCall): StepResult => {
  const parsed = parseCall(call);
  const t = threadByName(s, name);
  if (t === undefined) return { state: s, outcome: { kind: "not_runnable", why: "no_thread" }, completions: [] };
  const why = whyNotRunnable(s, t);
  if (why !== null) return { state: s, outcome: { kind: "not_runnable", why }, completions: [] };
  return attempt(s, t.oid, parsed);
};

/**
 * Run `call` as thread `tid` on a copy of `s`. Used by step and by every restart of a pending call
 * (after a keeper's reply, or a set_state that resumes an exported call).
 */
export const attempt = (s: ModelState, tid: Oid, call: AbstractCall): StepResult => {
  const handler = HANDLERS[call.name];
  if (handler === undefined) throw new HarnessError(`no model handler for ${call.name}`);
  const draft = cloneState(s);
  draft.time++;
  const ctx = makeCtx(draft, tid);
  try {
    const before = ctx.self.pending;
    const outcome = handler(ctx, call.args);
    // A blocking handler may store its own continuation in self.pending (model/cond.ts); else the call waits.
    if (outcome.kind === "blocked") ctx.self.pending = ctx.self.pending === before ? call : ctx.self.pending;
    else if (ctx.self.wait === null) ctx.self.pending = null;
    settleAlerts(draft, ctx.completions); // alerts posted during the step reach threads that can take them
    settleDonations(draft, ctx.completions); // schedule donations end when their target stops using the time
    return { state: draft, outcome, completions: ctx.completions };
  } catch (e) {
    if (!(e instanceof Insane) && !(e instanceof MemFault)) throw e;
    return raise(s, tid, call, e);
  }
};

/** Route a decode-time exception on a fresh copy of the untouched state. */
const raise = (s: ModelState, tid: Oid, call: AbstractCall, e: Insane | MemFault): StepResult => {
  const draft = cloneState(s);
  draft.time++;
  const ctx = makeCtx(draft, tid);
  let outcome: Outcome;
  if (e instanceof Insane) {
    ctx.self.pending = null;
    outcome = { kind: "insanity", code: e.code };
    deliverException(ctx, { kind: "insanity", code: e.code });
  } else {
    ctx.self.pending = call;
    outcome = { kind: "fault", addr: e.addr >>> 0, access: e.access };
    deliverException(ctx, { kind: "fault", fault: e });
  }
  settleAlerts(draft, ctx.completions);
  settleDonations(draft, ctx.completions);
  return { state: draft, outcome, completions: ctx.completions };
};

const makeCtx = (s: ModelState, tid: Oid): Ctx => {
  const self = s.objects.get(tid) as ThreadObj;
  const completions: Completion[] = [];
  return { s, self, task: self.task ?? s.rootTask, completions };
};
