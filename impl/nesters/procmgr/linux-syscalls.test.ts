// The i386 system-call table: every row's number agrees with Linux's asm/unistd_32.h (or, on a
// machine without it, with the committed snapshot extracted from it), the table holds every call the
// process manager must know, and the committed snapshot itself agrees with the header when both exist.
// Above: vitest. Below: linux-syscalls.ts, linux-oracle.ts.
import { describe, expect, it } from "vitest";
import { headerOracle, parseSnapshot, pickOracle, snapshotOracle } from "./linux-oracle.js";
import { LINUX_SYSCALLS, syscallByName, syscallByNumber, syscallLabel, syscallNumber } from "./linux-syscalls.js";

/** The calls the process-manager issue and the Linux i386 notes require. */
const REQUIRED = `exit fork read write open close waitpid creat link unlink execve chdir time mknod chmod lchown lseek getpid
mount setuid getuid alarm pause utime access nice sync kill rename mkdir rmdir dup pipe times brk setgid getgid geteuid getegid
ioctl fcntl setpgid umask chroot dup2 getppid getpgrp setsid sigaction sigreturn rt_sigreturn readlink mmap munmap truncate
ftruncate fchmod fchown getpriority setpriority statfs fstatfs socketcall syslog setitimer getitimer stat lstat fstat uname
wait4 sysinfo ipc fsync clone setdomainname adjtimex mprotect sigprocmask getpgid fchdir _llseek getdents _newselect flock
msync readv writev getsid fdatasync nanosleep mremap poll prctl rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait
rt_sigsuspend pread64 pwrite64 chown getcwd sigaltstack vfork ugetrlimit mmap2 truncate64 ftruncate64 stat64 lstat64 fstat64
lchown32 getuid32 getgid32 geteuid32 getegid32 setreuid32 setregid32 getgroups32 setgroups32 fchown32 setresuid32 getresuid32
setresgid32 getresgid32 chown32 setuid32 setgid32 madvise getdents64 fcntl64 gettid readahead tkill futex sched_getaffinity
set_thread_area get_thread_area exit_group set_tid_address clock_gettime clock_getres clock_nanosleep statfs64 fstatfs64 tgkill
utimes fadvise64_64 openat mkdirat mknodat fchownat futimesat fstatat64 unlinkat renameat linkat symlinkat readlinkat fchmodat
faccessat pselect6 ppoll set_robust_list get_robust_list splice utimensat eventfd fallocate eventfd2 epoll_create1 dup3 pipe2
prlimit64 getrandom memfd_create statx copy_file_range clock_gettime64 clock_nanosleep_time64 utimensat_time64 rseq renameat2
faccessat2 clone3 socket connect futex_time64 ppoll_time64 pselect6_time64`.split(/\s+/);

describe("procmgr linux-syscalls", () => {
  it("has Linux's number for every row", () => {
    const oracle = pickOracle("i386 system-call numbers");
    const wrong = LINUX_SYSCALLS.filter((s) => oracle.syscalls.get(s.name) !== s.nr).map((s) => `${s.name}: table ${s.nr}, oracle ${oracle.syscalls.get(s.name)}`);
    expect(wrong).toEqual([]);
    expect(LINUX_SYSCALLS.length).toBeGreaterThan(200);
  });
  it("lists every required call once, ascending, with 0..6 register arguments", () => {
    expect(REQUIRED.filter((n) => syscallByName(n) === undefined)).toEqual([]);
    expect(new Set(LINUX_SYSCALLS.map((s) => s.name)).size).toBe(LINUX_SYSCALLS.length);
    for (let i = 1; i < LINUX_SYSCALLS.length; i++) expect(LINUX_SYSCALLS[i]!.nr).toBeGreaterThan(LINUX_SYSCALLS[i - 1]!.nr);
    expect(LINUX_SYSCALLS.every((s) => Number.isInteger(s.args) && s.args >= 0 && s.args <= 6)).toBe(true);
  });
  it("knows the i386 numbers and argument counts that differ from other ABIs", () => {
    const pick = (n: string): [number, number] => [syscallNumber(n), syscallByName(n)!.args];
    expect(pick("mmap")).toEqual([90, 1]);
    expect(pick("mmap2")).toEqual([192, 6]);
    expect(pick("_llseek")).toEqual([140, 5]);
    expect(pick("pread64")).toEqual([180, 5]);
    expect(pick("fadvise64_64")).toEqual([272, 6]);
    expect(pick("set_thread_area")).toEqual([243, 1]);
    expect(pick("exit_group")).toEqual([252, 1]);
    expect(pick("clock_gettime64")).toEqual([403, 2]);
  });
});

describe("procmgr linux-syscalls: lookups and the committed snapshot", () => {
  it("looks calls up by number and labels unknown ones", () => {
    expect(syscallByNumber(295)?.name).toBe("openat");
    expect(syscallByNumber(17)).toBeUndefined();
    expect(syscallLabel(4)).toBe("write");
    expect(syscallLabel(9999)).toBe("syscall_9999");
    expect(() => syscallNumber("arch_prctl")).toThrow(/no Linux i386 system call/);
  });
  it("commits a snapshot that agrees with the header wherever both exist", () => {
    const snap = snapshotOracle();
    expect(snap.syscalls.size).toBeGreaterThan(400);
    expect(snap.syscalls.get("restart_syscall")).toBe(0);
    const header = headerOracle();
    if (header === null) {
      process.stdout.write("[procmgr] no asm/unistd_32.h here: the snapshot is the oracle, cross-check not possible\n");
      return;
    }
    const differ = [...snap.syscalls].filter(([name, nr]) => header.syscalls.get(name) !== nr);
    expect(differ).toEqual([]);
    expect(parseSnapshot("syscall 5 open\nnoise\nerrno 2 ENOENT\n").syscalls.get("open")).toBe(5);
  });
  it("finds no header oracle in a directory without the headers", () => {
    expect(headerOracle("impl/nesters/procmgr")).toBeNull();
  });
});
