// The file-system nester's pure core: `Vfs`, a Linux-like file tree made of a read-only lower layer
// (a host directory, the Debian guest root), a writable in-memory upper layer and the built-in
// /dev/null and /dev/zero, with an open-file table. Every call returns an FsResult (a value or a
// positive Linux errno) and never throws for bad input; every check of an operation is made before
// its first change, so a failed call changes nothing. Guest paths are byte strings (one char per
// byte); `cwd` is an absolute guest path. Above: the file-system nester's IPC server (later) and the
// process manager's ELF loader (readFile). Below: vfs-path.ts (resolution), vfs-node.ts (the overlay
// tree), vfs-lower.ts (the host), vfs-data.ts (file bytes). README.md lists the decisions.
import { type DirNode, type FileNode, type Node, NodeStore, ROOT } from "./vfs-node.js";
import { PathWalker, type Walked, checkPath } from "./vfs-path.js";
import {
  type DirEntry, DT_DIR, ERRNO, type FsResult, type Handle, MAX_FILE_SIZE, MAX_RW_COUNT, type NodeId, O_ACCMODE, O_APPEND, O_CLOEXEC,
  O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK, S_ISGID, S_ISUID,
  S_IXGRP, type Stat, type Timespec, ZERO_READ_MAX, dtOfMode, err, ok,
} from "./vfs-types.js";

export * from "./vfs-types.js";
import type { Bind } from "./vfs-lower.js";
export type { Bind } from "./vfs-lower.js";

export interface VfsOptions {
  /** Host directory of the lower layer (never written). */
  readonly root: string;
  /** Virtual clock for the times the upper layer sets. */
  readonly now: () => Timespec;
  /** Owner of the files the guest creates (default root). */
  readonly uid?: number;
  readonly gid?: number;
  /** Host directories shown read-only at guest directories (vfs-lower.ts Bind). */
  readonly binds?: readonly Bind[];
}

/** One open-file-table entry (Linux's open file description): shared by dup. */
export interface OpenFile {
  readonly node: NodeId;
  readonly flags: number;
  refcount: number;
}

/** A utimes time: a value, "now" (UTIME_NOW) or "omit" (UTIME_OMIT); null means "now". */
export type TimeArg = Timespec | "now" | "omit" | null;

const ACCESS_ALL = 7;
const UNCHANGED = [-1, 0xffff_ffff];

const isInt = (n: number): boolean => Number.isSafeInteger(n);
const readable = (flags: number): boolean => (flags & O_PATH) === 0 && ((flags & O_ACCMODE) === O_RDONLY || (flags & O_ACCMODE) === O_RDWR);
const writable = (flags: number): boolean => (flags & O_PATH) === 0 && ((flags & O_ACCMODE) === O_WRONLY || (flags & O_ACCMODE) === O_RDWR);

export class Vfs {
  private readonly store: NodeStore;
  private readonly paths: PathWalker;
  private readonly files = new Map<Handle, OpenFile>();
  private nextHandle = 1;

  constructor(opts: VfsOptions) {
    this.store = new NodeStore(opts.root, opts.now, { uid: opts.uid ?? 0, gid: opts.gid ?? 0 }, opts.binds);
    this.store.initRoot();
    this.paths = new PathWalker(this.store);
    this.seedBuiltins();
  }

  /**
   * /tmp: the lower one when the root has a directory there (the Debian root's is empty, mode 01777, and
   * bind points may lie below it), else a fresh upper directory, mode 01777; /dev/null and /dev/zero.
   */
  private seedBuiltins(): void {
    const root = this.store.dir(ROOT);
    const tmp = this.store.lookup(root, "tmp");
    if (!(tmp.ok && tmp.value !== null && this.store.at(tmp.value).kind === "dir")) this.seed(root, "tmp", this.store.newDir(0o1777, ROOT));
    const dev = this.store.lookup(root, "dev");
    let devDir: DirNode;
    const existing = dev.ok && dev.value !== null ? this.store.at(dev.value) : null;
    if (existing !== null && existing.kind === "dir") devDir = existing;
    else {
      devDir = this.store.newDir(0o755, ROOT);
      this.seed(root, "dev", devDir);
    }
    this.seed(devDir, "null", this.store.newDevice("null"));
    this.seed(devDir, "zero", this.store.newDevice("zero"));
  }

