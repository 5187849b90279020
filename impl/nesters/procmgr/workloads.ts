// The workloads of the "identical to native" test: realistic runs of unmodified Debian 12 i386 programs
// (coreutils, sed, grep, gawk, bash) on deterministic inputs. Each one's stdout, stderr and exit status
// were recorded once with an oracle that is not our system (scripts/record-outputs.ts →
// recorded-outputs.json) and run.test.ts checks that our stack gives the same bytes. A workload's input
// files are placed under /tmp/wl/ in the guest; the input texts are built here by fixed formulas (no
// randomness at run time), so the recording and the test see the same bytes. Nothing here depends on
// time, pids, host names or file timestamps.
// `hostOracle`: for a workload that execs other programs (qemu-user cannot: no binfmt_misc on the
// recording machine), the host shell command whose output is the expected one, run on the same guest
// root ($ROOT) and the same input files ($WL, the host directory holding /tmp/wl's files) with GNU
// tools in the C locale. Above: run.test.ts, scripts/record-outputs.ts. Below: nothing.
import { createHash } from "node:crypto";

export interface Workload {
  readonly name: string;
  /** Program path in the guest and its argv (argv[0] included). */
  readonly path: string;
  readonly argv: readonly string[];
  readonly stdin?: string;
  /** Input files; `path` is relative to /tmp/wl/. */
  readonly files?: readonly { readonly path: string; readonly content: string }[];
  /** Environment; default DEFAULT_ENV. */
  readonly env?: readonly string[];
  /** Expected output from host tools instead of qemu-i386 (the workload execs other programs). */
  readonly hostOracle?: string;
  /** The exit code the oracle is expected to give (default 0): the recorder refuses a run that differs. */
  readonly exit?: number;
}

export const WL_DIR = "/tmp/wl";
export const DEFAULT_ENV: readonly string[] = ["PATH=/usr/bin:/bin", "LANG=C"];

// ---- deterministic inputs ------------------------------------------------------------------------

/** A 31-bit linear congruential sequence (the constants of glibc's TYPE_0 rand): fixed, host-independent. */
const lcg = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff);
};

const WORDS = [
  "apple", "Banana", "cherry", "date", "Elderberry", "fig", "grape", "Honeydew", "kiwi", "lemon", "Mango", "nectarine",
  "orange", "papaya", "Quince", "raspberry", "strawberry", "tangerine", "ugli", "vanilla", "watermelon", "Xigua", "yam", "zucchini",
];

/** ~200 lines: words in mixed case, some with numbers, numbers alone, blank-free, with duplicates. */
export const WORDS_TXT: string = (() => {
  const next = lcg(20240601);
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const w = WORDS[next() % WORDS.length]!;
    switch (next() % 6) {
      case 0: lines.push(w); break;
      case 1: lines.push(w.toUpperCase()); break;
      case 2: lines.push(`${w} ${next() % 1000}`); break;
      case 3: lines.push(String(next() % 500 - 100)); break;
      case 4: lines.push(`${w}-${next() % 50} ${WORDS[next() % WORDS.length]}`); break;
      default: lines.push(`${w.toLowerCase()}`); break;
    }
  }
  return lines.join("\n") + "\n";
})();

/** A passwd-like table: name:x:uid:gid:comment:home:shell. */
export const TABLE_TXT: string = (() => {
  const next = lcg(7);
  const shells = ["/bin/bash", "/bin/sh", "/usr/sbin/nologin", "/bin/false"];
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const name = `${WORDS[i % WORDS.length]!.toLowerCase()}${i >= WORDS.length ? i : ""}`;
    const uid = 1000 + (next() % 200);
    lines.push(`${name}:x:${uid}:${100 + (next() % 5)}:User ${name},Room ${next() % 90}:/home/${name}:${shells[next() % shells.length]}`);
  }
  return lines.join("\n") + "\n";
})();

