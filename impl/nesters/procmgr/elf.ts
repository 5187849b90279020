// ELF32 parser and validator for the process manager's execve: reads the file header and the program
// headers of a little-endian i386 executable (ET_EXEC) or shared object / PIE (ET_DYN), keeps the
// segments process start needs (PT_LOAD, PT_INTERP, PT_PHDR, PT_GNU_STACK, PT_TLS, PT_DYNAMIC,
// PT_NOTE) and checks everything a loader relies on. Any malformed or truncated input gives a
// `LoadError` with errno ENOEXEC and a message naming the field; no input makes it throw. Section
// headers are not read (a loader has no use for them). Facts from the ELF specification, the System V
// i386 ABI supplement and Linux's binfmt_elf behaviour; where we are stricter than Linux the check is
// marked "ours" (see README.md). Above: layout.ts and the process manager. Below: the file's bytes.
import { FLUKE_VM_MAX } from "../../../spec/kernel-api/common.js";
import { ERRNO } from "./linux-errno.js";
import { fail, hex, ok, type Result } from "./result.js";

export const ELF_HEADER_SIZE = 52;
export const PHDR_SIZE = 32;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_386 = 3;
export const PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6, PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;
/** Linux refuses more program headers than fit in 64 KiB (2048 for ELF32). */
export const MAX_PHNUM = 65536 / PHDR_SIZE;
/** Linux's PATH_MAX bounds the interpreter string, its NUL included. */
export const MAX_INTERP_LENGTH = 4096;
/** The top of user space on i386 with the 3G/1G split, and Fluke's FLUKE_VM_MAX. */
export const USER_LIMIT = FLUKE_VM_MAX;
const PAGE = 4096;
const U32 = 0x1_0000_0000;

export interface ProgramHeader {
  /** Position in the program header table. */
  readonly index: number;
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: number;
  readonly align: number;
}

export interface ElfFile {
  readonly type: typeof ET_EXEC | typeof ET_DYN;
  readonly entry: number;
  readonly phoff: number;
  readonly phnum: number;
  readonly flags: number;
  /** Every program header, in table order, unknown types included. */
  readonly phdrs: readonly ProgramHeader[];
  /** The PT_LOAD headers in table (= ascending address) order. */
  readonly loads: readonly ProgramHeader[];
  /** The interpreter path from the first PT_INTERP (Linux uses the first), or null. */
  readonly interp: string | null;
  /** Unbiased address of the program header table in memory (Linux's AT_PHDR rule), or null. */
  readonly phdrVaddr: number | null;
  readonly phdrSegment: ProgramHeader | null;
  readonly gnuStack: ProgramHeader | null;
  readonly tls: ProgramHeader | null;
  readonly dynamic: ProgramHeader | null;
  readonly notes: readonly ProgramHeader[];
}

const noexec = <T = never>(code: string, message: string): Result<T> => fail<T>(code, ERRNO.ENOEXEC, `ELF: ${message}`);

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [PT_NULL]: "PT_NULL", [PT_LOAD]: "PT_LOAD", [PT_DYNAMIC]: "PT_DYNAMIC", [PT_INTERP]: "PT_INTERP", [PT_NOTE]: "PT_NOTE",
  [PT_PHDR]: "PT_PHDR", [PT_TLS]: "PT_TLS", [PT_GNU_STACK]: "PT_GNU_STACK",
};

/** "PT_LOAD" or the number in hex for types we do not know. */
export const segmentTypeName = (type: number): string => TYPE_NAMES[type] ?? hex(type);

const where = (p: ProgramHeader): string => `program header ${p.index} (${segmentTypeName(p.type)})`;

// ---- the file header ----

interface Header {
  readonly type: typeof ET_EXEC | typeof ET_DYN;
  readonly entry: number;
  readonly phoff: number;
  readonly phnum: number;
  readonly flags: number;
}

const checkIdent = (b: Uint8Array): Result<true> => {
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return noexec("bad-magic", "not an ELF file (magic is not 7f 45 4c 46)");
  if (b.length < ELF_HEADER_SIZE) return noexec("truncated", `file is ${b.length} bytes, shorter than the ${ELF_HEADER_SIZE}-byte ELF32 header`);
  if (b[4] !== 1) return noexec("bad-class", `EI_CLASS is ${b[4]}, not ELFCLASS32 (1): only 32-bit files run on i386`);
  if (b[5] !== 1) return noexec("bad-data", `EI_DATA is ${b[5]}, not ELFDATA2LSB (1): i386 files are little-endian`);
  if (b[6] !== 1) return noexec("bad-version", `EI_VERSION is ${b[6]}, not EV_CURRENT (1)`);
  return ok(true);
};

