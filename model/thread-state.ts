// fluke_thread_get_state and fluke_thread_set_state in the abstract model (spec/kernel-api/thread.md,
// "State" and "Blocking and the atomic API"). get_state stops the target, cancels its wait and exports
// its call in progress as pending_call; set_state loads every field and link, and with STOPPED clear lets
// the thread run again, re-issuing pending_call. A round trip through the exported state gives back an
// equivalent thread. Above: model/thread.ts. Below: model/thread-wait.ts, model/exceptions.ts,
// model/ref-link.ts, model/object-ops.ts, model/sched.ts.
import { FLUKE_MAX_CHAIN, FLUKE_THREAD_STOPPED, FLUKE_VM_MAX, FLUKE_VM_MIN } from "../spec/kernel-api/common.js";
import {
  FLUKE_THREAD_CLIENT_ALERT_PENDING, FLUKE_THREAD_EXCEPTION_WAIT, FLUKE_THREAD_EXPORTED_ONLY, FLUKE_THREAD_INTERRUPT_PENDING,
  FLUKE_THREAD_SERVER_ALERT_PENDING, type ThreadState,
} from "../spec/kernel-api/thread.js";
import { X86_REGISTERS } from "../spec/kernel-api/x86.js";
import { ok, type Ctx, type Handler } from "./ctx.js";
import { insane } from "./errors.js";
import { deliverHeld } from "./exceptions.js";
import { resolve } from "./memory.js";
import { deref, objectAtPhys } from "./objects.js";
import { bindSlot, linkFromSlot, refSlot } from "./object-ops.js";
import { isDonorOf } from "./sched.js";
import type { ModelState, Oid, PAddr, ThreadObj } from "./state.js";
import { checkPendingCall, exportCall, otherThread } from "./thread-decode.js";
import { cancelWait, kick, waitingFor } from "./thread-wait.js";

type Slots = { task_ref: number; scheduler_ref: number; waiting_for_ref: number; client_ref: number; server_ref: number };
type GetArgs = { thread: number } & Slots;
type SetArgs = GetArgs & { state: ThreadState };

// ---------------------------------------------------------------------------------------------
// Addresses of objects inside a task (for server_pset, a pointer in the thread's own task)

/** Every address of `task` whose memory is physical byte `p` (following mappings backwards). */
const addressesOf = (s: ModelState, task: Oid | null, p: PAddr, depth: number): number[] => {
  const t = deref(s, task, "task");
  if (t === null || depth > FLUKE_MAX_CHAIN) return [];
  if (t.root) return FLUKE_VM_MIN + p < FLUKE_VM_MAX ? [FLUKE_VM_MIN + p] : [];
  const out: number[] = [];
  for (const m of s.objects.values()) {
    if (m.type !== "mapping" || m.task !== t.oid) continue;
    const r = deref(s, m.region, "region");
    if (r === null) continue;
    for (const up of addressesOf(s, r.task, p, depth + 1)) {
      const off = up - r.start_va - m.region_off;
      if (up >= r.start_va && up - r.start_va < r.size && off >= 0 && off < m.size) out.push(m.start_va + off);
    }
  }
  return out;
};

/** The lowest address at which `task` sees physical byte `p`, or 0 if it does not see it. */
export const addressIn = (s: ModelState, task: Oid | null, p: PAddr): number => {
  const ok = addressesOf(s, task, p, 0).filter((va) => task !== null && resolve(s, task, va) === p);
  return ok.length === 0 ? 0 : Math.min(...ok);
};

// ---------------------------------------------------------------------------------------------
// Export and import of the simple state

/** The exported-only flag bits that stand for parts of `t`'s state the record has no field for. */
const exportedFlags = (t: ThreadObj, exceptionWait: boolean): number =>
  (t.interrupt_pending ? FLUKE_THREAD_INTERRUPT_PENDING : 0) | (exceptionWait ? FLUKE_THREAD_EXCEPTION_WAIT : 0) |
  (t.ipc.alertPending === "client" ? FLUKE_THREAD_CLIENT_ALERT_PENDING : 0) |
  (t.ipc.alertPending === "server" ? FLUKE_THREAD_SERVER_ALERT_PENDING : 0);

const exportState = (s: ModelState, t: ThreadObj, exceptionWait: boolean): ThreadState => {
  const pset = deref(s, t.ipc.serverPset, "pset");
  return {
    hash: t.hash, thread_va: t.thread_va, sched_val: t.sched_val,
    flags: (t.flags | exportedFlags(t, exceptionWait)) >>> 0,
    ...Object.fromEntries(X86_REGISTERS.map((r) => [r, t.regs[r]])) as Pick<ThreadState, (typeof X86_REGISTERS)[number]>,
    min_msg: [t.regs.min_msg[0], t.regs.min_msg[1]],
    trap_handler: t.handlers.trap, interrupt_handler: t.handlers.interrupt,
    client_alert_handler: t.handlers.client_alert, server_alert_handler: t.handlers.server_alert,
    saved_eax: t.saved.eax, saved_ecx: t.saved.ecx, saved_edx: t.saved.edx, saved_eip: t.saved.eip, saved_eflags: t.saved.eflags,
    server_pset: pset === null ? 0 : addressIn(s, t.task, pset.paddr),
    server_esp: t.regs.server_esp, server_oneway_eip: t.regs.server_oneway_eip,
    server_idempotent_eip: t.regs.server_idempotent_eip, server_reliable_eip: t.regs.server_reliable_eip,
    pending_call: exportCall(t.pending), saved_pending_call: exportCall(t.saved.pending),
  };
};

