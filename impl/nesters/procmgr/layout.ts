// Memory-image planner of process start: from a parsed program (and its interpreter, if it has a
// PT_INTERP) decide where every PT_LOAD goes and how it is backed, as Linux i386 does without address
// randomisation, with the 3G/1G split that matches Fluke's user range (FLUKE_VM_MIN..FLUKE_VM_MAX).
// The plan says, per segment, which page-aligned range is mapped from which file offset, which bytes
// of the last file page must be zeroed, and which pages are anonymous (bss); plus the load biases, the
// initial brk, the stack range, the entry point and the auxv values AT_PHDR/AT_ENTRY/AT_BASE. It is
// pure data: the process manager performs it with regions and mappings (applied in order, a later
// mapping replacing an earlier one page by page, like Linux's MAP_FIXED). Above: the process manager,
// initstack.ts (auxv). Below: elf.ts.
import { FLUKE_PROT_EXEC, FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_VM_MIN, PAGE_SIZE } from "../../../spec/kernel-api/common.js";
import { ET_DYN, PF_R, PF_W, PF_X, PHDR_SIZE, USER_LIMIT, type ElfFile, type ProgramHeader } from "./elf.js";
import { ERRNO } from "./linux-errno.js";
import { fail, hex, ok, type Result } from "./result.js";

/** Linux's PROT_* bits, which are also Fluke's FLUKE_PROT_READ/WRITE/EXEC. */
export const PROT_READ = FLUKE_PROT_READ;
export const PROT_WRITE = FLUKE_PROT_WRITE;
export const PROT_EXEC = FLUKE_PROT_EXEC;

/**
 * Where a PIE (ET_DYN with PT_INTERP) starts (ours): the base commonly seen for i386 PIEs with
 * randomisation off. Current x86 kernels use 4 MiB (ELF_ET_DYN_BASE for 32-bit tasks); see README.md.
 */
export const PIE_BASE = 0x5655_5000;
/** The stack ends at the top of user space, as on native i386 Linux. */
export const STACK_TOP = USER_LIMIT;
/** Stack reserved below STACK_TOP: the default RLIMIT_STACK (ours: mapped whole, Fluke has no grow-down). */
export const STACK_SIZE = 8 * 1024 * 1024;
/**
 * Top of the mmap area: Linux's legacy-free top-down layout puts it at TASK_SIZE minus the stack gap,
 * which is at least 128 MiB. The interpreter (and an ET_DYN run without interpreter, such as ld.so
 * itself) is placed right below it, as its first top-down mmap; Debian 12's ld.so lands at 0xb7fcb000.
 */
export const MMAP_BASE = STACK_TOP - 128 * 1024 * 1024;

export interface PageRange {
  readonly start: number;
  readonly end: number;
}

export interface SegmentPlan {
  /** Index of the PT_LOAD in the program header table. */
  readonly index: number;
  /** PROT_READ/WRITE/EXEC from p_flags (plus EXEC when reads imply exec). */
  readonly prot: number;
  /** Biased address and sizes of the segment itself. */
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  /** Pages mapped from the file, the first at file offset `offset` (page-aligned); null when p_filesz is 0. */
  readonly file: (PageRange & { readonly offset: number }) | null;
  /** Bytes to clear from the end of the file data to the end of its page (Linux's padzero), or null. */
  readonly zero: PageRange | null;
  /** Anonymous zero-filled pages (the bss beyond the last file page), or null. */
  readonly anon: PageRange | null;
}

export interface ImagePlan {
  /** Added to every p_vaddr and to e_entry. */
  readonly bias: number;
  /** Page-aligned extent of all its PT_LOADs. */
  readonly start: number;
  readonly end: number;
  readonly segments: readonly SegmentPlan[];
  readonly entry: number;
  /** Address of the program header table in memory (bias + Linux's rule; bias alone if unmapped). */
  readonly phdr: number;
  /** First byte after the highest segment. */
  readonly highWater: number;
}

export interface ProcessPlan {
  readonly program: ImagePlan;
  readonly interp: ImagePlan | null;
  /** Where the first thread starts: the interpreter's entry if there is one, else the program's. */
  readonly entry: number;
  readonly auxv: { readonly phdr: number; readonly phent: number; readonly phnum: number; readonly base: number; readonly entry: number };
  /** Initial program break: the page-aligned end of the program's highest segment. */
  readonly brk: number;
  readonly stack: PageRange & { readonly prot: number };
  /** i386 Linux gives READ_IMPLIES_EXEC to programs without PT_GNU_STACK. */
  readonly readImpliesExec: boolean;
}

const pageDown = (a: number): number => a - (a % PAGE_SIZE);
const pageUp = (a: number): number => pageDown(a + PAGE_SIZE - 1);
const noexec = <T = never>(code: string, message: string): Result<T> => fail<T>(code, ERRNO.ENOEXEC, `layout: ${message}`);
const noMemory = <T = never>(code: string, message: string): Result<T> => fail<T>(code, ERRNO.ENOMEM, `layout: ${message}`);

