// The file-system nester: it serves its tree (fs/vfs.ts: the guest root from the host, read-only, under
// a writable layer in memory) with the FileSystem protocol, and every open file as a FileDescription port
// of its own (alias = the description's number), which keeps the offset, as Linux's open file
// description does. It also owns the console (host standard input, output and error) as three
// FileDescription ports: host I/O enters the system only here. It draws memory from its parent, serves
// the Parent protocol for its one child (the next nester) and starts it: its child gets a sub-pool of
// its memory, its file tree and the console.
// Above: the boot stack (impl/nesters/stack.ts), its child. Below: vfs.ts, libnest, libc, the kernel.
import { FileDescription, FileSystem, Parent, STAT_FIELDS } from "../protocol/protocols.js";
import type { MessageOf } from "../protocol/codec.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import { invoke, must } from "../libc/client.js";
import { newRef, ok, store, type Nest, type NestEnv } from "../libnest/env.js";
import { Dispatch, fail, reply, serve, type Meta } from "../libnest/serve.js";
import { newPortSet, refTo as refToPort, spawnPooledChild } from "../libnest/ports.js";
import { Memory } from "../protocol/protocols.js";
import { FLUKE_PROT_ALL, FLUKE_PROT_EXEC, FLUKE_PROT_READ } from "../../../spec/kernel-api/common.js";
import { O_APPEND, O_NONBLOCK, O_RDONLY, S_IFCHR, S_IFMT, S_IFREG, Vfs, type Bind, type FsResult, type Stat, type Timespec } from "./vfs.js";

const EIO = 5, ENOMEM = 12, EBADF = 9, EINVAL = 22, ENOTTY = 25, ESPIPE = 29, ENODEV = 19, EPERM = 1, ENOTDIR = 20;

/** The host side of the console. */
export interface Console {
  /** Write to host standard output (1) or error (2). */
  write(fd: 1 | 2, bytes: Uint8Array): void;
  /** Up to `max` bytes of host standard input; empty at end of input. */
  read(max: number): Uint8Array;
  /** Terminal size when the host's fd is a terminal, else null. */
  terminal(fd: 0 | 1 | 2): { rows: number; cols: number } | null;
}

export interface FsConfig {
  readonly root: string;
  readonly console: Console;
  /** Virtual clock for the writable layer. */
  readonly now: () => Timespec;
  /** Quota of the child's memory pool, bytes. */
  readonly childQuota: number;
  readonly child?: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  /** Host directories shown read-only inside the tree (the user's current directory for `fluke run`). */
  readonly binds?: readonly Bind[];
  /** Files to create in the writable layer before serving (parent directories are made as needed). */
  readonly files?: readonly { readonly path: string; readonly bytes: Uint8Array; readonly mode?: number }[];
}

/** Create `files` in the writable layer of `vfs`; throws on a path the tree refuses (a caller's mistake). */
export const seedFiles = (vfs: Vfs, files: FsConfig["files"] = []): void => {
  for (const f of files) {
    const parts = f.path.split("/").filter((x) => x !== "");
    for (let i = 1; i < parts.length; i++) vfs.mkdir("/", "/" + parts.slice(0, i).join("/"), 0o755, 0);
    const h = vfs.open("/", f.path, 0o1101 /* O_WRONLY|O_CREAT|O_TRUNC */, f.mode ?? 0o644, 0);
    if (!h.ok) throw new Error(`fs: cannot create ${f.path}: errno ${h.errno}`);
    const w = vfs.write(h.value, 0, f.bytes);
    vfs.close(h.value);
    if (!w.ok) throw new Error(`fs: cannot write ${f.path}: errno ${w.errno}`);
  }
};

const FS_ALIAS = 1, PARENT_ALIAS = 2, CONSOLE_ALIAS = [3, 4, 5] as const, FILE_BASE = 0x100;

