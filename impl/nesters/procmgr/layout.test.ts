// Image planner: where sort, bash, libc.so.6 and ld.so land, the file/zero/anonymous split of every
// segment (checked as invariants on the real binaries and with exact numbers on synthetic ones), the
// stack and READ_IMPLIES_EXEC rules, and the typed refusals.
// Above: vitest. Below: layout.ts, elf.ts, test-elf.ts, guest-binaries.ts.
import { describe, expect, it } from "vitest";
import { ET_EXEC, PF_R, PF_W, PF_X, PT_GNU_STACK, parseElf, type ElfFile } from "./elf.js";
import { readGuestBinary, type GuestBinary } from "./guest-binaries.js";
import { MMAP_BASE, PIE_BASE, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP, planProcess, type ProcessPlan, type SegmentPlan } from "./layout.js";
import { ERRNO } from "./linux-errno.js";
import type { Result } from "./result.js";
import { baselineDyn, baselineElf, buildElf, type TestElf } from "./test-elf.js";

const must = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const elfOf = (which: GuestBinary): ElfFile => must(parseElf(readGuestBinary(which)));
const synth = (e: TestElf): ElfFile => must(parseElf(buildElf(e)));
const withInterp = (program: ElfFile): ProcessPlan => must(planProcess(program, program.interp === null ? null : elfOf("ldso")));
const PAGE = 4096;

/** What every segment plan must satisfy whatever the binary. */
const checkSegment = (s: SegmentPlan, offset: number): void => {
  const fileEnd = s.vaddr + s.filesz, memEnd = s.vaddr + s.memsz;
  for (const r of [s.file, s.anon]) if (r !== null) expect([r.start % PAGE, r.end % PAGE]).toEqual([0, 0]);
  if (s.file !== null) {
    expect(s.file.start).toBeLessThanOrEqual(s.vaddr);
    expect(s.file.end).toBeGreaterThanOrEqual(fileEnd);
    expect(s.file.end - fileEnd).toBeLessThan(PAGE);
    expect(s.vaddr - s.file.start).toBe(offset - s.file.offset);
  }
  if (s.zero !== null) expect([s.zero.start, s.zero.end]).toEqual([fileEnd, s.file!.end]);
  if (s.anon !== null) {
    expect(s.anon.start).toBe(s.file?.end ?? s.vaddr - (s.vaddr % PAGE));
    expect(s.anon.end).toBeGreaterThanOrEqual(memEnd);
  }
  const covered = s.anon?.end ?? s.file?.end ?? 0;
  expect(covered).toBeGreaterThanOrEqual(memEnd);
};

describe("procmgr layout: real binaries", () => {
  it("places sort at the PIE base and ld.so right below the mmap base", () => {
    const sort = elfOf("sort"), ldso = elfOf("ldso");
    const plan = withInterp(sort);
    const ldsoSpan = Math.ceil((ldso.loads[3]!.vaddr + ldso.loads[3]!.memsz) / PAGE) * PAGE;
    expect(plan.program.bias).toBe(PIE_BASE);
    expect(plan.interp!.bias).toBe(MMAP_BASE - ldsoSpan);
    expect(plan.entry).toBe(plan.interp!.bias + ldso.entry);
    expect(plan.auxv).toEqual({ phdr: PIE_BASE + 0x34, phent: 32, phnum: sort.phnum, base: plan.interp!.bias, entry: PIE_BASE + sort.entry });
    expect(plan.readImpliesExec).toBe(false);
    expect(plan.stack).toEqual({ start: STACK_TOP - STACK_SIZE, end: 0xc000_0000, prot: PROT_READ | PROT_WRITE });
  });
  it("plans sort's data segment with a zeroed partial page and its brk (coreutils 9.1-1 numbers)", () => {
    const plan = withInterp(elfOf("sort"));
    const data = plan.program.segments[3]!;
    expect(data.prot).toBe(PROT_READ | PROT_WRITE);
    expect(data.file).toEqual({ start: 0x5657_3000, end: 0x5657_5000, offset: 0x1d000 });
    expect(data.zero).toEqual({ start: 0x5657_4304, end: 0x5657_5000 });
    expect(data.anon).toBeNull();
    expect(plan.brk).toBe(0x5657_5000);
    expect(plan.program.segments[1]!.prot).toBe(PROT_READ | PROT_EXEC);
  });
  for (const which of ["sort", "bash", "libc", "ldso"] as GuestBinary[]) {
    it(`keeps every invariant for ${which}`, () => {
      const elf = elfOf(which);
      const plan = withInterp(elf);
      plan.program.segments.forEach((s, i) => checkSegment(s, elf.loads[i]!.offset));
      plan.interp?.segments.forEach((s, i) => checkSegment(s, elfOf("ldso").loads[i]!.offset));
      const last = plan.program.segments[plan.program.segments.length - 1]!;
      expect(plan.brk).toBe(Math.ceil((last.vaddr + last.memsz) / PAGE) * PAGE);
      const exec = (plan.interp ?? plan.program).segments.find((s) => s.vaddr <= plan.entry && plan.entry < s.vaddr + s.memsz);
      expect(exec?.prot).toBe(PROT_READ | PROT_EXEC);
    });
  }
});

