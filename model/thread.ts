// Chapter "thread" of the abstract model: the handlers of spec/kernel-api/thread.ts, merged from
// thread-life.ts (create, destroy, move, reference, self, interrupt, schedule), thread-state.ts
// (get_state, set_state) and thread-self.ts (the current-thread-only calls). Exceptions are routed by
// model/exceptions.ts and runnability decided by model/sched.ts. Above: model/handlers.ts.
import type { Handler } from "./ctx.js";
import { THREAD_LIFE_HANDLERS } from "./thread-life.js";
import { THREAD_SELF_HANDLERS } from "./thread-self.js";
import { THREAD_STATE_HANDLERS } from "./thread-state.js";

export const THREAD_HANDLERS: Readonly<Record<string, Handler>> = {
  ...THREAD_LIFE_HANDLERS, ...THREAD_STATE_HANDLERS, ...THREAD_SELF_HANDLERS,
};
