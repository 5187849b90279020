// What the process manager does to its guests' x86 threads beyond the kernel API: the published x86
// chapter has no calls for segment descriptors or the x87 state (its thread state carries the ten
// general registers only), so these go to the thread's CPU directly, as a Fluke implementation's
// x86-specific extension would (ours; noted in spec/kernel-api/x86.md's gaps): binding an x86 runner to a
// thread made through the API (the machine code of the guest is already in its task's memory), the TLS
// descriptors of set_thread_area, copying the CPU's hidden state at fork, and a fresh FPU at exec.
// Above: procmgr (exec, fork, set_thread_area). Below: impl/kernel/x86-spawn.ts, impl/x86.
import type { KThread } from "../../kernel/kobjects.js";
import { adoptX86 } from "../../kernel/x86-spawn.js";
import { x86Of, type X86Thread } from "../../kernel/x86-thread.js";
import { ipcOf } from "../../kernel/ipc-state.js";
import type { SegmentDescriptor } from "../../x86/index.js";
import type { CpuHidden } from "../protocol/checkpoint-image.js";
import { Cpu } from "../../x86/index.js";

/** Start running thread `t` as x86 code (after its registers and task were set through the API). */
export const startX86 = (k: Parameters<typeof adoptX86>[0], t: KThread): X86Thread => adoptX86(k, t);

const runner = (t: KThread): X86Thread => {
  const x = x86Of(t);
  if (x === undefined) throw new Error("x86-bridge: not an x86 thread");
  return x;
};

/** Install a TLS descriptor (GDT entries 6..8) for the thread. */
export const setTls = (t: KThread, entry: number, d: SegmentDescriptor | undefined): void => {
  runner(t).cpu.setDescriptor(entry, d);
};

/** Copy the hidden CPU state (segments, descriptors, x87) of `from` to `to` (fork). */
export const copyHidden = (from: KThread, to: KThread): void => {
  const a = runner(from).cpu, b = runner(to).cpu;
  b.setDescriptors([...a.descriptors]);
  for (let s = 0; s < 6; s++) b.setSegmentHidden(s, a.sreg[s]!, a.segBase[s]! | 0, a.segLimit[s]!);
  b.fpu.setState(a.fpu.getState());
};

/** A fresh CPU's hidden state for the thread (exec): no TLS descriptors, flat segments, FPU as after FNINIT (control word 0x037F). */
export const resetHidden = (t: KThread): void => {
  const fresh = new Cpu(), cpu = runner(t).cpu;
  cpu.setDescriptors([...fresh.descriptors]);
  for (let s = 0; s < 6; s++) cpu.setSegmentHidden(s, fresh.sreg[s]!, fresh.segBase[s]! | 0, fresh.segLimit[s]!);
  cpu.fpu.setState(fresh.fpu.getState());
};

/** Whether the thread is in an exception call to its task keeper (sent or being served, not yet answered). */
export const inKeeperCall = (t: KThread): boolean => ipcOf(t).kernelCall?.purpose === "exception";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** The CPU's hidden state of `t` (descriptors, segment registers, x87) as a checkpoint records it. */
export const exportHidden = (t: KThread): CpuHidden => {
  const cpu = runner(t).cpu, f = cpu.fpu.getState();
  return {
    descriptors: cpu.descriptors.map((d) => (d === undefined ? null : { base: d.base >>> 0, limit: d.limit >>> 0, ...(d.code === undefined ? {} : { code: d.code }) })),
    segs: [0, 1, 2, 3, 4, 5].map((s) => ({ selector: cpu.sreg[s]!, base: cpu.segBase[s]! >>> 0, limit: cpu.segLimit[s]! >>> 0 })),
    fpu: { regs: f.regs.map(hex), cw: f.cw, sw: f.sw, tw: f.tw, fip: f.fip >>> 0, fcs: f.fcs, fdp: f.fdp >>> 0, fds: f.fds, fop: f.fop },
  };
};

/** Put back hidden state recorded by exportHidden (restore). */
export const importHidden = (t: KThread, h: CpuHidden): void => {
  const cpu = runner(t).cpu;
  cpu.setDescriptors(h.descriptors.map((d) => (d === null ? undefined : { ...d })));
  h.segs.forEach((s, i) => cpu.setSegmentHidden(i, s.selector, s.base | 0, s.limit));
  cpu.fpu.setState({ ...h.fpu, regs: h.fpu.regs.map((r) => new Uint8Array(Buffer.from(r, "hex"))) });
};
