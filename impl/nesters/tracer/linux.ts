// Decoding a guest's Linux system calls for the tracer, strace style: the call's name from the i386
// table, its arguments by type (file descriptors, AT_FDCWD, paths and buffers read from the guest's
// memory, open flags, modes), the result (-1 ERRNO for an error). Above: tracer.ts. Below:
// procmgr/linux-syscalls.ts, linux-errno.ts.
import { syscallByNumber } from "../procmgr/linux-syscalls.js";
import { errnoName } from "../procmgr/linux-errno.js";
import { quoteBytes } from "./formats.js";
import type { Nest } from "../libnest/env.js";

/** How the tracer reads the guest's memory (null: not readable). */
export type ReadMem = (addr: number, len: number) => Nest<Uint8Array | null>;

type ArgKind = "int" | "hex" | "fd" | "dirfd" | "path" | "oflags" | "mode" | "bufIn" | "bufOut" | "sig";

const K: Record<string, readonly ArgKind[]> = {
  read: ["fd", "bufOut", "int"], write: ["fd", "bufIn", "int"], pread64: ["fd", "bufOut", "int", "int", "int"], pwrite64: ["fd", "bufIn", "int", "int", "int"],
  open: ["path", "oflags", "mode"], openat: ["dirfd", "path", "oflags", "mode"], creat: ["path", "mode"], close: ["fd"],
  stat: ["path", "hex"], lstat: ["path", "hex"], stat64: ["path", "hex"], lstat64: ["path", "hex"], fstat: ["fd", "hex"], fstat64: ["fd", "hex"],
  fstatat64: ["dirfd", "path", "hex", "hex"], statx: ["dirfd", "path", "hex", "hex", "hex"], access: ["path", "int"],
  faccessat: ["dirfd", "path", "int"], faccessat2: ["dirfd", "path", "int", "hex"], execve: ["path", "hex", "hex"],
  readlink: ["path", "bufOut", "int"], readlinkat: ["dirfd", "path", "bufOut", "int"], unlink: ["path"], rmdir: ["path"], chdir: ["path"],
  unlinkat: ["dirfd", "path", "hex"], mkdir: ["path", "mode"], mkdirat: ["dirfd", "path", "mode"], rename: ["path", "path"],
  renameat: ["dirfd", "path", "dirfd", "path"], renameat2: ["dirfd", "path", "dirfd", "path", "hex"], chmod: ["path", "mode"],
  lseek: ["fd", "int", "int"], _llseek: ["fd", "int", "int", "hex", "int"], getdents64: ["fd", "hex", "int"], fcntl64: ["fd", "int", "hex"],
  ioctl: ["fd", "hex", "hex"], dup: ["fd"], dup2: ["fd", "fd"], dup3: ["fd", "fd", "hex"], fstatfs64: ["fd", "int", "hex"],
  mmap2: ["hex", "int", "hex", "hex", "fd", "int"], munmap: ["hex", "int"], mprotect: ["hex", "int", "hex"], brk: ["hex"],
  exit: ["int"], exit_group: ["int"], kill: ["int", "sig"], tgkill: ["int", "int", "sig"], rt_sigaction: ["sig", "hex", "hex", "int"],
  wait4: ["int", "hex", "hex", "hex"], writev: ["fd", "hex", "int"], readv: ["fd", "hex", "int"], pipe: ["hex"], pipe2: ["hex", "oflags"],
};

const HEX_RESULT = new Set(["brk", "mmap2", "mmap", "mremap"]);

