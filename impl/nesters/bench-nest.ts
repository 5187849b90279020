// `npm run bench:nest`: the cost of nesting. Runs GNU workloads (golden/recorded inputs from
// impl/nesters/procmgr/workloads.ts) on the full stack with 0, 1, 2 and 4 null nesters between the
// program and the process manager (each one interposes on every protocol and on the guest's system
// calls), and the same programs under qemu-i386 on the same guest root (the anchor: this host cannot
// execute i386 code natively). Median wall time of RUNS runs each, virtual time (deterministic), and
// the ratios: per layer against depth 0, and depth 0 against qemu-i386. A benchmark, not a test.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { guestRoot } from "./procmgr/guest-binaries.js";
import { DEFAULT_ENV, WL_DIR, WORKLOADS, type Workload } from "./procmgr/workloads.js";
import type { NesterName } from "./stack.js";
import { runWorkload } from "./procmgr/workload-run.js";

const RUNS = Number(process.env["BENCH_NEST_RUNS"] ?? 3);
const DEPTHS = [0, 1, 2, 4];
const NAMES = ["sort-file", "gawk-math", "sed-groups", "bash-for-arith"];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ours = (root: string, w: Workload, depth: number): { ms: number; time: number } => {
  const t0 = performance.now();
  const r = runWorkload(root, w, { maxTime: 2e10, nest: Array.from({ length: depth }, (): NesterName => "null") }).result;
  if (r.status === null) throw new Error(`${w.name} at depth ${depth} did not finish`);
  return { ms: performance.now() - t0, time: r.time };
};

/** The same program under qemu-i386 with the guest root's loader and libraries; input files placed at WL_DIR on the host (qemu's -L falls back to host paths), removed after. */
const qemu = (root: string, w: Workload): number | null => {
  try {
    const files = w.files ?? [];
    for (const f of files) {
      const p = join(WL_DIR, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    const libs = `${root}/lib/i386-linux-gnu:${root}/usr/lib/i386-linux-gnu`;
    const t0 = performance.now();
    const r = spawnSync("qemu-i386", ["-cpu", "pentium3", "-L", root, `${root}/lib/ld-linux.so.2`, "--library-path", libs, "--argv0", w.argv[0]!, `${root}${w.path}`, ...w.argv.slice(1)], {
      input: w.stdin ?? "", env: Object.fromEntries((w.env ?? DEFAULT_ENV).map((e) => e.split("=", 2) as [string, string])), stdio: ["pipe", "ignore", "ignore"],
    });
    const ms = performance.now() - t0;
    return r.status === null || r.error !== undefined ? null : ms;
  } finally {
    for (const f of w.files ?? []) rmSync(join(WL_DIR, f.path), { force: true });
  }
};

const main = (): void => {
  const root = guestRoot();
  console.log(`bench:nest — median of ${RUNS} runs after a warm-up; null nesters between the program and the process manager; anchor qemu-i386 (native i386 is impossible on this host)`);
  console.log(`${"workload".padEnd(16)} ${"qemu ms".padStart(8)} ${DEPTHS.map((d) => `d${d} ms`.padStart(9)).join(" ")}  ${"d0/qemu".padStart(8)} ${DEPTHS.slice(1).map((d) => `d${d}/d0`.padStart(7)).join(" ")}  virtual time d0 → +per layer`);
  for (const name of NAMES) {
    const w = WORKLOADS.find((x) => x.name === name);
    if (w === undefined) throw new Error(`no workload ${name}`);
    ours(root, w, 0);
    const q = Array.from({ length: RUNS }, () => qemu(root, w)).filter((x): x is number => x !== null);
    const rows = DEPTHS.map((d) => {
      const rs = Array.from({ length: RUNS }, () => ours(root, w, d));
      return { ms: median(rs.map((r) => r.ms)), time: rs[0]!.time };
    });
    const qm = q.length > 0 ? median(q) : NaN;
    const perLayer = (rows[DEPTHS.length - 1]!.time - rows[0]!.time) / DEPTHS[DEPTHS.length - 1]!;
    console.log(`${name.padEnd(16)} ${qm.toFixed(0).padStart(8)} ${rows.map((r) => r.ms.toFixed(0).padStart(9)).join(" ")}  ${(rows[0]!.ms / qm).toFixed(1).padStart(7)}x ${rows.slice(1).map((r) => (r.ms / rows[0]!.ms).toFixed(2).padStart(6) + "x").join(" ")}  ${rows[0]!.time} → +${perLayer.toFixed(0)} (${((100 * perLayer) / rows[0]!.time).toFixed(1)}%)`);
  }
};

main();
