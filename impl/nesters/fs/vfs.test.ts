// Tests of the Vfs: against the real Debian 12 i386 guest root (fetched on first use), and against a
// small host tree made per test in a temporary directory for path resolution, overlay semantics,
// devices and the open-file table. Every test that writes checks that the host tree did not change.
// The random-operation oracle test is vfs.oracle.test.ts.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { guestRoot, readGuestBinary } from "../procmgr/guest-binaries.js";
import { bytes, errnoOf, makeLowerTree, removeLowerTrees, snapshotTree, text, value, vfsOn } from "./test-support.js";
import {
  DT_CHR, DT_DIR, DT_LNK, DT_REG, ERRNO, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_RDWR, O_TRUNC,
  O_WRONLY, RDEV_NULL, S_IFCHR, S_IFIFO, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, UPPER_INO_BASE, VFS_DEV, type Vfs,
} from "./vfs.js";

afterAll(removeLowerTrees);

const names = (v: Vfs, path: string): string[] => {
  const h = value(v.open("/", path, O_RDONLY | O_DIRECTORY, 0, 0));
  const list = value(v.readdir(h)).map((e) => e.name);
  value(v.close(h));
  return list;
};

const writeNew = (v: Vfs, path: string, content: string, flags = O_WRONLY | O_CREAT | O_TRUNC): void => {
  const h = value(v.open("/", path, flags, 0o644, 0o022));
  expect(value(v.write(h, 0, bytes(content)))).toBe(content.length);
  value(v.close(h));
};

const read = (v: Vfs, path: string): string => text(value(v.readFile("/", path)));

describe("Vfs on the Debian 12 i386 guest root", () => {
  const root = guestRoot();

  it("stats /usr/bin/sort as the host's lstat of the same file", () => {
    const v = vfsOn(root);
    const host = lstatSync(join(root, "usr/bin/sort"), { bigint: true });
    const s = value(v.stat(value(v.resolve("/", "/usr/bin/sort", { follow: true }))));
    expect(s.dev).toBe(VFS_DEV);
    expect(s.ino).toBe(Number(host.ino));
    expect(s.mode).toBe(Number(host.mode));
    expect(s.mode & S_IFMT).toBe(S_IFREG);
    expect([s.nlink, s.uid, s.gid, s.size, s.blocks]).toEqual([host.nlink, host.uid, host.gid, host.size, host.blocks].map(Number));
    expect(s.mtime).toEqual({ sec: Number(host.mtimeNs / 1_000_000_000n), nsec: Number(host.mtimeNs % 1_000_000_000n) });
    expect(s.ctime).toEqual({ sec: Number(host.ctimeNs / 1_000_000_000n), nsec: Number(host.ctimeNs % 1_000_000_000n) });
  });

  it("shows /bin as the root has it (a real directory: dpkg-deb -x unpacks Debian 12 without the /usr merge)", () => {
    const v = vfsOn(root);
    const host = lstatSync(join(root, "bin"));
    const s = value(v.stat(value(v.resolve("/", "/bin", { follow: false }))));
    expect(s.mode & S_IFMT).toBe(host.isSymbolicLink() ? S_IFLNK : S_IFDIR);
    expect(Buffer.from(value(v.readFile("/", "/bin/bash"))).equals(Buffer.from(readGuestBinary("bash")))).toBe(true);
  });

  it("lists / as ls -a of the host directory, sorted by name bytes", () => {
    const v = vfsOn(root);
    const host = [".", "..", ...readdirSync(root).sort()];
    expect(names(v, "/")).toEqual(host);
    const h = value(v.open("/", "/", O_RDONLY, 0, 0));
    const etc = value(v.readdir(h)).find((e) => e.name === "etc")!;
    expect(etc.ino).toBe(lstatSync(join(root, "etc")).ino);
    expect(etc.type).toBe(DT_DIR);
  });

  it("reads /etc files with the host's bytes, through a relative link too (the root has no /etc/passwd)", () => {
    const v = vfsOn(root);
    expect(read(v, "/etc/debian_version")).toBe(readFileSync(join(root, "etc/debian_version"), "latin1"));
    expect(read(v, "/etc/os-release")).toBe(readFileSync(join(root, "usr/lib/os-release"), "latin1"));
    expect(errnoOf(v.readFile("/", "/etc/passwd"))).toBe(ERRNO.ENOENT);
    const ldso = value(v.readFile("/lib", "ld-linux.so.2"));
    expect(Buffer.from(ldso).equals(Buffer.from(readGuestBinary("ldso")))).toBe(true);
  });

  it("resolves an absolute lower link from the guest root: /etc/rmt -> /usr/sbin/rmt", () => {
    const v = vfsOn(root);
    expect(value(v.readlink("/", "/etc/rmt"))).toBe("/usr/sbin/rmt");
    const inGuest = lstatSync(join(root, "usr/sbin/rmt"), { throwIfNoEntry: false });
    const r = v.resolve("/", "/etc/rmt", { follow: true });
    if (inGuest === undefined) expect(errnoOf(r)).toBe(ERRNO.ENOENT);
    else expect(value(v.stat(value(r))).ino).toBe(inGuest.ino);
  });

  it("never writes the guest root: copy-up, whiteouts and renames stay in memory", () => {
    const before = snapshotTree(join(root, "etc"));
    const v = vfsOn(root);
    const h = value(v.open("/", "/etc/debian_version", O_WRONLY | O_APPEND, 0, 0));
    value(v.write(h, 0, bytes("changed\n")));
    value(v.close(h));
    value(v.unlink("/", "/etc/issue"));
    value(v.rename("/", "/etc/skel", "/", "/etc/skel2"));
    value(v.chmod("/", "/etc/host.conf", 0o600));
    expect(read(v, "/etc/debian_version")).toBe(readFileSync(join(root, "etc/debian_version"), "latin1") + "changed\n");
    expect(errnoOf(v.resolve("/", "/etc/issue", { follow: true }))).toBe(ERRNO.ENOENT);
    expect(snapshotTree(join(root, "etc"))).toEqual(before);
  });
});

