// Linux path resolution over the overlay tree (fs/namei.c's rules): components split at "/", "." and
// "..", ".." at the root staying at the root, symbolic links followed in every intermediate component
// and in the last one when asked (or when the path ends in "/"), absolute link targets starting again
// at the guest root (never the host's), at most 40 links per resolution (ELOOP), ENOTDIR when a
// non-directory is used as a directory, ENAMETOOLONG for a component over 255 bytes or a path of 4096
// bytes or more, ENOENT for an empty path. Guest paths are byte strings: one char per byte (a char
// above 0xFF, or a NUL, is EINVAL: it cannot come from guest memory). The walk stops before the last
// component's use, returning the directory, the last name and its node (or null): the creating and
// removing operations of vfs.ts need all three. Above: vfs.ts. Below: vfs-node.ts.
import { type DirNode, type NodeStore, ROOT } from "./vfs-node.js";
import { ERRNO, type FsResult, MAXSYMLINKS, NAME_MAX, type NodeId, PATH_MAX, err, ok } from "./vfs-types.js";

/** "norm": a name; "dot", "dotdot": the path ends in "." or ".."; "root": the path is only slashes. */
export type LastType = "norm" | "dot" | "dotdot" | "root";

export interface Walked {
  /** The directory holding the last component. */
  readonly dir: NodeId;
  readonly name: string;
  readonly type: LastType;
  /** The node the path names, null when the last component does not exist. */
  readonly node: NodeId | null;
  /** The path ended in "/" (after a name). */
  readonly slash: boolean;
}

/** EINVAL for chars that are not bytes or are NUL; ENOENT for ""; ENAMETOOLONG for >= PATH_MAX bytes. */
export const checkPath = (path: string): number => {
  if (path.length === 0) return ERRNO.ENOENT;
  if (path.length >= PATH_MAX) return ERRNO.ENAMETOOLONG;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0 || c > 0xff) return ERRNO.EINVAL;
  }
  return 0;
};

export class PathWalker {
  constructor(private readonly store: NodeStore) {}

  /** The directory a relative path starts from: `cwd`, an absolute guest path, resolved from the root. */
  start(cwd: string, path: string): FsResult<NodeId> {
    if (path.startsWith("/")) return ok(ROOT);
    if (!cwd.startsWith("/")) return err(ERRNO.EINVAL);
    const r = this.walk(ROOT, cwd, true);
    if (!r.ok) return r;
    if (r.value.node === null) return err(ERRNO.ENOENT);
    if (this.store.at(r.value.node).kind !== "dir") return err(ERRNO.ENOTDIR);
    return ok(r.value.node);
  }

  /**
   * Walk `path` from `cwd` up to its last component. A last symbolic link is followed when `follow`
   * is true, or when the path ends in "/" unless `follow` is "never" (the operations that work on the
   * entry itself: mkdir, unlink, rmdir, rename, link's new name, symlink).
   */
  walkAt(cwd: string, path: string, follow: boolean | "never"): FsResult<Walked> {
    const bad = checkPath(path);
    if (bad !== 0) return err(bad);
    const start = this.start(cwd, path);
    if (!start.ok) return start;
    return this.walk(start.value, path, follow);
  }

  /** The node `path` names: ENOENT when missing, ENOTDIR for a trailing "/" on a non-directory. */
  resolve(cwd: string, path: string, follow: boolean): FsResult<NodeId> {
    const w = this.walkAt(cwd, path, follow);
    if (!w.ok) return w;
    if (w.value.node === null) return err(ERRNO.ENOENT);
    if (w.value.slash && this.store.at(w.value.node).kind !== "dir") return err(ERRNO.ENOTDIR);
    return ok(w.value.node);
  }

  walk(start: NodeId, path: string, follow: boolean | "never", count = { links: 0 }): FsResult<Walked> {
    const comps = path.split("/").filter((c) => c !== "");
    let cur = path.startsWith("/") ? ROOT : start;
    if (comps.length === 0) return ok({ dir: cur, name: "/", type: "root", node: cur, slash: false });
    const slash = path.endsWith("/");
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i]!;
      const last = i === comps.length - 1;
      const d = this.store.at(cur);
      if (d.kind !== "dir") return err(ERRNO.ENOTDIR);
      if (c === "." || c === "..") {
        const next = c === "." ? cur : d.parent;
        if (last) return ok({ dir: cur, name: c, type: c === "." ? "dot" : "dotdot", node: next, slash });
        cur = next;
        continue;
      }
      if (c.length > NAME_MAX) return err(ERRNO.ENAMETOOLONG);
      const found = this.store.lookup(d, c);
      if (!found.ok) return found;
      const child = found.value;
      if (child === null) {
        if (last) return ok({ dir: cur, name: c, type: "norm", node: null, slash });
        return err(ERRNO.ENOENT);
      }
      const n = this.store.at(child);
      if (n.kind === "symlink" && (!last || follow === true || (slash && follow !== "never"))) {
        if (++count.links > MAXSYMLINKS) return err(ERRNO.ELOOP);
        const target = this.store.readlink(n);
        if (!target.ok) return target;
        if (target.value === "") return err(ERRNO.ENOENT);
        const r = this.walk(cur, target.value, true, count);
        if (!r.ok) return r;
        if (last) return ok({ ...r.value, slash: r.value.slash || slash });
        if (r.value.node === null) return err(ERRNO.ENOENT);
        cur = r.value.node;
        continue;
      }
      if (last) return ok({ dir: cur, name: c, type: "norm", node: child, slash });
      cur = child;
    }
    // Only reached when the last component was "." or ".." handled above, or a followed link.
    return ok({ dir: cur, name: ".", type: "dot", node: cur, slash });
  }

  dirOf(w: Walked): DirNode {
    return this.store.dir(w.dir);
  }
}