/** Perform: load the simple state (links are set by the caller first, so server_pset reads the new task). */
const importState = (s: ModelState, t: ThreadObj, st: ThreadState, pending: ThreadObj["pending"], savedPending: ThreadObj["pending"]): void => {
  t.thread_va = st.thread_va;
  t.sched_val = st.sched_val;
  t.flags = (st.flags & ~FLUKE_THREAD_EXPORTED_ONLY) >>> 0;
  t.interrupt_pending = (st.flags & FLUKE_THREAD_INTERRUPT_PENDING) !== 0;
  const alert = st.flags & (FLUKE_THREAD_CLIENT_ALERT_PENDING | FLUKE_THREAD_SERVER_ALERT_PENDING);
  t.ipc.alertPending = alert === 0 ? null : (alert & FLUKE_THREAD_CLIENT_ALERT_PENDING) !== 0 ? "client" : "server";
  for (const r of X86_REGISTERS) t.regs[r] = st[r];
  t.regs.min_msg = [st.min_msg[0], st.min_msg[1]];
  t.handlers = { trap: st.trap_handler, interrupt: st.interrupt_handler, client_alert: st.client_alert_handler, server_alert: st.server_alert_handler };
  t.saved = { eax: st.saved_eax, ecx: st.saved_ecx, edx: st.saved_edx, eip: st.saved_eip, eflags: st.saved_eflags, pending: savedPending };
  t.regs.server_esp = st.server_esp;
  t.regs.server_oneway_eip = st.server_oneway_eip;
  t.regs.server_idempotent_eip = st.server_idempotent_eip;
  t.regs.server_reliable_eip = st.server_reliable_eip;
  const p = st.server_pset === 0 || t.task === null ? undefined : resolve(s, t.task, st.server_pset);
  const pset = p === undefined ? undefined : objectAtPhys(s, p);
  t.ipc.serverPset = pset?.type === "pset" ? pset.oid : null;
  t.pending = pending;
  t.wait = (st.flags & FLUKE_THREAD_EXCEPTION_WAIT) !== 0 ? { kind: "exception" } : null;
};

// ---------------------------------------------------------------------------------------------
// Handlers

/** RACE_CONDITION (ours): the target gives the caller the time it runs on (stopping it stops the caller). */
const checkNoRace = (ctx: Ctx, t: ThreadObj): void => {
  if (isDonorOf(ctx.s, t, ctx.self)) insane("RACE_CONDITION");
};

const getState: Handler = (ctx, a: GetArgs) => {
  const t = otherThread(ctx, a.thread);
  const slots = [a.task_ref, a.scheduler_ref, a.waiting_for_ref, a.client_ref, a.server_ref].map((va) => refSlot(ctx, va));
  checkNoRace(ctx, t);
  const exceptionWait = t.wait?.kind === "exception";
  const waitObj = waitingFor(t) ?? t.waiting_for;
  t.flags |= FLUKE_THREAD_STOPPED;
  cancelWait(ctx, t);
  if (exceptionWait) t.wait = { kind: "exception" }; // not a queue: kept, so the round trip is exact
  const links = [t.task, t.scheduler, waitObj, t.client, t.server];
  slots.forEach((r, i) => bindSlot(ctx, r, deref(ctx.s, links[i] ?? null)?.oid ?? null));
  return ok({ state: exportState(ctx.s, t, exceptionWait) });
};

const setState: Handler = (ctx, a: SetArgs) => {
  const t = otherThread(ctx, a.thread);
  const task = linkFromSlot(ctx, a.task_ref, "task");
  const sched = linkFromSlot(ctx, a.scheduler_ref, "port");
  const wfRef = refSlot(ctx, a.waiting_for_ref);
  const client = linkFromSlot(ctx, a.client_ref, "thread");
  const server = linkFromSlot(ctx, a.server_ref, "thread");
  checkNoRace(ctx, t);
  const pending = checkPendingCall(a.state.pending_call);
  const savedPending = checkPendingCall(a.state.saved_pending_call);
  // perform
  cancelWait(ctx, t);
  if (task.set) t.task = task.to;
  if (sched.set) t.scheduler = sched.to;
  if (wfRef !== null) t.waiting_for = deref(ctx.s, wfRef.target)?.oid ?? null;
  if (client.set) t.client = client.to;
  if (server.set) t.server = server.to;
  importState(ctx.s, t, a.state, pending, savedPending);
  if ((t.flags & FLUKE_THREAD_STOPPED) === 0) {
    deliverHeld(ctx, t);
    kick(ctx, t);
  }
  return ok();
};

export const THREAD_STATE_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_thread_get_state: getState,
  fluke_thread_set_state: setState,
};
