// The Vfs against a real Linux file system: random sequences of operations are applied to a Vfs over a
// small lower tree and, mirrored with node:fs, to a copy of that tree in a fresh host temporary
// directory (the host kernel is the oracle). Every result (value or errno) must match, then the final
// trees (types, permission bits, link counts, bytes, link targets, listings), and the lower tree must
// be unchanged. Paths avoid ".." and absolute link targets, which would leave the host copy; those are
// tested in vfs.test.ts. The seed is printed; FLUKE_SEED replays a run.
import { cpSync, linkSync, chmodSync, lstatSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, writeSync, constants as C } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzSeed, snapshotTree, stepClock } from "./test-support.js";
import { ERRNO, type FsResult, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, Vfs } from "./vfs.js";

const UMASK = 0o022;
let savedUmask = 0;
beforeAll(() => {
  savedUmask = process.umask(UMASK);
});
afterAll(() => {
  process.umask(savedUmask);
});

/** Open-flag combinations: ours and the host's (x86-64 Linux has the same values except O_LARGEFILE, unused). */
const FLAGS: readonly [number, number][] = [
  [O_RDONLY, C.O_RDONLY],
  [O_WRONLY | O_CREAT | O_TRUNC, C.O_WRONLY | C.O_CREAT | C.O_TRUNC],
  [O_WRONLY | O_CREAT | O_EXCL, C.O_WRONLY | C.O_CREAT | C.O_EXCL],
  [O_RDWR | O_CREAT, C.O_RDWR | C.O_CREAT],
  [O_WRONLY | O_APPEND, C.O_WRONLY | C.O_APPEND],
  [O_RDONLY | O_DIRECTORY, C.O_RDONLY | C.O_DIRECTORY],
  [O_RDWR | O_NOFOLLOW, C.O_RDWR | C.O_NOFOLLOW],
  [O_WRONLY | O_CREAT | O_NOFOLLOW, C.O_WRONLY | C.O_CREAT | C.O_NOFOLLOW],
  [O_RDONLY | O_TRUNC, C.O_RDONLY | C.O_TRUNC],
];

const makeLower = (): string => {
  const root = mkdtempSync(join(tmpdir(), "fluke-fs-oracle-lower-"));
  mkdirSync(join(root, "a", "b"), { recursive: true });
  writeFileSync(join(root, "a", "f"), "lower a/f");
  writeFileSync(join(root, "a", "b", "x"), "deep");
  writeFileSync(join(root, "c"), "cccc", { mode: 0o755 });
  symlinkSync("a", join(root, "l"));
  symlinkSync("zz", join(root, "dl"));
  mkdirSync(join(root, "e"));
  return root;
};

const NAMES = ["a", "b", "c", "e", "f", "l", "dl", "x", "zz"];
const randomPathArb = fc
  .tuple(fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }), fc.constantFrom("", "", "", "/", "/."), fc.boolean())
  .map(([parts, tail, dot]) => (dot ? "./" : "") + parts.join("/") + tail);
/** Paths: half of them names the starting tree has, or the operations often make. */
const pathArb = fc.oneof(randomPathArb, fc.constantFrom("a", "c", "l", "dl", "e", "a/f", "a/b", "a/b/x", "l/f", "l/b/", "n", "a/n", "e/n", "zz"));
/** Names about to be made: mostly free ones. */
const toArb = fc.oneof(pathArb, fc.constantFrom("n", "a/n", "e/n", "l/n", "a/b/n", "n/", "x/n"));
const targetArb = fc.constantFrom("a", "a/b", "c", "zz", "a/f", "l", "x/y", "dl", "e/");
const dataArb = fc.string({ maxLength: 12 });

