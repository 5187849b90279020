// The read-only lower layer of the Vfs: a host directory (the Debian guest root) read with node:fs
// synchronous calls and nothing else that could change it (lstat, readdir, readlink, open read-only,
// read, close). Paths here are relative guest paths made of components the path walker has checked
// (no "", ".", ".." or "/"; each directory on the way lstat'ed as a real directory, never a host
// symbolic link), so a host path can never leave the root. Names are byte strings (one char per byte,
// "latin1"), like every guest path of the Vfs. The host tree is assumed not to change while a Vfs
// uses it: listings are cached. Above: vfs-node.ts. Below: node:fs.
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync } from "node:fs";
import { ERRNO, type FsResult, type Timespec, err, ok } from "./vfs-types.js";

/** What the Vfs keeps of a host lstat (BigInt-precise times, converted once). */
export interface HostStat {
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize: number;
  readonly blocks: number;
  readonly atime: Timespec;
  readonly mtime: Timespec;
  readonly ctime: Timespec;
}

const BILLION = 1_000_000_000n;
const spec = (ns: bigint): Timespec => {
  let sec = ns / BILLION;
  let nsec = ns % BILLION;
  if (nsec < 0n) {
    nsec += BILLION;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec) };
};

/** A host error's code as a Linux errno (EIO for anything without a Linux name). */
export const hostErrno = (e: unknown): number => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const n = code === undefined ? undefined : (ERRNO as Record<string, number>)[code];
  return n ?? ERRNO.EIO;
};

/**
 * A host directory shown read-only at a guest directory (ours: how `fluke run` makes the user's current
 * directory visible to the program). Directories on the way to a bind point that the root lacks appear
 * as empty read-only directories.
 */
export interface Bind {
  /** Absolute guest path of the bind point. */
  readonly guest: string;
  /** The host directory shown there. */
  readonly host: string;
}

/** Directories that exist only to lead to a bind point (ours: inode numbers from 0x3f000000). */
const SYNTHETIC_DIR = 0o040555;

export class LowerLayer {
  private readonly rootBuf: Buffer;
  private readonly listings = new Map<string, readonly string[]>();
  /** Bind points as relative guest paths, longest first. */
  private readonly binds: readonly { readonly rel: string; readonly host: Buffer }[];

  constructor(root: string, binds: readonly Bind[] = []) {
    this.rootBuf = Buffer.from(root, "utf8");
    this.binds = binds
      .map((b) => ({ rel: b.guest.split("/").filter((x) => x !== "").join("/"), host: Buffer.from(realpathSync(b.host), "utf8") }))
      .filter((b) => b.rel !== "")
      .sort((a, b) => b.rel.length - a.rel.length);
  }

  /** The host path of a relative guest path ("" is the root itself). */
  private host(rel: string): Buffer {
    for (const b of this.binds) {
      if (rel === b.rel) return b.host;
      if (rel.startsWith(b.rel + "/")) return Buffer.concat([b.host, Buffer.from(rel.slice(b.rel.length), "latin1")]);
    }
    return rel === "" ? this.rootBuf : Buffer.concat([this.rootBuf, Buffer.from("/" + rel, "latin1")]);
  }

  /** The names bind points add to directory `rel` (the next component of every bind below it). */
  private bindNames(rel: string): string[] {
    const out: string[] = [];
    for (const b of this.binds) {
      if (rel !== "" && !b.rel.startsWith(rel + "/")) continue;
      const rest = rel === "" ? b.rel : b.rel.slice(rel.length + 1);
      out.push(rest.split("/")[0]!);
    }
    return out;
  }

  /** lstat; null when the entry does not exist. */
  lstat(rel: string): FsResult<HostStat | null> {
    const st = this.hostLstat(rel);
    if (st.ok && st.value === null && rel !== "" && this.binds.some((b) => b.rel.startsWith(rel + "/"))) {
      let ino = 0x3f00_0000;
      for (let i = 0; i < rel.length; i++) ino = (Math.imul(ino ^ rel.charCodeAt(i), 16777619) >>> 0) | 0x3f00_0000;
      const t = { sec: 0, nsec: 0 };
      return ok({ ino: ino >>> 0, mode: SYNTHETIC_DIR, nlink: 2, uid: 0, gid: 0, rdev: 0, size: 4096, blksize: 4096, blocks: 0, atime: t, mtime: t, ctime: t });
    }
    return st;
  }

  private hostLstat(rel: string): FsResult<HostStat | null> {
    try {
      const s = lstatSync(this.host(rel), { bigint: true });
      return ok({
        ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
        rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
        atime: spec(s.atimeNs), mtime: spec(s.mtimeNs), ctime: spec(s.ctimeNs),
      });
    } catch (e) {
      const n = hostErrno(e);
      return n === ERRNO.ENOENT || n === ERRNO.ENOTDIR ? ok(null) : err(n);
    }
  }

  /** The names of a host directory (without "." and ".."), sorted by bytes, cached. */
  names(rel: string): FsResult<readonly string[]> {
    const cached = this.listings.get(rel);
    if (cached !== undefined) return ok(cached);
    const extra = this.bindNames(rel);
    try {
      const list = [...new Set([...readdirSync(this.host(rel), { encoding: "buffer" }).map((b) => b.toString("latin1")), ...extra])].sort(byBytes);
      this.listings.set(rel, list);
      return ok(list);
    } catch (e) {
      if (extra.length === 0) return err(hostErrno(e));
      const list = [...new Set(extra)].sort(byBytes);
      this.listings.set(rel, list);
      return ok(list);
    }
  }

  readlink(rel: string): FsResult<string> {
    try {
      return ok(readlinkSync(this.host(rel), { encoding: "buffer" }).toString("latin1"));
    } catch (e) {
      return err(hostErrno(e));
    }
  }

  /** Up to `length` bytes from `offset` (short at end of file). */
  read(rel: string, offset: number, length: number): FsResult<Uint8Array> {
    let fd: number | undefined;
    try {
      fd = openSync(this.host(rel), "r");
      const out = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, out, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return ok(got === length ? out : out.slice(0, got));
    } catch (e) {
      return err(hostErrno(e));
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** Byte order of byte strings (each char code is one byte, so UTF-16 order is byte order). */
export const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
