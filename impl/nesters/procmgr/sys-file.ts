// File system calls of the Linux personality: names go to the file-system nester (FileSystem protocol)
// relative to the process's current directory or an *at() directory descriptor; open files are
// FileDescription ports held in the process's descriptor table (files.ts), pipes are the manager's own.
// Stat results are packed in the i386 layouts (linux-structs.ts); ioctl knows the console's terminal
// calls and answers ENOTTY elsewhere.
// Above: procmgr.ts through the SYSCALLS table. Below: files.ts, the FileSystem/FileDescription protocols.
import { joinPath } from "../protocol/path.js";
import { invoke } from "../libc/client.js";
import { dropRef, newRef, type Nest } from "../libnest/env.js";
import type { MessageOf } from "../protocol/codec.js";
import { FileDescription, FileSystem, type STAT_FIELDS } from "../protocol/protocols.js";
import { closeFile, holdFile, newPipe, readFile, writeFile, type OFile, type Remote } from "./files.js";
import { ERRNO } from "./linux-errno.js";
import { AT_FDCWD, AT_FLAGS, F, FD_CLOEXEC, IOCTL, O, SETFL_MASK } from "./linux-consts.js";
import { DEFAULT_TERMIOS, encodeStat64, encodeTermios, encodeWinsize, packDirents64, type StatInput } from "./linux-structs.js";
import { decodeIovecs, encodeStatfs64, MAX_RW_COUNT } from "./linux-misc-structs.js";
import { EFAULT, define, get, put, s32, str, u32le, type SysCtx, type SysResult } from "./sys.js";
import type { Proc } from "./pm.js";

const S_IFDIR = 0o040000, S_IFMT = 0o170000, S_IFIFO = 0o010000;
const MAX_FDS = 1024;

type StatMsg = MessageOf<typeof STAT_FIELDS>;
const statInput = (s: StatMsg): StatInput => ({
  dev: s.dev, ino: s.ino, mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev, size: s.size, blksize: s.blksize, blocks: s.blocks,
  atime: { sec: s.atime_sec, nsec: s.atime_nsec }, mtime: { sec: s.mtime_sec, nsec: s.mtime_nsec }, ctime: { sec: s.ctime_sec, nsec: s.ctime_nsec },
});

/** The status a pipe end shows (ours: device 0:12 as Linux's pipefs, inode from the pipe's creation order). */
const pipeStat = (): StatInput => ({
  dev: 12, ino: 1, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
  atime: { sec: 0, nsec: 0 }, mtime: { sec: 0, nsec: 0 }, ctime: { sec: 0, nsec: 0 },
});

export const fdOf = (p: Proc, fd: number): OFile | null => p.fds.get(fd)?.file ?? null;

/** The lowest free descriptor at or above `min`. */
export const lowestFree = (p: Proc, min = 0): number => {
  let fd = min;
  while (p.fds.has(fd)) fd++;
  return fd < MAX_FDS ? fd : -ERRNO.EMFILE;
};

export function* installAt(c: SysCtx, fd: number, f: OFile, cloexec: boolean): Nest<number> {
  const old = c.p.fds.get(fd);
  c.p.fds.set(fd, { file: f, cloexec });
  if (old !== undefined) yield* closeFile(c.pm, old.file);
  return fd;
}

/** The directory a relative name of an *at() call starts from: the cwd, or a directory descriptor's path. */
const baseDir = (c: SysCtx, dirfd: number, path: string): string | number => {
  if (path.startsWith("/") || s32(dirfd) === AT_FDCWD) return c.p.cwd;
  const f = fdOf(c.p, dirfd);
  if (f === null) return -ERRNO.EBADF;
  if (f.kind !== "remote" || !f.isDir) return -ERRNO.ENOTDIR;
  return f.path;
};

/** (dir, path) of a path argument with a dirfd, or -errno. */
/**
 * /proc/self/fd/N (and /proc/<own pid>/fd/N) names the file behind descriptor N: glibc's fchmodat with
 * AT_SYMLINK_NOFOLLOW and realpath use it. Ours: there is no /proc; such names are rewritten to the path
 * the descriptor was opened with (ENOENT for a pipe or a closed descriptor).
 */
