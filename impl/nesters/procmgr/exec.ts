// execve in the process manager: read the program (and its interpreter) through the file system
// nester, follow a `#!` line, check and plan the image (elf.ts, layout.ts), then, past the point of no
// return, replace the process's memory: each PT_LOAD becomes fresh memory from the memory manager with
// the file's bytes copied in (a private copy, which is what MAP_PRIVATE gives a program that never
// writes its text), the stack gets Linux's initial image (initstack.ts), and the thread starts at the
// interpreter's entry with Linux's initial registers. Files are cached by (inode, size, mtime), so a
// shell running the same program again reads it once.
// Above: sys-proc.ts (execve), procmgr.ts (the first program). Below: guest-mem.ts, the FileSystem and
// FileDescription protocols, elf.ts, layout.ts, initstack.ts, x86-bridge.ts.
import { invoke } from "../libc/client.js";
import { dropRef, newRef, type Nest } from "../libnest/env.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import { FileDescription, FileSystem } from "../protocol/protocols.js";
import { parseElf, type ElfFile } from "./elf.js";
import { pageUp } from "./guest-mem.js";
import { buildInitialStack } from "./initstack.js";
import { planProcess, type ImagePlan } from "./layout.js";
import { ERRNO } from "./linux-errno.js";
import { log, type PM, type Proc, type Regs } from "./pm.js";
import { closeCloexec, resetSignalsForExec } from "./proc-state.js";
import { resetHidden } from "./x86-bridge.js";

const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000;
const MAX_SHEBANG_DEPTH = 4;
/** asm-generic/errno.h: "accessing a corrupted shared library", what Linux gives for a bad ELF interpreter. */
const ELIBBAD = 80;
const cache = new WeakMap<PM, Map<string, { key: string; bytes: Uint8Array }>>();

/** The whole contents of a guest file (regular files only), or -errno. */
export function* readWholeFile(pm: PM, cwd: string, path: string, needExec: boolean): Nest<Uint8Array | number> {
  if (needExec) {
    const a = yield* invoke(pm.fs, FileSystem.methods.access, { cwd, path, mode: 1 });
    if (a.status !== 0) return -a.status;
  }
  const ref = yield* newRef(pm.env);
  try {
    const o = yield* invoke(pm.fs, FileSystem.methods.open, { cwd, path, flags: 0, mode: 0, umask: 0 }, [], [ref]);
    if (o.status !== 0) return -o.status;
    const st = yield* invoke(ref, FileDescription.methods.stat, {});
    if (st.status !== 0) return -st.status;
    const s = st.rep!;
    const kind = s.mode & S_IFMT;
    const result = kind === S_IFDIR ? -ERRNO.EACCES : kind !== S_IFREG ? -ERRNO.EACCES : null;
    if (result === null) {
      const key = `${s.dev}:${s.ino}:${s.size}:${s.mtime_sec}:${s.mtime_nsec}`;
      const c = cache.get(pm) ?? new Map<string, { key: string; bytes: Uint8Array }>();
      cache.set(pm, c);
      const hit = c.get(path);
      if (hit !== undefined && hit.key === key) {
        yield* invoke(ref, FileDescription.methods.close, {});
        return hit.bytes;
      }
      const bytes = new Uint8Array(s.size);
      let at = 0;
      while (at < s.size) {
        const r = yield* invoke(ref, FileDescription.methods.pread, { offset: at, length: Math.min(MAX_FIELD_BYTES, s.size - at) });
        if (r.status !== 0) return -r.status;
        if (r.rep!.data.length === 0) break;
        bytes.set(r.rep!.data, at);
        at += r.rep!.data.length;
      }
      const out = at === s.size ? bytes : bytes.subarray(0, at);
      c.set(path, { key, bytes: out });
      yield* invoke(ref, FileDescription.methods.close, {});
      return out;
    }
    yield* invoke(ref, FileDescription.methods.close, {});
    return result;
  } finally {
    yield* dropRef(pm.env, ref);
  }
}

/** A `#!` line: the interpreter and its optional single argument, or null if `bytes` is not a script. */
const shebang = (bytes: Uint8Array): { interp: string; arg: string | null } | null => {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return null;
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = Math.min(bytes.length, 256);
  const line = Buffer.from(bytes.subarray(2, end)).toString("latin1").trim();
  if (line === "") return null;
  const sp = line.search(/[ \t]/);
  return sp < 0 ? { interp: line, arg: null } : { interp: line.slice(0, sp), arg: line.slice(sp).trim() || null };
};

