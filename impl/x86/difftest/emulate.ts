// Runs one differential case on the TypeScript CPU with the oracle's memory layout and maps the
// stop reason to what the oracle reports (the Linux signal, fault address, EIP).
// Above: native-run.ts and the vector replay test. Below: impl/x86 (Cpu).
import { Cpu } from "../cpu.js";
import { PERM_R, PERM_W, PERM_X } from "../tlb.js";
import { Vector, type StopReason } from "../exception.js";
import { CODE_PAGE, DATA_PAGE, ORACLE_SELECTORS, STACK_PAGE, WINDOW, fillWindow, type Case, type Outcome } from "./protocol.js";

const BUDGET = 100_000;

function signalOf(stop: StopReason): number {
  if (stop.kind === "budget") return 14;
  if (stop.kind === "trap") return stop.vector === Vector.BP ? 5 : 11;
  switch (stop.vector) {
    case Vector.DE: return 8;
    case Vector.UD: return 4;
    case Vector.MF: return 8;
    default: return 11;
  }
}

export function emulate(c: Case, cpu: Cpu = new Cpu()): Outcome {
  const data = new Uint8Array(4096), stack = new Uint8Array(4096), code = new Uint8Array(4096).fill(0xf4);
  data.set(fillWindow(c.dataSeed), 4096 - WINDOW);
  stack.set(fillWindow(c.stackSeed), 4096 - WINDOW);
  code.set(c.code, 4096 - c.code.length);
  cpu.flushAll();
  cpu.mapPage(DATA_PAGE >>> 12, data, 0, PERM_R | PERM_W);
  cpu.mapPage(STACK_PAGE >>> 12, stack, 0, PERM_R | PERM_W);
  cpu.mapPage(CODE_PAGE >>> 12, code, 0, PERM_R | PERM_W | PERM_X);
  for (let r = 0; r < 8; r++) cpu.r32[r] = c.regs[r] | 0;
  cpu.setEflags(c.eflags);
  ORACLE_SELECTORS.forEach((sel, s) => cpu.setSegmentHidden(s, sel, 0, 0xffffffff));
  cpu.fpu.reset();
  cpu.eip = CODE_PAGE + 4096 - c.code.length;
  const stop = cpu.run(BUDGET);
  const eip = stop.kind === "trap" && stop.vector !== Vector.BP && stop.vector !== Vector.OF ? (cpu.eip - 2) >>> 0 : cpu.eip;
  const isPf = stop.kind === "fault" && stop.vector === Vector.PF;
  const dirty = (data.subarray(0, 4096 - WINDOW).some((b) => b !== 0) ? 1 : 0) | (stack.subarray(0, 4096 - WINDOW).some((b) => b !== 0) ? 2 : 0);
  return {
    regs: Array.from(cpu.r32, (v) => v >>> 0), eflags: cpu.getEflags(), eip, signo: signalOf(stop),
    pf: isPf ? (stop.access === "write" ? 2 : 1) : 0, cr2: isPf ? stop.address : 0, dirty,
    data: data.slice(4096 - WINDOW), stack: stack.slice(4096 - WINDOW),
  };
}