describe("procmgr layout: real binaries, bss and ld.so alone", () => {
  it("plans bash's bss as a zeroed tail plus anonymous pages", () => {
    const data = withInterp(elfOf("bash")).program.segments[3]!;
    expect(data.zero).not.toBeNull();
    expect(data.anon).not.toBeNull();
    expect(data.anon!.start).toBe(data.zero!.end);
  });
  it("runs ld.so as a program top-down with no AT_BASE", () => {
    const plan = must(planProcess(elfOf("ldso"), null));
    expect(plan.interp).toBeNull();
    expect(plan.program.end).toBe(MMAP_BASE);
    expect(plan.auxv.base).toBe(0);
    expect(plan.entry).toBe(plan.auxv.entry);
  });
});

const interp = (): ElfFile => synth(baselineDyn());

describe("procmgr layout: synthetic images", () => {
  it("maps an ET_EXEC where it is linked, with exact file, zero and anonymous ranges", () => {
    const plan = must(planProcess(synth(baselineElf()), interp()));
    const [text, data] = plan.program.segments;
    expect(plan.program.bias).toBe(0);
    expect(text).toEqual({
      index: 2, prot: PROT_READ | PROT_EXEC, vaddr: 0x0804_8000, filesz: 0x1234, memsz: 0x1234,
      file: { start: 0x0804_8000, end: 0x0804_a000, offset: 0 }, zero: null, anon: null,
    });
    expect(data!.file).toEqual({ start: 0x0804_a000, end: 0x0804_c000, offset: 0x1000 });
    expect(data!.zero).toEqual({ start: 0x0804_b100, end: 0x0804_c000 });
    expect(data!.anon).toEqual({ start: 0x0804_c000, end: 0x0804_e000 });
    expect(plan.brk).toBe(0x0804_e000);
    expect(plan.auxv.phdr).toBe(0x0804_8034);
    expect(plan.interp!.end).toBe(MMAP_BASE);
  });
  it("maps a segment with no file bytes as anonymous pages from its first page", () => {
    const e = baselineElf();
    Object.assign(e.phdrs[3]!, { filesz: 0 });
    const data = must(planProcess(synth(e), interp())).program.segments[1]!;
    expect([data.file, data.zero, data.anon]).toEqual([null, null, { start: 0x0804_a000, end: 0x0804_e000 }]);
  });
  it("leaves the tail of a read-only segment unzeroed, as Linux's padzero fails silently there", () => {
    const e = baselineElf();
    Object.assign(e.phdrs[3]!, { flags: PF_R });
    const data = must(planProcess(synth(e), interp())).program.segments[1]!;
    expect(data.zero).toBeNull();
    expect(data.anon).toEqual({ start: 0x0804_c000, end: 0x0804_e000 });
  });
});

