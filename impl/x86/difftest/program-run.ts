// `npx tsx impl/x86/difftest/program-run.ts [--dynamic]`: program-level differential test. Builds
// programs/libc-smoke.c as an i386 glibc binary (gcc -m32, static by default or a dynamically
// linked PIE run through the host's /lib/ld-linux.so.2, into the ignored build/),
// runs it on the TypeScript CPU with a minimal ELF loader and Linux int $0x80 shim
// (linux-shim.ts), and compares stdout and exit status with the same binary under the oracle
// (native or qemu-i386). Above: the developer. Below: gcc, qemu-i386, linux-shim.ts, impl/x86.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_DIR, nativeI386Works } from "./oracle.js";
import { runElf } from "./linux-shim.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const src = join(HERE, "programs", "libc-smoke.c");
const dynamic = process.argv.includes("--dynamic"), bin = join(BUILD_DIR, dynamic ? "libc-smoke-dyn" : "libc-smoke");
execFileSync("mkdir", ["-p", BUILD_DIR]);
execFileSync("gcc", ["-m32", ...(dynamic ? [] : ["-static"]), "-O2", "-o", bin, src]);

const native = nativeI386Works();
const oracle = native ? spawnSync(bin, ["prog"], { encoding: "utf8" }) : spawnSync("qemu-i386", ["-cpu", "pentium3", bin, "prog"], { encoding: "utf8" });
const ours = runElf(new Uint8Array(readFileSync(bin)), [bin, "prog"]);
console.log(`--- oracle (${native ? "native" : "qemu-i386"}), exit ${oracle.status}\n${oracle.stdout}`);
console.log(`--- impl/x86, exit ${ours.status}, ${ours.retired} instructions, ${ours.syscalls.join(" ")}\n${ours.stdout}`);
const ok = ours.stdout === oracle.stdout && ours.status === oracle.status;
console.log(ok ? "PASS: identical output and exit status" : "FAIL: output or exit status differs");
process.exitCode = ok ? 0 : 1;