/** Measurements for gawk: city, region, three readings with decimals. */
export const DATA_TXT: string = (() => {
  const next = lcg(99);
  const cities = ["Oslo", "Lima", "Pune", "Kyiv", "Perth", "Quito", "Dakar", "Hanoi"];
  const regions = ["north", "south", "east", "west"];
  const lines = ["# city region t1 t2 t3"];
  for (let i = 0; i < 40; i++) {
    const r = () => ((next() % 40000) / 1000 - 10).toFixed(3);
    lines.push(`${cities[i % cities.length]} ${regions[next() % regions.length]} ${r()} ${r()} ${r()}`);
  }
  return lines.join("\n") + "\n";
})();

export const PROSE_TXT =
  "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs!\n" +
  "How vexingly quick daft zebras jump; the five boxing wizards jump quickly.\n" +
  "\n" +
  "Sphinx of black quartz, judge my vow. 1234567890 is not a word, but x86 and i386 are.\n" +
  "ERROR: disk full at sector 4096\nWarning: low memory (12%)\nerror: retry 3 of 5\n" +
  "Jackdaws love my big sphinx of quartz.\tTabs\tand  double  spaces.\n";

const A_TXT = "alpha 1\nbravo 2\ncharlie 3\ndelta 4\necho 5\nfoxtrot 6\ngolf 7\n";
const B_TXT = "bravo two\ncharlie three\necho five\ngolf seven\nhotel eight\n";
const KEYS_A = "alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\n";
const KEYS_B = "bravo\ndelta\nfoxtrot\ngolf\nhotel\n";

const words = { path: "words.txt", content: WORDS_TXT };
const table = { path: "table.txt", content: TABLE_TXT };
const data = { path: "data.txt", content: DATA_TXT };
const prose = { path: "prose.txt", content: PROSE_TXT };
const w = (name: string) => `${WL_DIR}/${name}`;

// ---- the workloads -------------------------------------------------------------------------------

