// A minimal Linux i386 personality for testing impl/x86 with real binaries, standing in for the
// future process manager: loads an ELF (PT_LOAD segments; PIE and PT_INTERP with the dynamic
// loader read from the host), builds the initial stack (argv, envp, auxv with AT_HWCAP/AT_RANDOM/
// AT_PHDR/AT_BASE...), and serves the int $0x80 calls glibc's startup makes (brk, set_thread_area,
// mmap2 incl. read-only file mappings, mprotect, openat/read/pread64/close, fstatat64,
// write/writev, exit_group; others -ENOSYS).
// Above: program-run.ts. Below: impl/x86 (Cpu). Test tool only, not the project's Linux layer.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { Cpu } from "../cpu.js";
import { PERM_R, PERM_W, PERM_X } from "../tlb.js";
import { CPUID_FEATURES_EDX } from "../cpuid.js";

const ENOSYS = 38, ENOTTY = 25, EINVAL = 22, ENOENT = 2, EBADF = 9;
const INTERP_BASE = 0xf7f0_0000, PIE_BASE = 0x5655_5000;
const STACK_TOP = 0xc000_0000, STACK_PAGES = 64;

export interface ProgramResult { stdout: string; status: number; retired: number; syscalls: string[] }

class Process {
  readonly cpu = new Cpu();
  brk = 0;
  mmapNext = 0x4000_0000;
  out: number[] = [];
  status = -1;
  calls = new Map<number, number>();
  files = new Map<number, number>();
  nextFd = 3;

  cstring(addr: number): string {
    const out: number[] = [];
    for (let a = addr; ; a++) { const b = this.peek(a, 1)[0]; if (b === 0) break; out.push(b); }
    return Buffer.from(out).toString("latin1");
  }

  mapZero(addr: number, len: number, perms: number): void {
    for (let p = addr >>> 12; p <= (addr + len - 1) >>> 12; p++) {
      if (!this.cpu.tlb.lookup(p)) this.cpu.mapPage(p, new Uint8Array(4096), 0, perms);
    }
  }

  poke(addr: number, bytes: ArrayLike<number>): void {
    for (let k = 0; k < bytes.length; k++) {
      const a = addr + k, e = this.cpu.tlb.lookup(a >>> 12)!;
      e.frame[e.offset + (a & 0xfff)] = bytes[k];
    }
  }

  peek(addr: number, len: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < len; k++) {
      const a = addr + k, e = this.cpu.tlb.lookup(a >>> 12)!;
      out.push(e.frame[e.offset + (a & 0xfff)]);
    }
    return out;
  }
}

function u32(b: Uint8Array, o: number): number { return new DataView(b.buffer, b.byteOffset).getUint32(o, true); }
function u16(b: Uint8Array, o: number): number { return new DataView(b.buffer, b.byteOffset).getUint16(o, true); }

interface Loaded { entry: number; phdr: number; phnum: number; interp: string | null; base: number }

function load(p: Process, elf: Uint8Array, pieBase: number): Loaded {
  const phoff = u32(elf, 28), phent = u16(elf, 42), phnum = u16(elf, 44);
  const bias = u16(elf, 16) === 3 ? pieBase : 0; // ET_DYN: position independent
  let phdr = 0, interp: string | null = null;
  for (let k = 0; k < phnum; k++) {
    const h = phoff + k * phent, type = u32(elf, h);
    const off = u32(elf, h + 4), vaddr = (u32(elf, h + 8) + bias) >>> 0, filesz = u32(elf, h + 16), memsz = u32(elf, h + 20);
    if (type === 3) interp = Buffer.from(elf.subarray(off, off + filesz - 1)).toString("latin1");
    if (type !== 1) continue;
    p.mapZero(vaddr, memsz + (vaddr & 0xfff), PERM_R | PERM_W | PERM_X);
    p.poke(vaddr, elf.subarray(off, off + filesz));
    if (off === 0) phdr = vaddr + phoff;
    p.brk = Math.max(p.brk, (vaddr + memsz + 0xfff) & ~0xfff);
  }
  return { entry: (u32(elf, 24) + bias) >>> 0, phdr, phnum, interp, base: bias };
}

function buildStack(p: Process, argv: string[], info: Loaded, interpBase: number): number {
  p.mapZero(STACK_TOP - STACK_PAGES * 4096, STACK_PAGES * 4096, PERM_R | PERM_W);
  let sp = STACK_TOP - 256;
  const strings: number[] = [];
  for (const s of [...argv, "PATH=/bin", "LANG=C"]) {
    const b = Buffer.from(s + "\0");
    sp -= b.length; p.poke(sp, b); strings.push(sp);
  }
  const random = (sp -= 16); p.poke(random, Array.from({ length: 16 }, (_, k) => k * 7 + 1));
  const auxv = [3, info.phdr, 4, 32, 5, info.phnum, 6, 4096, 7, interpBase, 9, info.entry, 11, 0, 12, 0, 13, 0, 14, 0,
    16, CPUID_FEATURES_EDX, 17, 100, 23, 0, 25, random, 0, 0];
  const words = [argv.length, ...strings.slice(0, argv.length), 0, ...strings.slice(argv.length), 0, ...auxv];
  sp = (sp - words.length * 4) & ~15;
  words.forEach((w, k) => p.poke(sp + 4 * k, [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]));
  return sp;
}