describe("path resolution", () => {
  it("keeps .. at the root and absolute link targets inside the guest root", () => {
    const lower = makeLowerTree();
    const v = vfsOn(lower);
    const etc = value(v.resolve("/", "/etc", { follow: true }));
    expect(value(v.resolve("/", "/../../..", { follow: true }))).toBe(value(v.resolve("/", "/", { follow: true })));
    expect(value(v.resolve("/usr/bin", "../../../../etc", { follow: true }))).toBe(etc);
    expect(value(v.resolve("/", "/up-etc", { follow: true }))).toBe(etc);
    expect(read(v, "/etc/abs-hosts")).toBe("127.0.0.1 localhost\n");
    value(v.symlink("/../../etc", "/", "/tmp/esc"));
    expect(value(v.resolve("/", "/tmp/esc", { follow: true }))).toBe(etc);
    expect(names(v, "/tmp/esc/")).toEqual([".", "..", "abs-hosts", "hosts"]);
  });

  it("follows links in intermediate components always and in the last one only when asked", () => {
    const v = vfsOn(makeLowerTree());
    const link = value(v.resolve("/", "/bin", { follow: false }));
    expect(value(v.stat(link)).mode & S_IFMT).toBe(S_IFLNK);
    expect(value(v.stat(value(v.resolve("/", "/bin", { follow: true })))).mode & S_IFMT).toBe(S_IFDIR);
    expect(value(v.stat(value(v.resolve("/", "/bin/", { follow: false })))).mode & S_IFMT).toBe(S_IFDIR);
    expect(read(v, "/bin/tool")).toBe("TOOL-BYTES");
    expect(errnoOf(v.resolve("/", "/dangling", { follow: true }))).toBe(ERRNO.ENOENT);
    expect(value(v.readlink("/", "/dangling"))).toBe("nowhere");
  });

  it("gives ELOOP after 40 links and not before", () => {
    const v = vfsOn(makeLowerTree());
    value(v.mkdir("/", "/tmp/l", 0o755, 0));
    writeNew(v, "/tmp/l/f0", "end");
    for (let i = 1; i <= 41; i++) value(v.symlink(`f${i - 1}`, "/tmp/l", `f${i}`));
    expect(read(v, "/tmp/l/f40")).toBe("end");
    expect(errnoOf(v.readFile("/", "/tmp/l/f41"))).toBe(ERRNO.ELOOP);
    value(v.symlink("self", "/tmp", "self"));
    expect(errnoOf(v.resolve("/", "/tmp/self", { follow: true }))).toBe(ERRNO.ELOOP);
    expect(errnoOf(v.resolve("/", "/tmp/self/x", { follow: false }))).toBe(ERRNO.ELOOP);
    expect(value(v.stat(value(v.resolve("/", "/tmp/self", { follow: false })))).mode & S_IFMT).toBe(S_IFLNK);
  });

  it("gives ENOTDIR for a file used as a directory, ENOENT for empty or missing, ENAMETOOLONG past the limits", () => {
    const v = vfsOn(makeLowerTree());
    expect(errnoOf(v.resolve("/", "/etc/hosts/x", { follow: true }))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.resolve("/", "/etc/hosts/", { follow: true }))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.resolve("/", "/etc/hosts/.", { follow: true }))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.resolve("/etc/hosts", "x", { follow: true }))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.resolve("/", "", { follow: true }))).toBe(ERRNO.ENOENT);
    expect(errnoOf(v.resolve("/", "/nope/x", { follow: true }))).toBe(ERRNO.ENOENT);
    expect(errnoOf(v.resolve("/", "/etc/" + "n".repeat(256), { follow: true }))).toBe(ERRNO.ENAMETOOLONG);
    expect(errnoOf(v.resolve("/", "/etc/" + "n".repeat(255), { follow: true }))).toBe(ERRNO.ENOENT);
    expect(errnoOf(v.resolve("/", "/" + "./".repeat(2048), { follow: true }))).toBe(ERRNO.ENAMETOOLONG);
    expect(value(v.resolve("/", "/" + "./".repeat(2047), { follow: true }))).toBe(value(v.resolve("/", "/", { follow: true })));
    expect(errnoOf(v.mkdir("/", "/tmp/" + "d".repeat(256), 0o755, 0))).toBe(ERRNO.ENAMETOOLONG);
    expect(errnoOf(v.resolve("/", "/etc/h\u0100", { follow: true }))).toBe(ERRNO.EINVAL);
  });

  it("resolves relative paths against cwd and the byte-string names of the guest", () => {
    const v = vfsOn(makeLowerTree());
    value(v.mkdir("/", "/tmp/\xe9t\xe9", 0o755, 0));
    writeNew(v, "/tmp/\xe9t\xe9/f", "ok");
    expect(read(v, "/tmp/\xe9t\xe9/./../\xe9t\xe9/f")).toBe("ok");
    expect(text(value(v.readFile("/tmp/\xe9t\xe9", "f")))).toBe("ok");
    expect(errnoOf(v.resolve("relative", "f", { follow: true }))).toBe(ERRNO.EINVAL);
  });
});

