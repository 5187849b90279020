// Making x86 threads on a concrete kernel, for tests and the CLI: spawnX86 creates a thread object with
// ordinary kernel calls made by the boot thread (fluke_thread_create, references, fluke_thread_set_state
// with its task and a scheduler port), so every kernel index (KTask.threads, the thread index and its
// creation serials) is kept by the thread chapter itself; then it attaches an X86Thread runner and puts
// it on the kernel's run queue. adoptX86 attaches a runner to a thread created some other way (e.g. by
// x86 code; adoptListeners hear of it). loadElf32 is the small flat loader: it copies the PT_LOAD segments of a static, non-PIC
// ELF32 i386 executable into a task's memory through its translations (no relocation).
// Above: tests, the CLI. Below: kernel.ts, x86-thread.ts, kmemory.ts.
import { FLUKE_VM_MIN, type Outcome } from "../../spec/kernel-api/common.js";
import type { Kernel } from "./kernel.js";
import type { KTask, KThread } from "./kobjects.js";
import { writeTask } from "./kmemory.js";
import { X86Thread, x86Of } from "./x86-thread.js";

export interface SpawnX86Options {
  /** Root-view address of the task the thread runs in. */
  readonly task: number;
  /** Root-view address where the thread object is created. */
  readonly at: number;
  /** Root-view address of the port whose link gives the thread CPU time. */
  readonly scheduler: number;
  /** Two root-view addresses for the reference objects spawn needs (created if absent). */
  readonly refs: readonly [number, number];
  readonly eip: number;
  readonly esp: number;
  /** The thread's own address in its task (what fluke_thread_self returns); default `at`. */
  readonly thread_va?: number;
  /** Extra registers (eax..edi). */
  readonly regs?: Partial<Record<"eax" | "ebx" | "ecx" | "edx" | "esi" | "edi" | "ebp", number>>;
}

/** Run one call as the boot thread; anything but SUCCESS is an error of the caller's setup. */
const boot = (k: Kernel, name: string, args: Record<string, unknown>): Outcome => {
  const r = k.step(k.nameOf(k.bootThread), { name, args });
  if (r.outcome.kind !== "return" || r.outcome.rc !== "SUCCESS") throw new Error(`spawnX86: ${name} gave ${JSON.stringify(r.outcome)}`);
  return r.outcome;
};

const blankState = (o: SpawnX86Options): Record<string, unknown> => ({
  hash: 0, thread_va: o.thread_va ?? o.at, sched_val: 0, flags: 0,
  eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, ...o.regs, esp: o.esp, eip: o.eip, eflags: 0x202, min_msg: [0, 0],
  trap_handler: 0, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0,
  saved_eax: 0, saved_ecx: 0, saved_edx: 0, saved_eip: 0, saved_eflags: 0,
  server_pset: 0, server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0,
  pending_call: null, saved_pending_call: null,
});

/** Create an x86 thread in a task and make it ready to run. */
export const spawnX86 = (k: Kernel, o: SpawnX86Options): X86Thread => {
  const [taskRef, schedRef] = o.refs;
  for (const r of o.refs) if (k.objects.at(r - FLUKE_VM_MIN) === undefined) boot(k, "fluke_ref_create", { new_ref: r });
  boot(k, "fluke_task_reference", { task: o.task, new_task_ref: taskRef });
  boot(k, "fluke_port_reference", { port: o.scheduler, new_port_ref: schedRef });
  boot(k, "fluke_thread_create", { new_thread: o.at });
  const refs = { task_ref: taskRef, scheduler_ref: schedRef, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
  boot(k, "fluke_thread_set_state", { thread: o.at, state: blankState(o), ...refs });
  const t = k.threadByName(o.at);
  if (t === undefined) throw new Error("spawnX86: no thread object");
  return adoptX86(k, t);
};

/**
 * Told of each thread that gets an x86 runner, before it first runs (ours, additive: none by default).
 * The debugger nester uses it to hold a new program at its first instruction.
 */
export const adoptListeners = new WeakMap<Kernel, Set<(t: KThread) => void>>();

/** Attach an x86 runner to kernel thread `t` (once) and put it on the run queue if it can run. */
export const adoptX86 = (k: Kernel, t: KThread): X86Thread => {
  let x = x86Of(t);
  if (x === undefined) {
    x = new X86Thread(k, t);
    const ls = adoptListeners.get(k);
    if (ls !== undefined) for (const l of [...ls]) l(t);
  }
  if (x.runnable()) k.sched.ready(x);
  return x;
};

/** Copy the PT_LOAD segments of an ELF32 i386 executable into `task` (bss zeroed); returns the entry point. */
export const loadElf32 = (k: Kernel, task: KTask, image: Uint8Array): number => {
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || image[4] !== 1 || dv.getUint16(18, true) !== 3) throw new Error("not an ELF32 i386 file");
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  for (let i = 0; i < dv.getUint16(44, true); i++) {
    const ph = phoff + i * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue; // PT_LOAD
    const [off, vaddr, filesz, memsz] = [4, 8, 16, 20].map((f) => dv.getUint32(ph + f, true)) as [number, number, number, number];
    const bytes = new Uint8Array(memsz);
    bytes.set(image.subarray(off, off + filesz));
    writeTask(k, task, vaddr, bytes);
  }
  return dv.getUint32(24, true);
};
