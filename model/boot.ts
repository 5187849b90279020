// The machine's initial state (decision 9 of spec/kernel-api/common.md): physical memory of a given
// size, the root task at root address FLUKE_VM_MIN whose address space is that memory with every right,
// and the boot thread at FLUKE_VM_MIN + 128, in the root task, running on the machine's time.
import { FLUKE_VM_MIN, OBJECT_SIZE, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { emptyThreadIpc } from "./ipc-state.js";
import type { ModelState, TaskObj, ThreadObj } from "./state.js";

export interface BootOptions {
  /** Physical memory in pages (default 64). */
  readonly pages?: number;
  /** Most objects the kernel can hold (creates beyond it return NO_MEMORY); default: no limit. */
  readonly objectLimit?: number;
}

export const ROOT_TASK_VA = FLUKE_VM_MIN;
export const BOOT_THREAD_VA = FLUKE_VM_MIN + OBJECT_SIZE.thread;

/** A new thread record with every link null and every register zero (shared by boot and thread_create). */
export const newThread = (oid: number, paddr: number, hash: number): ThreadObj => ({
  oid, paddr, hash, invalid: false, type: "thread",
  thread_va: 0, sched_val: 0, flags: 0,
  regs: { eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: 0, eip: 0, eflags: 0, min_msg: [0, 0],
    server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0 },
  handlers: { trap: 0, interrupt: 0, client_alert: 0, server_alert: 0 },
  saved: { eax: 0, ecx: 0, edx: 0, eip: 0, eflags: 0, pending: null },
  task: null, scheduler: null, waiting_for: null, client: null, server: null, ipc_flags: 0,
  pending: null, wait: null, ipc: emptyThreadIpc(), interrupt_pending: false, donor: null,
});

export const boot = (opts: BootOptions = {}): ModelState => {
  const pages = opts.pages ?? 64;
  const task: TaskObj = { oid: 1, paddr: 0, hash: 1, invalid: false, type: "task", keeper: null, root: true };
  const thread = newThread(2, OBJECT_SIZE.thread, 2);
  thread.task = task.oid;
  thread.thread_va = BOOT_THREAD_VA;
  return {
    physBytes: pages * PAGE_SIZE,
    pages: new Map(),
    objects: new Map<number, TaskObj | ThreadObj>([[task.oid, task], [thread.oid, thread]]),
    nextOid: 3,
    nextHash: 2,
    rootTask: task.oid,
    rootThread: thread.oid,
    time: 0,
    ...(opts.objectLimit === undefined ? {} : { objectLimit: opts.objectLimit }),
  };
};
