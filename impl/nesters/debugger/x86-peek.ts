// What the debugger needs of a guest's x86 thread beyond the kernel API (ours, like the process
// manager's x86-bridge.ts: the published x86 chapter's thread state has the ten general registers only):
// the segment selectors and the x87 state of the threads of a guest task, and a request that the
// running thread stop after its next instruction (the trap flag, for an interrupt from gdb). The task is
// found from the debugger's own reference to it. And the hold of a new program at its first instruction
// (through the kernel's adoptListeners, ours): its first fetch faults, so the debugger's keeper proxy
// gets the thread before it has run anything.
// Above: debugger.ts. Below: impl/kernel (object table, x86 runners), impl/x86 (the CPU, the FPU).
import type { KRef, KTask, KThread } from "../../kernel/kobjects.js";
import { adoptListeners } from "../../kernel/x86-spawn.js";
import { x86Of } from "../../kernel/x86-thread.js";
import type { FpuState } from "../../x86/fpu/index.js";
import type { NestEnv } from "../libnest/env.js";

export const EFLAGS_TF = 0x100;

/** The task that the debugger's reference `ref` names, if it is one. */
export const taskOfRef = (env: NestEnv, ref: number): KTask | null => {
  try {
    const r = env.k.objects.at(env.k.translate(env.task, ref, "read"));
    const t = r?.type === "ref" ? (r as KRef).target : null;
    return t?.type === "task" ? (t as KTask) : null;
  } catch {
    return null;
  }
};

const x86Threads = (task: KTask | null): KThread[] => (task === null ? [] : [...task.threads].filter((t) => t.alive && x86Of(t) !== undefined));

/** cs ss ds es fs gs and the x87 state of the task's (first) x86 thread; null when it has none. */
export const peekHidden = (task: KTask | null): { selectors: number[]; fpu: FpuState } | null => {
  const t = x86Threads(task)[0];
  if (t === undefined) return null;
  const cpu = x86Of(t)!.cpu;
  return { selectors: [1, 2, 3, 0, 4, 5].map((s) => cpu.sreg[s]!), fpu: cpu.fpu.getState() };
};

/** Make the task's x86 threads trap after their next instruction (they report exception 0x301). */
export const requestTrap = (task: KTask | null): void => {
  for (const t of x86Threads(task)) t.regs.eflags = (t.regs.eflags | EFLAGS_TF) >>> 0;
};

/**
 * Hold the task's first x86 thread before its first instruction: when the thread gets its runner, its
 * eip is moved to 0 (never mapped), so its first fetch faults to the task's keeper (exception 0x202, the
 * debugger's keeper proxy), which puts the real eip back. `held` is told the real eip. Returns a cancel.
 */
export const holdAtStart = (env: NestEnv, task: KTask | null, held: (eip: number) => void): (() => void) => {
  if (task === null) return () => {};
  let set = adoptListeners.get(env.k);
  if (set === undefined) adoptListeners.set(env.k, (set = new Set()));
  const s = set;
  const l = (t: KThread): void => {
    if (t.task !== task) return;
    s.delete(l);
    held(t.regs.eip >>> 0);
    t.regs.eip = 0;
  };
  s.add(l);
  return () => void s.delete(l);
};