type Op =
  | { op: "open"; path: string; flags: number; data: string; at: number }
  | { op: "mkdir"; path: string; mode: number }
  | { op: "rmdir"; path: string }
  | { op: "unlink"; path: string }
  | { op: "rename"; path: string; to: string }
  | { op: "symlink"; target: string; path: string }
  | { op: "link"; path: string; to: string }
  | { op: "readlink"; path: string }
  | { op: "readFile"; path: string }
  | { op: "truncate"; path: string; size: number }
  | { op: "readdir"; path: string }
  | { op: "stat"; path: string; follow: boolean }
  | { op: "chmod"; path: string; mode: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("open" as const), path: pathArb, flags: fc.nat(FLAGS.length - 1), data: dataArb, at: fc.nat(6) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("mkdir" as const), path: toArb, mode: fc.constantFrom(0o755, 0o700, 0o2775) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("rmdir" as const), path: fc.oneof(pathArb, fc.constantFrom("e", "n", "a/n", "e/n", "n/", "e/n/")) }) },
  fc.record({ op: fc.constant("unlink" as const), path: pathArb }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant("rename" as const), path: pathArb, to: toArb }) },
  fc.record({ op: fc.constant("symlink" as const), target: targetArb, path: toArb }),
  fc.record({ op: fc.constant("link" as const), path: pathArb, to: toArb }),
  fc.record({ op: fc.constant("readlink" as const), path: pathArb }),
  fc.record({ op: fc.constant("readFile" as const), path: pathArb }),
  fc.record({ op: fc.constant("truncate" as const), path: pathArb, size: fc.nat(20) }),
  fc.record({ op: fc.constant("readdir" as const), path: pathArb }),
  fc.record({ op: fc.constant("stat" as const), path: pathArb, follow: fc.boolean() }),
  fc.record({ op: fc.constant("chmod" as const), path: pathArb, mode: fc.constantFrom(0o600, 0o755, 0o4755) }),
);

type Outcome = { errno: number; value?: unknown };

const host = (f: () => unknown): Outcome => {
  try {
    return { errno: 0, value: f() };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "?";
    return { errno: (ERRNO as Record<string, number>)[code] ?? -1, value: code };
  }
};

const ours = (r: FsResult<unknown>): Outcome => (r.ok ? { errno: 0, value: r.value } : { errno: r.errno });

const typeOf = (mode: number): string => ({ [S_IFREG]: "file", [S_IFDIR]: "dir", [S_IFLNK]: "symlink" })[mode & S_IFMT] ?? "other";

/** Apply one operation to both; returns [vfs outcome, host outcome] with comparable values. */
const apply = (v: Vfs, h: string, op: Op): [Outcome, Outcome] => {
  const g = "/" + op.path;
  const hp = h + "/" + op.path;
  switch (op.op) {
    case "open": {
      const [mine, theirs] = FLAGS[op.flags]!;
      const writes = (mine & 3) !== O_RDONLY;
      const r = v.open("/", op.path, mine, 0o644, UMASK);
      let a: Outcome = ours(r);
      if (r.ok) {
        if (writes) a = ours(v.write(r.value, op.at, new Uint8Array(Buffer.from(op.data, "latin1"))));
        else a = { errno: 0, value: op.data.length };
        v.close(r.value);
      }
      const b = host(() => {
        const fd = openSync(hp, theirs, 0o644);
        try {
          return writes ? writeSync(fd, Buffer.from(op.data, "latin1"), 0, op.data.length, op.at) : op.data.length;
        } finally {
          closeSync(fd);
        }
      });
      return [a, b];
    }
    case "mkdir": return [ours(v.mkdir("/", g, op.mode, UMASK)), host(() => void mkdirSync(hp, op.mode))];
    case "rmdir": return [ours(v.rmdir("/", g)), host(() => rmdirSync(hp))];
    case "unlink": return [ours(v.unlink("/", g)), host(() => unlinkSync(hp))];
    case "rename": return [ours(v.rename("/", g, "/", op.to)), host(() => renameSync(hp, h + "/" + op.to))];
    case "symlink": return [ours(v.symlink(op.target, "/", g)), host(() => symlinkSync(op.target, hp))];
    case "link": return [ours(v.link("/", g, "/", op.to)), host(() => linkSync(hp, h + "/" + op.to))];
    case "readlink": return [ours(v.readlink("/", g)), host(() => readlinkSync(hp, "latin1"))];
    case "readFile": {
      const r = v.readFile("/", g);
      return [r.ok ? { errno: 0, value: Buffer.from(r.value).toString("latin1") } : ours(r), host(() => readFileSync(hp, "latin1"))];
    }
    case "truncate": return [ours(v.truncatePath("/", g, op.size)), host(() => truncateSync(hp, op.size))];
    case "readdir": {
      const r = v.open("/", g, O_RDONLY | O_DIRECTORY, 0, 0);
      let a: Outcome = ours(r);
      if (r.ok) {
        const list = v.readdir(r.value);
        a = list.ok ? { errno: 0, value: list.value.map((e) => e.name).filter((n) => n !== "." && n !== "..") } : ours(list);
        v.close(r.value);
      }
      return [a, host(() => readdirSync(hp, { encoding: "latin1" }).sort())];
    }
    case "stat": {
      const r = v.resolve("/", g, { follow: op.follow });
      const a: Outcome = r.ok ? describeVfs(v, r.value) : ours(r);
      return [a, host(() => describeHost(op.follow ? statSync(hp) : lstatSync(hp)))];
    }
    case "chmod": return [ours(v.chmod("/", g, op.mode)), host(() => chmodSync(hp, op.mode))];
  }
};