export const protOf = (flags: number, readImpliesExec: boolean): number => {
  let prot = (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
  if (readImpliesExec && prot & PROT_READ) prot |= PROT_EXEC;
  return prot;
};

/** As current Linux (elf_load): file pages, then, only if p_memsz > p_filesz, padzero and anonymous pages. */
export const planSegment = (p: ProgramHeader, bias: number, readImpliesExec: boolean): SegmentPlan => {
  const vaddr = p.vaddr + bias;
  const prot = protOf(p.flags, readImpliesExec);
  const fileEnd = vaddr + p.filesz;
  const memEnd = vaddr + p.memsz;
  const file = p.filesz === 0 ? null : { start: pageDown(vaddr), end: pageUp(fileEnd), offset: pageDown(p.offset) };
  const hasBss = p.memsz > p.filesz;
  const tailed = hasBss && p.filesz > 0 && fileEnd % PAGE_SIZE !== 0 && (prot & PROT_WRITE) !== 0;
  const zero = tailed ? { start: fileEnd, end: pageUp(fileEnd) } : null;
  const anonStart = p.filesz === 0 ? pageDown(vaddr) : pageUp(fileEnd);
  const anon = hasBss && pageUp(memEnd) > anonStart ? { start: anonStart, end: pageUp(memEnd) } : null;
  return { index: p.index, prot, vaddr, filesz: p.filesz, memsz: p.memsz, file, zero, anon };
};

/** Page-aligned [first page, end of last page) of the unbiased PT_LOADs. */
const extent = (elf: ElfFile): PageRange => {
  const last = elf.loads[elf.loads.length - 1]!;
  return { start: pageDown(elf.loads[0]!.vaddr), end: pageUp(last.vaddr + last.memsz) };
};

/** Largest power-of-two p_align of the PT_LOADs, at least a page (Linux's maximum_alignment). */
const maxAlign = (elf: ElfFile): number => elf.loads.reduce((a, p) => (p.align > a && (p.align & (p.align - 1)) === 0 ? p.align : a), PAGE_SIZE);

export type Placement = "fixed" | "pie" | "top-down";

/** How Linux places an image: ET_EXEC where linked, a PIE at PIE_BASE, other ET_DYN below MMAP_BASE. */
export const placementOf = (elf: ElfFile, isInterp: boolean): Placement =>
  elf.type !== ET_DYN ? "fixed" : !isInterp && elf.interp !== null ? "pie" : "top-down";

/** The load bias of an image placed as `how`: its first page goes to the chosen base, aligned down to the largest p_align. */
export const biasFor = (elf: ElfFile, how: Placement): number => {
  const align = maxAlign(elf);
  const { start, end } = extent(elf);
  if (how === "fixed") return 0;
  const top = how === "pie" ? PIE_BASE : MMAP_BASE - (end - start);
  return Math.floor(top / align) * align - start;
};

/** Plan one image at `bias`, checking that it stays inside Fluke's user range. */
export const planImage = (elf: ElfFile, bias: number, readImpliesExec: boolean): Result<ImagePlan> => {
  const { start, end } = extent(elf);
  if (start + bias < FLUKE_VM_MIN) return noMemory("below-user-space", `image would start at ${hex(start + bias)}, below the first usable page ${hex(FLUKE_VM_MIN)}`);
  if (end + bias > USER_LIMIT) return noMemory("above-user-space", `image would end at ${hex(end + bias)}, above the user limit ${hex(USER_LIMIT)}`);
  const segments = elf.loads.map((p) => planSegment(p, bias, readImpliesExec));
  const highWater = Math.max(...elf.loads.map((p) => p.vaddr + p.memsz)) + bias;
  return ok({ bias, start: start + bias, end: end + bias, segments, entry: elf.entry + bias, phdr: (elf.phdrVaddr ?? 0) + bias, highWater });
};

const overlaps = (a: PageRange, b: PageRange): boolean => a.start < b.end && b.start < a.end;

const checkDisjoint = (program: ImagePlan, interp: ImagePlan | null, stack: PageRange): Result<true> => {
  const show = (r: PageRange): string => `${hex(r.start)}..${hex(r.end)}`;
  if (overlaps(program, stack)) return noMemory("overlaps-stack", `program ${show(program)} overlaps the stack ${show(stack)}`);
  if (interp === null) return ok(true);
  if (overlaps(interp, stack)) return noMemory("overlaps-stack", `interpreter ${show(interp)} overlaps the stack ${show(stack)}`);
  if (overlaps(program, interp)) return noMemory("overlaps-interp", `program ${show(program)} overlaps the interpreter ${show(interp)}`);
  return ok(true);
};

/** Plan a whole process image: the program, its interpreter (required iff the program has PT_INTERP), the stack. */
export const planProcess = (program: ElfFile, interp: ElfFile | null): Result<ProcessPlan> => {
  if ((program.interp === null) !== (interp === null)) {
    const why = program.interp === null ? "an interpreter was given for a program without PT_INTERP" : `the program needs its interpreter ${program.interp}`;
    return noexec("interp-mismatch", why);
  }
  const readImpliesExec = program.gnuStack === null;
  const execStack = readImpliesExec || ((program.gnuStack?.flags ?? 0) & PF_X) !== 0;
  const stack = { start: STACK_TOP - STACK_SIZE, end: STACK_TOP, prot: PROT_READ | PROT_WRITE | (execStack ? PROT_EXEC : 0) };
  const prog = planImage(program, biasFor(program, placementOf(program, false)), readImpliesExec);
  if (!prog.ok) return prog;
  const int = interp === null ? null : planImage(interp, biasFor(interp, placementOf(interp, true)), readImpliesExec);
  if (int !== null && !int.ok) return int;
  const interpPlan = int === null ? null : int.value;
  const disjoint = checkDisjoint(prog.value, interpPlan, stack);
  if (!disjoint.ok) return disjoint;
  const p = prog.value;
  return ok({
    program: p, interp: interpPlan, entry: interpPlan?.entry ?? p.entry, brk: pageUp(p.highWater), stack, readImpliesExec,
    auxv: { phdr: p.phdr, phent: PHDR_SIZE, phnum: program.phnum, base: interpPlan?.bias ?? 0, entry: p.entry },
  });
};