describe("procmgr layout: stack protection and alignment", () => {
  it("gives READ_IMPLIES_EXEC and an executable stack to a program without PT_GNU_STACK", () => {
    const e = baselineElf();
    e.phdrs = e.phdrs.filter((p) => p.type !== PT_GNU_STACK);
    const plan = must(planProcess(synth(e), interp()));
    expect(plan.readImpliesExec).toBe(true);
    expect(plan.program.segments.map((s) => s.prot)).toEqual([PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC]);
    expect(plan.stack.prot).toBe(PROT_READ | PROT_WRITE | PROT_EXEC);
  });
  it("makes only the stack executable for PT_GNU_STACK with PF_X", () => {
    const e = baselineElf();
    e.phdrs[4]!.flags = PF_R | PF_W | PF_X;
    const plan = must(planProcess(synth(e), interp()));
    expect(plan.stack.prot & PROT_EXEC).toBe(PROT_EXEC);
    expect(plan.program.segments[1]!.prot).toBe(PROT_READ | PROT_WRITE);
  });
  it("aligns a PIE's base to its largest p_align", () => {
    const e = baselineDyn();
    e.phdrs[2]!.align = 0x20_0000;
    const plan = must(planProcess(synth(e), interp()));
    expect(plan.program.bias).toBe(0x5640_0000);
  });
  it("puts a PIE's first page at PIE_BASE and falls back to the bias for AT_PHDR when no PT_LOAD holds the table", () => {
    const e = baselineDyn();
    Object.assign(e.phdrs[2]!, { offset: 0x1000, vaddr: 0x1000, filesz: 0x234, memsz: 0x234 });
    e.entry = 0x1100;
    const elf = synth(e);
    expect(elf.phdrVaddr).toBeNull();
    const plan = must(planProcess(elf, interp()));
    expect([plan.program.bias, plan.program.start, plan.auxv.phdr, plan.auxv.entry]).toEqual([0x5655_4000, PIE_BASE, 0x5655_4000, PIE_BASE + 0x100]);
  });
  it("uses Linux's PROT values, which are Fluke's", () => {
    expect([PROT_READ, PROT_WRITE, PROT_EXEC]).toEqual([1, 2, 4]);
  });
});

describe("procmgr layout: refusals", () => {
  const refuse = (r: Result<ProcessPlan>, code: string, errno: number): void => {
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.errno]).toEqual([code, errno]);
  };
  const moved = (vaddr: number): ElfFile => {
    const e = baselineElf();
    e.type = ET_EXEC;
    const delta = vaddr - 0x0804_8000;
    e.entry += delta;
    for (const p of e.phdrs) if (p.vaddr !== 0) p.vaddr += delta;
    return synth(e);
  };
  it("needs the interpreter exactly when there is a PT_INTERP", () => {
    refuse(planProcess(synth(baselineElf()), null), "interp-mismatch", ERRNO.ENOEXEC);
    refuse(planProcess(elfOf("ldso"), elfOf("ldso")), "interp-mismatch", ERRNO.ENOEXEC);
  });
  it("refuses page 0, the stack and the interpreter's place", () => {
    const ldso = elfOf("ldso");
    refuse(planProcess(moved(0), ldso), "below-user-space", ERRNO.ENOMEM);
    refuse(planProcess(moved(STACK_TOP - 0x10_0000), ldso), "overlaps-stack", ERRNO.ENOMEM);
    refuse(planProcess(moved(MMAP_BASE - 0x8000), ldso), "overlaps-interp", ERRNO.ENOMEM);
  });
  it("refuses an interpreter too big to fit below the mmap base", () => {
    const e = baselineDyn();
    e.phdrs[3]!.memsz = 0xbf00_0000;
    refuse(planProcess(synth(baselineElf()), synth(e)), "below-user-space", ERRNO.ENOMEM);
  });
});
