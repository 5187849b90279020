// The thread chapter's current-thread-only calls in the concrete kernel: exception enable/disable, the
// handler and saved-state calls, return_from_exception, and the reliable-IPC client/server links
// (spec/kernel-api/thread.md; same rules as model/thread-self.ts). Every one first checks that cur_thread
// names the caller. Above: thread.ts. Below: thread-decode.ts, exceptions.ts, object-ops.ts, decode.ts.
import { FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_SERVER_SENDER } from "../../spec/kernel-api/common.js";
import type { ThreadSavedState } from "../../spec/kernel-api/thread.js";
import { refSlot } from "./decode.js";
import { deliverHeld } from "./exceptions.js";
import { ok, type KCtx, type KHandler } from "./kctx.js";
import { live, type KThread } from "./kobjects.js";
import { bindSlot, refLinkOf } from "./object-ops.js";
import { checkCurrent, checkPendingCall, exportCall } from "./thread-decode.js";

type Cur = { cur_thread: number };
type Handlers4 = { trap_handler: number; interrupt_handler: number; client_alert_handler: number; server_alert_handler: number };
type Side = "client" | "server";

/** The sender bit of a side's link: the caller sends to its client (SERVER_SENDER) or to its server (CLIENT_SENDER). */
const SENDER_BIT: Record<Side, number> = { client: FLUKE_THREAD_SERVER_SENDER, server: FLUKE_THREAD_CLIENT_SENDER };

/** get_client / get_server: bind the reference (0: skip) to the link; flags = the sender bit if linked and set. */
const getLink = (side: Side): KHandler => (ctx, a: Cur & Record<string, number>) => {
  const t = checkCurrent(ctx, a.cur_thread);
  const r = refSlot(ctx, a[`${side}_ref`]!);
  const peer = live(t[side]);
  bindSlot(r, peer);
  return ok({ flags: peer === null ? 0 : t.ipc_flags & SENDER_BIT[side] });
};

/** set_client / set_server: the link from a thread reference (0 or a null reference: none), and the role. */
const setLink = (side: Side): KHandler => (ctx, a: Cur & Record<string, number>) => {
  const t = checkCurrent(ctx, a.cur_thread);
  const r = refSlot(ctx, a[`${side}_ref`]!);
  const to = r === null ? null : refLinkOf(r, "thread");
  t[side] = to;
  t.ipc_flags = (t.ipc_flags & ~SENDER_BIT[side]) | (to === null ? 0 : a.flags! & SENDER_BIT[side]);
  return ok();
};

/** Perform of return_from_exception: reload the saved registers and call, enable, then continue. */
const returnFromException = (ctx: KCtx, t: KThread): void => {
  const { eax, ecx, edx, eip, eflags, pending } = t.saved;
  Object.assign(t.regs, { eax, ecx, edx, eip, eflags });
  t.saved = { ...t.saved, pending: null };
  t.pending = pending;
  t.flags |= FLUKE_THREAD_EXCEPTION_ENABLE;
  if (!deliverHeld(ctx, t) && t.pending !== null) ctx.k.resumePending(ctx, t);
};

export const THREAD_SELF_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_thread_disable_exceptions: (ctx, a: Cur) => {
    checkCurrent(ctx, a.cur_thread).flags &= ~FLUKE_THREAD_EXCEPTION_ENABLE;
    return ok();
  },

  fluke_thread_enable_exceptions: (ctx, a: Cur) => {
    const t = checkCurrent(ctx, a.cur_thread);
    t.flags |= FLUKE_THREAD_EXCEPTION_ENABLE;
    deliverHeld(ctx, t);
    return ok();
  },

  fluke_thread_get_handlers: (ctx, a: Cur) => {
    const h = checkCurrent(ctx, a.cur_thread).handlers;
    return ok({ trap_handler: h.trap, interrupt_handler: h.interrupt, client_alert_handler: h.client_alert, server_alert_handler: h.server_alert });
  },

  fluke_thread_set_handlers: (ctx, a: Cur & Handlers4) => {
    const t = checkCurrent(ctx, a.cur_thread);
    t.handlers = { trap: a.trap_handler, interrupt: a.interrupt_handler, client_alert: a.client_alert_handler, server_alert: a.server_alert_handler };
    deliverHeld(ctx, t);
    return ok();
  },

  fluke_thread_get_saved_state: (ctx, a: Cur) => {
    const { pending, ...regs } = checkCurrent(ctx, a.cur_thread).saved;
    const saved_state: ThreadSavedState = { ...regs, pending_call: exportCall(pending) };
    return ok({ saved_state });
  },

  fluke_thread_set_saved_state: (ctx, a: Cur & { saved_state: ThreadSavedState }) => {
    const t = checkCurrent(ctx, a.cur_thread);
    const pending = checkPendingCall(a.saved_state.pending_call);
    const { eax, ecx, edx, eip, eflags } = a.saved_state;
    t.saved = { eax, ecx, edx, eip, eflags, pending };
    return ok();
  },

  fluke_thread_return_from_exception: (ctx, a: Cur) => {
    returnFromException(ctx, checkCurrent(ctx, a.cur_thread));
    return ok();
  },

  fluke_thread_get_client: getLink("client"),
  fluke_thread_get_server: getLink("server"),
  fluke_thread_set_client: setLink("client"),
  fluke_thread_set_server: setLink("server"),
};
