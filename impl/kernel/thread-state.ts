// fluke_thread_get_state and fluke_thread_set_state in the concrete kernel (spec/kernel-api/thread.md,
// "State" and "Blocking and the atomic API"; same rules and same exported record as
// model/thread-state.ts). get_state stops the target, cancels its wait and exports its call in progress
// as pending_call; set_state loads every field and link, and with STOPPED clear lets the thread run
// again, re-issuing pending_call. Above: thread.ts. Below: thread-wait.ts, exceptions.ts, object-ops.ts,
// decode.ts, sched.ts, vm.ts (reverse translation for server_pset), ipc-state.ts.
import { FLUKE_MAX_CHAIN, FLUKE_THREAD_STOPPED, FLUKE_VM_MAX, FLUKE_VM_MIN, PAGE_SIZE } from "../../spec/kernel-api/common.js";
import {
  FLUKE_THREAD_CLIENT_ALERT_PENDING, FLUKE_THREAD_EXCEPTION_WAIT, FLUKE_THREAD_EXPORTED_ONLY, FLUKE_THREAD_INTERRUPT_PENDING,
  FLUKE_THREAD_SERVER_ALERT_PENDING, type ThreadState,
} from "../../spec/kernel-api/thread.js";
import { X86_REGISTERS } from "../../spec/kernel-api/x86.js";
import { refSlot } from "./decode.js";
import { deliverHeld } from "./exceptions.js";
import { ipcOf } from "./ipc-state.js";
import { kinsane, ok, type KCtx, type KHandler } from "./kctx.js";
import { live, type KCall, type KTask, type KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";
import { bindSlot, linkFromSlot } from "./object-ops.js";
import { isDonorOf } from "./sched.js";
import { checkPendingCall, exportCall, otherThread } from "./thread-decode.js";
import { cancelWait, kick, waitingFor } from "./thread-wait.js";
import { translatePage, type VmTask } from "./vm.js";

type Slots = { task_ref: number; scheduler_ref: number; waiting_for_ref: number; client_ref: number; server_ref: number };
type GetArgs = { thread: number } & Slots;
type SetArgs = GetArgs & { state: ThreadState };

// ---------------------------------------------------------------------------------------------
// Addresses of objects inside a task (server_pset is a pointer in the thread's own task)

/** Physical address of `va` in `vm` ignoring rights, or undefined. */
const resolveIn = (k: Kernel, vm: VmTask, va: number): number | undefined => {
  const r = translatePage(vm, va - (va % PAGE_SIZE), 0, k.phys.pages);
  return typeof r === "number" ? Math.floor(r / 16) * PAGE_SIZE + (va % PAGE_SIZE) : undefined;
};

/** Every address of `vm` whose memory is physical byte `p` (following mappings backwards). */
const addressesOf = (vm: VmTask | null, p: number, depth: number): number[] => {
  if (vm === null || depth > FLUKE_MAX_CHAIN) return [];
  if (vm.root) return FLUKE_VM_MIN + p < FLUKE_VM_MAX ? [FLUKE_VM_MIN + p] : [];
  const out: number[] = [];
  for (const m of vm.mappings) {
    const r = m.region;
    if (r === null) continue;
    for (const up of addressesOf(r.task, p, depth + 1)) {
      const off = up - r.start - m.regionOff;
      if (up >= r.start && up - r.start < r.size && off >= 0 && off < m.size) out.push(m.start + off);
    }
  }
  return out;
};

/** The lowest address at which `task` sees physical byte `p`, or 0 if it does not see it. */
export const addressIn = (k: Kernel, task: KTask | null, p: number): number => {
  if (task === null) return 0;
  const ok = addressesOf(task.vm, p, 0).filter((va) => resolveIn(k, task.vm, va) === p);
  return ok.length === 0 ? 0 : Math.min(...ok);
};

// ---------------------------------------------------------------------------------------------
// Export and import of the simple state

/** The exported-only flag bits that stand for parts of `t`'s state the record has no field for. */
const exportedFlags = (t: KThread, exceptionWait: boolean): number => {
  const alert = ipcOf(t).alertPending;
  return (t.interrupt_pending ? FLUKE_THREAD_INTERRUPT_PENDING : 0) | (exceptionWait ? FLUKE_THREAD_EXCEPTION_WAIT : 0) |
    (alert === "client" ? FLUKE_THREAD_CLIENT_ALERT_PENDING : 0) | (alert === "server" ? FLUKE_THREAD_SERVER_ALERT_PENDING : 0);
};

const exportState = (k: Kernel, t: KThread, exceptionWait: boolean): ThreadState => {
  const pset = live(ipcOf(t).serverPset);
  return {
    hash: t.hash, thread_va: t.thread_va, sched_val: t.sched_val,
    flags: (t.flags | exportedFlags(t, exceptionWait)) >>> 0,
    ...Object.fromEntries(X86_REGISTERS.map((r) => [r, t.regs[r]])) as Pick<ThreadState, (typeof X86_REGISTERS)[number]>,
    min_msg: [t.regs.min_msg[0], t.regs.min_msg[1]],
    trap_handler: t.handlers.trap, interrupt_handler: t.handlers.interrupt,
    client_alert_handler: t.handlers.client_alert, server_alert_handler: t.handlers.server_alert,
    saved_eax: t.saved.eax, saved_ecx: t.saved.ecx, saved_edx: t.saved.edx, saved_eip: t.saved.eip, saved_eflags: t.saved.eflags,
    server_pset: pset === null ? 0 : addressIn(k, live(t.task), pset.paddr),
    server_esp: t.regs.server_esp, server_oneway_eip: t.regs.server_oneway_eip,
    server_idempotent_eip: t.regs.server_idempotent_eip, server_reliable_eip: t.regs.server_reliable_eip,
    pending_call: exportCall(t.pending), saved_pending_call: exportCall(t.saved.pending),
  };
};

/** Perform: the IPC-visible and registers part of the import (links are set first, so server_pset reads the new task). */
const importRegs = (k: Kernel, t: KThread, st: ThreadState): void => {
  const alert = st.flags & (FLUKE_THREAD_CLIENT_ALERT_PENDING | FLUKE_THREAD_SERVER_ALERT_PENDING);
  ipcOf(t).alertPending = alert === 0 ? null : (alert & FLUKE_THREAD_CLIENT_ALERT_PENDING) !== 0 ? "client" : "server";
  for (const r of X86_REGISTERS) t.regs[r] = st[r];
  t.regs.min_msg = [st.min_msg[0], st.min_msg[1]];
  t.regs.server_esp = st.server_esp;
  t.regs.server_oneway_eip = st.server_oneway_eip;
  t.regs.server_idempotent_eip = st.server_idempotent_eip;
  t.regs.server_reliable_eip = st.server_reliable_eip;
  const task = live(t.task);
  const p = st.server_pset === 0 || task === null ? undefined : resolveIn(k, task.vm, st.server_pset);
  const pset = p === undefined ? undefined : k.objects.at(p);
  ipcOf(t).serverPset = pset?.type === "pset" ? pset : null;
};

/** Perform: load the simple state. */
const importState = (k: Kernel, t: KThread, st: ThreadState, pending: KCall | null, savedPending: KCall | null): void => {
  t.thread_va = st.thread_va;
  t.sched_val = st.sched_val;
  t.flags = (st.flags & ~FLUKE_THREAD_EXPORTED_ONLY) >>> 0;
  t.interrupt_pending = (st.flags & FLUKE_THREAD_INTERRUPT_PENDING) !== 0;
  importRegs(k, t, st);
  t.handlers = { trap: st.trap_handler, interrupt: st.interrupt_handler, client_alert: st.client_alert_handler, server_alert: st.server_alert_handler };
  t.saved = { eax: st.saved_eax, ecx: st.saved_ecx, edx: st.saved_edx, eip: st.saved_eip, eflags: st.saved_eflags, pending: savedPending };
  t.pending = pending;
  t.wait = (st.flags & FLUKE_THREAD_EXCEPTION_WAIT) !== 0 ? { kind: "exception" } : null;
};

/** Perform: move `t` to `task` (or none), keeping each task's thread set. */
const setTask = (t: KThread, task: KTask | null): void => {
  t.task?.threads.delete(t);
  t.task = task;
  task?.threads.add(t);
};

// ---------------------------------------------------------------------------------------------
// Handlers

/** RACE_CONDITION (ours): the target gives the caller the time it runs on (stopping it stops the caller). */
const checkNoRace = (ctx: KCtx, t: KThread): void => {
  if (isDonorOf(ctx.k, t, ctx.self)) kinsane("RACE_CONDITION");
};

const getState: KHandler = (ctx, a: GetArgs) => {
  const t = otherThread(ctx, a.thread);
  const slots = [a.task_ref, a.scheduler_ref, a.waiting_for_ref, a.client_ref, a.server_ref].map((va) => refSlot(ctx, va));
  checkNoRace(ctx, t);
  const exceptionWait = t.wait?.kind === "exception";
  const waitObj = waitingFor(t) ?? t.waiting_for;
  t.flags |= FLUKE_THREAD_STOPPED;
  cancelWait(ctx, t);
  if (exceptionWait) t.wait = { kind: "exception" }; // not a queue: kept, so the round trip is exact
  const links = [t.task, t.scheduler, waitObj, t.client, t.server];
  slots.forEach((r, i) => bindSlot(r, links[i] ?? null));
  return ok({ state: exportState(ctx.k, t, exceptionWait) });
};

const setState: KHandler = (ctx, a: SetArgs) => {
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
  if (task.set) setTask(t, task.to);
  if (sched.set) t.scheduler = sched.to;
  if (wfRef !== null) t.waiting_for = live(wfRef.target);
  if (client.set) t.client = client.to;
  if (server.set) t.server = server.to;
  importState(ctx.k, t, a.state, pending, savedPending);
  if ((t.flags & FLUKE_THREAD_STOPPED) === 0) {
    deliverHeld(ctx, t);
    kick(ctx, t);
  }
  return ok();
};

export const THREAD_STATE_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_thread_get_state: getState,
  fluke_thread_set_state: setState,
};
