// `npm run guest-root`: fetch the Debian 12 i386 packages of the guest world with apt-get, using private
// state directories (the host's apt configuration is never touched), unpack them into a git-ignored
// cache, and record each package's version and sha256 in a lock file beside the tree. Later runs verify
// the lock and do nothing. Above: the CLI and the tests that need the guest root. Below: apt-get,
// dpkg-deb.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The packages the guest root is made of (their dependencies come along). */
export const GUEST_PACKAGES = [
  "libc6", "coreutils", "libselinux1", "libpcre2-8-0", "sed", "grep", "gawk", "diffutils", "make", "bash", "findutils",
  // The GNU workloads of golden/ (issue 7): the i386 C compiler (gcc, cpp, cc1, collect2), binutils
  // (as, ld, ar, objcopy, objdump, ranlib, size, strings, nm, strip, gprof), crt files and headers, hostname, dash (/bin/sh for make recipes).
  "gcc-12", "gcc", "cpp", "binutils", "libc6-dev", "hostname", "dash",
] as const;

export const SOURCES = [
  "deb [arch=i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main",
  "deb [arch=i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main",
  "deb [arch=i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main",
];

export interface LockEntry { readonly package: string; readonly version: string; readonly arch: string; readonly file: string; readonly sha256: string }
export interface Lock { readonly format: 1; readonly packages: readonly string[]; readonly entries: readonly LockEntry[] }

/** apt-get options that confine apt to the private directories under `dir`. */
export const aptOptions = (dir: string): string[] => [
  "-o", `Dir::State=${join(dir, "state")}`,
  "-o", `Dir::State::status=${join(dir, "state", "status")}`,
  "-o", `Dir::Cache=${join(dir, "cache")}`,
  "-o", `Dir::Etc::SourceList=${join(dir, "etc", "sources.list")}`,
  "-o", `Dir::Etc::SourceParts=${join(dir, "etc", "sources.list.d")}`,
  "-o", `Dir::Etc::Preferences=${join(dir, "etc", "preferences")}`,
  "-o", `Dir::Etc::PreferencesParts=${join(dir, "etc", "preferences.d")}`,
  "-o", "APT::Architecture=i386", "-o", "APT::Architectures=i386",
  "-o", "APT::Install-Recommends=false", "-o", "Debug::NoLocking=1",
];

/** Split a .deb file name (name_version_arch.deb, version URL-escaped) into its parts. */
export const parseDebName = (file: string): { package: string; version: string; arch: string } => {
  const m = /^([^_]+)_([^_]+)_([^_]+)\.deb$/.exec(file);
  if (m === null) throw new Error(`not a .deb file name: ${file}`);
  return { package: m[1]!, version: decodeURIComponent(m[2]!), arch: m[3]! };
};

export const sha256File = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Check an unpacked guest root against its lock: every archive still present with the recorded hash. */
export const verifyLock = (dir: string, lock: Lock, packages: readonly string[]): string | null => {
  if (lock.format !== 1) return "lock format";
  if (lock.packages.join(" ") !== packages.join(" ")) return "package list changed";
  if (!existsSync(join(dir, "root", "lib", "ld-linux.so.2"))) return "root not unpacked";
  for (const e of lock.entries) {
    const p = join(dir, "cache", "archives", e.file);
    if (!existsSync(p) || sha256File(p) !== e.sha256) return `archive ${e.file} missing or changed`;
  }
  return null;
};