const describeVfs = (v: Vfs, node: number): Outcome => {
  const s = v.stat(node);
  if (!s.ok) return ours(s);
  const t = typeOf(s.value.mode);
  return { errno: 0, value: { t, perm: s.value.mode & 0o7777, size: t === "dir" ? 0 : s.value.size, nlink: t === "file" ? s.value.nlink : 0 } };
};

const describeHost = (s: { mode: number; size: number; nlink: number }): unknown => {
  const t = typeOf(s.mode);
  return { t, perm: s.mode & 0o7777, size: t === "dir" ? 0 : s.size, nlink: t === "file" ? s.nlink : 0 };
};

/** The whole tree as text lines, without following links; the Vfs's built-in /tmp and /dev left out. */
const vfsTree = (v: Vfs, dir: string, out: string[] = []): string[] => {
  const h = v.open("/", dir, O_RDONLY | O_DIRECTORY, 0, 0);
  if (!h.ok) throw new Error(`open ${dir}: ${h.errno}`);
  const list = v.readdir(h.value);
  v.close(h.value);
  if (!list.ok) throw new Error(`readdir ${dir}: ${list.errno}`);
  for (const e of list.value) {
    if (e.name === "." || e.name === ".." || (dir === "/" && (e.name === "tmp" || e.name === "dev"))) continue;
    const p = dir === "/" ? "/" + e.name : dir + "/" + e.name;
    const d = describeVfs(v, (v.resolve("/", p, { follow: false }) as { value: number }).value).value as { t: string };
    const extra = d.t === "file" ? Buffer.from((v.readFile("/", p) as { value: Uint8Array }).value).toString("latin1") : d.t === "symlink" ? (v.readlink("/", p) as { value: string }).value : "";
    out.push(`${p} ${JSON.stringify(d)} ${JSON.stringify(extra)}`);
    if (d.t === "dir") vfsTree(v, p, out);
  }
  return out;
};

const hostTree = (root: string, dir = "", out: string[] = []): string[] => {
  for (const name of readdirSync(root + (dir === "" ? "/" : dir), { encoding: "latin1" }).sort()) {
    const p = dir + "/" + name;
    const s = lstatSync(root + p);
    const d = describeHost(s) as { t: string };
    const extra = d.t === "file" ? readFileSync(root + p, "latin1") : d.t === "symlink" ? readlinkSync(root + p, "latin1") : "";
    out.push(`${p} ${JSON.stringify(d)} ${JSON.stringify(extra)}`);
    if (d.t === "dir") hostTree(root, p, out);
  }
  return out;
};

describe("Vfs against the host's Linux file system", () => {
  it("gives the host's results and final tree for random operation sequences", () => {
    const lower = makeLower();
    try {
      checkAgainstHost(lower);
    } finally {
      rmSync(lower, { recursive: true, force: true });
    }
  });
});

const checkAgainstHost = (lower: string): void => {
  const lowerBefore = snapshotTree(lower);
  const seed = fuzzSeed("vfs vs host fs");
  let ran = 0;
  const tally = new Map<string, { ok: number; failed: number }>();
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 20 }), (ops) => {
      const h = mkdtempSync(join(tmpdir(), "fluke-fs-oracle-host-"));
      try {
        cpSync(lower, h, { recursive: true, verbatimSymlinks: true });
        const v = new Vfs({ root: lower, now: stepClock() });
        ops.forEach((op, i) => {
          const [a, b] = apply(v, h, op);
          const t = tally.get(op.op) ?? { ok: 0, failed: 0 };
          if (a.errno === 0) t.ok++;
          else t.failed++;
          tally.set(op.op, t);
          expect({ i, op, errno: a.errno, value: a.value }).toEqual({ i, op, errno: b.errno, value: b.errno === 0 ? b.value : undefined });
        });
        expect(vfsTree(v, "/")).toEqual(hostTree(h));
        ran++;
      } finally {
        rmSync(h, { recursive: true, force: true });
      }
    }),
    { seed, numRuns: 200 },
  );
  expect(ran).toBeGreaterThanOrEqual(200);
  // The sequences exercise both outcomes of every operation, not only errors.
  for (const [op, t] of tally) expect([op, t.ok > 0, t.failed > 0]).toEqual([op, true, true]);
  expect(tally.size).toBe(13);
  expect(snapshotTree(lower)).toEqual(lowerBefore);
};
