// The golden GNU workloads (issue 7): their type, loading golden/workloads.json, and how one is run on
// our stack. A workload runs its program directly when it has neither `setup` nor `post`; otherwise
// it becomes one `bash -c` script: the setup programs (each must succeed), the program itself, then the
// marker line "--- post" and the `post` snippet, which prints the files the program created or changed
// (cat, stat, md5sum, od...), so that stdout alone shows them. scripts/golden-record.ts produces the
// same bytes with the oracle (golden/README.md). Above: scripts/golden-diff.ts, scripts/golden-record.ts,
// golden/golden.test.ts. Below: nothing.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** An input file: absolute guest path; UTF-8 text or base64 bytes. */
export interface GoldenFile { readonly path: string; readonly text?: string; readonly base64?: string; readonly mode?: number }

export interface GoldenWorkload {
  readonly name: string;
  /** Which of the 94 programs this workload is for. */
  readonly program: string;
  /** Program path in the guest and its argv (argv[0] included). */
  readonly path: string;
  readonly argv: readonly string[];
  readonly stdin?: string;
  readonly files?: readonly GoldenFile[];
  readonly env?: readonly string[];
  readonly cwd?: string;
  /** Programs (argv, found on PATH) run before the program; each must succeed. */
  readonly setup?: readonly (readonly string[])[];
  /** Shell snippet run after the program (GNU coreutils only; `$RUN PROG` runs a built dynamic i386 program, `$RUNSTATIC PROG` a static one). */
  readonly post?: string;
  /** Exit code the oracle must give (default 0). */
  readonly exit?: number;
  /** Oracle other than "the same argv under qemu-i386": another argv under qemu, or a host shell command. */
  readonly oracle?: { readonly qemu: readonly string[] } | { readonly host: string };
  /** Replacements (JavaScript regex, multiline) applied to both stdouts before comparing. */
  readonly normalise?: readonly { readonly pattern: string; readonly replace: string }[];
}

export const GOLDEN_FILE = fileURLToPath(new URL("./workloads.json", import.meta.url));
export const RECORDED_GOLDEN = fileURLToPath(new URL("./recorded.json", import.meta.url));
export const GOLDEN_DEFAULT_ENV: readonly string[] = ["PATH=/usr/bin:/bin", "LANG=C"];
export const POST_MARKER = "--- post";
export const PROGRAM_COUNT = 94;

export const loadGolden = (file = GOLDEN_FILE): GoldenWorkload[] => JSON.parse(readFileSync(file, "utf8")) as GoldenWorkload[];

export const fileBytes = (f: GoldenFile): Uint8Array => new Uint8Array(f.base64 !== undefined ? Buffer.from(f.base64, "base64") : Buffer.from(f.text ?? "", "utf8"));

export const goldenDigest = (w: GoldenWorkload): string => createHash("sha256").update(JSON.stringify(w)).digest("hex").slice(0, 16);

export const shq = (s: string): string => (/^[A-Za-z0-9_./=:,+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** Whether the workload is wrapped in a bash script on our stack. */
export const isWrapped = (w: GoldenWorkload): boolean => (w.setup?.length ?? 0) > 0 || w.post !== undefined;

/** The path, argv and cwd our stack runs for a workload. */
export const ourCommand = (w: GoldenWorkload): { path: string; argv: string[] } => {
  if (!isWrapped(w)) return { path: w.path, argv: [...w.argv] };
  const lines = (w.setup ?? []).map((a) => `${a.map(shq).join(" ")} || exit 97`);
  lines.push(`(exec -a ${shq(w.argv[0]!)} ${shq(w.path)} ${w.argv.slice(1).map(shq).join(" ")}); s=$?`);
  if (w.post !== undefined) lines.push(`echo ${shq(POST_MARKER)}; RUN=; RUNSTATIC=; ${w.post}`);
  lines.push("exit $s");
  return { path: "/bin/bash", argv: ["bash", "-c", lines.join("\n")] };
};

export const normalise = (w: GoldenWorkload, s: string): string => {
  for (const n of w.normalise ?? []) s = s.replace(new RegExp(n.pattern, "gm"), n.replace);
  return s;
};
