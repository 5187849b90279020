// `npm run bench:cpu`: the CPU-bound benchmark of impl/x86. Compiles bench.c (SHA-256 + quicksort)
// with gcc -m32 -O2 -ffreestanding -fno-pic -nostdlib into a flat image in the git-ignored
// impl/x86/difftest/build/, runs it on the TypeScript CPU with trivial flat memory, and runs the
// same function on the anchors in the same process run: qemu-i386 (i386 build) and the host CPU
// (native i386 when the host can exec it; otherwise an x86-64 build of the same C, labelled).
// Prints emulated MIPS and the ratios, medians of several runs. Above: the developer.
// Below: gcc, objcopy, qemu-i386, impl/x86 (Cpu).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Cpu } from "../cpu.js";
import { PERM_R, PERM_W, PERM_X } from "../tlb.js";
import { BUILD_DIR } from "../difftest/oracle.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const BASE = 0x0100_0000, MEM = 4 << 20, RUNS = Number(process.env.BENCH_RUNS ?? 5);

function build(): { flat: string; i386: string; host: string } {
  const src = join(HERE, "bench.c"), main = join(HERE, "bench-main.c");
  const elf = join(BUILD_DIR, "bench.elf"), flat = join(BUILD_DIR, "bench.bin");
  const i386 = join(BUILD_DIR, "bench-i386"), host = join(BUILD_DIR, "bench-host");
  const cflags = ["-O2", "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-fno-asynchronous-unwind-tables"];
  execFileSync("mkdir", ["-p", BUILD_DIR]);
  execFileSync("gcc", ["-m32", ...cflags, "-nostdlib", "-static", "-DFLAT_ENTRY", `-Wl,-Ttext=0x${BASE.toString(16)}`,
    "-Wl,-e,bench_entry", "-Wl,--build-id=none", "-o", elf, src]);
  execFileSync("objcopy", ["-O", "binary", "-j", ".text", "-j", ".rodata", "-j", ".data", elf, flat]);
  execFileSync("gcc", ["-m32", "-static", "-no-pie", ...cflags, "-o", i386, main, src]);
  execFileSync("gcc", ["-no-pie", ...cflags, "-o", host, main, src]);
  return { flat, i386, host };
}

function entryOf(elf: string): number {
  const out = execFileSync("nm", [elf], { encoding: "utf8" });
  const line = out.split("\n").find((l) => l.endsWith(" bench_entry"));
  return parseInt(line!.split(" ")[0], 16);
}

/** one CPU and memory for all runs, so later runs reuse the decoded-instruction cache (the code
 * bytes are rewritten identically), like the anchors' warm translation caches */
const cpu = new Cpu(), mem = new Uint8Array(MEM);
for (let p = 0; p < MEM / 4096; p++) cpu.mapPage((BASE >>> 12) + p, mem, p * 4096, PERM_R | PERM_W | PERM_X);

function emulateOnce(image: Uint8Array, entry: number): { sum: number; retired: number; ns: number; cpuNs: number } {
  mem.fill(0);
  mem.set(image, 0);
  cpu.eip = entry;
  cpu.r32[4] = BASE + MEM - 64;
  const start = cpu.retired;
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  let stop = cpu.run(1e9);
  while (stop.kind === "budget") stop = cpu.run(1e9);
  const ns = Number(process.hrtime.bigint() - t0), c1 = process.cpuUsage(c0);
  if (stop.kind !== "trap" || stop.vector !== 3) throw new Error(`bench stopped: ${JSON.stringify(stop)}`);
  return { sum: cpu.r32[0] >>> 0, retired: cpu.retired - start - 1, ns, cpuNs: (c1.user + c1.system) * 1000 };
}

interface Timing { sum: number; ns: number; cpuNs: number }

function anchor(cmd: string, args: string[]): Timing | null {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) return null;
  const [sum, ns, cpuNs] = r.stdout.trim().split(" ").map(Number);
  return { sum, ns, cpuNs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const b = build();
const image = new Uint8Array(readFileSync(b.flat));
const entry = entryOf(join(BUILD_DIR, "bench.elf"));
const runs = Array.from({ length: RUNS }, () => emulateOnce(image, entry));
const emu = { sum: runs[0].sum, retired: runs[0].retired, ns: median(runs.map((r) => r.ns)), cpuNs: median(runs.map((r) => r.cpuNs)) };
const mips = (ns: number): number => emu.retired / (ns / 1000);
console.log(`workload: SHA-256 of 64 KiB + quicksort of 16K ints, ${emu.retired} i386 instructions, median of ${RUNS}`);
console.log(`emulated (impl/x86 interpreter): ${(emu.ns / 1e6).toFixed(1)} ms wall, ${mips(emu.ns).toFixed(1)} MIPS; ` +
  `${(emu.cpuNs / 1e6).toFixed(1)} ms process CPU time, ${mips(emu.cpuNs).toFixed(1)} MIPS (robust on a shared machine); checksum ${emu.sum.toString(16)}`);
const nativeI386 = anchor(b.i386, [String(RUNS)]);
const qemu = anchor("qemu-i386", [b.i386, String(RUNS)]);
const host = anchor(b.host, [String(RUNS)]);
const report = (name: string, a: Timing | null): void => {
  if (a === null) { console.log(`${name}: not available`); return; }
  const ok = a.sum === emu.sum ? "checksum ok" : `CHECKSUM MISMATCH ${a.sum.toString(16)}`;
  console.log(`${name}: ${(a.ns / 1e6).toFixed(2)} ms wall, ${(a.cpuNs / 1e6).toFixed(2)} ms CPU, ${mips(a.cpuNs).toFixed(0)} MIPS-equivalent; ` +
    `the emulator is ${(emu.ns / a.ns).toFixed(0)}x slower by wall time, ${(emu.cpuNs / a.cpuNs).toFixed(0)}x by CPU time (${ok})`);
};
report("native i386", nativeI386);
report("qemu-i386 (i386 build)", qemu);
report(`host CPU, x86-64 build of the same C${nativeI386 ? "" : " (native i386 impossible on this host)"}`, host);
