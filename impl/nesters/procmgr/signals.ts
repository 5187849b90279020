// Signals of the Linux personality: delivering the pending signals a process does not block, when it
// returns from the manager (after a system call or a fault) or at once when it is running its own code
// (the manager stops its thread with fluke_thread_get_state, rewrites its registers and stack with the
// handler's frame, or ends the process, and lets it go with fluke_thread_set_state), and the synchronous
// signals of its own faults. Above: procmgr.ts (the exception loop), proc-state.ts (postSignal).
// Below: linux-signals.ts, linux-sigframe.ts, the thread calls of the kernel.
import { FLUKE_THREAD_STOPPED } from "../../../spec/kernel-api/common.js";
import { dropRef, newRef, ok, type Nest } from "../libnest/env.js";
import { waitStatus } from "./linux-consts.js";
import { SI, SIG, SIG_DFL, SIG_IGN, actionAfterDelivery, defaultAction, handlerMask, sigsetAdd, sigsetAndNot, sigsetDel, sigsetFirst, sigsetHas } from "./linux-signals.js";
import { buildSignalFrame } from "./linux-sigframe.js";
import { REG_NAMES, type PM, type Proc, type Regs } from "./pm.js";
import { exitProcess } from "./proc-state.js";
import { inKeeperCall } from "./x86-bridge.js";

/** Word 0 of the one-way message that tells a process's server thread to stop (ours; not an exception code). */
export const STOP_SERVER = 0xffff_0001;

const unblockedFirst = (p: Proc): number => sigsetFirst(sigsetAndNot(p.pending, p.mask));

/** Deliver the pending signals `p` does not block: default actions, or a handler frame on its stack. */
export function* deliverSignals(pm: PM, p: Proc, regs: Regs): Nest<Regs | { exit: number }> {
  for (;;) {
    const sig = unblockedFirst(p);
    if (sig === 0) return regs;
    p.pending = sigsetDel(p.pending, sig);
    const action = p.actions[sig]!;
    if (action.handler === SIG_IGN) continue;
    if (action.handler === SIG_DFL) {
      const d = defaultAction(sig);
      if (d === "ignore" || d === "cont" || d === "stop") continue; // no job control (ours): stops are ignored
      return { exit: waitStatus.signaled(sig, d === "core") };
    }
    // A fault's own signal carries what the processor said (Linux's force_sig_fault); others are a sender's.
    const ft = p.fault !== undefined && p.fault.sig === sig ? p.fault : undefined;
    if (ft !== undefined) p.fault = undefined;
    const info = ft === undefined ? { signo: sig, code: SI.USER, pid: p.pid, uid: 0 } : { signo: sig, code: ft.code, addr: ft.addr };
    const frame = buildSignalFrame({ regs, blocked: p.mask, sig, action, info, ...(ft === undefined ? {} : { fault: { trapno: ft.trapno, err: ft.err, cr2: ft.cr2 } }) });
    if (!frame.ok || !(yield* p.space.write(frame.value.sp, frame.value.bytes))) return { exit: waitStatus.signaled(SIG.SEGV, true) };
    p.mask = handlerMask(p.mask, action, sig);
    p.actions[sig] = actionAfterDelivery(action);
    const f = frame.value.regs;
    regs = { eax: f.eax, ebx: f.ebx, ecx: f.ecx, edx: f.edx, esi: f.esi, edi: f.edi, ebp: f.ebp, esp: f.esp, eip: f.eip, eflags: f.eflags };
  }
}

/** A synchronous signal from the guest's own fault: blocked or ignored, it kills (Linux's force_sig). */
export function* faultSignal(p: Proc, sig: number, fault?: Omit<NonNullable<Proc["fault"]>, "sig">): Nest<void> {
  p.fault = fault === undefined ? undefined : { sig, ...fault };
  const a = p.actions[sig]!;
  if (a.handler === SIG_DFL || a.handler === SIG_IGN || sigsetHas(p.mask, sig)) {
    p.actions[sig] = { ...a, handler: SIG_DFL };
    p.mask = sigsetDel(p.mask, sig);
  }
  p.pending = sigsetAdd(p.pending, sig);
}


/**
 * Tell the server thread of process `p` to stop serving (it waits on the keeper port of a process that
 * is gone). `installed`: a reference to the port installed as the task's keeper, taken before the task
 * went away; behind an interposer it is the interposer's wrapper, which forwards the message, so the
 * interposers' keeper threads for the process end too. Without one, the manager's own port.
 */
export function* stopServer(pm: PM, p: Proc, installed = 0): Nest<void> {
  let ref = installed;
  if (ref === 0) {
    ref = yield* newRef(pm.env);
    yield* ok("fluke_port_reference", { port: p.keeperPort, new_port_ref: ref });
  }
  yield* ok("fluke_ipc_send", { destination: ref, ipc_params: { send_words: [STOP_SERVER], send_refs: [], recv_words_max: 0, recv_refs: [] } });
  yield* dropRef(pm.env, ref);
}

const NO_LINKS = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };

/** Deliver now to a process that is running its own code (not inside the manager): stop, rewrite, resume. */
export function* deliverAsync(pm: PM, p: Proc): Nest<void> {
  if (p.state !== "running" || p.inManager || p.thread === 0 || unblockedFirst(p) === 0 || p.freezing === true) return;
  // Behind an interposer (Parent.wrap_keeper) the thread may be in an exception call the interposer
  // holds, before or after the manager served it: stopping it would cancel that call and the system call
  // would be made again or lost. It comes to the manager (or did): the signal is delivered there.
  if (p.wrapped && p.kthread !== null && inKeeperCall(p.kthread)) return;
  const out = yield* ok("fluke_thread_get_state", { thread: p.thread, ...NO_LINKS });
  const state = out["state"] as Record<string, unknown> & Regs & { flags: number; pending_call: unknown };
  const go = (extra: Partial<Regs>) => ({ thread: p.thread, state: { ...state, ...extra, flags: state.flags & ~FLUKE_THREAD_STOPPED }, ...NO_LINKS });
  if (state.pending_call !== null) {
    yield* ok("fluke_thread_set_state", go({})); // inside a kernel call of its own: it takes the signal at its next trap
    return;
  }
  const regs = {} as Regs;
  for (const n of REG_NAMES) regs[n] = (state[n] as number) >>> 0;
  const d = yield* deliverSignals(pm, p, regs);
  if ("exit" in d) {
    // The keeper installed in the task (maybe an interposer's), while the task still exists.
    const installed = yield* newRef(pm.env);
    yield* ok("fluke_task_get_state", { task: p.task, keeper_ref: installed });
    yield* exitProcess(pm, p, d.exit);
    yield* stopServer(pm, p, installed);
    return;
  }
  yield* ok("fluke_thread_set_state", go(d));
}