const readHeader = (b: Uint8Array, v: DataView): Result<Header> => {
  const id = checkIdent(b);
  if (!id.ok) return id;
  const type = v.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) return noexec("bad-type", `e_type is ${type}, neither ET_EXEC (2) nor ET_DYN (3)`);
  const machine = v.getUint16(18, true);
  if (machine !== EM_386) return noexec("bad-machine", `e_machine is ${machine}, not EM_386 (3)`);
  const phentsize = v.getUint16(42, true);
  if (phentsize !== PHDR_SIZE) return noexec("bad-phentsize", `e_phentsize is ${phentsize}, not ${PHDR_SIZE}`);
  const phnum = v.getUint16(44, true);
  if (phnum < 1 || phnum > MAX_PHNUM) return noexec("bad-phnum", `e_phnum is ${phnum}, outside 1..${MAX_PHNUM}`);
  const phoff = v.getUint32(28, true);
  if (phoff + phnum * PHDR_SIZE > b.length) {
    return noexec("phdrs-outside-file", `program header table ${hex(phoff)}+${phnum}*${PHDR_SIZE} ends past the end of the ${b.length}-byte file`);
  }
  return ok({ type: type as Header["type"], entry: v.getUint32(24, true), phoff, phnum, flags: v.getUint32(36, true) });
};

const readPhdrs = (v: DataView, h: Header): ProgramHeader[] => {
  const out: ProgramHeader[] = [];
  for (let index = 0; index < h.phnum; index++) {
    const o = h.phoff + index * PHDR_SIZE;
    const u = (k: number): number => v.getUint32(o + k, true);
    out.push({ index, type: u(0), offset: u(4), vaddr: u(8), paddr: u(12), filesz: u(16), memsz: u(20), flags: u(24), align: u(28) });
  }
  return out;
};

// ---- per-segment checks ----

/**
 * Types whose file bytes someone reads: their [offset, offset+filesz) must lie in the file. Ours except
 * for PT_INTERP: Linux maps a PT_LOAD past the end of the file and the program faults when it touches it.
 */
const FILE_BACKED = new Set([PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS]);

const checkFileRange = (p: ProgramHeader, fileSize: number): Result<true> => {
  if (!FILE_BACKED.has(p.type) || p.filesz === 0) return ok(true);
  if (p.offset + p.filesz > fileSize) {
    return noexec("segment-outside-file", `${where(p)}: file bytes ${hex(p.offset)}+${hex(p.filesz)} end past the end of the ${fileSize}-byte file`);
  }
  return ok(true);
};

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0 && n <= 0x8000_0000;

const checkLoad = (p: ProgramHeader): Result<true> => {
  const w = where(p);
  if (p.filesz > p.memsz) return noexec("filesz-exceeds-memsz", `${w}: p_filesz ${hex(p.filesz)} > p_memsz ${hex(p.memsz)}`);
  if (p.align > 1 && !isPowerOfTwo(p.align)) return noexec("bad-align", `${w}: p_align ${hex(p.align)} is not a power of two`);
  if (p.align > 1 && p.vaddr % p.align !== p.offset % p.align) {
    return noexec("misaligned-segment", `${w}: p_vaddr ${hex(p.vaddr)} and p_offset ${hex(p.offset)} differ modulo p_align ${hex(p.align)}`);
  }
  if (p.vaddr % PAGE !== p.offset % PAGE) {
    return noexec("misaligned-segment", `${w}: p_vaddr ${hex(p.vaddr)} and p_offset ${hex(p.offset)} differ modulo the page size, so the file cannot be mapped`);
  }
  const end = p.vaddr + p.memsz;
  if (end > U32) return noexec("segment-wraps", `${w}: ${hex(p.vaddr)}+${hex(p.memsz)} wraps around the 32-bit address space`);
  if (end > USER_LIMIT) return noexec("segment-in-kernel-space", `${w}: ${hex(p.vaddr)}..${hex(end)} reaches above the user limit ${hex(USER_LIMIT)}`);
  return ok(true);
};