describe("overlay semantics", () => {
  it("creates, writes and reads back upper files with synthetic inodes and the virtual clock", () => {
    let t = 5000;
    const v = vfsOn(makeLowerTree(), () => ({ sec: t, nsec: 7 }));
    const h = value(v.open("/", "/etc/new", O_RDWR | O_CREAT | O_EXCL, 0o666, 0o022));
    t = 6000;
    expect(value(v.write(h, 3, bytes("abc")))).toBe(3);
    expect(text(value(v.read(h, 0, 100)))).toBe("\0\0\0abc");
    expect(text(value(v.read(h, 4, 1)))).toBe("b");
    expect(value(v.read(h, 6, 10)).length).toBe(0);
    const s = value(v.fstat(h));
    expect(s.mode).toBe(S_IFREG | 0o644);
    expect(s.ino).toBeGreaterThanOrEqual(UPPER_INO_BASE);
    expect([s.size, s.nlink, s.blocks]).toEqual([6, 1, 8]);
    expect(s.mtime).toEqual({ sec: 6000, nsec: 7 });
    expect(s.atime).toEqual({ sec: 5000, nsec: 7 });
    expect(errnoOf(v.open("/", "/etc/new", O_WRONLY | O_CREAT | O_EXCL, 0o644, 0))).toBe(ERRNO.EEXIST);
    expect(names(v, "/etc")).toEqual([".", "..", "abs-hosts", "hosts", "new"]);
  });

  it("copies a lower file up on write, keeping the lower bytes and inode, and leaves the host alone", () => {
    const lower = makeLowerTree();
    const before = snapshotTree(lower);
    const v = vfsOn(lower);
    const ino = value(v.stat(value(v.resolve("/", "/usr/lib/x", { follow: true })))).ino;
    const h = value(v.open("/", "/usr/lib/x", O_RDWR, 0, 0));
    value(v.write(h, 4998, bytes("YYZZ")));
    value(v.close(h));
    const data = read(v, "/usr/lib/x");
    expect(data).toBe("x".repeat(4998) + "YYZZ");
    expect(value(v.stat(value(v.resolve("/", "/usr/lib/x", { follow: true })))).ino).toBe(ino);
    const a = value(v.open("/", "/etc/hosts", O_WRONLY | O_APPEND, 0, 0));
    value(v.write(a, 0, bytes("::1 ip6\n")));
    expect(value(v.size(a))).toBe(28);
    value(v.truncate(a, 9));
    expect(read(v, "/etc/hosts")).toBe("127.0.0.1");
    value(v.chmod("/", "/usr/bin/tool", 0o4700));
    expect(value(v.stat(value(v.resolve("/", "/bin/tool", { follow: true })))).mode).toBe(S_IFREG | 0o4700);
    value(v.chown("/", "/usr/bin/tool", 5, -1));
    const st = value(v.stat(value(v.resolve("/", "/usr/bin/tool", { follow: true }))));
    expect([st.uid, st.gid, st.mode]).toEqual([5, 0, S_IFREG | 0o700]);
    expect(snapshotTree(lower)).toEqual(before);
  });

  it("hides an unlinked lower file, and a file created again in its place is new and empty", () => {
    const lower = makeLowerTree();
    const v = vfsOn(lower);
    value(v.unlink("/", "/etc/hosts"));
    expect(errnoOf(v.readFile("/", "/etc/hosts"))).toBe(ERRNO.ENOENT);
    expect(names(v, "/etc")).toEqual([".", "..", "abs-hosts"]);
    expect(errnoOf(v.unlink("/", "/etc/hosts"))).toBe(ERRNO.ENOENT);
    writeNew(v, "/etc/hosts", "");
    expect(read(v, "/etc/hosts")).toBe("");
    expect(value(v.stat(value(v.resolve("/", "/etc/hosts", { follow: true })))).ino).toBeGreaterThanOrEqual(UPPER_INO_BASE);
    expect(readFileSync(join(lower, "etc/hosts"), "latin1")).toBe("127.0.0.1 localhost\n");
  });

  it("renames over an existing file, moves lower directories whole, and refuses Linux's bad renames", () => {
    const v = vfsOn(makeLowerTree());
    writeNew(v, "/tmp/a", "AAA");
    writeNew(v, "/tmp/b", "BBB");
    value(v.rename("/", "/tmp/a", "/tmp", "b"));
    expect(read(v, "/tmp/b")).toBe("AAA");
    expect(errnoOf(v.resolve("/", "/tmp/a", { follow: true }))).toBe(ERRNO.ENOENT);
    value(v.rename("/", "/usr/lib", "/", "/tmp/lib"));
    expect(names(v, "/tmp/lib")).toEqual([".", "..", "x", "y"]);
    expect(read(v, "/tmp/lib/x")).toBe("x".repeat(5000));
    expect(names(v, "/usr")).toEqual([".", "..", "bin"]);
    expect(errnoOf(v.rename("/", "/usr", "/", "/usr/bin/u"))).toBe(ERRNO.EINVAL);
    expect(errnoOf(v.rename("/", "/etc/hosts", "/", "/empty"))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.rename("/", "/empty", "/", "/etc/hosts"))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.rename("/", "/empty", "/", "/usr"))).toBe(ERRNO.ENOTEMPTY);
    // The target is an ancestor of the source: Linux's lock_rename trap answers ENOTEMPTY before EISDIR.
    expect(errnoOf(v.rename("/", "/usr/bin/tool", "/", "/usr"))).toBe(ERRNO.ENOTEMPTY);
    expect(errnoOf(v.rename("/", "/etc/hosts/", "/", "/tmp/h"))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.rename("/", "/tmp/.", "/", "/tmp/x"))).toBe(ERRNO.EBUSY);
    expect(errnoOf(v.rename("/", "/nope", "/", "/tmp/x"))).toBe(ERRNO.ENOENT);
    value(v.rename("/", "/empty", "/", "/tmp/lib2"));
    value(v.mkdir("/", "/tmp/d", 0o755, 0));
    value(v.rename("/", "/tmp/lib2", "/", "/tmp/d"));
    expect(names(v, "/")).not.toContain("empty");
    value(v.rename("/", "/etc/hosts", "/", "/etc/hosts"));
    expect(read(v, "/etc/hosts")).toBe("127.0.0.1 localhost\n");
  });

  it("rmdir: ENOTEMPTY for a merged non-empty directory, then removal once its lower entries are gone", () => {
    const v = vfsOn(makeLowerTree());
    expect(errnoOf(v.rmdir("/", "/usr/lib"))).toBe(ERRNO.ENOTEMPTY);
    expect(errnoOf(v.rmdir("/", "/"))).toBe(ERRNO.EBUSY);
    expect(errnoOf(v.rmdir("/", "/usr/."))).toBe(ERRNO.EINVAL);
    expect(errnoOf(v.rmdir("/", "/usr/lib/x"))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.rmdir("/", "/bin"))).toBe(ERRNO.ENOTDIR);
    value(v.unlink("/", "/usr/lib/x"));
    value(v.unlink("/", "/usr/lib/y"));
    value(v.rmdir("/", "/usr/lib/"));
    expect(names(v, "/usr")).toEqual([".", "..", "bin"]);
    value(v.mkdir("/", "/usr/lib", 0o700, 0));
    expect(names(v, "/usr/lib")).toEqual([".", ".."]);
    expect(value(v.stat(value(v.resolve("/", "/usr/lib", { follow: true })))).mode).toBe(S_IFDIR | 0o700);
    expect(errnoOf(v.unlink("/", "/usr/lib"))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.mkdir("/", "/usr/lib", 0o755, 0))).toBe(ERRNO.EEXIST);
    expect(errnoOf(v.mkdir("/", "/dangling", 0o755, 0))).toBe(ERRNO.EEXIST);
  });

  it("hard links share data and count links; an unlinked open file keeps its data", () => {
    const v = vfsOn(makeLowerTree());
    value(v.link("/", "/etc/hosts", "/", "/tmp/h2"));
    const st = value(v.stat(value(v.resolve("/", "/tmp/h2", { follow: true }))));
    expect(st.nlink).toBe(2);
    expect(st.ino).toBe(value(v.stat(value(v.resolve("/", "/etc/hosts", { follow: true })))).ino);
    const h = value(v.open("/", "/tmp/h2", O_RDWR, 0, 0));
    value(v.write(h, 0, bytes("XYZ")));
    expect(read(v, "/etc/hosts").slice(0, 3)).toBe("XYZ");
    expect(errnoOf(v.link("/", "/etc", "/", "/tmp/etc"))).toBe(ERRNO.EPERM);
    expect(errnoOf(v.link("/", "/etc/hosts", "/", "/tmp/h2"))).toBe(ERRNO.EEXIST);
    value(v.unlink("/", "/etc/hosts"));
    value(v.unlink("/", "/tmp/h2"));
    const node = value(v.openFile(h)).node;
    expect(value(v.stat(node)).nlink).toBe(0);
    expect(text(value(v.read(h, 0, 3)))).toBe("XYZ");
    expect(value(v.dup(h))).toBe(h);
    value(v.close(h));
    expect(text(value(v.read(h, 0, 3)))).toBe("XYZ");
    value(v.close(h));
    expect(errnoOf(v.read(h, 0, 3))).toBe(ERRNO.EBADF);
    expect(errnoOf(v.stat(node))).toBe(ERRNO.ENOENT);
  });

  it("symlinks, readlink, utimes and access", () => {
    const v = vfsOn(makeLowerTree());
    value(v.symlink("../etc/hosts", "/tmp", "hl"));
    expect(value(v.readlink("/", "/tmp/hl"))).toBe("../etc/hosts");
    expect(read(v, "/tmp/hl")).toBe("127.0.0.1 localhost\n");
    expect(value(v.stat(value(v.resolve("/", "/tmp/hl", { follow: false })))).size).toBe(12);
    expect(errnoOf(v.readlink("/", "/etc/hosts"))).toBe(ERRNO.EINVAL);
    expect(errnoOf(v.symlink("", "/", "/tmp/e"))).toBe(ERRNO.ENOENT);
    expect(errnoOf(v.symlink("x", "/", "/tmp/hl"))).toBe(ERRNO.EEXIST);
    expect(errnoOf(v.symlink("x", "/", "/tmp/new/"))).toBe(ERRNO.ENOENT);
    value(v.utimes("/", "/tmp/hl", { sec: 10, nsec: 1 }, "omit"));
    const s = value(v.stat(value(v.resolve("/", "/etc/hosts", { follow: true }))));
    expect(s.atime).toEqual({ sec: 10, nsec: 1 });
    expect(s.mtime).not.toEqual({ sec: 10, nsec: 1 });
    value(v.utimes("/", "/tmp/hl", null, { sec: 20, nsec: 0 }, false));
    expect(value(v.stat(value(v.resolve("/", "/tmp/hl", { follow: false })))).mtime).toEqual({ sec: 20, nsec: 0 });
    expect(errnoOf(v.utimes("/", "/tmp/hl", { sec: 1, nsec: 1e9 }, null))).toBe(ERRNO.EINVAL);
    expect(errnoOf(v.access("/", "/usr/bin/tool", 1))).toBe(0);
    expect(errnoOf(v.access("/", "/etc/hosts", 1))).toBe(ERRNO.EACCES);
    expect(errnoOf(v.access("/", "/etc/hosts", 6))).toBe(0);
    expect(errnoOf(v.access("/", "/etc", 1))).toBe(0);
    expect(errnoOf(v.access("/", "/nope", 0))).toBe(ERRNO.ENOENT);
    expect(errnoOf(v.access("/", "/etc", 8))).toBe(ERRNO.EINVAL);
  });
});