/** serve one system call; returns false when the process exited */
function syscall(p: Process): boolean {
  const c = p.cpu, nr = c.r32[0], [b, cc, d] = [c.r32[3] >>> 0, c.r32[1] >>> 0, c.r32[2] >>> 0];
  p.calls.set(nr, (p.calls.get(nr) ?? 0) + 1);
  let ret = -ENOSYS;
  switch (nr) {
    case 1: case 252: p.status = b & 0xff; return false;
    case 4: if (b === 1 || b === 2) { p.out.push(...p.peek(cc, d)); ret = d; } break;
    case 146: { // writev
      ret = 0;
      for (let k = 0; k < d; k++) {
        const [base, len] = [u32(Uint8Array.from(p.peek(cc + 8 * k, 4)), 0), u32(Uint8Array.from(p.peek(cc + 8 * k + 4, 4)), 0)];
        p.out.push(...p.peek(base, len)); ret += len;
      }
      break;
    }
    case 45: // brk
      if (b > p.brk) { p.mapZero(p.brk, b - p.brk, PERM_R | PERM_W); p.brk = (b + 0xfff) & ~0xfff; }
      ret = b === 0 ? p.brk : b;
      break;
    case 192: { // mmap2(addr, len, prot, flags, fd, pgoff): anonymous or a private file copy
      const len = (cc + 0xfff) & ~0xfff, flags = c.r32[6], fd = c.r32[7], pgoff = c.r32[5];
      const fixed = (flags & 0x10) !== 0;
      ret = fixed ? b : p.mmapNext;
      if (!fixed) p.mmapNext += len;
      for (let q = ret >>> 12; q < (ret + len) >>> 12; q++) p.cpu.unmapPage(q);
      p.mapZero(ret, len, PERM_R | PERM_W | PERM_X);
      if ((flags & 0x20) === 0) {
        const hostFd = p.files.get(fd);
        if (hostFd === undefined) { ret = -EBADF; break; }
        const buf = Buffer.alloc(len), n = readSync(hostFd, buf, 0, len, pgoff * 4096);
        p.poke(ret, buf.subarray(0, n));
      }
      break;
    }
    case 91: ret = 0; break; // munmap: pages stay mapped (test tool)
    case 5: case 295: { // open, openat: read-only host files
      const path = p.cstring(nr === 5 ? b : cc);
      try { const fd = p.nextFd++; p.files.set(fd, openSync(path, "r")); ret = fd; } catch { ret = -ENOENT; }
      break;
    }
    case 33: case 307: ret = -ENOENT; break; // access, faccessat
    case 3: case 180: { // read, pread64
      const hostFd = p.files.get(b);
      if (hostFd === undefined) { ret = b === 0 ? 0 : -EBADF; break; }
      const buf = Buffer.alloc(d), n = readSync(hostFd, buf, 0, d, nr === 180 ? c.r32[6] >>> 0 : null);
      p.poke(cc, buf.subarray(0, n)); ret = n;
      break;
    }
    case 6: { const h = p.files.get(b); if (h !== undefined) { closeSync(h); p.files.delete(b); } ret = 0; break; }
    case 300: { // fstatat64(dirfd, path, struct stat64 *, flags) on an open fd (AT_EMPTY_PATH)
      const h = p.files.get(b);
      if (h === undefined) { ret = -ENOENT; break; }
      const st = fstatSync(h), out = Buffer.alloc(96);
      out.writeUInt32LE(Number(st.ino) >>> 0, 12); out.writeUInt32LE(st.mode, 16); out.writeUInt32LE(1, 20);
      out.writeUInt32LE(st.size >>> 0, 44); out.writeUInt32LE(4096, 52); out.writeUInt32LE(Number(st.ino) >>> 0, 88);
      p.poke(d, out); ret = 0;
      break;
    }
    case 243: { // set_thread_area(struct user_desc *)
      const u = Uint8Array.from(p.peek(b, 16));
      let entry = u32(u, 0);
      if (entry === 0xffffffff) { entry = 6; p.poke(b, [6, 0, 0, 0]); }
      const base = u32(u, 4), limit = u32(u, 8), pages = (u32(u, 12) >> 4) & 1;
      c.setDescriptor(entry, { base, limit: pages ? ((limit << 12) | 0xfff) >>> 0 : limit });
      ret = 0;
      break;
    }
    case 54: ret = -ENOTTY; break; // ioctl
    case 125: ret = 0; break; // mprotect: protections are not modelled here
    case 258: ret = 1000; break; // set_tid_address
    case 122: ret = -EINVAL; break; // uname: not needed
    case 20: case 224: ret = 1000; break; // getpid, gettid
  }
  c.r32[0] = ret;
  return true;
}

export function runElf(elf: Uint8Array, argv: string[], maxInstructions = 200_000_000): ProgramResult {
  const p = new Process();
  const info = load(p, elf, PIE_BASE);
  const interp = info.interp === null ? null : load(p, new Uint8Array(readFileSync(info.interp)), INTERP_BASE);
  p.cpu.r32[4] = buildStack(p, argv, info, interp === null ? 0 : INTERP_BASE);
  p.cpu.eip = interp === null ? info.entry : interp.entry;
  while (p.cpu.retired < maxInstructions) {
    const stop = p.cpu.run(1_000_000);
    if (stop.kind === "budget") continue;
    if (stop.kind === "trap" && stop.vector === 0x80) { if (!syscall(p)) break; continue; }
    throw new Error(`stopped: ${JSON.stringify(stop)} at eip 0x${p.cpu.eip.toString(16)}`);
  }
  return {
    stdout: Buffer.from(p.out).toString("latin1"), status: p.status, retired: p.cpu.retired,
    syscalls: [...p.calls].map(([n, k]) => `${n}x${k}`),
  };
}
