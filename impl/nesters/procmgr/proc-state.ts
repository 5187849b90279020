// The life of a guest process in the process manager, with the Fluke API: creating one (a memory pool
// of its own, a task whose keeper port is the manager's, a native server thread of the manager on that
// port), giving it an x86 thread with a register state, fork's copy (memory through the memory manager,
// files shared, the CPU's hidden state), and its end (files closed, memory returned, thread and task
// destroyed, the parent told). Also the exec-time resets of files and signal actions.
// Above: procmgr.ts, exec.ts, sys-proc.ts. Below: guest-mem.ts, files.ts, x86-bridge.ts, libnest.
import type { Nest } from "../libnest/env.js";
import { dropRef, newRef, ok } from "../libnest/env.js";
import { invoke, must } from "../libc/client.js";
import { Memory, Parent } from "../protocol/protocols.js";
import { GuestSpace } from "./guest-mem.js";
import { newPortSet, refTo } from "../libnest/ports.js";
import { closeFile, holdFile } from "./files.js";
import { SIG, SIG_DFL, SIG_IGN, SIGACTION_DEFAULT, SIGSET_EMPTY, defaultAction, sigsetAdd } from "./linux-signals.js";
import { broadcast, newActions, type PM, type Proc, type Regs } from "./pm.js";
import { copyHidden, startX86 } from "./x86-bridge.js";
import { deliverAsync } from "./signals.js";
import { waitStatus } from "./linux-consts.js";
import type { KTask, KThread } from "../../kernel/kobjects.js";

/** A new process (no thread yet, no memory yet): its pool, task, keeper port and port set. */
export function* newProcess(pm: PM, parent: Proc | null): Nest<Proc> {
  const env = pm.env;
  const pid = pm.nextPid++;
  const memory = yield* newRef(env);
  yield* must(env.memory, Memory.methods.create_sub_pool, { quota: pm.cfg.processQuota }, [], [memory]);
  const task = env.alloc.alloc("task");
  yield* ok("fluke_task_create", { new_task: task });
  const taskRef = yield* newRef(env);
  yield* ok("fluke_task_reference", { task, new_task_ref: taskRef });
  const { pset, newPort, release } = yield* newPortSet(env);
  const keeperPort = yield* newPort(pid);
  yield* release();
  const portRef = yield* refTo(env, keeperPort);
  // An interposer above (the tracer) may want the exception traffic: it gets the keeper port and the
  // task, and answers with the port to install instead; a parent that does not interpose says ENOSYS
  // (asked once: after a refusal the manager's own port is installed directly).
  let keeperRef = portRef, wrapped = false;
  if (pm.wrapKeepers !== false && env.parent !== 0) {
    const w = yield* newRef(env);
    const r = yield* invoke(env.parent, Parent.methods.wrap_keeper, { pid }, [portRef, taskRef], [w]);
    if (r.status === 0) {
      pm.wrapKeepers = true;
      keeperRef = w;
      wrapped = true;
    } else {
      if (pm.wrapKeepers === undefined) pm.wrapKeepers = false;
      yield* dropRef(env, w);
    }
  }
  yield* ok("fluke_task_set_state", { task, state: null, keeper_ref: keeperRef });
  if (keeperRef !== portRef) yield* dropRef(env, keeperRef);
  yield* dropRef(env, portRef);
  const ktask = env.k.objects.at(env.k.translate(env.task, task, "read"));
  const p: Proc = {
    pid, ppid: parent?.pid ?? 1, pgid: parent?.pgid ?? pid, sid: parent?.sid ?? pid, state: "running", status: 0,
    task, taskRef, ktask: ktask?.type === "task" ? (ktask as KTask) : null, thread: 0, kthread: null, keeperPort, pset, memory,
    space: new GuestSpace(env, memory, taskRef), brk: { base: 0, cur: 0, end: 0 }, fds: new Map(), cwd: parent?.cwd ?? "/",
    umask: parent?.umask ?? 0o022, exe: parent?.exe ?? "", actions: parent === null ? newActions() : [...parent.actions],
    mask: parent?.mask ?? SIGSET_EMPTY, pending: SIGSET_EMPTY, children: new Set(), tidAddress: 0, syscalls: 0, inManager: false, wrapped,
  };
  pm.procs.set(pid, p);
  parent?.children.add(p);
  return p;
}

const threadState = (r: Regs): Record<string, unknown> => ({
  hash: 0, thread_va: 0, sched_val: 0, flags: 0, ...r, min_msg: [0, 0],
  trap_handler: 0, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0,
  saved_eax: 0, saved_ecx: 0, saved_edx: 0, saved_eip: 0, saved_eflags: 0,
  server_pset: 0, server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0,
  pending_call: null, saved_pending_call: null,
});

