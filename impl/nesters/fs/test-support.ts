// Test support for the fs tests: the fast-check seed (FLUKE_SEED replays, printed every run), a
// virtual clock, a small host lower tree made in a fresh temporary directory, a snapshot of a host
// tree (to prove the Vfs never writes its lower layer) and FsResult unwrapping. Above: the *.test.ts
// files of this folder. Below: node:fs, vfs.ts.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FsResult, type Timespec, Vfs } from "./vfs.js";

const DEFAULT_SEED = 0x5eed_f5;

export const fuzzSeed = (what: string): number => {
  const env = process.env["FLUKE_SEED"];
  const parsed = env === undefined ? Number.NaN : Number.parseInt(env, 10);
  const seed = Number.isInteger(parsed) ? parsed : DEFAULT_SEED;
  process.stdout.write(`[fs] ${what}: fast-check seed ${seed} (replay with FLUKE_SEED=${seed})\n`);
  return seed;
};

/** A clock that advances one second per reading, so every change has its own time. */
export const stepClock = (start = 1_700_000_000): (() => Timespec) => {
  let t = start;
  return () => ({ sec: t++, nsec: 500 });
};

const made: string[] = [];

/** Remove the lower trees makeLowerTree made (call from afterAll). */
export const removeLowerTrees = (): void => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
};

/** A lower tree: /etc/hosts, /usr/bin/tool (0755), /usr/lib/{x,y}, links rel/abs/dangling, /empty. */
export const makeLowerTree = (): string => {
  const root = mkdtempSync(join(tmpdir(), "fluke-fs-lower-"));
  made.push(root);
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc", "hosts"), "127.0.0.1 localhost\n");
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  writeFileSync(join(root, "usr", "bin", "tool"), "TOOL-BYTES", { mode: 0o755 });
  mkdirSync(join(root, "usr", "lib"));
  writeFileSync(join(root, "usr", "lib", "x"), "x".repeat(5000));
  writeFileSync(join(root, "usr", "lib", "y"), "");
  symlinkSync("usr/bin", join(root, "bin"));
  symlinkSync("/etc/hosts", join(root, "etc", "abs-hosts"));
  symlinkSync("/../../../etc", join(root, "up-etc"));
  symlinkSync("nowhere", join(root, "dangling"));
  mkdirSync(join(root, "empty"));
  return root;
};

export const vfsOn = (root: string, now = stepClock()): Vfs => new Vfs({ root, now });

/** Every path of a host tree with its type, mode, size, mtime and link target (never follows links). */
export const snapshotTree = (root: string): string[] => {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const p = rel === "" ? root : join(root, rel);
    const s = lstatSync(p, { bigint: true });
    const target = s.isSymbolicLink() ? readlinkSync(p) : "";
    out.push(`${rel} ${s.mode} ${s.size} ${s.mtimeNs} ${s.ino} ${target}`);
    if (s.isDirectory()) for (const n of readdirSync(p).sort()) walk(rel === "" ? n : `${rel}/${n}`);
  };
  walk("");
  return out;
};

export const value = <T>(r: FsResult<T>): T => {
  if (!r.ok) throw new Error(`expected success, got errno ${r.errno}`);
  return r.value;
};

export const errnoOf = <T>(r: FsResult<T>): number => (r.ok ? 0 : r.errno);

export const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
