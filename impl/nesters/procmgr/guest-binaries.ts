// Test support: the real Debian 12 i386 files the procmgr tests read (sort, bash, ld-linux.so.2,
// libc.so.6), taken from the guest root that scripts/guest-root.ts fetches and unpacks on first use,
// so the tests work on a clean clone. Test files run in parallel processes, so the fetch is guarded by
// a lock directory beside the guest root: one process builds, the others wait and then verify.
// Above: the *.test.ts files of this folder. Below: scripts/guest-root.ts and the file system.
import { mkdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { DEFAULT_GUEST_DIR, ensureGuestRoot } from "../../../scripts/guest-root.js";

/** Guest paths of the binaries the tests use, relative to the guest root. */
export const GUEST_BINARIES = {
  sort: "usr/bin/sort",
  bash: "bin/bash",
  ldso: "lib/ld-linux.so.2",
  libc: "lib/i386-linux-gnu/libc.so.6",
} as const;
export type GuestBinary = keyof typeof GUEST_BINARIES;

const LOCK = `${DEFAULT_GUEST_DIR}.lock`;
/** A lock older than this was left by a killed run and is taken over. */
const STALE_MS = 15 * 60 * 1000;
const POLL_MS = 250;

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const lockAge = (): number => {
  try {
    return Date.now() - statSync(LOCK).mtimeMs;
  } catch {
    return 0;
  }
};

const acquire = (): void => {
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (lockAge() > STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else sleep(POLL_MS);
    }
  }
};

let root: string | undefined;

/** The unpacked guest root, fetched when missing (one process at a time). */
export const guestRoot = (): string => {
  if (root !== undefined) return root;
  acquire();
  try {
    root = ensureGuestRoot(DEFAULT_GUEST_DIR);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  return root;
};

const cache = new Map<string, Uint8Array>();

/** The bytes of a guest file (relative symbolic links followed; a link leaving the root is an error). */
export const readGuestFile = (relPath: string): Uint8Array => {
  let bytes = cache.get(relPath);
  if (bytes === undefined) {
    const base = realpathSync(guestRoot());
    const path = realpathSync(join(base, relPath));
    if (!path.startsWith(base + sep)) throw new Error(`guest file ${relPath} resolves outside the guest root`);
    bytes = new Uint8Array(readFileSync(path));
    cache.set(relPath, bytes);
  }
  return bytes;
};

export const readGuestBinary = (which: GuestBinary): Uint8Array => readGuestFile(GUEST_BINARIES[which]);