/** Give `p` its x86 thread, starting with registers `r`. */
export function* startThread(pm: PM, p: Proc, r: Regs): Nest<void> {
  const env = pm.env;
  p.thread = env.alloc.alloc("thread");
  yield* ok("fluke_thread_create", { new_thread: p.thread });
  yield* ok("fluke_thread_set_state", { thread: p.thread, state: threadState(r), task_ref: p.taskRef, scheduler_ref: pm.cpuRef, waiting_for_ref: 0, client_ref: 0, server_ref: 0 });
  const kt = env.k.objects.at(env.k.translate(env.task, p.thread, "read"));
  if (kt?.type !== "thread") throw new Error("procmgr: guest thread object not found");
  p.kthread = kt as KThread;
  startX86(env.k, p.kthread);
}

/** fork: a child process with a copy of `p`'s memory, its files and signal actions; -errno on failure. */
export function* forkProcess(pm: PM, p: Proc, regs: Regs): Nest<Proc | number> {
  const c = yield* newProcess(pm, p);
  const space = yield* p.space.fork(c.memory, c.taskRef);
  if (typeof space === "number") {
    yield* reap(pm, c, true);
    return -space;
  }
  c.space = space;
  c.brk = { ...p.brk };
  for (const [n, fd] of p.fds) c.fds.set(n, { file: holdFile(fd.file), cloexec: fd.cloexec });
  yield* startThread(pm, c, { ...regs, eax: 0 });
  copyHidden(p.kthread!, c.kthread!);
  return c;
}

/** Close the close-on-exec descriptors (exec). */
export function* closeCloexec(pm: PM, p: Proc): Nest<void> {
  for (const [n, fd] of [...p.fds]) {
    if (!fd.cloexec) continue;
    p.fds.delete(n);
    yield* closeFile(pm, fd.file);
  }
}

/** Handlers go back to the default at exec; ignored signals stay ignored (Linux). */
export const resetSignalsForExec = (p: Proc): void => {
  p.actions = p.actions.map((a) => (a.handler === SIG_IGN ? { ...SIGACTION_DEFAULT, handler: SIG_IGN } : SIGACTION_DEFAULT));
};

/** Post a signal to a process and wake whoever waits (a blocked call of it gives up with EINTR). */
export function* postSignal(pm: PM, p: Proc, sig: number): Nest<void> {
  if (p.state !== "running" || sig === 0) return;
  const a = p.actions[sig]!;
  const ignored = a.handler === SIG_IGN || (a.handler === SIG_DFL && (defaultAction(sig) === "ignore" || defaultAction(sig) === "cont"));
  if (ignored && sig !== SIG.KILL) return;
  p.pending = sigsetAdd(p.pending, sig);
  yield* broadcast(pm);
  yield* deliverAsync(pm, p);
}

/** End process `p` with wait status `status`: everything it held goes back; its parent is told. */
export function* exitProcess(pm: PM, p: Proc, status: number): Nest<void> {
  if (p.state !== "running") return;
  // "exiting" until everything is given back: a parent's wait must not reap (and drop the references
  // of) a process whose memory and files are still being released.
  p.state = "exiting";
  const env = pm.env;
  if (p.thread !== 0) {
    yield* ok("fluke_thread_destroy", { thread: p.thread });
    env.alloc.release("thread", p.thread);
    p.thread = 0;
    p.kthread = null;
  }
  for (const [n, fd] of [...p.fds]) {
    p.fds.delete(n);
    yield* closeFile(pm, fd.file);
  }
  yield* p.space.clear();
  yield* ok("fluke_task_destroy", { task: p.task });
  env.alloc.release("task", p.task);
  // Orphans go to nobody (there is no init to reap them; ours): they are reaped when they end.
  for (const c of p.children) {
    c.ppid = 1;
    if (c.state === "zombie") yield* reap(pm, c, false);
  }
  p.children.clear();
  p.status = status;
  p.state = "zombie";
  const parent = pm.procs.get(p.ppid);
  if (parent !== undefined && parent.state === "running") yield* postSignal(pm, parent, SIG.CHLD);
  else if (p.ppid === 1 && !pm.roots.has(p.pid)) yield* reap(pm, p, false);
  yield* broadcast(pm);
}

/** Remove a dead process for good (wait4 took its status, or nobody will). */
export function* reap(pm: PM, p: Proc, neverStarted: boolean): Nest<void> {
  if (neverStarted) {
    yield* ok("fluke_task_destroy", { task: p.task });
    pm.env.alloc.release("task", p.task);
  }
  pm.procs.delete(p.pid);
  pm.procs.get(p.ppid)?.children.delete(p);
  yield* dropRef(pm.env, p.taskRef);
  yield* dropRef(pm.env, p.memory);
}

export const exited = waitStatus.exited;
export const signaled = waitStatus.signaled;
