// The i386 Linux constants the process manager's system-call handlers decode and return: open flags,
// fcntl commands, the *at() flags, mmap protections and flags, clone flags and the i386 argument order
// of clone, wait options and status words, terminal ioctl numbers, clock ids, seek whence, file types,
// resource numbers. The values are Linux's UAPI ones for i386 (asm-generic/fcntl.h, asm-generic/mman*.h,
// linux/sched.h, linux/wait.h, asm-generic/ioctls.h, linux/time.h, asm-generic/resource.h);
// linux-structs.test.ts compares them with the host's headers compiled by `gcc -m32` when it can.
// Above: the process manager's handlers and linux-structs.ts. Below: nothing.

/** open(2) flags (octal in the headers). O_LARGEFILE is what glibc passes on i386 for every open. */
export const O = Object.freeze({
  RDONLY: 0, WRONLY: 1, RDWR: 2, ACCMODE: 3,
  CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000, DSYNC: 0o10000,
  ASYNC: 0o20000, DIRECT: 0o40000, LARGEFILE: 0o100000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000,
  NOATIME: 0o1000000, CLOEXEC: 0o2000000, SYNC: 0o4010000, PATH: 0o10000000, TMPFILE: 0o20200000,
});

/** fcntl(2) commands; the *64 lock commands are i386's (fcntl64 with struct flock64). */
export const F = Object.freeze({
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN: 8, GETOWN: 9,
  SETSIG: 10, GETSIG: 11, GETLK64: 12, SETLK64: 13, SETLKW64: 14, SETOWN_EX: 15, GETOWN_EX: 16,
  OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38, SETLEASE: 1024, GETLEASE: 1025, NOTIFY: 1026,
  DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032, ADD_SEALS: 1033, GET_SEALS: 1034,
  RDLCK: 0, WRLCK: 1, UNLCK: 2,
});
export const FD_CLOEXEC = 1;
/** The status flags F_SETFL may change (Linux's SETFL_MASK without O_DIRECT's extra checks). */
export const SETFL_MASK = O.APPEND | O.ASYNC | O.NONBLOCK | O.DIRECT | O.NOATIME;

/** The dirfd meaning "the current directory" and the *at() flag bits. */
export const AT_FDCWD = -100;
export const AT_FLAGS = Object.freeze({
  SYMLINK_NOFOLLOW: 0x100, EACCESS: 0x200, REMOVEDIR: 0x200, SYMLINK_FOLLOW: 0x400, NO_AUTOMOUNT: 0x800,
  EMPTY_PATH: 0x1000, STATX_FORCE_SYNC: 0x2000, STATX_DONT_SYNC: 0x4000, RECURSIVE: 0x8000,
});
/** access(2)/faccessat(2) modes. */
export const ACCESS = Object.freeze({ F_OK: 0, X_OK: 1, W_OK: 2, R_OK: 4 });

export const PROT = Object.freeze({ NONE: 0, READ: 1, WRITE: 2, EXEC: 4, GROWSDOWN: 0x0100_0000, GROWSUP: 0x0200_0000 });
export const MAP = Object.freeze({
  SHARED: 0x01, PRIVATE: 0x02, SHARED_VALIDATE: 0x03, TYPE: 0x0f, FIXED: 0x10, ANONYMOUS: 0x20,
  GROWSDOWN: 0x100, DENYWRITE: 0x800, EXECUTABLE: 0x1000, LOCKED: 0x2000, NORESERVE: 0x4000, POPULATE: 0x8000,
  NONBLOCK: 0x10000, STACK: 0x20000, HUGETLB: 0x40000, SYNC: 0x80000, FIXED_NOREPLACE: 0x100000,
});
export const MREMAP = Object.freeze({ MAYMOVE: 1, FIXED: 2, DONTUNMAP: 4 });
export const MS = Object.freeze({ ASYNC: 1, INVALIDATE: 2, SYNC: 4 });
export const MADV = Object.freeze({ NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, FREE: 8 });

/** clone(2) flags; the low byte (CSIGNAL) is the signal sent to the parent at exit (SIGCHLD = 17 for fork). */
export const CLONE = Object.freeze({
  CSIGNAL: 0xff, VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, PIDFD: 0x1000, PTRACE: 0x2000,
  VFORK: 0x4000, PARENT: 0x8000, THREAD: 0x10000, NEWNS: 0x20000, SYSVSEM: 0x40000, SETTLS: 0x80000,
  PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000, DETACHED: 0x400000, UNTRACED: 0x800000,
  CHILD_SETTID: 0x1000000, NEWCGROUP: 0x2000000, NEWUTS: 0x4000000, NEWIPC: 0x8000000,
  NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000, IO: 0x80000000,
});
/** The exit signal of fork() and of glibc's posix_spawn/vfork clones. */
export const SIGCHLD_EXIT = 17;