const procFd = (c: SysCtx, path: string): string | number => {
  const m = /^\/proc\/(self|\d+)\/fd\/(\d+)(\/.*)?$/.exec(path);
  if (m === null || (m[1] !== "self" && Number(m[1]) !== c.p.pid)) return path;
  const f = fdOf(c.p, Number(m[2]));
  if (f === null || f.kind !== "remote") return -ERRNO.ENOENT;
  return f.path + (m[3] ?? "");
};

function* at(c: SysCtx, dirfd: number, addr: number): Nest<[string, string] | number> {
  const raw = yield* str(c, addr);
  if (typeof raw === "number") return raw;
  const path = procFd(c, raw);
  if (typeof path === "number") return path;
  const dir = baseDir(c, dirfd, path);
  return typeof dir === "number" ? dir : [dir, path];
}

function* openAt(c: SysCtx, dirfd: number, addr: number, flags: number, mode: number): Nest<number> {
  const a = yield* at(c, dirfd, addr);
  if (typeof a === "number") return a;
  const [dir, path] = a;
  const ref = yield* newRef(c.pm.env);
  const r = yield* invoke(c.pm.fs, FileSystem.methods.open, { cwd: dir, path, flags: flags & ~O.CLOEXEC, mode: mode & 0o7777, umask: c.p.umask }, [], [ref]);
  if (r.status !== 0) {
    yield* dropRef(c.pm.env, ref);
    return -r.status;
  }
  const fd = lowestFree(c.p);
  if (fd < 0) {
    yield* invoke(ref, FileDescription.methods.close, {});
    yield* dropRef(c.pm.env, ref);
    return fd;
  }
  const f: Remote = { kind: "remote", ref, refs: 1, flags, path: joinPath(dir, path), isDir: r.rep!.kind === S_IFDIR, dirNext: 0 };
  return yield* installAt(c, fd, f, (flags & O.CLOEXEC) !== 0);
}

function* statAt(c: SysCtx, dirfd: number, addr: number, buf: number, flags: number): Nest<number> {
  const path = (yield* str(c, addr));
  if (typeof path === "number") return path;
  if (path === "" && (flags & AT_FLAGS.EMPTY_PATH) !== 0) return yield* fstatFd(c, dirfd, buf);
  const dir = baseDir(c, dirfd, path);
  if (typeof dir === "number") return dir;
  const r = yield* invoke(c.pm.fs, FileSystem.methods.stat, { cwd: dir, path, follow: (flags & AT_FLAGS.SYMLINK_NOFOLLOW) !== 0 ? 0 : 1 });
  return r.status !== 0 ? -r.status : (yield* put(c, buf, encodeStat64(statInput(r.rep!))));
}

function* fstatFd(c: SysCtx, fd: number, buf: number): Nest<number> {
  const f = fdOf(c.p, fd);
  if (f === null) return -ERRNO.EBADF;
  if (f.kind === "pipe") return (yield* put(c, buf, encodeStat64(pipeStat())));
  const r = yield* invoke(f.ref, FileDescription.methods.stat, {});
  return r.status !== 0 ? -r.status : (yield* put(c, buf, encodeStat64(statInput(r.rep!))));
}

function* readInto(c: SysCtx, fd: number, buf: number, len: number): Nest<number> {
  const f = fdOf(c.p, fd);
  if (f === null) return -ERRNO.EBADF;
  if (f.kind === "remote" && f.isDir) return -ERRNO.EISDIR;
  if (len === 0) return 0;
  if (!c.p.space.writable(buf, Math.min(len, MAX_RW_COUNT, 15 * 1024))) return EFAULT;
  const r = yield* readFile(c.pm, c.p, f, Math.min(len, MAX_RW_COUNT));
  if (typeof r === "number") return r;
  return (yield* put(c, buf, r)) === 0 ? r.length : EFAULT;
}