const checkLoadOrder = (loads: readonly ProgramHeader[]): Result<true> => {
  for (let i = 1; i < loads.length; i++) {
    const a = loads[i - 1]!, b = loads[i]!;
    if (b.vaddr < a.vaddr + a.memsz) {
      const prev = `${where(a)} (${hex(a.vaddr)}..${hex(a.vaddr + a.memsz)})`;
      return noexec("overlapping-segments", `${where(b)} at ${hex(b.vaddr)} overlaps or precedes ${prev}; PT_LOADs must be ascending and disjoint`);
    }
  }
  return ok(true);
};

const checkTls = (p: ProgramHeader): Result<true> => {
  if (p.filesz > p.memsz) return noexec("filesz-exceeds-memsz", `${where(p)}: p_filesz ${hex(p.filesz)} > p_memsz ${hex(p.memsz)}`);
  if (p.align > 1 && !isPowerOfTwo(p.align)) return noexec("bad-align", `${where(p)}: p_align ${hex(p.align)} is not a power of two`);
  return ok(true);
};

const checkSegments = (phdrs: readonly ProgramHeader[], fileSize: number): Result<true> => {
  for (const p of phdrs) {
    const r = checkFileRange(p, fileSize);
    if (!r.ok) return r;
    const s = p.type === PT_LOAD ? checkLoad(p) : p.type === PT_TLS ? checkTls(p) : ok(true);
    if (!s.ok) return s;
  }
  return ok(true);
};

// ---- interpreter, AT_PHDR, entry ----

const readInterp = (b: Uint8Array, p: ProgramHeader | undefined): Result<string | null> => {
  if (p === undefined) return ok(null);
  if (p.filesz < 2 || p.filesz > MAX_INTERP_LENGTH) {
    return noexec("bad-interp", `${where(p)}: interpreter string of ${p.filesz} bytes, outside 2..${MAX_INTERP_LENGTH}`);
  }
  const bytes = b.subarray(p.offset, p.offset + p.filesz);
  if (bytes[bytes.length - 1] !== 0) return noexec("bad-interp", `${where(p)}: interpreter string is not NUL-terminated`);
  const nul = bytes.indexOf(0);
  if (nul === 0) return noexec("bad-interp", `${where(p)}: interpreter path is empty`);
  return ok(new TextDecoder("utf-8").decode(bytes.subarray(0, nul)));
};

/** Linux (since 5.18): the table's address is found through the PT_LOAD whose file bytes hold its start. */
const phdrAddress = (h: Header, loads: readonly ProgramHeader[]): number | null => {
  const table = loads.find((p) => p.offset <= h.phoff && h.phoff < p.offset + p.filesz);
  return table === undefined ? null : h.phoff - table.offset + table.vaddr;
};

const checkEntry = (h: Header, loads: readonly ProgramHeader[]): Result<true> => {
  if (loads.length === 0) return noexec("no-load-segment", "no PT_LOAD segment: nothing to map");
  if (!loads.some((p) => p.vaddr <= h.entry && h.entry < p.vaddr + p.memsz)) {
    return noexec("entry-outside-image", `e_entry ${hex(h.entry)} lies in no PT_LOAD segment`);
  }
  return ok(true);
};

/** Parse and validate an ELF32 i386 file; never throws. */
export const parseElf = (file: Uint8Array): Result<ElfFile> => {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const h = readHeader(file, view);
  if (!h.ok) return h;
  const phdrs = readPhdrs(view, h.value);
  const seg = checkSegments(phdrs, file.length);
  if (!seg.ok) return seg;
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  const order = checkLoadOrder(loads);
  if (!order.ok) return order;
  const entry = checkEntry(h.value, loads);
  if (!entry.ok) return entry;
  const interp = readInterp(file, phdrs.find((p) => p.type === PT_INTERP));
  if (!interp.ok) return interp;
  const first = (t: number): ProgramHeader | null => phdrs.find((p) => p.type === t) ?? null;
  return ok({
    ...h.value, phdrs, loads, interp: interp.value, phdrVaddr: phdrAddress(h.value, loads), phdrSegment: first(PT_PHDR),
    gnuStack: first(PT_GNU_STACK), tls: first(PT_TLS), dynamic: first(PT_DYNAMIC), notes: phdrs.filter((p) => p.type === PT_NOTE),
  });
};