type StatMsg = MessageOf<typeof STAT_FIELDS>;
/** A u64 field from a host number: a host inode number past 2^53 (overlayfs xino, some XFS) is a rounded double that the u64 schema refuses: keep its low 53 bits rather than fail the reply. */
const u64 = (n: number): number => (Number.isSafeInteger(n) && n >= 0 ? n : Math.max(0, n) % 2 ** 53);
const statMsg = (s: Stat): StatMsg => ({
  dev: u64(s.dev), ino: u64(s.ino), mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: u64(s.rdev), size: s.size, blksize: s.blksize, blocks: u64(s.blocks),
  atime_sec: Math.max(0, s.atime.sec), atime_nsec: s.atime.nsec, mtime_sec: Math.max(0, s.mtime.sec), mtime_nsec: s.mtime.nsec,
  ctime_sec: Math.max(0, s.ctime.sec), ctime_nsec: s.ctime.nsec,
});

/** A console device's status (a character device, as a tty or a pipe would show; ours: 136,0 for /dev/pts/0). */
const consoleStat = (now: Timespec): StatMsg => ({
  dev: 22, ino: 3, mode: S_IFCHR | 0o620, nlink: 1, uid: 0, gid: 5, rdev: (136 << 8) | 0, size: 0, blksize: 1024, blocks: 0,
  atime_sec: now.sec, atime_nsec: now.nsec, mtime_sec: now.sec, mtime_nsec: now.nsec, ctime_sec: now.sec, ctime_nsec: now.nsec,
});

interface Description {
  readonly h: number;
  readonly port: number;
  offset: number;
  flags: number;
}