function* writeFrom(c: SysCtx, fd: number, buf: number, len: number): Nest<number> {
  const f = fdOf(c.p, fd);
  if (f === null) return -ERRNO.EBADF;
  const data = (yield* get(c, buf, Math.min(len, MAX_RW_COUNT)));
  if (data === null) return EFAULT;
  return yield* writeFile(c.pm, c.p, f, data);
}

function* vector(c: SysCtx, fd: number, iov: number, count: number, write: boolean): Nest<number> {
  const table = count > 0 && count <= 1024 ? yield* get(c, iov, count * 8) : null;
  const v = decodeIovecs((a) => {
    const i = a - iov;
    return table === null || i < 0 || i + 4 > table.length ? undefined : new DataView(table.buffer, table.byteOffset).getUint32(i, true);
  }, iov, count);
  if (!v.ok) return -v.error.errno;
  let total = 0;
  for (const { base, len } of v.value) {
    if (len === 0) continue;
    const n = write ? yield* writeFrom(c, fd, base, len) : yield* readInto(c, fd, base, len);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < len) break;
  }
  return total;
}

/** lseek on a descriptor: the new offset or -errno (offsets carried as 53-bit two's complement). */
function* seek(c: SysCtx, fd: number, offset: number, whence: number): Nest<number> {
  const f = fdOf(c.p, fd);
  if (f === null) return -ERRNO.EBADF;
  if (f.kind === "pipe") return -ERRNO.ESPIPE;
  if (f.isDir && offset === 0 && whence === 0) {
    f.dirNext = 0;
    return 0;
  }
  const r = yield* invoke(f.ref, FileDescription.methods.seek, { offset: offset < 0 ? offset + 2 ** 53 : offset, whence });
  return r.status !== 0 ? -r.status : r.rep!.offset;
}

function* simpleFs(op: Nest<{ status: number }>): Nest<number> {
  const r = yield* op;
  return -r.status;
}

function* getdents64(c: SysCtx): Nest<number> {
  const [fd, buf, size] = c.a;
  const f = fdOf(c.p, fd!);
  if (f === null) return -ERRNO.EBADF;
  if (f.kind !== "remote" || !f.isDir) return -ERRNO.ENOTDIR;
  const r = yield* invoke(f.ref, FileDescription.methods.readdir, { index: f.dirNext, max: 512 });
  if (r.status !== 0) return -r.status;
  const raw = r.rep!.entries, entries: { ino: number; off: number; type: number; name: Uint8Array }[] = [];
  for (let i = 0, k = f.dirNext; i < raw.length; k++) {
    const ino = raw[i]! + raw[i + 1]! * 2 ** 8 + raw[i + 2]! * 2 ** 16 + raw[i + 3]! * 2 ** 24 + (raw[i + 4]! + raw[i + 5]! * 2 ** 8 + raw[i + 6]! * 2 ** 16) * 2 ** 32;
    const type = raw[i + 8]!, len = raw[i + 9]!;
    entries.push({ ino, off: k + 1, type, name: raw.slice(i + 10, i + 10 + len) });
    i += 10 + len;
  }
  const packed = packDirents64(entries, size!);
  if (packed.consumed === 0 && entries.length > 0) return -ERRNO.EINVAL;
  f.dirNext += packed.consumed;
  return (yield* put(c, buf!, packed.bytes)) === 0 ? packed.bytes.length : EFAULT;
}