/** Map one planned image: fresh memory per PT_LOAD, the file's bytes copied in; false on ENOMEM. */
function* loadImage(p: Proc, plan: ImagePlan, file: Uint8Array): Nest<boolean> {
  for (const seg of plan.segments) {
    const start = seg.file?.start ?? seg.anon?.start ?? seg.vaddr - (seg.vaddr % 4096);
    const end = Math.max(seg.file?.end ?? 0, seg.anon?.end ?? 0, pageUp(seg.vaddr + seg.memsz));
    if (end <= start) continue;
    if ((yield* p.space.mapAnon(start, end - start, seg.prot)) === null) return false;
    if (seg.file !== null) {
      const bytes = file.subarray(seg.file.offset, Math.min(file.length, seg.file.offset + (seg.file.end - seg.file.start)));
      yield* p.space.poke(seg.file.start, bytes);
      if (seg.zero !== null) yield* p.space.poke(seg.zero.start, new Uint8Array(seg.zero.end - seg.zero.start));
    }
  }
  return true;
}

export interface ExecRequest {
  readonly path: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
}

/**
 * Replace process `p`'s program. Returns the new registers, or -errno with the process unchanged (errors
 * found before the point of no return), or "killed" when memory ran out after it (the process must die).
 */
export function* execProgram(pm: PM, p: Proc, req: ExecRequest): Nest<Regs | number | "killed"> {
  let { path, argv } = req;
  let bytes: Uint8Array | number = 0;
  for (let depth = 0; ; depth++) {
    bytes = yield* readWholeFile(pm, p.cwd, path, true);
    if (typeof bytes === "number") return bytes;
    const sb = shebang(bytes);
    if (sb === null) break;
    if (depth === MAX_SHEBANG_DEPTH) return -ERRNO.ELOOP;
    argv = [sb.interp, ...(sb.arg === null ? [] : [sb.arg]), path, ...argv.slice(1)];
    path = sb.interp;
  }
  const elf = parseElf(bytes);
  if (!elf.ok) {
    log(pm, `exec ${path}: ${elf.error.message}`);
    return -elf.error.errno;
  }
  let interpBytes: Uint8Array | null = null, interp: ElfFile | null = null;
  if (elf.value.interp !== null) {
    const ib = yield* readWholeFile(pm, "/", elf.value.interp, false);
    if (typeof ib === "number") {
      log(pm, `exec ${path}: interpreter ${elf.value.interp}: errno ${-ib}`);
      return ib === -ERRNO.ENOENT ? -ERRNO.ENOENT : ib;
    }
    const ie = parseElf(ib);
    if (!ie.ok) {
      log(pm, `exec ${path}: interpreter: ${ie.error.message}`);
      return -ELIBBAD;
    }
    interpBytes = ib;
    interp = ie.value;
  }
  const plan = planProcess(elf.value, interp);
  if (!plan.ok) {
    log(pm, `exec ${path}: ${plan.error.message}`);
    return -plan.error.errno;
  }
  const stack = buildInitialStack({
    stackTop: plan.value.stack.end, argv, envp: req.envp, execfn: req.path, image: plan.value.auxv,
    randomSeed: (pm.cfg.seed + p.pid * 7919) >>> 0,
  });
  if (!stack.ok) return -stack.error.errno;

  // The point of no return.
  yield* p.space.clear();
  const pl = plan.value;
  if (!(yield* loadImage(p, pl.program, bytes))) return "killed";
  if (pl.interp !== null && !(yield* loadImage(p, pl.interp, interpBytes!))) return "killed";
  if ((yield* p.space.mapAnon(pl.stack.start, pl.stack.end - pl.stack.start, pl.stack.prot)) === null) return "killed";
  yield* p.space.poke(stack.value.sp, stack.value.image);
  p.brk = { base: pl.brk, cur: pl.brk, end: pl.brk };
  p.exe = req.path;
  yield* closeCloexec(pm, p);
  resetSignalsForExec(p);
  if (p.kthread !== null) resetHidden(p.kthread);
  return { eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: stack.value.sp, eip: pl.entry, eflags: 0x202 };
}