export const WORKLOADS: readonly Workload[] = [
  // The set.
  { name: "echo", path: "/bin/echo", argv: ["echo", "hello"] },
  { name: "sort-file", path: "/usr/bin/sort", argv: ["sort", w("words.txt")], files: [words] },
  { name: "wc-file", path: "/usr/bin/wc", argv: ["wc", w("words.txt")], files: [words] },
  { name: "wc-stdin", path: "/usr/bin/wc", argv: ["wc"], stdin: PROSE_TXT },
  { name: "sed-groups", path: "/bin/sed", argv: ["sed", "-E", "-e", "s/^([a-z]+) ([0-9]+)$/\\2=\\1/", "-e", "s/^([A-Z]+)$/<\\L\\1>/", "-e", "/^-/d", w("words.txt")], files: [words] },
  { name: "sed-n", path: "/bin/sed", argv: ["sed", "-n", "-e", "s/^\\([a-z]*\\)-\\([0-9]*\\) \\(.*\\)$/\\3 \\2 \\1/p", "-e", "$=", w("words.txt")], files: [words] },
  {
    name: "gawk-fields", path: "/usr/bin/gawk", files: [data],
    argv: ["gawk", "/^#/ { next } { n[$2]++; s[$2] += $3 + $4 + $5; if ($3 > max) { max = $3; who = $1 } } " +
      "END { PROCINFO[\"sorted_in\"] = \"@ind_str_asc\"; for (r in n) printf \"%-6s %2d %10.3f %e\\n\", r, n[r], s[r] / n[r], s[r]; " +
      "print \"max\", max, who; print sprintf(\"%05d|%-8s|%x|%o|%c\", NR, \"end\", 255, 8, 65) }", w("data.txt")],
  },
  {
    name: "gawk-math", path: "/usr/bin/gawk",
    argv: ["gawk", "BEGIN { for (i = 1; i <= 12; i++) { x = i * 0.7; printf \"%2d %.3f %.3f %e %g %g %.10f\\n\", i, sin(x), cos(x), exp(x), log(x), sqrt(x), atan2(x, 1) } " +
      "printf \"%g %g %g %.17g\\n\", 2 ^ 0.5, 10 / 3, -7 % 3, 0.1 + 0.2; print 1e300 * 1e10, -1e300 * 1e10, int(-3.7), int(3.7), 2 ^ 53 + 1; " +
      "print substr(\"hello world\", 3, 5), length(\"abc\"), index(\"banana\", \"nan\"), toupper(\"mixed Case\"); " +
      "srand(42); s = 0; for (i = 0; i < 1000; i++) s += i * i; print s, s / 7, exp(log(10) * 3) }"],
  },
  { name: "gawk-stdin", path: "/usr/bin/gawk", argv: ["gawk", "{ for (i = 1; i <= NF; i++) c[tolower($i)]++ } END { PROCINFO[\"sorted_in\"] = \"@val_num_desc\"; k = 0; for (x in c) if (k++ < 5) print c[x], x; print NR, NF }"], stdin: PROSE_TXT },
  { name: "grep-n", path: "/bin/grep", argv: ["grep", "-n", "berry", w("words.txt")], files: [words] },
  { name: "grep-ci", path: "/bin/grep", argv: ["grep", "-c", "-i", "mango", w("words.txt")], files: [words] },
  { name: "grep-vE", path: "/bin/grep", argv: ["grep", "-v", "-E", "^(-?[0-9]+|[a-z]+)$", w("words.txt")], files: [words] },
  { name: "grep-nomatch", path: "/bin/grep", argv: ["grep", "-q", "no such text", w("prose.txt")], files: [prose], exit: 1 },
  {
    name: "bash-ls-sort-head", path: "/bin/bash", argv: ["bash", "-c", "ls / | sort | head -3"],
    hostOracle: "ls \"$ROOT\" | sort | head -3",
  },
  // Coreutils and friends.
  { name: "cat-n", path: "/bin/cat", argv: ["cat", "-n", w("prose.txt")], files: [prose] },
  { name: "cat-A-stdin", path: "/bin/cat", argv: ["cat", "-A"], stdin: PROSE_TXT },
  { name: "head-n", path: "/usr/bin/head", argv: ["head", "-n", "7", w("words.txt")], files: [words] },
  { name: "tail-n", path: "/usr/bin/tail", argv: ["tail", "-n", "9", w("words.txt")], files: [words] },
  { name: "tr-upper", path: "/usr/bin/tr", argv: ["tr", "a-z", "A-Z"], stdin: PROSE_TXT },
  { name: "cut-d", path: "/usr/bin/cut", argv: ["cut", "-d:", "-f1,3,7", w("table.txt")], files: [table] },
  { name: "uniq-c", path: "/usr/bin/uniq", argv: ["uniq", "-c", w("sorted.txt")], files: [{ path: "sorted.txt", content: WORDS_TXT.split("\n").slice(0, -1).map((l) => l.toLowerCase().split(/[ -]/)[0]!).sort().join("\n") + "\n" }] },
  { name: "sort-k", path: "/usr/bin/sort", argv: ["sort", "-t:", "-k4,4n", "-k3,3nr", "-k1,1", w("table.txt")], files: [table] },
  { name: "seq-frac", path: "/usr/bin/seq", argv: ["seq", "1", "0.5", "5"] },
  { name: "printf-float", path: "/usr/bin/printf", argv: ["printf", "%5.2f\\n%e\\n%x %o %s\\n", "3.14159", "12345.678", "255", "8", "done"] },
  { name: "expr-zero", path: "/usr/bin/expr", argv: ["expr", "5", "-", "5"], exit: 1 },
  { name: "od-c", path: "/usr/bin/od", argv: ["od", "-c", w("prose.txt")], files: [prose] },
  { name: "md5sum", path: "/usr/bin/md5sum", argv: ["md5sum", w("words.txt"), w("prose.txt")], files: [words, prose] },
  { name: "sha256sum", path: "/usr/bin/sha256sum", argv: ["sha256sum", w("words.txt")], files: [words] },
  { name: "tac", path: "/usr/bin/tac", argv: ["tac", w("prose.txt")], files: [prose] },
  { name: "nl", path: "/usr/bin/nl", argv: ["nl", "-ba", "-w3", "-s: ", w("prose.txt")], files: [prose] },
  { name: "fold", path: "/usr/bin/fold", argv: ["fold", "-w", "20", "-s", w("prose.txt")], files: [prose] },
  { name: "paste", path: "/usr/bin/paste", argv: ["paste", "-d", "|", w("a.txt"), w("b.txt")], files: [{ path: "a.txt", content: A_TXT }, { path: "b.txt", content: B_TXT }] },
  { name: "comm", path: "/usr/bin/comm", argv: ["comm", w("ka.txt"), w("kb.txt")], files: [{ path: "ka.txt", content: KEYS_A }, { path: "kb.txt", content: KEYS_B }] },
  { name: "join", path: "/usr/bin/join", argv: ["join", "-a", "1", w("a.txt"), w("b.txt")], files: [{ path: "a.txt", content: A_TXT }, { path: "b.txt", content: B_TXT }] },
  { name: "diff", path: "/usr/bin/diff", argv: ["diff", w("ka.txt"), w("kb.txt")], files: [{ path: "ka.txt", content: KEYS_A }, { path: "kb.txt", content: KEYS_B }], exit: 1 },
  { name: "basename", path: "/usr/bin/basename", argv: ["basename", "-s", ".txt", "/usr/share/doc/notes.txt", "/tmp/wl/words.txt"] },
  { name: "dirname", path: "/usr/bin/dirname", argv: ["dirname", "/usr/share/doc/notes.txt", "relative/path/", "plain"] },
  { name: "factor", path: "/usr/bin/factor", argv: ["factor", "1234567", "2147483647", "600851475143", "18446744073709551615"] },
  { name: "sort-missing-file", path: "/usr/bin/sort", argv: ["sort", w("missing.txt")], exit: 2 },
  { name: "true", path: "/bin/true", argv: ["true"] },
  { name: "false", path: "/bin/false", argv: ["false"], exit: 1 },
  { name: "env", path: "/usr/bin/env", argv: ["env"], env: ["PATH=/usr/bin:/bin", "LANG=C", "HOME=/root", "GREETING=hello world"] },
  // bash: builtins only (qemu can run them), then pipelines of real programs (host-tools oracle).
  { name: "bash-for-arith", path: "/bin/bash", argv: ["bash", "-c", "t=0; for i in 1 2 3 4 5 6 7 8 9 10; do t=$((t + i * i)); done; echo \"sum=$t\"; for ((i = 0; i < 5; i++)); do printf '%d:%x ' $i $((i << 4)); done; echo; echo $((2 ** 31 - 1)) $((-17 / 5)) $((-17 % 5))"] },
  { name: "bash-expansion", path: "/bin/bash", argv: ["bash", "-c", "v=Hello_World; echo ${v,,} ${v^^} ${#v} ${v/World/There} ${v:2:5} ${u:-default} ${v%_*} ${v#*_}; a=(one two three); echo ${a[1]} ${#a[@]} \"${a[@]:1}\"; set -- x y z; echo $# $2 \"$*\""] },
  { name: "bash-subshell", path: "/bin/bash", argv: ["bash", "-c", "x=outer; (x=inner; echo in: $x; exit 3); echo status $? x=$x; y=$(echo sub; echo shell); echo \"$y\"; { echo grouped; } ; case abc in a*) echo matched;; esac; exit 5"], exit: 5 },
  {
    name: "bash-pipeline3", path: "/bin/bash", argv: ["bash", "-c", "cd /tmp/wl && (tr A-Z a-z < words.txt | sort | uniq -c | sort -k1,1nr -k2 | head -n 8); echo status=$? in $PWD"], files: [words],
    hostOracle: "cd \"$WL\" && (tr A-Z a-z < words.txt | sort | uniq -c | sort -k1,1nr -k2 | head -n 8); echo status=$? in /tmp/wl",
  },
  {
    name: "env-i", path: "/usr/bin/env", argv: ["env", "-i", "FOO=bar", "A=1", "/usr/bin/env"],
    hostOracle: "env -i FOO=bar A=1 env",
  },
];

/** A digest of everything that determines a workload's output (the recording is stale when it changes). */
export const workloadDigest = (wl: Workload): string =>
  createHash("sha256").update(JSON.stringify([wl.path, wl.argv, wl.stdin ?? null, wl.files ?? [], wl.env ?? DEFAULT_ENV, wl.hostOracle ?? null, wl.exit ?? 0])).digest("hex").slice(0, 16);