const O_FLAGS: readonly [number, string][] = [
  [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"], [0o4000, "O_NONBLOCK"],
  [0o10000, "O_DSYNC"], [0o20000, "O_ASYNC"], [0o40000, "O_DIRECT"], [0o100000, "O_LARGEFILE"], [0o200000, "O_DIRECTORY"],
  [0o400000, "O_NOFOLLOW"], [0o1000000, "O_NOATIME"], [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"],
];

export const openFlags = (f: number): string => {
  const parts = [["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][f & 3]!];
  let rest = f & ~3;
  for (const [bit, name] of O_FLAGS) if ((rest & bit) !== 0) { parts.push(name); rest &= ~bit; }
  if (rest !== 0) parts.push(`0x${(rest >>> 0).toString(16)}`);
  return parts.join("|");
};

const SIGNALS = ["0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"];
export const signalName = (s: number): string => SIGNALS[s] ?? `SIG${s}`;

const int = (v: number): string => {
  const s = v | 0;
  return s > -4096 && s < 0x10000 ? String(s) : `0x${(v >>> 0).toString(16)}`;
};

/** The guest's NUL-terminated string at `addr` (up to 4096 bytes), quoted; the pointer when unreadable. */
function* readString(read: ReadMem, addr: number): Nest<string> {
  if (addr === 0) return "NULL";
  const b = yield* read(addr, 4096);
  if (b === null) return `0x${(addr >>> 0).toString(16)}`;
  const end = b.indexOf(0);
  return quoteBytes(end < 0 ? b : b.subarray(0, end), 256);
}

function* readBuf(read: ReadMem, addr: number, len: number): Nest<string> {
  if (len <= 0) return '""';
  const b = yield* read(addr, Math.min(len, 32));
  if (b === null) return `0x${(addr >>> 0).toString(16)}`;
  const s = quoteBytes(b, 32);
  return len > 32 && b.length === Math.min(len, 32) ? `${s}...` : s;
}

export interface DecodedCall {
  readonly nr: number;
  readonly name: string;
  readonly raw: readonly number[];
  /** The arguments as strace would print them (bufOut arguments filled in after the call). */
  args: string[];
}

/** The call in registers eax (number) and ebx..ebp (arguments), decoded with the memory before the call. */
export function* decodeEntry(nr: number, a: readonly number[], read: ReadMem): Nest<DecodedCall> {
  const sc = syscallByNumber(nr);
  const name = sc?.name ?? `syscall_${nr}`;
  const kinds = K[name];
  const n = kinds?.length ?? sc?.args ?? 6;
  const raw = a.slice(0, Math.min(n, 6)).map((x) => x >>> 0);
  const args: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!, k: ArgKind = kinds?.[i] ?? "int";
    switch (k) {
      case "fd": args.push(String(v | 0)); break;
      case "dirfd": args.push((v | 0) === -100 ? "AT_FDCWD" : String(v | 0)); break;
      case "path": args.push(yield* readString(read, v)); break;
      case "oflags": args.push(openFlags(v)); break;
      case "mode": args.push(`0${v.toString(8)}`); break;
      case "bufIn": args.push(yield* readBuf(read, v, raw[i + 1] ?? 0)); break;
      case "bufOut": args.push(`0x${v.toString(16)}`); break;
      case "sig": args.push(signalName(v)); break;
      case "hex": args.push(v === 0 ? "NULL" : `0x${v.toString(16)}`); break;
      default: args.push(int(v));
    }
  }
  // open's mode is only read with O_CREAT or O_TMPFILE (strace leaves it out otherwise)
  const flagsAt = name === "open" ? 1 : name === "openat" ? 2 : -1;
  if (flagsAt >= 0 && ((raw[flagsAt] ?? 0) & (0o100 | 0o20000000)) === 0 && args.length > flagsAt + 1) args.length = flagsAt + 1;
  return { nr, name, raw, args };
}

/** Fill in the buffers the call wrote (read's data), given its result. */
export function* decodeExit(c: DecodedCall, result: number, read: ReadMem): Nest<void> {
  const kinds = K[c.name];
  if (kinds === undefined || (result | 0) < 0) return;
  for (let i = 0; i < c.raw.length; i++) if (kinds[i] === "bufOut") c.args[i] = yield* readBuf(read, c.raw[i]!, result | 0);
}

/** strace's rendering of a result. */
export const resultText = (name: string, r: number): string => {
  const s = r | 0;
  if (s < 0 && s > -4096) return `-1 ${errnoName(-s) ?? `E${-s}`}`;
  return HEX_RESULT.has(name) ? `0x${(r >>> 0).toString(16)}` : String(s);
};