const run = (cmd: string, args: string[], what: string): void => {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (r.error !== undefined) throw new Error(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what}: ${cmd} exited with status ${r.status}`);
};

const requireTool = (tool: string, pkg: string): void => {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`guest-root needs ${tool} (Debian package ${pkg}); install it or point --root at an existing guest root`);
};

const prepareDirs = (dir: string): void => {
  for (const d of ["state/lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d"]) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, "state", "status"), "");
  writeFileSync(join(dir, "etc", "sources.list"), SOURCES.join("\n") + "\n");
};

/** apt-get update, retried: a mirror in the middle of a sync answers with the wrong size for a while. */
const aptUpdate = (dir: string): void => {
  for (let i = 1; ; i++) {
    const r = spawnSync("apt-get", [...aptOptions(dir), "-q", "update"], { encoding: "utf8" });
    const failed = r.status !== 0 || /^(E|Err):/m.test(r.stdout + r.stderr);
    if (!failed) return;
    if (i === 3) {
      if (existsSync(join(dir, "state", "lists")) && readdirSync(join(dir, "state", "lists")).some((f) => f.includes("_main_binary-i386_Packages"))) {
        process.stderr.write("guest-root: warning: some package indexes failed to download; continuing with the ones that did\n");
        return;
      }
      throw new Error(`apt-get update failed:\n${r.stdout}${r.stderr}`);
    }
    process.stderr.write(`guest-root: apt-get update failed (try ${i} of 3), retrying\n`);
  }
};

/** Fetch, unpack and lock the guest root in `dir`; returns the root directory. */
export const ensureGuestRoot = (dir: string, packages: readonly string[] = GUEST_PACKAGES, log = (m: string) => process.stderr.write(m + "\n")): string => {
  const lockPath = join(dir, "lock.json");
  if (existsSync(lockPath)) {
    const why = verifyLock(dir, JSON.parse(readFileSync(lockPath, "utf8")) as Lock, packages);
    if (why === null) return join(dir, "root");
    log(`guest-root: rebuilding (${why})`);
  }
  requireTool("apt-get", "apt");
  requireTool("dpkg-deb", "dpkg");
  prepareDirs(dir);
  log("guest-root: [1/3] updating the package index (Debian 12, i386)");
  aptUpdate(dir);
  log(`guest-root: [2/3] downloading ${packages.join(" ")} and their dependencies`);
  run("apt-get", [...aptOptions(dir), "-q", "-y", "--download-only", "install", ...packages], "download");
  const archives = join(dir, "cache", "archives");
  const debs = readdirSync(archives).filter((f) => f.endsWith(".deb")).sort();
  const tmpRoot = join(dir, "root.partial");
  rmSync(tmpRoot, { recursive: true, force: true });
  mkdirSync(tmpRoot, { recursive: true });
  debs.forEach((f, i) => {
    log(`guest-root: [3/3] unpacking ${i + 1}/${debs.length} ${f}`);
    run("dpkg-deb", ["-x", join(archives, f), tmpRoot], `unpack ${f}`);
  });
  rmSync(join(dir, "root"), { recursive: true, force: true });
  renameSync(tmpRoot, join(dir, "root"));
  const entries = debs.map((f) => ({ ...parseDebName(f), file: f, sha256: sha256File(join(archives, f)) }));
  const lock: Lock = { format: 1, packages: [...packages], entries };
  writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
  log(`guest-root: ready: ${debs.length} packages in ${join(dir, "root")}`);
  return join(dir, "root");
};

export const DEFAULT_GUEST_DIR = resolve(fileURLToPath(new URL("..", import.meta.url)), ".cache", "guest-root");

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    process.stdout.write(`npm run guest-root [-- --dir DIR]\n\nFetches Debian 12 i386 packages (${GUEST_PACKAGES.join(", ")}) with apt-get\nusing private state directories, unpacks them into DIR/root (default .cache/guest-root/root)\nand records versions and sha256 in DIR/lock.json. Does nothing if the lock verifies.\n`);
    process.exit(0);
  }
  const di = args.indexOf("--dir");
  const dir = di >= 0 && args[di + 1] !== undefined ? resolve(args[di + 1]!) : DEFAULT_GUEST_DIR;
  try {
    process.stdout.write(ensureGuestRoot(dir) + "\n");
  } catch (e) {
    process.stderr.write(`guest-root: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