function* fcntl(c: SysCtx): Nest<number> {
  const [fd, cmd, arg] = c.a as [number, number, number];
  const e = c.p.fds.get(fd);
  if (e === undefined) return -ERRNO.EBADF;
  switch (cmd) {
    case F.DUPFD: case F.DUPFD_CLOEXEC: {
      const n = lowestFree(c.p, arg);
      return n < 0 ? n : yield* installAt(c, n, holdFile(e.file), cmd === F.DUPFD_CLOEXEC);
    }
    case F.GETFD: return e.cloexec ? FD_CLOEXEC : 0;
    case F.SETFD: e.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
    case F.GETFL: return e.file.flags;
    case F.SETFL:
      e.file.flags = (e.file.flags & ~SETFL_MASK) | (arg & SETFL_MASK);
      if (e.file.kind === "remote") yield* invoke(e.file.ref, FileDescription.methods.set_flags, { flags: e.file.flags });
      return 0;
    case F.GETLK: case F.GETLK64: case F.SETLK: case F.SETLK64: case F.SETLKW: case F.SETLKW64: return 0; // one host process: locks always granted (ours)
    case F.GETPIPE_SZ: return e.file.kind === "pipe" ? 65536 : -ERRNO.EBADF;
    default: return -ERRNO.EINVAL;
  }
}

function* ioctl(c: SysCtx): Nest<number> {
  const [fd, req, arg] = c.a as [number, number, number];
  const f = fdOf(c.p, fd);
  if (f === null) return -ERRNO.EBADF;
  if (req === IOCTL.FIONREAD && f.kind === "pipe") return (yield* put(c, arg, u32le(f.pipe.bytes)));
  if (req === IOCTL.FIOCLEX || req === IOCTL.FIONCLEX) {
    c.p.fds.get(fd)!.cloexec = req === IOCTL.FIOCLEX;
    return 0;
  }
  if (f.kind !== "remote") return -ERRNO.ENOTTY;
  const t = yield* invoke(f.ref, FileDescription.methods.is_terminal, {});
  if (t.status !== 0) return -ERRNO.ENOTTY;
  switch (req) {
    case IOCTL.TCGETS: return (yield* put(c, arg, encodeTermios(DEFAULT_TERMIOS)));
    case IOCTL.TCSETS: case IOCTL.TCSETSW: case IOCTL.TCSETSF: return 0;
    case IOCTL.TIOCGWINSZ: return (yield* put(c, arg, encodeWinsize({ rows: t.rep!.rows, cols: t.rep!.cols, xpixel: 0, ypixel: 0 })));
    case IOCTL.TIOCGPGRP: return (yield* put(c, arg, u32le(c.p.pgid)));
    case IOCTL.TIOCSPGRP: return 0;
    default: return -ERRNO.EINVAL;
  }
}

function* pipe2(c: SysCtx, addr: number, flags: number): Nest<number> {
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT)) !== 0) return -ERRNO.EINVAL;
  const [r, w] = newPipe();
  r.flags |= flags & O.NONBLOCK;
  w.flags |= flags & O.NONBLOCK;
  const fr = lowestFree(c.p);
  if (fr < 0) return fr;
  c.p.fds.set(fr, { file: r, cloexec: (flags & O.CLOEXEC) !== 0 });
  const fw = lowestFree(c.p);
  if (fw < 0 || (yield* put(c, addr, u32le(fr, fw))) !== 0) {
    c.p.fds.delete(fr);
    return fw < 0 ? fw : EFAULT;
  }
  c.p.fds.set(fw, { file: w, cloexec: (flags & O.CLOEXEC) !== 0 });
  return 0;
}

function* dup3(c: SysCtx, from: number, to: number, flags: number): Nest<number> {
  const e = c.p.fds.get(from);
  if (e === undefined || to >= MAX_FDS) return -ERRNO.EBADF;
  if (from === to) return -ERRNO.EINVAL;
  return yield* installAt(c, to, holdFile(e.file), (flags & O.CLOEXEC) !== 0);
}

function* chdir(c: SysCtx, path: string, dir: string): Nest<number> {
  const st = yield* invoke(c.pm.fs, FileSystem.methods.stat, { cwd: dir, path, follow: 1 });
  if (st.status !== 0) return -st.status;
  if ((st.rep!.mode & S_IFMT) !== S_IFDIR) return -ERRNO.ENOTDIR;
  c.p.cwd = joinPath(dir, path);
  return 0;
}

const fs = FileSystem.methods;
const atOr = <T>(c: SysCtx, dirfd: number, addr: number, f: (dir: string, path: string) => Nest<T | number>) =>
  function* (): Nest<T | number> {
    const a = yield* at(c, dirfd, addr);
    return typeof a === "number" ? a : yield* f(a[0], a[1]);
  };

