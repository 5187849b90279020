// The Linux i386 system-call table as data: number (the value in EAX at `int $0x80`), name and the
// number of register arguments (EBX, ECX, EDX, ESI, EDI, EBP in that order; a 64-bit value takes two).
// It lists the calls Debian 12 i386 programs and glibc 2.36 make, including the 32-bit-only forms
// (mmap2, _llseek, fcntl64, the *64 stat calls, the *32 id calls, set_thread_area) and the *_time64
// variants glibc tries first. A number missing here is one the process manager answers with -ENOSYS.
// The numbers are Linux's: linux-syscalls.test.ts checks every row against asm/unistd_32.h when the
// machine has it, else against the committed snapshot. Above: the process manager's dispatch and a
// tracer's output. Below: nothing.

export interface LinuxSyscall {
  readonly nr: number;
  readonly name: string;
  /** Register arguments the kernel reads (0..6). */
  readonly args: number;
}

/** [number, name, argument count], ascending by number. */
const ROWS: readonly (readonly [number, string, number])[] = [
  [0, "restart_syscall", 0], [1, "exit", 1], [2, "fork", 0], [3, "read", 3], [4, "write", 3], [5, "open", 3],
  [6, "close", 1], [7, "waitpid", 3], [8, "creat", 2], [9, "link", 2], [10, "unlink", 1], [11, "execve", 3],
  [12, "chdir", 1], [13, "time", 1], [14, "mknod", 3], [15, "chmod", 2], [16, "lchown", 3], [19, "lseek", 3],
  [20, "getpid", 0], [21, "mount", 5], [23, "setuid", 1], [24, "getuid", 0], [27, "alarm", 1], [29, "pause", 0],
  [30, "utime", 2], [33, "access", 2], [34, "nice", 1], [36, "sync", 0], [37, "kill", 2], [38, "rename", 2],
  [39, "mkdir", 2], [40, "rmdir", 1], [41, "dup", 1], [42, "pipe", 1], [43, "times", 1], [45, "brk", 1],
  [46, "setgid", 1], [47, "getgid", 0], [49, "geteuid", 0], [50, "getegid", 0], [54, "ioctl", 3], [55, "fcntl", 3],
  [57, "setpgid", 2], [60, "umask", 1], [61, "chroot", 1], [63, "dup2", 2], [64, "getppid", 0], [65, "getpgrp", 0],
  [66, "setsid", 0], [67, "sigaction", 3], [75, "setrlimit", 2], [76, "getrlimit", 2], [77, "getrusage", 2],
  [78, "gettimeofday", 2], [82, "select", 1], [83, "symlink", 2], [85, "readlink", 3], [90, "mmap", 1],
  [91, "munmap", 2], [92, "truncate", 2], [93, "ftruncate", 2], [94, "fchmod", 2], [95, "fchown", 3],
  [96, "getpriority", 2], [97, "setpriority", 3], [99, "statfs", 2], [100, "fstatfs", 2], [102, "socketcall", 2],
  [103, "syslog", 3], [104, "setitimer", 3], [105, "getitimer", 2], [106, "stat", 2], [107, "lstat", 2],
  [108, "fstat", 2], [114, "wait4", 4], [116, "sysinfo", 1], [117, "ipc", 6], [118, "fsync", 1],
  [119, "sigreturn", 0], [120, "clone", 5], [121, "setdomainname", 2], [122, "uname", 1], [124, "adjtimex", 1],
  [125, "mprotect", 3], [126, "sigprocmask", 3], [132, "getpgid", 1], [133, "fchdir", 1], [136, "personality", 1],
  [140, "_llseek", 5], [141, "getdents", 3], [142, "_newselect", 5], [143, "flock", 2], [144, "msync", 3],
  [145, "readv", 3], [146, "writev", 3], [147, "getsid", 1], [148, "fdatasync", 1], [158, "sched_yield", 0],
  [162, "nanosleep", 2], [163, "mremap", 5], [168, "poll", 3], [172, "prctl", 5], [173, "rt_sigreturn", 0],
  [174, "rt_sigaction", 4], [175, "rt_sigprocmask", 4], [176, "rt_sigpending", 2], [177, "rt_sigtimedwait", 4],
  [179, "rt_sigsuspend", 2], [180, "pread64", 5], [181, "pwrite64", 5], [182, "chown", 3], [183, "getcwd", 2],
  [186, "sigaltstack", 2], [190, "vfork", 0], [191, "ugetrlimit", 2], [192, "mmap2", 6], [193, "truncate64", 3],
  [194, "ftruncate64", 3], [195, "stat64", 2], [196, "lstat64", 2], [197, "fstat64", 2], [198, "lchown32", 3],
  [199, "getuid32", 0], [200, "getgid32", 0], [201, "geteuid32", 0], [202, "getegid32", 0], [203, "setreuid32", 2],
  [204, "setregid32", 2], [205, "getgroups32", 2], [206, "setgroups32", 2], [207, "fchown32", 3],
  [208, "setresuid32", 3], [209, "getresuid32", 3], [210, "setresgid32", 3], [211, "getresgid32", 3],
  [212, "chown32", 3], [213, "setuid32", 1], [214, "setgid32", 1], [218, "mincore", 3], [219, "madvise", 3],
  [220, "getdents64", 3], [221, "fcntl64", 3], [224, "gettid", 0], [225, "readahead", 4], [229, "getxattr", 4],
  [230, "lgetxattr", 4], [231, "fgetxattr", 4], [232, "listxattr", 3], [233, "llistxattr", 3], [238, "tkill", 2],
  [239, "sendfile64", 4], [240, "futex", 6], [241, "sched_setaffinity", 3], [242, "sched_getaffinity", 3],
  [243, "set_thread_area", 1], [244, "get_thread_area", 1], [250, "fadvise64", 5], [252, "exit_group", 1],
  [258, "set_tid_address", 1], [265, "clock_gettime", 2], [266, "clock_getres", 2], [267, "clock_nanosleep", 4],
  [268, "statfs64", 3], [269, "fstatfs64", 3], [270, "tgkill", 3], [271, "utimes", 2], [272, "fadvise64_64", 6],
  [284, "waitid", 5], [295, "openat", 4], [296, "mkdirat", 3], [297, "mknodat", 4], [298, "fchownat", 5],
  [299, "futimesat", 3], [300, "fstatat64", 4], [301, "unlinkat", 3], [302, "renameat", 4], [303, "linkat", 5],
  [304, "symlinkat", 3], [305, "readlinkat", 4], [306, "fchmodat", 3], [307, "faccessat", 3], [308, "pselect6", 6],
  [309, "ppoll", 5], [311, "set_robust_list", 2], [312, "get_robust_list", 3], [313, "splice", 6],
  [318, "getcpu", 3], [320, "utimensat", 4], [323, "eventfd", 1], [324, "fallocate", 6], [328, "eventfd2", 2],
  [329, "epoll_create1", 1], [330, "dup3", 3], [331, "pipe2", 2], [340, "prlimit64", 4], [353, "renameat2", 5],
  [355, "getrandom", 3], [356, "memfd_create", 2], [359, "socket", 3], [362, "connect", 3],
  [377, "copy_file_range", 6], [383, "statx", 5], [386, "rseq", 4], [403, "clock_gettime64", 2],
  [406, "clock_getres_time64", 2], [407, "clock_nanosleep_time64", 4], [412, "utimensat_time64", 4],
  [413, "pselect6_time64", 6], [414, "ppoll_time64", 5], [421, "rt_sigtimedwait_time64", 4],
  [422, "futex_time64", 6], [435, "clone3", 2], [436, "close_range", 3], [439, "faccessat2", 4],
];

export const LINUX_SYSCALLS: readonly LinuxSyscall[] = Object.freeze(ROWS.map(([nr, name, args]) => Object.freeze({ nr, name, args })));

const BY_NUMBER = new Map(LINUX_SYSCALLS.map((s) => [s.nr, s]));
const BY_NAME = new Map(LINUX_SYSCALLS.map((s) => [s.name, s]));

/** The call with number `nr`, or undefined (the process manager returns -ENOSYS). */
export const syscallByNumber = (nr: number): LinuxSyscall | undefined => BY_NUMBER.get(nr);

/** The call named `name` ("openat", "_llseek"), or undefined. */
export const syscallByName = (name: string): LinuxSyscall | undefined => BY_NAME.get(name);

/** The number of a call the table must have (throws for a name it lacks: a programming error). */
export const syscallNumber = (name: string): number => {
  const s = BY_NAME.get(name);
  if (s === undefined) throw new Error(`no Linux i386 system call named ${name} in the table`);
  return s.nr;
};

/** A name for traces: the table's, or "syscall_<nr>" for numbers it does not list. */
export const syscallLabel = (nr: number): string => BY_NUMBER.get(nr)?.name ?? `syscall_${nr}`;
