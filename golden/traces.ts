// Golden traces (issue 7): the trace of each golden workload (impl/nesters/tracer: every protocol
// exchange and every Linux system call, with the kernel's virtual times), normalised so that it depends
// only on the program, its inputs and the system, stored in golden/traces/ and compared exactly.
// Stored form: one canonical JSON line per event (canonicalLine: the tracer's jsonLine of the event with
// the host-specific stat fields replaced by "*"; golden/README.md lists them), gzip'ed
// deterministically (fixed level, mtime 0, OS byte fixed) into NAME.jsonl.gz; a trace larger than
// DIGEST_OVER bytes compressed is stored as NAME.digest.json (sha256 of the whole normalised trace, its
// length, its first and last EDGE events). INDEX.json holds each workload's definition digest, event
// count, sha256 and form; VERSIONS.json the guest root's package versions (.cache/guest-root/lock.json)
// the traces were recorded with: a comparison against another guest root fails first with a plain
// message. Above: scripts/golden-update.ts, scripts/golden-diff.ts --traces, golden/golden.test.ts.
// Below: impl/nesters/tracer/formats.ts, node:zlib, node:crypto.
import { createHash, type Hash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { jsonLine, textLine, type TraceEvent } from "../impl/nesters/tracer/formats.js";
import { DEFAULT_GUEST_DIR, type Lock } from "../scripts/guest-root.js";

export const TRACE_DIR = fileURLToPath(new URL("./traces/", import.meta.url));
export const TRACE_INDEX = join(TRACE_DIR, "INDEX.json");
export const TRACE_VERSIONS = join(TRACE_DIR, "VERSIONS.json");
/** Compressed size above which only a digest and the first and last EDGE events are stored. */
export const DIGEST_OVER = 5 * 1024 * 1024;
export const EDGE = 200;
/** Normalised characters kept in memory while tracing (well under V8's string limit); beyond this only the digest form is possible. */
const KEEP_MAX = 128 * 1024 * 1024;

// ---- the canonical form -----------------------------------------------------------------------------

const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;
/** Stat fields that come from the host's file system for files of the guest root (the read-only lower layer). */
const HOST_STAT_FIELDS = ["ino", "uid", "gid", "blksize", "blocks", "atime_sec", "atime_nsec", "ctime_sec", "ctime_nsec"] as const;

/** An event with everything that depends on the host machine (not on the program, inputs and system) replaced by "*". */
export const canonicalEvent = (e: TraceEvent): TraceEvent => {
  if (e.layer === "linux") return e;
  const r = e.result;
  if ("atime_sec" in r && "ino" in r && "mode" in r) {
    const o: Record<string, unknown> = { ...r };
    for (const k of HOST_STAT_FIELDS) if (k in o) o[k] = "*";
    const fmt = (Number(r["mode"]) & S_IFMT) >>> 0;
    // directories: size, link count and mtime are the host file system's (and the unpack time's)
    if (fmt === S_IFDIR) for (const k of ["size", "nlink", "mtime_sec", "mtime_nsec"]) o[k] = "*";
    if (fmt === S_IFLNK) for (const k of ["mtime_sec", "mtime_nsec"]) o[k] = "*";
    return { ...e, result: o };
  }
  if (e.call === "readdir" && typeof r["entries"] === "string") {
    // records start with the inode number, the host's for the guest root's files: the preview is
    // replaced, its length kept
    const m = /\.\.\. <(\d+) bytes>$/.exec(r["entries"]);
    return { ...e, result: { ...r, entries: m === null ? "<dirents>" : `<dirents>... <${m[1]} bytes>` } };
  }
  return e;
};

export const canonicalLine = (e: TraceEvent): string => jsonLine(canonicalEvent(e));

/** One canonical line for people: index, virtual time, duration and the strace-like text. */
export const describeLine = (line: string | undefined, i: number): string => {
  if (line === undefined) return `#${i} <end of trace>`;
  try {
    const e = JSON.parse(line) as TraceEvent;
    return `#${i} t=${e.t} +${e.dur} ${textLine(e)}`.slice(0, 400);
  } catch {
    return `#${i} ${line.slice(0, 400)}`;
  }
};

// ---- collecting a trace while it runs -----------------------------------------------------------------

export class TraceCollector {
  private readonly hash: Hash = createHash("sha256");
  private chunks: string[] | null = [];
  private kept = 0;
  readonly head: string[] = [];
  private readonly ring: string[] = new Array<string>(EDGE);
  events = 0;
  bytes = 0;
  readonly sink = (e: TraceEvent): void => {
    const l = canonicalLine(e) + "\n";
    this.hash.update(l);
    this.bytes += l.length;
    if (this.head.length < EDGE) this.head.push(l.slice(0, -1));
    this.ring[this.events % EDGE] = l.slice(0, -1);
    this.events++;
    if (this.chunks !== null) {
      this.chunks.push(l);
      this.kept += l.length;
      if (this.kept > KEEP_MAX) this.chunks = null;
    }
  };
  private digestHex: string | null = null;
  sha256(): string {
    return (this.digestHex ??= this.hash.digest("hex"));
  }
  tail(): string[] {
    const n = Math.min(this.events, EDGE), out: string[] = [];
    for (let i = this.events - n; i < this.events; i++) out.push(this.ring[i % EDGE]!);
    return out;
  }
  /** The whole normalised trace (null when it grew past what is kept in memory). */
  text(): string | null {
    return this.chunks === null ? null : this.chunks.join("");
  }
}

// ---- deterministic gzip ---------------------------------------------------------------------------------

/** gzip with a fixed level; the header has mtime 0 (gzipSync) and the OS byte fixed to 3 (Unix) so the bytes do not depend on the platform's zlib build. */
export const gzipDeterministic = (data: Buffer | string): Buffer => {
  const z = gzipSync(typeof data === "string" ? Buffer.from(data, "utf8") : data, { level: 9, memLevel: 9, strategy: 0 });
  z[9] = 3;
  return z;
};

export const gunzipText = (b: Buffer): string => gunzipSync(b).toString("utf8");

// ---- stored traces ---------------------------------------------------------------------------------------

export interface TraceIndexEntry {
  /** goldenDigest of the workload the trace was recorded from. */
  readonly digest: string;
  readonly form: "full" | "digest";
  readonly events: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly status: number | null;
  readonly virtualTime: number;
  /** Size of the stored file. */
  readonly stored: number;
}
export type TraceIndex = Record<string, TraceIndexEntry>;

export interface DigestFile { readonly format: 1; readonly events: number; readonly bytes: number; readonly sha256: string; readonly head: readonly string[]; readonly tail: readonly string[] }

export const fullPath = (name: string): string => join(TRACE_DIR, `${name}.jsonl.gz`);
export const digestPath = (name: string): string => join(TRACE_DIR, `${name}.digest.json`);

export const loadIndex = (): TraceIndex => (existsSync(TRACE_INDEX) ? (JSON.parse(readFileSync(TRACE_INDEX, "utf8")) as TraceIndex) : {});

const sortedObject = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));