define({
  read: (c) => readInto(c, c.a[0]!, c.a[1]!, c.a[2]!),
  write: (c) => writeFrom(c, c.a[0]!, c.a[1]!, c.a[2]!),
  readv: (c) => vector(c, c.a[0]!, c.a[1]!, c.a[2]!, false),
  writev: (c) => vector(c, c.a[0]!, c.a[1]!, c.a[2]!, true),
  *pread64(c) {
    const [fd, buf, len, lo, hi] = c.a as [number, number, number, number, number];
    const f = fdOf(c.p, fd);
    if (f === null) return -ERRNO.EBADF;
    if (f.kind === "pipe") return -ERRNO.ESPIPE;
    const r = yield* invoke(f.ref, FileDescription.methods.pread, { offset: hi * 2 ** 32 + lo, length: Math.min(len, 15 * 1024) });
    if (r.status !== 0) return -r.status;
    return (yield* put(c, buf, r.rep!.data)) === 0 ? r.rep!.data.length : EFAULT;
  },
  *pwrite64(c) {
    const [fd, buf, len, lo, hi] = c.a as [number, number, number, number, number];
    const f = fdOf(c.p, fd);
    if (f === null) return -ERRNO.EBADF;
    if (f.kind === "pipe") return -ERRNO.ESPIPE;
    const data = (yield* get(c, buf, Math.min(len, 15 * 1024)));
    if (data === null) return EFAULT;
    const r = yield* invoke(f.ref, FileDescription.methods.pwrite, { offset: hi * 2 ** 32 + lo, data });
    return r.status !== 0 ? -r.status : r.rep!.count;
  },
  open: (c) => openAt(c, AT_FDCWD, c.a[0]!, c.a[1]!, c.a[2]!),
  openat: (c) => openAt(c, c.a[0]!, c.a[1]!, c.a[2]!, c.a[3]!),
  *close(c) {
    const e = c.p.fds.get(c.a[0]!);
    if (e === undefined) return -ERRNO.EBADF;
    c.p.fds.delete(c.a[0]!);
    yield* closeFile(c.pm, e.file);
    return 0;
  },
  lseek: (c) => seek(c, c.a[0]!, s32(c.a[1]!), c.a[2]!),
  *_llseek(c) {
    const [fd, hi, lo, result, whence] = c.a as [number, number, number, number, number];
    const off = s32(hi) * 2 ** 32 + lo;
    const r = yield* seek(c, fd, off, whence);
    if (r < 0) return r;
    return (yield* put(c, result, u32le(r % 2 ** 32, Math.floor(r / 2 ** 32))));
  },
  *dup(c) {
    const e = c.p.fds.get(c.a[0]!);
    if (e === undefined) return -ERRNO.EBADF;
    const n = lowestFree(c.p);
    return n < 0 ? n : yield* installAt(c, n, holdFile(e.file), false);
  },
  *dup2(c) {
    const [from, to] = c.a as [number, number];
    if (!c.p.fds.has(from)) return -ERRNO.EBADF;
    return from === to ? to : yield* dup3(c, from, to, 0);
  },
  dup3: (c) => dup3(c, c.a[0]!, c.a[1]!, c.a[2]!),
  fcntl64: fcntl,
  fcntl,
  ioctl,
  pipe: (c) => pipe2(c, c.a[0]!, 0),
  pipe2: (c) => pipe2(c, c.a[0]!, c.a[1]!),
  stat64: (c) => statAt(c, AT_FDCWD, c.a[0]!, c.a[1]!, 0),
  lstat64: (c) => statAt(c, AT_FDCWD, c.a[0]!, c.a[1]!, AT_FLAGS.SYMLINK_NOFOLLOW),
  fstat64: (c) => fstatFd(c, c.a[0]!, c.a[1]!),
  fstatat64: (c) => statAt(c, c.a[0]!, c.a[1]!, c.a[2]!, c.a[3]!),
  getdents64,
  access: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.access, { cwd, path, mode: c.a[1]! })))(),
  faccessat: (c) => atOr(c, c.a[0]!, c.a[1]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.access, { cwd, path, mode: c.a[2]! })))(),
  unlink: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.unlink, { cwd, path })))(),
  unlinkat: (c) => atOr(c, c.a[0]!, c.a[1]!, (cwd, path) =>
    simpleFs((c.a[2]! & AT_FLAGS.REMOVEDIR) !== 0 ? invoke(c.pm.fs, fs.rmdir, { cwd, path }) : invoke(c.pm.fs, fs.unlink, { cwd, path })))(),
  mkdir: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.mkdir, { cwd, path, mode: c.a[1]! & 0o7777, umask: c.p.umask })))(),
  mknod: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.mknod, { cwd, path, mode: c.a[1]!, umask: c.p.umask, dev: c.a[2]! })))(),
  mknodat: (c) => atOr(c, c.a[0]!, c.a[1]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.mknod, { cwd, path, mode: c.a[2]!, umask: c.p.umask, dev: c.a[3]! })))(),
  mkdirat: (c) => atOr(c, c.a[0]!, c.a[1]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.mkdir, { cwd, path, mode: c.a[2]! & 0o7777, umask: c.p.umask })))(),
  rmdir: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.rmdir, { cwd, path })))(),
  *rename(c) {
    const from = (yield* str(c, c.a[0]!)), to = (yield* str(c, c.a[1]!));
    if (typeof from === "number") return from;
    if (typeof to === "number") return to;
    return yield* simpleFs(invoke(c.pm.fs, fs.rename, { cwd: c.p.cwd, from, to }));
  },
  renameat: (c) => renameAt(c, c.a[0]!, c.a[1]!, c.a[2]!, c.a[3]!),
  renameat2: (c) => (c.a[4] === 0 ? renameAt(c, c.a[0]!, c.a[1]!, c.a[2]!, c.a[3]!) : (function* () { return -ERRNO.EINVAL; })()),
  *link(c) {
    const from = (yield* str(c, c.a[0]!)), to = (yield* str(c, c.a[1]!));
    if (typeof from === "number") return from;
    if (typeof to === "number") return to;
    return yield* simpleFs(invoke(c.pm.fs, fs.link, { cwd: c.p.cwd, from, to }));
  },
  // linkat: both names resolved against their directory descriptors; flags: none supported yet
  // (AT_SYMLINK_FOLLOW and AT_EMPTY_PATH answer EINVAL; Linux's default, 0, does not follow).
  *linkat(c) {
    if (c.a[4]! !== 0) return -ERRNO.EINVAL;
    const x = yield* at(c, c.a[0]!, c.a[1]!), y = yield* at(c, c.a[2]!, c.a[3]!);
    if (typeof x === "number") return x;
    if (typeof y === "number") return y;
    return yield* simpleFs(invoke(c.pm.fs, fs.link, { cwd: "/", from: joinPath(x[0], x[1]), to: joinPath(y[0], y[1]) }));
  },
  // Durability: the writable layer lives in memory, nothing to flush; Linux's EBADF for a bad fd and
  // EINVAL for a pipe (fsync on a pipe is not supported).
  *sync() { return 0; },
  fsync: (c) => syncFd(c),
  fdatasync: (c) => syncFd(c),
  // Extended attributes: the file system has none and cannot store them, so, as on a Linux file
  // system mounted without xattr support, the calls answer EOPNOTSUPP once the name resolves (ls -l
  // asks for ACLs and SELinux labels and takes EOPNOTSUPP as "none").
  getxattr: (c) => noXattr(c, c.a[0]!, 1),
  lgetxattr: (c) => noXattr(c, c.a[0]!, 0),
  listxattr: (c) => noXattr(c, c.a[0]!, 1),
  llistxattr: (c) => noXattr(c, c.a[0]!, 0),
  *fgetxattr(c) { return fdOf(c.p, c.a[0]!) === null ? -ERRNO.EBADF : -ERRNO.EOPNOTSUPP; },
  *symlink(c) {
    const target = (yield* str(c, c.a[0]!));
    if (typeof target === "number") return target;
    return yield* atOr(c, AT_FDCWD, c.a[1]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.symlink, { target, cwd, path })))();
  },
  *symlinkat(c) {
    const target = (yield* str(c, c.a[0]!));
    if (typeof target === "number") return target;
    return yield* atOr(c, c.a[1]!, c.a[2]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.symlink, { target, cwd, path })))();
  },
  readlink: (c) => readlinkAt(c, AT_FDCWD, c.a[0]!, c.a[1]!, c.a[2]!),
  readlinkat: (c) => readlinkAt(c, c.a[0]!, c.a[1]!, c.a[2]!, c.a[3]!),
  chmod: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.chmod, { cwd, path, mode: c.a[1]! & 0o7777 })))(),
  fchmodat: (c) => atOr(c, c.a[0]!, c.a[1]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.chmod, { cwd, path, mode: c.a[2]! & 0o7777 })))(),
  *fchmod(c) {
    const f = fdOf(c.p, c.a[0]!);
    if (f === null) return -ERRNO.EBADF;
    return f.kind === "remote" ? yield* simpleFs(invoke(c.pm.fs, fs.chmod, { cwd: "/", path: f.path, mode: c.a[1]! & 0o7777 })) : 0;
  },
  chown32: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.chown, { cwd, path, uid: c.a[1]!, gid: c.a[2]!, follow: 1 })))(),
  lchown32: (c) => atOr(c, AT_FDCWD, c.a[0]!, (cwd, path) => simpleFs(invoke(c.pm.fs, fs.chown, { cwd, path, uid: c.a[1]!, gid: c.a[2]!, follow: 0 })))(),
  fchownat: (c) => atOr(c, c.a[0]!, c.a[1]!, (cwd, path) =>
    simpleFs(invoke(c.pm.fs, fs.chown, { cwd, path, uid: c.a[2]!, gid: c.a[3]!, follow: (c.a[4]! & AT_FLAGS.SYMLINK_NOFOLLOW) !== 0 ? 0 : 1 })))(),
  *fchown32(c) {
    const f = fdOf(c.p, c.a[0]!);
    if (f === null) return -ERRNO.EBADF;
    return f.kind === "remote" ? yield* simpleFs(invoke(c.pm.fs, fs.chown, { cwd: "/", path: f.path, uid: c.a[1]!, gid: c.a[2]!, follow: 1 })) : 0;
  },
  utimensat_time64: (c) => utimens(c, 16),
  utimensat: (c) => utimens(c, 8),
  *getcwd(c) {
    const b = Buffer.from(c.p.cwd + "\0", "latin1");
    if (c.a[1]! < b.length) return -ERRNO.ERANGE;
    return (yield* put(c, c.a[0]!, b)) === 0 ? b.length : EFAULT;
  },
  *chdir(c) {
    const path = (yield* str(c, c.a[0]!));
    return typeof path === "number" ? path : yield* chdir(c, path, c.p.cwd);
  },
  *fchdir(c) {
    const f = fdOf(c.p, c.a[0]!);
    if (f === null) return -ERRNO.EBADF;
    if (f.kind !== "remote" || !f.isDir) return -ERRNO.ENOTDIR;
    c.p.cwd = f.path;
    return 0;
  },
  *umask(c) {
    const old = c.p.umask;
    c.p.umask = c.a[0]! & 0o777;
    return old;
  },
  *ftruncate64(c) {
    const f = fdOf(c.p, c.a[0]!);
    if (f === null) return -ERRNO.EBADF;
    if (f.kind !== "remote") return -ERRNO.EINVAL;
    const r = yield* invoke(f.ref, FileDescription.methods.set_size, { size: c.a[2]! * 2 ** 32 + c.a[1]! });
    return -r.status;
  },
  *statfs64(c) {
    if (c.a[1] !== 84) return -ERRNO.EINVAL;
    return (yield* put(c, c.a[2]!, encodeStatfs64({ type: 0x01021994, bsize: 4096, blocks: 262144, bfree: 131072, bavail: 131072, files: 65536, ffree: 32768, fsid: [0, 0], namelen: 255, frsize: 4096, flags: 0 })));
  },
  *fstatfs64(c) {
    if (c.a[1] !== 84) return -ERRNO.EINVAL;
    if (fdOf(c.p, c.a[0]!) === null) return -ERRNO.EBADF;
    return (yield* put(c, c.a[2]!, encodeStatfs64({ type: 0x01021994, bsize: 4096, blocks: 262144, bfree: 131072, bavail: 131072, files: 65536, ffree: 32768, fsid: [0, 0], namelen: 255, frsize: 4096, flags: 0 })));
  },
});

