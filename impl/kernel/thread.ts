// Chapter "thread" of the concrete kernel: the handlers of spec/kernel-api/thread.ts, merged from
// thread-life.ts (create, destroy, move, reference, self, interrupt, schedule), thread-state.ts
// (get_state, set_state) and thread-self.ts (the current-thread-only calls), as in model/thread.ts.
// Exceptions are routed by exceptions.ts and runnability decided by sched.ts. Above: handlers.ts.
import type { KHandler } from "./kctx.js";
import { THREAD_LIFE_HANDLERS } from "./thread-life.js";
import { THREAD_SELF_HANDLERS } from "./thread-self.js";
import { THREAD_STATE_HANDLERS } from "./thread-state.js";

export const K_THREAD_HANDLERS: Readonly<Record<string, KHandler>> = {
  ...THREAD_LIFE_HANDLERS, ...THREAD_STATE_HANDLERS, ...THREAD_SELF_HANDLERS,
};
