// Resuming a thread's pending call inside another thread's step: after a keeper's reply to a fault,
// after fluke_thread_set_state lets an exported mid-call thread run again, or wherever a chapter wants a
// blocked call re-executed. The handler runs in place on the current draft; this is safe because every
// handler decodes (and may throw) before it changes anything. The outcome becomes a completion of that
// thread. The handler table is installed by model/step.ts (this file imports no chapter, to avoid cycles).
import type { Ctx, Handler } from "./ctx.js";
import { complete } from "./ctx.js";
import { Insane, MemFault } from "./errors.js";
import { deliverException } from "./exceptions.js";
import { rootVa } from "./memory.js";
import type { ThreadObj } from "./state.js";

let table: Readonly<Record<string, Handler>> = {};
export const installHandlers = (h: Readonly<Record<string, Handler>>): void => {
  table = h;
};

/** Re-execute t.pending as thread t (no-op if it has none). */
export const resumePending = (ctx: Ctx, t: ThreadObj): void => {
  const call = t.pending;
  if (call === null) return;
  const handler = table[call.name];
  if (handler === undefined) throw new Error(`no model handler for ${call.name}`);
  t.wait = null;
  const sub: Ctx = { s: ctx.s, self: t, task: t.task ?? ctx.s.rootTask, completions: ctx.completions };
  try {
    const outcome = handler(sub, call.args);
    if (outcome.kind === "blocked") t.pending ??= call; // keep a continuation the handler stored (model/cond.ts)
    else complete(ctx.s, ctx.completions, t, outcome);
  } catch (e) {
    if (!(e instanceof Insane) && !(e instanceof MemFault)) throw e;
    if (e instanceof Insane) {
      t.pending = null;
      ctx.completions.push({ thread: rootVa(t.paddr), outcome: { kind: "insanity", code: e.code } });
      deliverException(sub, { kind: "insanity", code: e.code });
    } else {
      ctx.completions.push({ thread: rootVa(t.paddr), outcome: { kind: "fault", addr: e.addr >>> 0, access: e.access } });
      deliverException(sub, { kind: "fault", fault: e });
    }
  }
};