function* syncFd(c: SysCtx): Nest<number> {
  const f = fdOf(c.p, c.a[0]!);
  return f === null ? -ERRNO.EBADF : f.kind === "pipe" ? -ERRNO.EINVAL : 0;
}

function* noXattr(c: SysCtx, addr: number, follow: 0 | 1): Nest<number> {
  const a = yield* at(c, AT_FDCWD, addr);
  if (typeof a === "number") return a;
  const st = yield* invoke(c.pm.fs, fs.stat, { cwd: a[0], path: a[1], follow });
  return st.status !== 0 ? -st.status : -ERRNO.EOPNOTSUPP;
}

function* renameAt(c: SysCtx, fd1: number, a1: number, fd2: number, a2: number): Nest<number> {
  const x = yield* at(c, fd1, a1), y = yield* at(c, fd2, a2);
  if (typeof x === "number") return x;
  if (typeof y === "number") return y;
  return yield* simpleFs(invoke(c.pm.fs, fs.rename, { cwd: "/", from: joinPath(x[0], x[1]), to: joinPath(y[0], y[1]) }));
}

function* readlinkAt(c: SysCtx, dirfd: number, addr: number, buf: number, size: number): Nest<number> {
  if (s32(size) <= 0) return -ERRNO.EINVAL;
  const a = yield* at(c, dirfd, addr);
  if (typeof a === "number") return a;
  const r = yield* invoke(c.pm.fs, fs.readlink, { cwd: a[0], path: a[1] });
  if (r.status !== 0) return -r.status;
  const b = Buffer.from(r.rep!.target, "latin1").subarray(0, size);
  return (yield* put(c, buf, b)) === 0 ? b.length : EFAULT;
}

