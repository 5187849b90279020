// The overlay tree of the Vfs: every file, directory, symbolic link and device the guest has looked
// at is a node in one Map, keyed by a NodeId that never changes while the node lives. A node may be
// backed by a lower (host) object, named by its relative path in the guest root, and may carry upper
// state: `meta` (attributes, once changed: "copy-up" of the metadata), `data` (a file's bytes, once
// written: copy-up of the data), `target` (a symbolic link made in the upper layer). A directory node
// holds the entries known so far (`children`: lower entries looked up and upper ones created), the
// `whiteouts` hiding deleted lower names, and its parent (one: directories have no hard links). A
// lower entry becomes a node when first looked up, and stays the same node until unlinked, so
// identities are stable; a renamed node keeps its lower backing, which is why a lower directory can
// move anywhere without copying its tree. Nodes die when no entry names them and no open file refers
// to them. Above: vfs-path.ts (lookups) and vfs.ts (operations). Below: vfs-lower.ts, vfs-data.ts.
import { FileData } from "./vfs-data.js";
import { type Bind, type HostStat, LowerLayer, byBytes } from "./vfs-lower.js";
import {
  BLKSIZE, ERRNO, type FsResult, type NodeId, RDEV_NULL, RDEV_ZERO, S_IFCHR, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Stat,
  type Timespec, UPPER_INO_BASE, VFS_DEV, err, ok,
} from "./vfs-types.js";

export interface Meta { mode: number; uid: number; gid: number; atime: Timespec; mtime: Timespec; ctime: Timespec }

interface NodeBase {
  readonly id: NodeId;
  readonly ino: number;
  /** Relative guest path of the backing lower object, or null for an upper-only node. */
  readonly lower: string | null;
  readonly lowerStat: HostStat | null;
  /** Upper attributes: null while they are still the lower object's. */
  meta: Meta | null;
  /** Directory entries naming this node. */
  links: number;
  /** Open-file-table entries referring to this node. */
  opens: number;
}
export interface FileNode extends NodeBase { readonly kind: "file"; data: FileData | null }
export interface DirNode extends NodeBase {
  readonly kind: "dir";
  readonly children: Map<string, NodeId>;
  readonly whiteouts: Set<string>;
  parent: NodeId;
  /** The entry set differs from the lower directory's (its nlink is then reported as 1, as overlayfs does). */
  dirty: boolean;
}
export interface LinkNode extends NodeBase { readonly kind: "symlink"; target: string | null }
export interface DevNode extends NodeBase { readonly kind: "chr"; readonly device: "null" | "zero" }
/** A fifo, socket or device (from the lower tree, or made by mknod): listed and stat'ed, not opened (ENXIO). */
export interface SpecialNode extends NodeBase { readonly kind: "special"; readonly rdev?: number }
export type Node = FileNode | DirNode | LinkNode | DevNode | SpecialNode;

export const ROOT: NodeId = 1;

export class NodeStore {
  readonly lower: LowerLayer;
  private readonly nodes = new Map<NodeId, Node>();
  private nextId = ROOT;
  private nextIno = UPPER_INO_BASE;

  constructor(root: string, private readonly now: () => Timespec, readonly owner: { uid: number; gid: number }, binds: readonly Bind[] = []) {
    this.lower = new LowerLayer(root, binds);
  }

  /** Make the root node: the host directory, or an empty upper directory if it cannot be read. */
  initRoot(): void {
    const st = this.lower.lstat("");
    const s = st.ok && st.value !== null && (st.value.mode & S_IFMT) === S_IFDIR ? st.value : null;
    const id = this.nextId++;
    const node: DirNode = {
      kind: "dir", id, ino: s?.ino ?? this.nextIno++, lower: s === null ? null : "", lowerStat: s,
      meta: s === null ? this.freshMeta(S_IFDIR | 0o755) : null, links: 1, opens: 0, children: new Map(), whiteouts: new Set(),
      parent: id, dirty: false,
    };
    this.nodes.set(id, node);
  }

  get(id: NodeId): Node | undefined {
    return this.nodes.get(id);
  }