/** Merge entries into INDEX.json (re-read first, so two recorders with disjoint --only lists can run). */
export const saveIndexEntries = (entries: TraceIndex): void => {
  mkdirSync(TRACE_DIR, { recursive: true });
  writeFileSync(TRACE_INDEX, JSON.stringify(sortedObject({ ...loadIndex(), ...entries }), null, 1) + "\n");
};

/** A stored trace: the full normalised text, or the digest form. */
export type StoredTrace = { readonly form: "full"; readonly text: string } | { readonly form: "digest"; readonly file: DigestFile };

export const loadStoredTrace = (name: string, entry: TraceIndexEntry | undefined): StoredTrace | null => {
  if (entry === undefined) return null;
  if (entry.form === "full") return existsSync(fullPath(name)) ? { form: "full", text: gunzipText(readFileSync(fullPath(name))) } : null;
  return existsSync(digestPath(name)) ? { form: "digest", file: JSON.parse(readFileSync(digestPath(name), "utf8")) as DigestFile } : null;
};

/** The file to store for a collected trace: its form, path and bytes. */
export const storedForm = (c: TraceCollector): { form: "full" | "digest"; path: (name: string) => string; bytes: Buffer } => {
  const text = c.text();
  if (text !== null) {
    const gz = gzipDeterministic(text);
    if (gz.length <= DIGEST_OVER) return { form: "full", path: fullPath, bytes: gz };
  }
  const d: DigestFile = { format: 1, events: c.events, bytes: c.bytes, sha256: c.sha256(), head: c.head, tail: c.tail() };
  return { form: "digest", path: digestPath, bytes: Buffer.from(JSON.stringify(d, null, 1) + "\n") };
};

// ---- comparing ---------------------------------------------------------------------------------------------

const CONTEXT = 3;