function* utimens(c: SysCtx, tsSize: 8 | 16): Nest<number> {
  const [dirfd, addr, times, flags] = c.a as [number, number, number, number];
  let at_: [number, number] = [0, 0x3fffffff], mt: [number, number] = [0, 0x3fffffff];
  if (times !== 0) {
    const b = (yield* get(c, times, 2 * tsSize));
    if (b === null) return EFAULT;
    const v = new DataView(b.buffer, b.byteOffset);
    at_ = [v.getUint32(0, true), v.getUint32(tsSize === 8 ? 4 : 8, true)];
    mt = [v.getUint32(tsSize, true), v.getUint32(tsSize + (tsSize === 8 ? 4 : 8), true)];
  }
  let cwd = c.p.cwd, path: string;
  if (addr === 0) {
    const f = fdOf(c.p, dirfd);
    if (f === null) return -ERRNO.EBADF;
    if (f.kind !== "remote") return 0;
    path = f.path;
  } else {
    const a = yield* at(c, dirfd, addr);
    if (typeof a === "number") return a;
    [cwd, path] = a;
  }
  return yield* simpleFs(invoke(c.pm.fs, fs.utime, {
    cwd, path, atime_sec: at_[0], atime_nsec: at_[1], mtime_sec: mt[0], mtime_nsec: mt[1], follow: (flags & AT_FLAGS.SYMLINK_NOFOLLOW) !== 0 ? 0 : 1,
  }));
}

export type { SysResult };