  /** A live node known to exist (internal invariant). */
  at(id: NodeId): Node {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`vfs: dangling node ${id}`);
    return n;
  }

  dir(id: NodeId): DirNode {
    const n = this.at(id);
    if (n.kind !== "dir") throw new Error(`vfs: node ${id} is not a directory`);
    return n;
  }

  freshMeta(mode: number): Meta {
    const t = this.now();
    return { mode, uid: this.owner.uid, gid: this.owner.gid, atime: t, mtime: t, ctime: t };
  }

  // ---- lookups ------------------------------------------------------------------------------------

  /** The node named `name` in `dir`, null when there is none; materialises lower entries. */
  lookup(dir: DirNode, name: string): FsResult<NodeId | null> {
    const known = dir.children.get(name);
    if (known !== undefined) return ok(known);
    if (dir.lower === null || dir.whiteouts.has(name)) return ok(null);
    const rel = dir.lower === "" ? name : `${dir.lower}/${name}`;
    const st = this.lower.lstat(rel);
    if (!st.ok) return st;
    if (st.value === null) return ok(null);
    const id = this.addLowerNode(rel, st.value, dir.id);
    dir.children.set(name, id);
    return ok(id);
  }

  private addLowerNode(rel: string, s: HostStat, parent: NodeId): NodeId {
    const id = this.nextId++;
    const base = { id, ino: s.ino, lower: rel, lowerStat: s, meta: null, links: 1, opens: 0 };
    let node: Node;
    switch (s.mode & S_IFMT) {
      case S_IFREG: node = { ...base, kind: "file", data: null }; break;
      case S_IFDIR: node = { ...base, kind: "dir", children: new Map(), whiteouts: new Set(), parent, dirty: false }; break;
      case S_IFLNK: node = { ...base, kind: "symlink", target: null }; break;
      default: node = { ...base, kind: "special" };
    }
    this.nodes.set(id, node);
    return id;
  }

  /** Names of the lower directory behind `dir` that are not whited out (empty for an upper directory). */
  private lowerNames(dir: DirNode): FsResult<readonly string[]> {
    if (dir.lower === null) return ok([]);
    const names = this.lower.names(dir.lower);
    if (!names.ok) return names;
    return ok(dir.whiteouts.size === 0 ? names.value : names.value.filter((n) => !dir.whiteouts.has(n)));
  }

  /** Every entry of the merged directory (all materialised), sorted by name bytes. */
  entries(dir: DirNode): FsResult<[string, NodeId][]> {
    const names = this.lowerNames(dir);
    if (!names.ok) return names;
    for (const n of names.value) {
      if (dir.children.has(n)) continue;
      const r = this.lookup(dir, n);
      if (!r.ok) return r;
    }
    return ok([...dir.children.entries()].sort((a, b) => byBytes(a[0], b[0])));
  }

  isEmpty(dir: DirNode): FsResult<boolean> {
    if (dir.children.size > 0) return ok(false);
    const names = this.lowerNames(dir);
    if (!names.ok) return names;
    return ok(names.value.length === 0);
  }

  /** Does the lower directory behind `dir` hold `name` (whited out or not)? */
  private lowerHas(dir: DirNode, name: string): boolean {
    if (dir.lower === null) return false;
    const names = this.lower.names(dir.lower);
    return names.ok && names.value.includes(name);
  }

  readlink(n: LinkNode): FsResult<string> {
    if (n.target !== null) return ok(n.target);
    if (n.lower === null) return err(ERRNO.EIO);
    return this.lower.readlink(n.lower);
  }

  /** Is `anc` the directory `id` or one of its ancestors? */
  isAncestor(anc: NodeId, id: NodeId): boolean {
    for (let cur = id; ; ) {
      if (cur === anc) return true;
      const d = this.dir(cur);
      if (d.parent === cur) return false;
      cur = d.parent;
    }
  }

  // ---- upper-layer changes (callers have made every check first) ------------------------------------

  /** Give the node its own attributes (copy-up of the metadata). */
  meta(n: Node): Meta {
    if (n.meta === null) {
      const s = n.lowerStat!;
      n.meta = { mode: s.mode, uid: s.uid, gid: s.gid, atime: s.atime, mtime: s.mtime, ctime: s.ctime };
    }
    return n.meta;
  }

  /** Copy a lower file's bytes up (keep=false: the caller is about to truncate them to nothing). */
  data(n: FileNode, keep = true): FsResult<FileData> {
    if (n.data !== null) return ok(n.data);
    if (!keep || n.lower === null) {
      n.data = new FileData();
      return ok(n.data);
    }
    const bytes = this.lower.read(n.lower, 0, n.lowerStat!.size);
    if (!bytes.ok) return bytes;
    n.data = new FileData(bytes.value);
    return ok(n.data);
  }

  touch(n: Node, what: { a?: boolean; m?: boolean; c?: boolean }): void {
    const m = this.meta(n);
    const t = this.now();
    if (what.a === true) m.atime = t;
    if (what.m === true) m.mtime = t;
    if (what.c === true) m.ctime = t;
  }

  newFile(mode: number): FileNode {
    const node: FileNode = { kind: "file", ...this.upperBase(S_IFREG | mode), data: new FileData() };
    this.nodes.set(node.id, node);
    return node;
  }

  newDir(mode: number, parent: NodeId): DirNode {
    const node: DirNode = { kind: "dir", ...this.upperBase(S_IFDIR | mode), children: new Map(), whiteouts: new Set(), parent, dirty: false };
    this.nodes.set(node.id, node);
    return node;
  }

  newSymlink(target: string): LinkNode {
    const node: LinkNode = { kind: "symlink", ...this.upperBase(S_IFLNK | 0o777), target };
    this.nodes.set(node.id, node);
    return node;
  }

  /** A fifo, socket or device node made by mknod (`mode` includes its S_IFMT type). */
  newSpecial(mode: number, rdev: number): SpecialNode {
    const node: SpecialNode = { kind: "special", ...this.upperBase(mode), rdev };
    this.nodes.set(node.id, node);
    return node;
  }

  newDevice(device: "null" | "zero"): DevNode {
    const node: DevNode = { kind: "chr", ...this.upperBase(S_IFCHR | 0o666), device };
    this.nodes.set(node.id, node);
    return node;
  }

  private upperBase(mode: number): Omit<NodeBase, "links"> & { links: number } {
    return { id: this.nextId++, ino: this.nextIno++, lower: null, lowerStat: null, meta: this.freshMeta(mode), links: 0, opens: 0 };
  }

  /** Enter `node` as `name` in `dir` without counting a link (the name is free: checked by the caller). */
  addEntry(dir: DirNode, name: string, node: Node): void {
    dir.children.set(name, node.id);
    dir.dirty = true;
    if (node.kind === "dir") node.parent = dir.id;
    this.touch(dir, { m: true, c: true });
  }

  /** Remove the entry `name` from `dir` without counting a link; whiteout for a lower name. */
  removeEntry(dir: DirNode, name: string): void {
    dir.children.delete(name);
    if (this.lowerHas(dir, name)) dir.whiteouts.add(name);
    dir.dirty = true;
    this.touch(dir, { m: true, c: true });
  }

  /** A new link: `node` named `name` in `dir`. */
  attach(dir: DirNode, name: string, node: Node): void {
    this.addEntry(dir, name, node);
    node.links++;
  }

  /** Unlink `name` (naming `node`) from `dir`; the node lives on while open. */
  detach(dir: DirNode, name: string, node: Node): void {
    this.removeEntry(dir, name);
    this.touch(node, { c: true });
    node.links = node.kind === "dir" ? 0 : node.links - 1;
    this.release(node);
  }

  /** Forget a node nothing refers to any more. */
  release(node: Node): void {
    if (node.links <= 0 && node.opens <= 0) this.nodes.delete(node.id);
  }

  // ---- attributes ------------------------------------------------------------------------------------

  stat(n: Node): Stat {
    const s = n.lowerStat;
    const m = n.meta;
    const attr = m ?? { mode: s!.mode, uid: s!.uid, gid: s!.gid, atime: s!.atime, mtime: s!.mtime, ctime: s!.ctime };
    let nlink: number;
    let size: number;
    let blocks: number;
    let blksize = s?.blksize ?? BLKSIZE;
    let rdev = 0;
    switch (n.kind) {
      case "file":
        nlink = m === null ? s!.nlink : n.links;
        size = n.data !== null ? n.data.size : s!.size;
        blocks = n.data !== null ? Math.ceil(size / BLKSIZE) * (BLKSIZE / 512) : s!.blocks;
        if (n.data !== null) blksize = BLKSIZE;
        break;
      case "dir":
        nlink = n.links === 0 ? 0 : n.lower !== null ? (n.dirty ? 1 : s!.nlink) : 2 + this.subdirs(n);
        size = s?.size ?? BLKSIZE;
        blocks = s?.blocks ?? BLKSIZE / 512;
        break;
      case "symlink":
        nlink = m === null ? s!.nlink : n.links;
        size = n.target !== null ? n.target.length : s!.size;
        blocks = n.target !== null ? 0 : s!.blocks;
        break;
      case "chr":
        nlink = n.links;
        size = 0;
        blocks = 0;
        rdev = n.device === "null" ? RDEV_NULL : RDEV_ZERO;
        break;
      case "special":
        nlink = m === null ? s!.nlink : n.links;
        size = s?.size ?? 0;
        blocks = s?.blocks ?? 0;
        rdev = s?.rdev ?? n.rdev ?? 0;
        break;
    }
    return {
      dev: VFS_DEV, ino: n.ino, mode: attr.mode, nlink, uid: attr.uid, gid: attr.gid, rdev, size, blksize, blocks,
      atime: attr.atime, mtime: attr.mtime, ctime: attr.ctime,
    };
  }

  private subdirs(d: DirNode): number {
    let k = 0;
    for (const id of d.children.values()) if (this.at(id).kind === "dir") k++;
    return k;
  }
}