  /** Put a built-in node in place without touching the directory's times (construction only). */
  private seed(dir: DirNode, name: string, node: Node): void {
    const before = this.store.lookup(dir, name);
    const old = before.ok && before.value !== null ? this.store.at(before.value) : null;
    if ((old?.kind === "dir") !== (node.kind === "dir") && dir.lower !== null) dir.dirty = true;
    dir.children.set(name, node.id);
    if (dir.lower !== null) dir.whiteouts.add(name);
    node.links = 1;
    if (node.kind === "dir") node.parent = dir.id;
  }

  // ---- names --------------------------------------------------------------------------------------

  resolve(cwd: string, path: string, opts: { follow: boolean }): FsResult<NodeId> {
    return this.paths.resolve(cwd, path, opts.follow);
  }

  stat(node: NodeId): FsResult<Stat> {
    const n = this.store.get(node);
    return n === undefined ? err(ERRNO.ENOENT) : ok(this.store.stat(n));
  }

  /** stat(2) / lstat(2) by path. */
  statPath(cwd: string, path: string, follow: boolean): FsResult<Stat> {
    const r = this.resolve(cwd, path, { follow });
    return r.ok ? this.stat(r.value) : r;
  }

  // ---- open files ----------------------------------------------------------------------------------

  open(cwd: string, path: string, flags: number, mode: number, umask: number): FsResult<Handle> {
    if ((flags & O_PATH) !== 0) {
      const r = this.resolve(cwd, path, { follow: (flags & O_NOFOLLOW) === 0 });
      if (!r.ok) return r;
      if ((flags & O_DIRECTORY) !== 0 && this.store.at(r.value).kind !== "dir") return err(ERRNO.ENOTDIR);
      return ok(this.newHandle(r.value, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)));
    }
    const writeIntent = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
    let id: NodeId;
    if ((flags & O_CREAT) !== 0) {
      if ((flags & O_DIRECTORY) !== 0) return err(ERRNO.EINVAL);
      const excl = (flags & O_EXCL) !== 0;
      const w = this.paths.walkAt(cwd, path, !(excl || (flags & O_NOFOLLOW) !== 0));
      if (!w.ok) return w;
      if (w.value.type === "norm" && w.value.slash) return err(ERRNO.EISDIR);
      if (w.value.node === null) {
        const parent = this.paths.dirOf(w.value);
        if (parent.links === 0) return err(ERRNO.ENOENT);
        const node = this.store.newFile(mode & ~umask & 0o7777);
        this.inheritGroup(parent, node);
        this.store.attach(parent, w.value.name, node);
        return ok(this.newHandle(node.id, flags));
      }
      if (excl) return err(ERRNO.EEXIST);
      if (this.store.at(w.value.node).kind === "dir") return err(ERRNO.EISDIR);
      id = w.value.node;
    } else {
      const r = this.resolve(cwd, path, { follow: (flags & O_NOFOLLOW) === 0 });
      if (!r.ok) return r;
      id = r.value;
    }
    const n = this.store.at(id);
    if ((flags & O_DIRECTORY) !== 0 && n.kind !== "dir") return err(ERRNO.ENOTDIR);
    if (n.kind === "symlink") return err(ERRNO.ELOOP);
    if (n.kind === "dir" && writeIntent) return err(ERRNO.EISDIR);
    if (n.kind === "special") return err(ERRNO.ENXIO);
    if (n.kind === "file" && (flags & O_TRUNC) !== 0) {
      const data = this.store.data(n, false);
      if (!data.ok) return data;
      data.value.truncate(0);
      this.store.touch(n, { m: true, c: true });
    }
    return ok(this.newHandle(id, flags));
  }

  private newHandle(node: NodeId, flags: number): Handle {
    const h = this.nextHandle++;
    this.files.set(h, { node, flags, refcount: 1 });
    this.store.at(node).opens++;
    return h;
  }

  private file(h: Handle): FsResult<OpenFile> {
    const f = this.files.get(h);
    return f === undefined ? err(ERRNO.EBADF) : ok(f);
  }

  /** The open-file-table entry behind a handle (for the server: flags, node). */
  openFile(h: Handle): FsResult<Readonly<OpenFile>> {
    return this.file(h);
  }

  read(h: Handle, offset: number, length: number): FsResult<Uint8Array> {
    const f = this.file(h);
    if (!f.ok) return f;
    if (!readable(f.value.flags)) return err(ERRNO.EBADF);
    if (!isInt(offset) || !isInt(length) || offset < 0 || length < 0) return err(ERRNO.EINVAL);
    const n = this.store.at(f.value.node);
    const len = Math.min(length, MAX_RW_COUNT);
    switch (n.kind) {
      case "dir": return err(ERRNO.EISDIR);
      case "chr": return ok(n.device === "null" ? new Uint8Array(0) : new Uint8Array(Math.min(len, ZERO_READ_MAX)));
      case "file": return this.readFileNode(n, offset, len);
      default: return err(ERRNO.EINVAL);
    }
  }

  private readFileNode(n: FileNode, offset: number, length: number): FsResult<Uint8Array> {
    if (n.data !== null) return ok(n.data.read(offset, length));
    const size = n.lowerStat!.size;
    const len = Math.max(0, Math.min(length, size - offset));
    if (len === 0) return ok(new Uint8Array(0));
    return this.store.lower.read(n.lower!, offset, len);
  }

  write(h: Handle, offset: number, bytes: Uint8Array): FsResult<number> {
    const f = this.file(h);
    if (!f.ok) return f;
    if (!writable(f.value.flags)) return err(ERRNO.EBADF);
    if (!isInt(offset) || offset < 0) return err(ERRNO.EINVAL);
    const n = this.store.at(f.value.node);
    if (n.kind === "chr") return ok(Math.min(bytes.length, MAX_RW_COUNT));
    if (n.kind !== "file") return err(ERRNO.EINVAL);
    if (bytes.length === 0) return ok(0);
    const at = (f.value.flags & O_APPEND) !== 0 ? this.store.stat(n).size : offset;
    if (at >= MAX_FILE_SIZE) return err(ERRNO.EFBIG);
    const count = Math.min(bytes.length, MAX_RW_COUNT, MAX_FILE_SIZE - at);
    const data = this.store.data(n);
    if (!data.ok) return data;
    data.value.write(at, count === bytes.length ? bytes : bytes.subarray(0, count));
    this.store.touch(n, { m: true, c: true });
    return ok(count);
  }

  size(h: Handle): FsResult<number> {
    const f = this.file(h);
    return f.ok ? ok(this.store.stat(this.store.at(f.value.node)).size) : f;
  }

  truncate(h: Handle, size: number): FsResult<void> {
    const f = this.file(h);
    if (!f.ok) return f;
    if ((f.value.flags & O_PATH) !== 0) return err(ERRNO.EBADF);
    const n = this.store.at(f.value.node);
    if (!writable(f.value.flags) || n.kind !== "file" || !isInt(size) || size < 0) return err(ERRNO.EINVAL);
    return this.truncateNode(n, size);
  }

  /** truncate(2) by path (follows links). */
  truncatePath(cwd: string, path: string, size: number): FsResult<void> {
    const r = this.resolve(cwd, path, { follow: true });
    if (!r.ok) return r;
    const n = this.store.at(r.value);
    if (n.kind === "dir") return err(ERRNO.EISDIR);
    if (n.kind !== "file" || !isInt(size) || size < 0) return err(ERRNO.EINVAL);
    return this.truncateNode(n, size);
  }

  private truncateNode(n: FileNode, size: number): FsResult<void> {
    if (size > MAX_FILE_SIZE) return err(ERRNO.EFBIG);
    const data = this.store.data(n, size > 0);
    if (!data.ok) return data;
    data.value.truncate(size);
    this.store.touch(n, { m: true, c: true });
    return ok(undefined);
  }

  fstat(h: Handle): FsResult<Stat> {
    const f = this.file(h);
    return f.ok ? this.stat(f.value.node) : f;
  }

  /** Drop one reference; the entry goes away with the last one. */
  close(h: Handle): FsResult<void> {
    const f = this.file(h);
    if (!f.ok) return f;
    if (--f.value.refcount > 0) return ok(undefined);
    this.files.delete(h);
    const n = this.store.at(f.value.node);
    n.opens--;
    this.store.release(n);
    return ok(undefined);
  }

  /** One more reference to the same open-file-table entry; returns the same handle. */
  dup(h: Handle): FsResult<Handle> {
    const f = this.file(h);
    if (!f.ok) return f;
    f.value.refcount++;
    return ok(h);
  }

  /** ".", "..", then the merged entries sorted by name bytes; a removed directory lists nothing. */
  readdir(h: Handle): FsResult<DirEntry[]> {
    const f = this.file(h);
    if (!f.ok) return f;
    if ((f.value.flags & O_PATH) !== 0) return err(ERRNO.EBADF);
    const d = this.store.at(f.value.node);
    if (d.kind !== "dir") return err(ERRNO.ENOTDIR);
    if (d.links === 0) return ok([]);
    const list = this.store.entries(d);
    if (!list.ok) return list;
    const out: DirEntry[] = [
      { name: ".", ino: d.ino, type: DT_DIR },
      { name: "..", ino: this.store.at(d.parent).ino, type: DT_DIR },
    ];
    for (const [name, id] of list.value) {
      const n = this.store.at(id);
      out.push({ name, ino: n.ino, type: dtOfMode(this.store.stat(n).mode) });
    }
    return ok(out);
  }

  // ---- directory changes --------------------------------------------------------------------------

  mkdir(cwd: string, path: string, mode: number, umask: number): FsResult<void> {
    const w = this.paths.walkAt(cwd, path, "never");
    if (!w.ok) return w;
    if (w.value.type !== "norm" || w.value.node !== null) return err(ERRNO.EEXIST);
    const parent = this.paths.dirOf(w.value);
    if (parent.links === 0) return err(ERRNO.ENOENT);
    const node = this.store.newDir(mode & ~umask & 0o1777, parent.id);
    if (this.inheritGroup(parent, node)) this.store.meta(node).mode |= S_ISGID;
    this.store.attach(parent, w.value.name, node);
    return ok(undefined);
  }

  /**
   * mknod: a fifo, socket or character/block device node (`mode` carries the S_IFMT type; 0 or S_IFREG
   * makes an empty regular file, as Linux does). Device nodes are listed and stat'ed; opening any of
   * these gives ENXIO (ours: no devices and no named pipes behind them yet).
   */
  mknod(cwd: string, path: string, mode: number, umask: number, rdev: number): FsResult<void> {
    const type = mode & S_IFMT;
    if (type === 0 || type === S_IFREG) {
      const h = this.open(cwd, path, O_WRONLY | O_CREAT | O_EXCL, mode & 0o7777, umask);
      if (!h.ok) return h;
      this.close(h.value);
      return ok(undefined);
    }
    if (type !== S_IFIFO && type !== S_IFSOCK && type !== S_IFCHR && type !== S_IFBLK) return err(ERRNO.EINVAL);
    const w = this.paths.walkAt(cwd, path, "never");
    if (!w.ok) return w;
    if (w.value.type !== "norm" || w.value.node !== null) return err(ERRNO.EEXIST);
    const parent = this.paths.dirOf(w.value);
    if (parent.links === 0) return err(ERRNO.ENOENT);
    const node = this.store.newSpecial(type | (mode & ~umask & 0o7777), type === S_IFCHR || type === S_IFBLK ? rdev >>> 0 : 0);
    this.inheritGroup(parent, node);
    this.store.attach(parent, w.value.name, node);
    return ok(undefined);
  }

  /** New files take a set-group-ID directory's group; true when the directory is set-group-ID. */
  private inheritGroup(parent: DirNode, node: Node): boolean {
    const p = this.store.stat(parent);
    if ((p.mode & S_ISGID) === 0) return false;
    this.store.meta(node).gid = p.gid;
    return true;
  }

  unlink(cwd: string, path: string): FsResult<void> {
    const w = this.paths.walkAt(cwd, path, "never");
    if (!w.ok) return w;
    if (w.value.type !== "norm") return err(ERRNO.EISDIR);
    if (w.value.node === null) return err(ERRNO.ENOENT);
    const n = this.store.at(w.value.node);
    if (n.kind === "dir") return err(ERRNO.EISDIR);
    if (w.value.slash) return err(ERRNO.ENOTDIR);
    this.store.detach(this.paths.dirOf(w.value), w.value.name, n);
    return ok(undefined);
  }

  rmdir(cwd: string, path: string): FsResult<void> {
    const w = this.paths.walkAt(cwd, path, "never");
    if (!w.ok) return w;
    if (w.value.type === "dot") return err(ERRNO.EINVAL);
    if (w.value.type === "dotdot") return err(ERRNO.ENOTEMPTY);
    if (w.value.type === "root") return err(ERRNO.EBUSY);
    if (w.value.node === null) return err(ERRNO.ENOENT);
    const n = this.store.at(w.value.node);
    if (n.kind !== "dir") return err(ERRNO.ENOTDIR);
    const empty = this.store.isEmpty(n);
    if (!empty.ok) return empty;
    if (!empty.value) return err(ERRNO.ENOTEMPTY);
    this.store.detach(this.paths.dirOf(w.value), w.value.name, n);
    return ok(undefined);
  }

  rename(cwd: string, from: string, cwd2: string, to: string): FsResult<void> {
    const a = this.paths.walkAt(cwd, from, "never");
    if (!a.ok) return a;
    const b = this.paths.walkAt(cwd2, to, "never");
    if (!b.ok) return b;
    const src = a.value;
    const dst = b.value;
    if (src.type !== "norm" || dst.type !== "norm") return err(ERRNO.EBUSY);
    if (src.node === null) return err(ERRNO.ENOENT);
    const n = this.store.at(src.node);
    const isDir = n.kind === "dir";
    if (!isDir && (src.slash || dst.slash)) return err(ERRNO.ENOTDIR);
    if (isDir && this.store.isAncestor(n.id, dst.dir)) return err(ERRNO.EINVAL);
    const victim = dst.node === null ? null : this.store.at(dst.node);
    if (victim !== null && victim.kind === "dir" && this.store.isAncestor(victim.id, src.dir)) return err(ERRNO.ENOTEMPTY);
    if (victim === n) return ok(undefined);
    if (victim !== null) {
      if (isDir && victim.kind !== "dir") return err(ERRNO.ENOTDIR);
      if (!isDir && victim.kind === "dir") return err(ERRNO.EISDIR);
      if (victim.kind === "dir") {
        const empty = this.store.isEmpty(victim);
        if (!empty.ok) return empty;
        if (!empty.value) return err(ERRNO.ENOTEMPTY);
      }
    }
    const fromDir = this.paths.dirOf(src);
    const toDir = this.paths.dirOf(dst);
    if (toDir.links === 0) return err(ERRNO.ENOENT);
    if (victim !== null) this.store.detach(toDir, dst.name, victim);
    this.store.removeEntry(fromDir, src.name);
    this.store.addEntry(toDir, dst.name, n);
    this.store.touch(n, { c: true });
    return ok(undefined);
  }

  /** link(2); `follow` is linkat's AT_SYMLINK_FOLLOW for the old name. */
  link(cwd: string, from: string, cwd2: string, to: string, follow = false): FsResult<void> {
    const a = this.resolve(cwd, from, { follow });
    if (!a.ok) return a;
    const w = this.paths.walkAt(cwd2, to, "never");
    if (!w.ok) return w;
    const made = this.checkNewName(w.value);
    if (made !== 0) return err(made);
    const n = this.store.at(a.value);
    if (n.kind === "dir") return err(ERRNO.EPERM);
    if (n.links === 0) return err(ERRNO.ENOENT);
    this.store.attach(this.paths.dirOf(w.value), w.value.name, n);
    this.store.touch(n, { c: true });
    return ok(undefined);
  }

  /** Linux's filename_create checks for a name about to be made (0 when free). */
  private checkNewName(w: Walked): number {
    if (w.type !== "norm" || w.node !== null) return ERRNO.EEXIST;
    if (w.slash) return ERRNO.ENOENT;
    if (this.paths.dirOf(w).links === 0) return ERRNO.ENOENT;
    return 0;
  }

  symlink(target: string, cwd: string, path: string): FsResult<void> {
    const bad = checkPath(target);
    if (bad !== 0) return err(bad);
    const w = this.paths.walkAt(cwd, path, "never");
    if (!w.ok) return w;
    const made = this.checkNewName(w.value);
    if (made !== 0) return err(made);
    this.store.attach(this.paths.dirOf(w.value), w.value.name, this.store.newSymlink(target));
    return ok(undefined);
  }

  readlink(cwd: string, path: string): FsResult<string> {
    const r = this.resolve(cwd, path, { follow: false });
    if (!r.ok) return r;
    const n = this.store.at(r.value);
    if (n.kind !== "symlink") return err(ERRNO.EINVAL);
    return this.store.readlink(n);
  }

  // ---- attributes ---------------------------------------------------------------------------------

  chmod(cwd: string, path: string, mode: number): FsResult<void> {
    const r = this.resolve(cwd, path, { follow: true });
    return r.ok ? this.chmodNode(this.store.at(r.value), mode) : r;
  }

  fchmod(h: Handle, mode: number): FsResult<void> {
    const f = this.file(h);
    if (!f.ok) return f;
    if ((f.value.flags & O_PATH) !== 0) return err(ERRNO.EBADF);
    return this.chmodNode(this.store.at(f.value.node), mode);
  }

  private chmodNode(n: Node, mode: number): FsResult<void> {
    const m = this.store.meta(n);
    m.mode = (m.mode & S_IFMT) | (mode & 0o7777);
    this.store.touch(n, { c: true });
    return ok(undefined);
  }

  /** chown(2) / lchown(2) (follow=false); -1 (or 0xFFFFFFFF) leaves an id unchanged. */
  chown(cwd: string, path: string, uid: number, gid: number, follow = true): FsResult<void> {
    const r = this.resolve(cwd, path, { follow });
    return r.ok ? this.chownNode(this.store.at(r.value), uid, gid) : r;
  }

  fchown(h: Handle, uid: number, gid: number): FsResult<void> {
    const f = this.file(h);
    if (!f.ok) return f;
    if ((f.value.flags & O_PATH) !== 0) return err(ERRNO.EBADF);
    return this.chownNode(this.store.at(f.value.node), uid, gid);
  }

  private chownNode(n: Node, uid: number, gid: number): FsResult<void> {
    if (!isInt(uid) || !isInt(gid)) return err(ERRNO.EINVAL);
    const m = this.store.meta(n);
    if (!UNCHANGED.includes(uid)) m.uid = uid >>> 0;
    if (!UNCHANGED.includes(gid)) m.gid = gid >>> 0;
    // Linux clears set-user-ID, and set-group-ID with group execute, on any chown of a non-directory.
    if ((m.mode & S_IFMT) !== S_IFDIR && n.kind !== "symlink") {
      m.mode &= ~S_ISUID;
      if ((m.mode & S_IXGRP) !== 0) m.mode &= ~S_ISGID;
    }
    this.store.touch(n, { c: true });
    return ok(undefined);
  }

  /** utimensat(2): each time a value, "now", "omit", or null (= "now", as utimes(path, NULL)). */
  utimes(cwd: string, path: string, atime: TimeArg, mtime: TimeArg, follow = true): FsResult<void> {
    const bad = [atime, mtime].some((t) => t !== null && typeof t === "object" && (!isInt(t.sec) || !isInt(t.nsec) || t.nsec < 0 || t.nsec >= 1e9));
    if (bad) return err(ERRNO.EINVAL);
    const r = this.resolve(cwd, path, { follow });
    if (!r.ok) return r;
    if (atime === "omit" && mtime === "omit") return ok(undefined);
    const n = this.store.at(r.value);
    const m = this.store.meta(n);
    this.store.touch(n, { c: true });
    if (atime !== "omit") m.atime = atime === null || atime === "now" ? m.ctime : atime;
    if (mtime !== "omit") m.mtime = mtime === null || mtime === "now" ? m.ctime : mtime;
    return ok(undefined);
  }

  /** access(2) as root: existence, and for X_OK an execute bit on a non-directory. */
  access(cwd: string, path: string, mode: number): FsResult<void> {
    if (!isInt(mode) || (mode & ~ACCESS_ALL) !== 0) return err(ERRNO.EINVAL);
    const r = this.resolve(cwd, path, { follow: true });
    if (!r.ok) return r;
    const s = this.store.stat(this.store.at(r.value));
    if ((mode & 1) !== 0 && (s.mode & S_IFMT) !== S_IFDIR && (s.mode & 0o111) === 0) return err(ERRNO.EACCES);
    return ok(undefined);
  }

  /** The whole contents of a file (for the ELF loader); follows links. */
  readFile(cwd: string, path: string): FsResult<Uint8Array> {
    const r = this.resolve(cwd, path, { follow: true });
    if (!r.ok) return r;
    const n = this.store.at(r.value);
    switch (n.kind) {
      case "dir": return err(ERRNO.EISDIR);
      case "file": return this.readFileNode(n, 0, this.store.stat(n).size);
      case "chr": return n.device === "null" ? ok(new Uint8Array(0)) : err(ERRNO.EINVAL);
      default: return err(ERRNO.ENXIO);
    }
  }
}
