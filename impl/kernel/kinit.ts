// Fresh kernel object records with every link null (the state each *_create gives), shared by boot and
// the chapters' create calls. Above: kernel.ts and impl/kernel/<chapter>.ts. Below: kobjects.ts, vm.ts.
import type { KTask, KThread } from "./kobjects.js";
import { newVmTask } from "./vm.js";

export const newKTask = (paddr: number, hash: number, root = false): KTask => ({
  type: "task", paddr, hash, invalid: false, alive: true, root, keeper: null, vm: newVmTask(root), threads: new Set(),
});

export const newKThread = (paddr: number, hash: number): KThread => ({
  type: "thread", paddr, hash, invalid: false, alive: true,
  thread_va: 0, sched_val: 0, flags: 0,
  regs: {
    eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: 0, eip: 0, eflags: 0, min_msg: [0, 0],
    server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0,
  },
  handlers: { trap: 0, interrupt: 0, client_alert: 0, server_alert: 0 },
  saved: { eax: 0, ecx: 0, edx: 0, eip: 0, eflags: 0, pending: null },
  task: null, scheduler: null, waiting_for: null, client: null, server: null, ipc_flags: 0,
  pending: null, wait: null, interrupt_pending: false, donor: null, ext: {},
});