export function* fsNester(env: NestEnv, cfg: FsConfig): Nest<void> {
  const vfs = new Vfs({ root: cfg.root, now: cfg.now, binds: cfg.binds });
  seedFiles(vfs, cfg.files);
  env.memory = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [env.memory]);

  const ports = yield* newPortSet(env);
  const newPort = ports.newPort;
  const refTo = (port: number) => refToPort(env, port);
  const fsPort = yield* newPort(FS_ALIAS);
  const consolePorts: number[] = [];
  for (const a of CONSOLE_ALIAS) consolePorts.push(yield* newPort(a));

  const files = new Map<number, Description>();
  let nextFile = FILE_BASE;
  const res = <T>(r: FsResult<T>, f: (v: T) => ReturnType<typeof reply>) => (r.ok ? f(r.value) : fail(r.errno));

  const d = new Dispatch();
  // ---- FileSystem ---------------------------------------------------------------------------------
  const fsOnly = (meta: Meta): boolean => meta.alias === FS_ALIAS;
  d.on(FileSystem.methods.open, function* (m, meta) {
    if (!fsOnly(meta)) return fail(EBADF);
    // O_APPEND is the description's (set_flags may change it): the server picks the write position
    // itself, so the Vfs entry is opened without it
    const h = vfs.open(m.cwd, m.path, m.flags & ~O_APPEND, m.mode, m.umask);
    if (!h.ok) return fail(h.errno);
    const st = vfs.fstat(h.value);
    const alias = nextFile++;
    const port = yield* newPort(alias);
    files.set(alias, { h: h.value, port, offset: 0, flags: m.flags });
    const ref = yield* refTo(port);
    return reply(FileSystem.methods.open, { kind: st.ok ? st.value.mode & S_IFMT : 0 }, [ref], [ref]);
  });
  d.on(FileSystem.methods.stat, function* (m, meta) {
    if (!fsOnly(meta)) return fail(EBADF);
    return res(vfs.statPath(m.cwd, m.path, m.follow !== 0), (s) => reply(FileSystem.methods.stat, statMsg(s)));
  });
  const simple = <T>(r: FsResult<T>) => (r.ok ? { status: 0, words: [], refs: [] } : fail(r.errno));
  d.on(FileSystem.methods.access, function* (m, meta) { return fsOnly(meta) ? simple(vfs.access(m.cwd, m.path, m.mode)) : fail(EBADF); });
  d.on(FileSystem.methods.mkdir, function* (m, meta) { return fsOnly(meta) ? simple(vfs.mkdir(m.cwd, m.path, m.mode, m.umask)) : fail(EBADF); });
  d.on(FileSystem.methods.mknod, function* (m, meta) { return fsOnly(meta) ? simple(vfs.mknod(m.cwd, m.path, m.mode, m.umask, m.dev)) : fail(EBADF); });
  d.on(FileSystem.methods.rmdir, function* (m, meta) { return fsOnly(meta) ? simple(vfs.rmdir(m.cwd, m.path)) : fail(EBADF); });
  d.on(FileSystem.methods.unlink, function* (m, meta) { return fsOnly(meta) ? simple(vfs.unlink(m.cwd, m.path)) : fail(EBADF); });
  d.on(FileSystem.methods.rename, function* (m, meta) { return fsOnly(meta) ? simple(vfs.rename(m.cwd, m.from, m.cwd, m.to)) : fail(EBADF); });
  d.on(FileSystem.methods.link, function* (m, meta) { return fsOnly(meta) ? simple(vfs.link(m.cwd, m.from, m.cwd, m.to)) : fail(EBADF); });
  d.on(FileSystem.methods.symlink, function* (m, meta) { return fsOnly(meta) ? simple(vfs.symlink(m.target, m.cwd, m.path)) : fail(EBADF); });
  d.on(FileSystem.methods.readlink, function* (m, meta) {
    if (!fsOnly(meta)) return fail(EBADF);
    return res(vfs.readlink(m.cwd, m.path), (target) => reply(FileSystem.methods.readlink, { target }));
  });
  d.on(FileSystem.methods.chmod, function* (m, meta) { return fsOnly(meta) ? simple(vfs.chmod(m.cwd, m.path, m.mode)) : fail(EBADF); });
  d.on(FileSystem.methods.chown, function* (m, meta) { return fsOnly(meta) ? simple(vfs.chown(m.cwd, m.path, m.uid, m.gid, m.follow !== 0)) : fail(EBADF); });
  d.on(FileSystem.methods.utime, function* (m, meta) {
    if (!fsOnly(meta)) return fail(EBADF);
    const t = (sec: number, nsec: number) => (nsec === 0x3fffffff ? ("now" as const) : nsec === 0x3ffffffe ? ("omit" as const) : { sec, nsec });
    return simple(vfs.utimes(m.cwd, m.path, t(m.atime_sec, m.atime_nsec), t(m.mtime_sec, m.mtime_nsec), m.follow !== 0));
  });

  // ---- FileDescription: files and the console -------------------------------------------------------
  const consoleOf = (meta: Meta): 0 | 1 | 2 | null => {
    const i = CONSOLE_ALIAS.indexOf(meta.alias as 3 | 4 | 5);
    return i < 0 ? null : (i as 0 | 1 | 2);
  };
  const fileOf = (meta: Meta): Description | undefined => files.get(meta.alias);
  const clip = (n: number): number => Math.min(n, MAX_FIELD_BYTES);
  /** Where a write at `offset` goes: the end of the file with O_APPEND (pwrite too, as Linux does). */
  const writePosition = (f: Description, offset: number): FsResult<number> =>
    (f.flags & O_APPEND) !== 0 ? vfs.size(f.h) : { ok: true, value: offset };

  d.on(FileDescription.methods.read, function* (m, meta) {
    const c = consoleOf(meta);
    if (c !== null) return c === 0 ? reply(FileDescription.methods.read, { data: cfg.console.read(clip(m.length)) }) : fail(EBADF);
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    const r = vfs.read(f.h, f.offset, clip(m.length));
    if (!r.ok) return fail(r.errno);
    f.offset += r.value.length;
    return reply(FileDescription.methods.read, { data: r.value });
  });
  d.on(FileDescription.methods.pread, function* (m, meta) {
    if (consoleOf(meta) !== null) return fail(ESPIPE);
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    return res(vfs.read(f.h, m.offset, clip(m.length)), (data) => reply(FileDescription.methods.pread, { data }));
  });
  d.on(FileDescription.methods.write, function* (m, meta) {
    const c = consoleOf(meta);
    if (c !== null) {
      if (c === 0) return fail(EBADF);
      cfg.console.write(c, m.data);
      return reply(FileDescription.methods.write, { count: m.data.length });
    }
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    const at = writePosition(f, f.offset);
    if (!at.ok) return fail(at.errno);
    const r = vfs.write(f.h, at.value, m.data);
    if (!r.ok) return fail(r.errno);
    f.offset = at.value + r.value;
    return reply(FileDescription.methods.write, { count: r.value });
  });
  d.on(FileDescription.methods.pwrite, function* (m, meta) {
    if (consoleOf(meta) !== null) return fail(ESPIPE);
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    const at = writePosition(f, m.offset);
    return at.ok ? res(vfs.write(f.h, at.value, m.data), (count) => reply(FileDescription.methods.pwrite, { count })) : fail(at.errno);
  });
  d.on(FileDescription.methods.seek, function* (m, meta) {
    if (consoleOf(meta) !== null) return fail(ESPIPE);
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    // offset: a signed 64-bit value carried in 53 bits (two's complement over 2^53)
    const off = m.offset >= 2 ** 52 ? m.offset - 2 ** 53 : m.offset;
    let base: number;
    if (m.whence === 0) base = 0;
    else if (m.whence === 1) base = f.offset;
    else if (m.whence === 2) {
      const sz = vfs.size(f.h);
      if (!sz.ok) return fail(sz.errno);
      base = sz.value;
    } else return fail(EINVAL);
    if (base + off < 0) return fail(EINVAL);
    f.offset = base + off;
    return reply(FileDescription.methods.seek, { offset: f.offset });
  });
  d.on(FileDescription.methods.stat, function* (_m, meta) {
    if (consoleOf(meta) !== null) return reply(FileDescription.methods.stat, consoleStat(cfg.now()));
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    return res(vfs.fstat(f.h), (s) => reply(FileDescription.methods.stat, statMsg(s)));
  });
  d.on(FileDescription.methods.set_size, function* (m, meta) {
    if (consoleOf(meta) !== null) return fail(EINVAL);
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    return simple(vfs.truncate(f.h, m.size));
  });
  d.on(FileDescription.methods.readdir, function* (m, meta) {
    const f = fileOf(meta);
    if (f === undefined) return fail(consoleOf(meta) !== null ? ENOTDIR : EBADF);
    const r = vfs.readdir(f.h);
    if (!r.ok) return fail(r.errno);
    const parts: number[] = [];
    let i = m.index;
    for (; i < r.value.length && i - m.index < m.max; i++) {
      const e = r.value[i]!, name = Buffer.from(e.name, "latin1");
      if (parts.length + 10 + name.length > MAX_FIELD_BYTES) break;
      const ino = e.ino;
      for (let b = 0; b < 8; b++) parts.push(b < 4 ? (ino >>> (8 * b)) & 0xff : Math.floor(ino / 2 ** 32) >>> (8 * (b - 4)) & 0xff);
      parts.push(e.type, name.length, ...name);
    }
    return reply(FileDescription.methods.readdir, { entries: Uint8Array.from(parts), next: i });
  });
  d.on(FileDescription.methods.get_flags, function* (_m, meta) {
    const c = consoleOf(meta);
    if (c !== null) return reply(FileDescription.methods.get_flags, { flags: c === 0 ? O_RDONLY : 1 });
    const f = fileOf(meta);
    return f === undefined ? fail(EBADF) : reply(FileDescription.methods.get_flags, { flags: f.flags });
  });
  d.on(FileDescription.methods.set_flags, function* (m, meta) {
    if (consoleOf(meta) !== null) return reply(FileDescription.methods.set_flags, {});
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    f.flags = (f.flags & ~(O_APPEND | O_NONBLOCK)) | (m.flags & (O_APPEND | O_NONBLOCK));
    return reply(FileDescription.methods.set_flags, {});
  });
  d.on(FileDescription.methods.is_terminal, function* (_m, meta) {
    const c = consoleOf(meta);
    const t = c === null ? null : cfg.console.terminal(c);
    return t === null ? fail(ENOTTY) : reply(FileDescription.methods.is_terminal, t);
  });
  // map: the file's bytes in memory the fs nester holds (a segment of its pool, filled once per
  // version of the file), exported through a region of the fs nester's own with read and execute
  // rights only, so every client shares the same pages and none can change them (ours: a private
  // writable mapping is the client's copy, made by the client).
  const pageCache = new Map<string, { readonly regionRef: number; readonly size: number }>();
  d.on(FileDescription.methods.map, function* (_m, meta) {
    const f = fileOf(meta);
    if (f === undefined) return fail(consoleOf(meta) !== null ? ENODEV : EBADF);
    const st = vfs.fstat(f.h);
    if (!st.ok) return fail(st.errno);
    if ((st.value.mode & S_IFMT) !== S_IFREG) return fail(ENODEV);
    const key = `${st.value.dev}:${st.value.ino}:${st.value.size}:${st.value.mtime.sec}:${st.value.mtime.nsec}`;
    let entry = pageCache.get(key);
    if (entry === undefined) {
      const size = Math.max(4096, Math.ceil(st.value.size / 4096) * 4096);
      const seg = yield* newRef(env);
      const r = yield* invoke(env.memory, Memory.methods.create_var_segment, { size }, [], [seg]);
      if (r.status !== 0) return fail(r.status);
      const va = env.space.alloc(r.rep!.size);
      if (va === null) return fail(ENOMEM);
      const mapping = env.alloc.alloc("mapping");
      yield* ok("fluke_mapping_create", { new_mapping: mapping });
      yield* ok("fluke_mapping_set_state", { mapping, state: { hash: 0, region_off: 0, start_va: va, size: r.rep!.size, prot: FLUKE_PROT_ALL }, region_ref: seg, task_ref: env.self });
      yield* must(env.memory, Memory.methods.prefault, { segment: r.rep!.segment, offset: 0, length: size, write: 1 });
      for (let at = 0; at < st.value.size; at += 1 << 20) {
        const bytes = vfs.read(f.h, at, Math.min(1 << 20, st.value.size - at));
        if (!bytes.ok) return fail(bytes.errno);
        if (!store(env, va + at, bytes.value)) return fail(EIO);
      }
      const region = env.alloc.alloc("region");
      yield* ok("fluke_region_create", { new_region: region });
      yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: va, size, prot: FLUKE_PROT_READ | FLUKE_PROT_EXEC }, task_ref: env.self, keeper_ref: 0 });
      const regionRef = yield* newRef(env);
      yield* ok("fluke_region_reference", { region, new_region_ref: regionRef });
      entry = { regionRef, size };
      pageCache.set(key, entry);
    }
    const out = yield* newRef(env);
    yield* ok("fluke_ref_copy", { src_ref: entry.regionRef, dst_ref: out });
    return reply(FileDescription.methods.map, { size: entry.size }, [out], [out]);
  });
  d.on(FileDescription.methods.close, function* (_m, meta) {
    if (consoleOf(meta) !== null) return reply(FileDescription.methods.close, {});
    const f = fileOf(meta);
    if (f === undefined) return fail(EBADF);
    files.delete(meta.alias);
    vfs.close(f.h);
    yield* ok("fluke_port_destroy", { port: f.port });
    env.alloc.release("port", f.port);
    return reply(FileDescription.methods.close, {});
  });

  // ---- Parent, for the child --------------------------------------------------------------------------
  const parentOnly = (meta: Meta): boolean => meta.alias === PARENT_ALIAS;
  d.on(Parent.methods.get_memory_service, function* (_m, meta) {
    if (!parentOnly(meta)) return fail(EPERM);
    const ref = yield* newRef(env);
    yield* must(env.memory, Memory.methods.create_sub_pool, { quota: cfg.childQuota }, [], [ref]);
    return reply(Parent.methods.get_memory_service, {}, [ref], [ref]);
  });
  d.on(Parent.methods.get_filesystem_service, function* (_m, meta) {
    if (!parentOnly(meta)) return fail(EPERM);
    const ref = yield* refTo(fsPort);
    return reply(Parent.methods.get_filesystem_service, {}, [ref], [ref]);
  });
  d.on(Parent.methods.get_console, function* (_m, meta) {
    if (!parentOnly(meta)) return fail(EPERM);
    const refs: number[] = [];
    for (const p of consolePorts) refs.push(yield* refTo(p));
    return reply(Parent.methods.get_console, {}, refs, refs);
  });

  if (cfg.child !== undefined) {
    yield* spawnPooledChild(env, yield* refTo(yield* newPort(PARENT_ALIAS)), cfg.child);
  }
  yield* serve(env, ports.pset, (w, meta) => d.handle(w, meta));
}
