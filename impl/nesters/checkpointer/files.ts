// The file-tree part of a checkpoint: which names the child tree changed (seen in the FileSystem traffic
// the checkpointer forwards: opens for writing or creating, unlink, rename, mkdir, rmdir, link, symlink,
// chmod, chown, utime, mknod), their contents at the checkpoint (read through the checkpointer's own
// FileSystem port: a regular file's bytes, mode and modification time, a directory's mode, a link's
// target, or "absent"), and putting them back in a fresh file tree before a restored child starts.
// Above: checkpointer.ts. Below: the FileSystem and FileDescription protocols, libc.
import { invoke } from "../libc/client.js";
import { dropRef, newRef, type Nest, type NestEnv } from "../libnest/env.js";
import type { ProxyCall } from "../libnest/proxy.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import type { FileEntry } from "../protocol/checkpoint-image.js";
import { FileDescription, FileSystem } from "../protocol/protocols.js";
import { joinPath } from "../protocol/path.js";

const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;
const O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_TRUNC = 0o1000, O_APPEND = 0o2000;
const ENOENT = 2, EEXIST = 17;

/** The names a forwarded FileSystem request may have changed (none for reads). */
export const changedNames = (c: ProxyCall): string[] => {
  const m = c.method;
  if (m === undefined || m.protocol !== "FileSystem" || c.status !== 0) return [];
  const f = m.req.decode(c.words, 1) as Record<string, unknown> | null;
  if (f === null) return [];
  const cwd = typeof f["cwd"] === "string" ? (f["cwd"] as string) : "/";
  const at = (k: string): string => joinPath(cwd, f[k] as string);
  switch (m.name) {
    case "open": {
      const flags = f["flags"] as number;
      return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) !== 0 ? [at("path")] : [];
    }
    case "rename": case "link": return [at("from"), at("to")];
    case "mkdir": case "rmdir": case "unlink": case "symlink": case "chmod": case "chown": case "utime": case "mknod": return [at("path")];
    default: return [];
  }
};

/** The current state of each name in `names`, read through FileSystem port `fs`. */
export function* captureFiles(env: NestEnv, fs: number, names: Iterable<string>): Nest<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const path of [...new Set(names)].sort()) {
    const st = yield* invoke(fs, FileSystem.methods.stat, { cwd: "/", path, follow: 0 });
    if (st.status === ENOENT) {
      out.push({ path, kind: "absent" });
      continue;
    }
    if (st.status !== 0) throw new Error(`checkpointer: cannot stat ${path} (errno ${st.status})`);
    const mode = st.rep!.mode, type = mode & S_IFMT;
    if (type === S_IFDIR) out.push({ path, kind: "dir", mode: mode & 0o7777 });
    else if (type === S_IFLNK) {
      const l = yield* invoke(fs, FileSystem.methods.readlink, { cwd: "/", path });
      if (l.status !== 0) throw new Error(`checkpointer: cannot read link ${path} (errno ${l.status})`);
      out.push({ path, kind: "symlink", target: l.rep!.target });
    } else if (type === S_IFREG) {
      const data = yield* readAll(env, fs, path);
      out.push({ path, kind: "file", mode: mode & 0o7777, data: Buffer.from(data).toString("base64"), mtime: [st.rep!.mtime_sec, st.rep!.mtime_nsec] });
    }
    // Other kinds (fifos, devices made with mknod) are left as the fresh tree has them.
  }
  return out;
}

function* readAll(env: NestEnv, fs: number, path: string): Nest<Uint8Array> {
  const ref = yield* newRef(env);
  const o = yield* invoke(fs, FileSystem.methods.open, { cwd: "/", path, flags: 0, mode: 0, umask: 0 }, [], [ref]);
  if (o.status !== 0) {
    yield* dropRef(env, ref);
    throw new Error(`checkpointer: cannot open ${path} (errno ${o.status})`);
  }
  const parts: Uint8Array[] = [];
  for (;;) {
    const r = yield* invoke(ref, FileDescription.methods.read, { length: MAX_FIELD_BYTES });
    if (r.status !== 0) throw new Error(`checkpointer: cannot read ${path} (errno ${r.status})`);
    if (r.rep!.data.length === 0) break;
    parts.push(r.rep!.data.slice());
  }
  yield* invoke(ref, FileDescription.methods.close, {});
  yield* dropRef(env, ref);
  return Buffer.concat(parts);
}

const depth = (p: string): number => p.split("/").length;

/** Put the recorded names back in the file tree behind `fs` (a fresh system, before the child starts). */
export function* restoreFiles(env: NestEnv, fs: number, entries: readonly FileEntry[]): Nest<void> {
  const fail = (what: string, path: string, errno: number): never => {
    throw new Error(`checkpointer: restore: cannot ${what} ${path} (errno ${errno})`);
  };
  const dirs = entries.filter((e) => e.kind === "dir").sort((a, b) => depth(a.path) - depth(b.path));
  for (const e of dirs) {
    const r = yield* invoke(fs, FileSystem.methods.mkdir, { cwd: "/", path: e.path, mode: e.mode, umask: 0 });
    if (r.status !== 0 && r.status !== EEXIST) fail("make directory", e.path, r.status);
    yield* invoke(fs, FileSystem.methods.chmod, { cwd: "/", path: e.path, mode: e.mode });
  }
  for (const e of entries) {
    if (e.kind === "symlink") {
      yield* invoke(fs, FileSystem.methods.unlink, { cwd: "/", path: e.path });
      const r = yield* invoke(fs, FileSystem.methods.symlink, { target: e.target, cwd: "/", path: e.path });
      if (r.status !== 0) fail("make link", e.path, r.status);
    } else if (e.kind === "file") {
      const ref = yield* newRef(env);
      const o = yield* invoke(fs, FileSystem.methods.open, { cwd: "/", path: e.path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: e.mode, umask: 0 }, [], [ref]);
      if (o.status !== 0) {
        yield* dropRef(env, ref);
        fail("create", e.path, o.status);
      }
      const data = Buffer.from(e.data, "base64");
      for (let at = 0; at < data.length; at += MAX_FIELD_BYTES) {
        const w = yield* invoke(ref, FileDescription.methods.write, { data: new Uint8Array(data.subarray(at, at + MAX_FIELD_BYTES)) });
        if (w.status !== 0) fail("write", e.path, w.status);
      }
      yield* invoke(ref, FileDescription.methods.close, {});
      yield* dropRef(env, ref);
      yield* invoke(fs, FileSystem.methods.chmod, { cwd: "/", path: e.path, mode: e.mode });
      yield* invoke(fs, FileSystem.methods.utime, { cwd: "/", path: e.path, atime_sec: e.mtime[0], atime_nsec: e.mtime[1], mtime_sec: e.mtime[0], mtime_nsec: e.mtime[1], follow: 1 });
    }
  }
  const gone = entries.filter((e) => e.kind === "absent").sort((a, b) => depth(b.path) - depth(a.path));
  for (const e of gone) {
    const u = yield* invoke(fs, FileSystem.methods.unlink, { cwd: "/", path: e.path });
    if (u.status === 0 || u.status === ENOENT) continue;
    const r = yield* invoke(fs, FileSystem.methods.rmdir, { cwd: "/", path: e.path });
    if (r.status !== 0 && r.status !== ENOENT) fail("remove", e.path, r.status);
  }
}