/** The first difference of two line lists (offset: index of a's first line), with context; null if equal. */
const firstLineDiff = (a: readonly string[], b: readonly string[], offset: number, aName: string, bName: string): string | null => {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const out: string[] = [`first difference at event #${offset + i}:`];
    for (let j = Math.max(0, i - CONTEXT); j < i; j++) out.push(`    ${describeLine(a[j], offset + j)}`);
    out.push(`  ${aName}: ${describeLine(a[i], offset + i)}`);
    out.push(`  ${bName}: ${describeLine(b[i], offset + i)}`);
    if (a[i] !== undefined && b[i] !== undefined) {
      out.push(`  ${aName} json: ${a[i]!.slice(0, 600)}`);
      out.push(`  ${bName} json: ${b[i]!.slice(0, 600)}`);
    }
    for (let j = i + 1; j < Math.min(n, i + 1 + CONTEXT); j++) if (a[j] !== undefined) out.push(`    ${aName} ${describeLine(a[j], offset + j)}`);
    return out.join("\n");
  }
  return null;
};

const splitLines = (t: string): string[] => {
  const l = t.split("\n");
  if (l[l.length - 1] === "") l.pop();
  return l;
};

/**
 * Compare our collected trace with the stored one: null when they agree (byte for byte of the normalised
 * form, or the digest for a digest-form trace), else a readable first difference. `ours`/`stored` name
 * the two sides in the message.
 */
export const compareTrace = (c: TraceCollector, stored: StoredTrace, names: { ours: string; stored: string } = { ours: "ours", stored: "recorded" }): string | null => {
  if (stored.form === "full") {
    const text = c.text();
    if (text === null) return `our trace is too large to keep (${c.events} events) but the recorded one is stored in full`;
    if (text === stored.text) return null;
    const a = splitLines(text), b = splitLines(stored.text);
    return `trace differs (${names.ours} ${a.length} events, ${names.stored} ${b.length}): ${firstLineDiff(a, b, 0, names.ours, names.stored) ?? "same lines"}`;
  }
  const d = stored.file;
  if (c.sha256() === d.sha256 && c.events === d.events && c.bytes === d.bytes) return null;
  const head = firstLineDiff(c.head, d.head, 0, names.ours, names.stored);
  if (head !== null) return `trace differs (digest form; ${names.ours} ${c.events} events, ${names.stored} ${d.events}): ${head}`;
  const tail = c.tail(), off = c.events - tail.length, doff = d.events - d.tail.length;
  const t = firstLineDiff(tail, d.tail, off, names.ours, names.stored);
  if (t !== null) return `trace differs (digest form; ${names.ours} ${c.events} events, ${names.stored} ${d.events}; first ${EDGE} events equal; in the last ${EDGE}${off === doff ? "" : ` (recorded tail starts at #${doff})`}): ${t}`;
  return `trace differs (digest form; ${names.ours} ${c.events} events, ${names.stored} ${d.events}): the first and last ${EDGE} events agree, the difference is in the middle (sha256 ${c.sha256().slice(0, 16)} vs ${d.sha256.slice(0, 16)})`;
};

// ---- the guest root's versions ------------------------------------------------------------------------------

export interface TraceVersions {
  readonly format: 1;
  /** The lock's requested packages and every unpacked package's version (name=version), sorted. */
  readonly requested: readonly string[];
  readonly packages: Record<string, string>;
}

export const currentVersions = (guestDir = DEFAULT_GUEST_DIR): TraceVersions => {
  const lock = JSON.parse(readFileSync(join(guestDir, "lock.json"), "utf8")) as Lock;
  const packages: Record<string, string> = {};
  for (const e of [...lock.entries].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0))) packages[e.package] = e.version;
  return { format: 1, requested: [...lock.packages], packages };
};

export const loadVersions = (): TraceVersions | null => (existsSync(TRACE_VERSIONS) ? (JSON.parse(readFileSync(TRACE_VERSIONS, "utf8")) as TraceVersions) : null);

export const saveVersions = (v: TraceVersions): void => {
  mkdirSync(TRACE_DIR, { recursive: true });
  writeFileSync(TRACE_VERSIONS, JSON.stringify(v, null, 1) + "\n");
};

/** Null when the current guest root is the one the traces were recorded with, else a plain message. */
export const versionMismatch = (recorded: TraceVersions | null, current: TraceVersions): string | null => {
  if (recorded === null) return "no golden/traces/VERSIONS.json: the traces were never recorded (npm run golden:update)";
  const diffs: string[] = [];
  const names = [...new Set([...Object.keys(recorded.packages), ...Object.keys(current.packages)])].sort();
  for (const n of names) {
    const r = recorded.packages[n], c = current.packages[n];
    if (r === c) continue;
    diffs.push(`${n} ${c ?? "(absent)"} vs ${r ?? "(absent)"}`);
  }
  if (diffs.length === 0) return null;
  return `guest root differs from the one the traces were recorded with (current vs recorded): ${diffs.slice(0, 12).join(", ")}${diffs.length > 12 ? `, and ${diffs.length - 12} more` : ""}`;
};
