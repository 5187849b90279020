// The oracle side of the differential tester: builds impl/x86/difftest/harness.c into the
// git-ignored impl/x86/difftest/build/ with gcc -m32 -static, and runs case batches through it,
// natively when the host can exec i386 ELF files, otherwise under qemu-i386 (second-best oracle;
// this is the case on hosts without ia32 emulation, where compat-mode far jumps also fault).
// Above: native-run.ts. Below: gcc, the host kernel, qemu-i386.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { IN_SIZE, OUT_SIZE, decodeOutcome, encodeCase, type Case, type Outcome } from "./protocol.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const BUILD_DIR = join(HERE, "build");
const QEMU_CPU = "pentium3";

export interface Oracle {
  /** human-readable description, recorded in the vector files */
  name: string;
  /** outcomes in case order; null where the oracle itself crashed on a case (qemu TCG aborts) */
  run(cases: Case[]): (Outcome | null)[];
}

/** compile the harness if it is missing or older than its source */
export function buildHarness(): string {
  const src = join(HERE, "harness.c"), out = join(BUILD_DIR, "harness");
  mkdirSync(BUILD_DIR, { recursive: true });
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    execFileSync("gcc", ["-m32", "-static", "-O2", "-fno-stack-protector", "-o", out, src], { stdio: "inherit" });
  }
  return out;
}

/** can this host exec the i386 harness directly? */
export function nativeI386Works(): boolean {
  return canExecNatively(buildHarness());
}

function canExecNatively(bin: string): boolean {
  const r = spawnSync(bin, [], { input: Buffer.alloc(0) });
  return r.error === undefined && r.status === 0;
}

function qemuVersion(): string {
  const r = spawnSync("qemu-i386", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0] : "qemu-i386 (version unknown)";
}

export function openOracle(): Oracle {
  const bin = buildHarness();
  const native = canExecNatively(bin);
  const cmd = native ? bin : "qemu-i386";
  const args = native ? [] : ["-cpu", QEMU_CPU, bin];
  const name = native ? "native i386 (host CPU)" : `${qemuVersion()} -cpu ${QEMU_CPU} (second-best oracle: no native i386 execution on this host)`;
  return {
    name,
    run(cases: Case[]): (Outcome | null)[] {
      return runSplitting(cmd, args, cases);
    },
  };
}

/** Case batches for the oracle: at most `size` cases each, and never two groups in one batch. One
 * oracle process runs a batch, and qemu-i386 carries state from case to case: a pair that faults
 * in its second instruction with lazy flags pending (e.g. ROL r8,imm then RCR m8,1 on an unmapped
 * page) leaves garbage in reserved EFLAGS bits (0x40800000) that no later POPF can clear, and every
 * later PUSHF in that process stores it (seed 104: random-group PUSHF cases in the batch after the
 * last pairs). Pairs never use PUSHF as a second instruction; single-instruction cases do not
 * leave the garbage, so a group boundary is enough. */
export function batches<T extends { group: string }>(cases: T[], size: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  for (const c of cases) {
    if (cur.length === size || (cur.length > 0 && cur[0].group !== c.group)) { out.push(cur); cur = []; }
    cur.push(c);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** run a batch; when the oracle process dies or hangs, bisect to isolate the cases that kill it */
function runSplitting(cmd: string, args: string[], cases: Case[]): (Outcome | null)[] {
  if (cases.length === 0) return [];
  const input = Buffer.alloc(cases.length * IN_SIZE);
  cases.forEach((c, k) => encodeCase(c, input, k * IN_SIZE));
  // a case can hang the oracle for good (e.g. a stray IRET popping TF: qemu-i386 then single-steps
  // the harness's own signal path, which the per-case alarm cannot break); the time limit is far
  // above a normal batch (about 3 ms a case, 0.5 s for a case that times out) and a hung batch is
  // bisected like a crashed one, its hanging case reported as skipped
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30, timeout: 30_000 + 50 * cases.length, killSignal: "SIGKILL" });
  if (r.status === 0 && r.stdout.length === cases.length * OUT_SIZE) {
    return cases.map((_, k) => decodeOutcome(r.stdout, k * OUT_SIZE));
  }
  if (r.error !== undefined && cases.length === 0) throw r.error;
  if (cases.length === 1) return [null];
  const done = Math.floor((r.stdout?.length ?? 0) / OUT_SIZE);
  const head = cases.slice(0, done).map((_, k) => decodeOutcome(r.stdout, k * OUT_SIZE));
  const rest = cases.slice(done);
  return [...head, ...runSplitting(cmd, args, rest.slice(0, 1)), ...runSplitting(cmd, args, rest.slice(1))];
}
