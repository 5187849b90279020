// The comparer of the differential tester: registers, EFLAGS (status flags and DF, minus the
// row's architecturally undefined flags from impl/x86/table.ts), EIP, the signal (fault vector),
// #PF address and kind, and the data and stack windows. Above: native-run.ts and the vector
// replay test. Below: protocol.ts.
import { CODE_PAGE, DATA_PAGE, type Case, type Outcome } from "./protocol.js";

const CODE_END = CODE_PAGE + 4096;

const COMPARED_FLAGS = 0x8d5 | 0x400;
const REG_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];

/** differences between expected (oracle) and actual (emulator); empty when they agree */
export function compareOutcome(c: Case, want: Outcome, got: Outcome): string[] {
  const d: string[] = [];
  if (inconclusive(want, got)) return d;
  const hex = (v: number): string => "0x" + (v >>> 0).toString(16);
  if (want.signo !== got.signo) d.push(`signal ${want.signo} != ${got.signo}`);
  if (want.eip !== got.eip) d.push(`eip ${hex(want.eip)} != ${hex(got.eip)}`);
  if (want.pf !== got.pf || want.cr2 !== got.cr2) d.push(`#PF ${want.pf}@${hex(want.cr2)} != ${got.pf}@${hex(got.cr2)}`);
  for (let r = 0; r < 8; r++) if (want.regs[r] >>> 0 !== got.regs[r] >>> 0) d.push(`${REG_NAMES[r]} ${hex(want.regs[r])} != ${hex(got.regs[r])}`);
  // qemu-i386 does not always sync its lazy flags before a faulting access of a second
  // instruction, so flags are not compared when a pair stops in its second instruction
  const inSecond = c.split !== undefined && want.eip === CODE_END - c.code.length + c.split && want.signo !== 5;
  const mask = inSecond ? 0 : COMPARED_FLAGS & ~c.undef;
  if ((want.eflags & mask) !== (got.eflags & mask)) d.push(`eflags ${hex(want.eflags & mask)} != ${hex(got.eflags & mask)} (mask ${hex(mask)})`);
  if (want.dirty !== got.dirty) d.push(`dirty ${want.dirty} != ${got.dirty}`);
  for (const [name, a, b] of [["data", want.data, got.data], ["stack", want.stack, got.stack]] as const) {
    const at = a.findIndex((v, k) => v !== b[k]);
    if (at >= 0) d.push(`${name}[${at}] ${a[at]} != ${b[at]}`);
  }
  return d;
}

/** both ran out of time, or this CPU faulted outside the test pages (see outsideTestPages) and the
 * oracle did not stop the same way: there the oracle may have a page this CPU does not, so it may
 * get past that access (CMPS whose ES:EDI hits qemu's guest stack near 0x40000000 faults on DS:ESI
 * instead) or fault differently (a read-modify-write on the oracle's own read-only text at
 * 0x08049000.. reports a write fault where this CPU reports a read of a page not present) */
export function inconclusive(want: Outcome, got: Outcome): boolean {
  // signo 14 is a timeout: the oracle's wall-clock timer, or this CPU's per-case instruction budget (a
  // LOOP over a large ECX finishes under qemu but not within the budget): nothing to compare
  return want.signo === 14 || got.signo === 14 || (outsideTestPages(got) &&
    (want.signo !== got.signo || want.eip !== got.eip || want.pf !== got.pf || want.cr2 !== got.cr2));
}

/** The oracle process has other memory mapped (its own image, heap, libraries: qemu-i386 maps
 * guest memory from 0x40000000), so an access that faults here outside the test pages may succeed
 * there: such cases are inconclusive. */
export function outsideTestPages(o: Outcome): boolean {
  return o.pf !== 0 && (o.cr2 < DATA_PAGE - 0x1000 || o.cr2 >= CODE_PAGE + 0x2000);
}