describe("open flags, devices and /tmp", () => {
  it("applies Linux's open errors", () => {
    const v = vfsOn(makeLowerTree());
    expect(errnoOf(v.open("/", "/etc", O_WRONLY, 0, 0))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.open("/", "/etc", O_RDONLY | O_TRUNC, 0, 0))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.open("/", "/etc", O_RDONLY | O_CREAT, 0o644, 0))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.open("/", "/etc/hosts", O_RDONLY | O_DIRECTORY, 0, 0))).toBe(ERRNO.ENOTDIR);
    expect(errnoOf(v.open("/", "/bin", O_RDONLY | O_NOFOLLOW, 0, 0))).toBe(ERRNO.ELOOP);
    expect(errnoOf(v.open("/", "/bin", O_RDONLY | O_NOFOLLOW | O_PATH, 0, 0))).toBe(0);
    expect(errnoOf(v.open("/", "/bin", O_WRONLY | O_CREAT | O_EXCL, 0o644, 0))).toBe(ERRNO.EEXIST);
    expect(errnoOf(v.open("/", "/tmp/x/", O_WRONLY | O_CREAT, 0o644, 0))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.open("/", "/tmp/nope", O_RDONLY, 0, 0))).toBe(ERRNO.ENOENT);
    const d = value(v.open("/", "/etc", O_RDONLY, 0, 0));
    expect(errnoOf(v.read(d, 0, 1))).toBe(ERRNO.EISDIR);
    expect(errnoOf(v.write(d, 0, bytes("x")))).toBe(ERRNO.EBADF);
    const f = value(v.open("/", "/etc/hosts", O_RDONLY, 0, 0));
    expect(errnoOf(v.write(f, 0, bytes("x")))).toBe(ERRNO.EBADF);
    expect(errnoOf(v.truncate(f, 0))).toBe(ERRNO.EINVAL);
    expect(errnoOf(v.readdir(f))).toBe(ERRNO.ENOTDIR);
    const p = value(v.open("/", "/etc/hosts", O_PATH, 0, 0));
    expect(errnoOf(v.read(p, 0, 1))).toBe(ERRNO.EBADF);
    expect(errnoOf(v.close(999))).toBe(ERRNO.EBADF);
  });

  it("creates through a dangling link and truncates with O_TRUNC", () => {
    const v = vfsOn(makeLowerTree());
    writeNew(v, "/dangling", "made");
    expect(read(v, "/nowhere")).toBe("made");
    const h = value(v.open("/", "/etc/hosts", O_RDONLY | O_TRUNC, 0, 0));
    expect(value(v.size(h))).toBe(0);
    writeNew(v, "/tmp/m", "x", O_WRONLY | O_CREAT);
    const s = value(v.stat(value(v.resolve("/", "/tmp/m", { follow: true }))));
    expect(s.mode).toBe(S_IFREG | 0o644);
  });

  it("provides /dev/null, /dev/zero and a writable /tmp (01777), not /dev/tty", () => {
    const v = vfsOn(makeLowerTree());
    const n = value(v.open("/", "/dev/null", O_RDWR, 0, 0));
    expect(value(v.write(n, 0, bytes("gone")))).toBe(4);
    expect(value(v.read(n, 0, 10)).length).toBe(0);
    const ns = value(v.fstat(n));
    expect([ns.mode, ns.rdev]).toEqual([S_IFCHR | 0o666, RDEV_NULL]);
    const z = value(v.open("/", "/dev/zero", O_RDONLY, 0, 0));
    expect(Array.from(value(v.read(z, 123, 5)))).toEqual([0, 0, 0, 0, 0]);
    expect(errnoOf(v.resolve("/", "/dev/tty", { follow: true }))).toBe(ERRNO.ENOENT);
    expect(errnoOf(v.resolve("/", "/proc/self", { follow: true }))).toBe(ERRNO.ENOENT);
    const h = value(v.open("/", "/dev", O_RDONLY, 0, 0));
    expect(value(v.readdir(h)).map((e) => [e.name, e.type])).toEqual([[".", DT_DIR], ["..", DT_DIR], ["null", DT_CHR], ["zero", DT_CHR]]);
    expect(value(v.stat(value(v.resolve("/", "/tmp", { follow: true })))).mode).toBe(S_IFDIR | 0o1777);
    writeNew(v, "/tmp/f", "t");
    value(v.symlink("f", "/tmp", "l"));
    const t = value(v.open("/", "/tmp", O_RDONLY, 0, 0));
    expect(value(v.readdir(t)).map((e) => [e.name, e.type])).toEqual([[".", DT_DIR], ["..", DT_DIR], ["f", DT_REG], ["l", DT_LNK]]);
  });

  it("O_APPEND writes at the end whatever the offset", () => {
    const v = vfsOn(makeLowerTree());
    writeNew(v, "/tmp/log", "one\n");
    const h = value(v.open("/", "/tmp/log", O_WRONLY | O_APPEND, 0, 0));
    value(v.write(h, 0, bytes("two\n")));
    expect(read(v, "/tmp/log")).toBe("one\ntwo\n");
  });

  it("mknod makes fifos and devices that stat shows and open refuses; type 0 is a regular file", () => {
    const v = vfsOn(makeLowerTree());
    value(v.mknod("/", "/tmp/p", S_IFIFO | 0o666, 0o022, 0));
    const st = value(v.stat(value(v.resolve("/", "/tmp/p", { follow: false }))));
    expect([st.mode, st.rdev, st.size]).toEqual([S_IFIFO | 0o644, 0, 0]);
    value(v.mknod("/", "/tmp/c", S_IFCHR | 0o600, 0, 0x0103));
    expect(value(v.stat(value(v.resolve("/", "/tmp/c", { follow: false })))).rdev).toBe(0x0103);
    expect(errnoOf(v.open("/", "/tmp/p", O_RDONLY, 0, 0))).toBe(ERRNO.ENXIO);
    expect(errnoOf(v.mknod("/", "/tmp/p", S_IFIFO | 0o600, 0, 0))).toBe(ERRNO.EEXIST);
    expect(errnoOf(v.mknod("/", "/tmp/bad", 0o170000, 0, 0))).toBe(ERRNO.EINVAL);
    expect(errnoOf(v.mknod("/", "/nonexistent/p", S_IFIFO, 0, 0))).toBe(ERRNO.ENOENT);
    value(v.mknod("/", "/tmp/r", 0o640, 0, 0));
    expect(value(v.stat(value(v.resolve("/", "/tmp/r", { follow: false })))).mode).toBe(S_IFREG | 0o640);
  });
});