export interface CloneArgs {
  /** The flags without the exit-signal byte. */
  readonly flags: number;
  readonly exitSignal: number;
  /** New stack pointer for the child (0: the parent's). */
  readonly stack: number;
  readonly parentTid: number;
  /** Address of a struct user_desc (CLONE_SETTLS). */
  readonly tls: number;
  readonly childTid: number;
}

/**
 * The register arguments of clone (120) in i386's order (CLONE_BACKWARDS): EBX flags, ECX stack,
 * EDX parent_tid, ESI tls (a struct user_desc pointer), EDI child_tid.
 */
export const decodeCloneArgs = (ebx: number, ecx: number, edx: number, esi: number, edi: number): CloneArgs => ({
  flags: (ebx & ~CLONE.CSIGNAL) >>> 0, exitSignal: ebx & CLONE.CSIGNAL, stack: ecx >>> 0, parentTid: edx >>> 0, tls: esi >>> 0, childTid: edi >>> 0,
});

/** wait4/waitpid/waitid options. WSTOPPED is WUNTRACED. */
export const W = Object.freeze({
  NOHANG: 1, UNTRACED: 2, STOPPED: 2, EXITED: 4, CONTINUED: 8, NOWAIT: 0x0100_0000,
  NOTHREAD: 0x2000_0000, ALL: 0x4000_0000, CLONE: 0x8000_0000,
});
/** waitid id types. */
export const P = Object.freeze({ ALL: 0, PID: 1, PGID: 2, PIDFD: 3 });

/** The status word wait4 stores, as glibc's WIFEXITED/WIFSIGNALED/WIFSTOPPED/WIFCONTINUED read it. */
export const waitStatus = Object.freeze({
  exited: (code: number): number => (code & 0xff) << 8,
  signaled: (sig: number, coreDumped = false): number => (sig & 0x7f) | (coreDumped ? 0x80 : 0),
  stopped: (sig: number): number => ((sig & 0xff) << 8) | 0x7f,
  continued: 0xffff,
});

/** Terminal and file ioctl request numbers (asm-generic/ioctls.h, which x86 uses). */
export const IOCTL = Object.freeze({
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCGETA: 0x5405, TCSETA: 0x5406,
  TCSETAW: 0x5407, TCSETAF: 0x5408, TCSBRK: 0x5409, TCXONC: 0x540a, TCFLSH: 0x540b, TIOCEXCL: 0x540c,
  TIOCNXCL: 0x540d, TIOCSCTTY: 0x540e, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TIOCOUTQ: 0x5411,
  TIOCSTI: 0x5412, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, TIOCMGET: 0x5415, FIONREAD: 0x541b,
  TIOCLINUX: 0x541c, FIONBIO: 0x5421, TIOCNOTTY: 0x5422, TIOCGETD: 0x5424, TIOCSETD: 0x5423,
  TIOCGSID: 0x5429, TCGETS2: 0x802c542a, TCSETS2: 0x402c542b, TIOCGPTN: 0x80045430, TIOCSPTLCK: 0x40045431,
  FIONCLEX: 0x5450, FIOCLEX: 0x5451, FIOASYNC: 0x5452,
});

export const CLOCK = Object.freeze({
  REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4,
  REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11,
});
export const TIMER_ABSTIME = 1;

export const SEEK = Object.freeze({ SET: 0, CUR: 1, END: 2, DATA: 3, HOLE: 4 });

/** File type bits of st_mode, and the permission bits. */
export const S = Object.freeze({
  IFMT: 0o170000, IFSOCK: 0o140000, IFLNK: 0o120000, IFREG: 0o100000, IFBLK: 0o060000, IFDIR: 0o040000,
  IFCHR: 0o020000, IFIFO: 0o010000, ISUID: 0o4000, ISGID: 0o2000, ISVTX: 0o1000,
});
/** d_type values of the dirent records. */
export const DT = Object.freeze({ UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, BLK: 6, REG: 8, LNK: 10, SOCK: 12, WHT: 14 });
/** The d_type of a file mode (Linux's fs_umode_to_dtype: the type bits shifted down). */
export const dtypeOfMode = (mode: number): number => (mode >>> 12) & 0xf;

/** Resource numbers of getrlimit/setrlimit/prlimit64. */
export const RLIMIT = Object.freeze({
  CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9, LOCKS: 10,
  SIGPENDING: 11, MSGQUEUE: 12, NICE: 13, RTPRIO: 14, RTTIME: 15,
});
export const RLIM_NLIMITS = 16;
/** RLIM_INFINITY of ugetrlimit (191)/setrlimit: all ones in 32 bits. The old getrlimit (76) caps at 0x7fffffff. */
export const RLIM_INFINITY = 0xffff_ffff;
export const RLIM64_INFINITY = 0xffff_ffff_ffff_ffffn;
