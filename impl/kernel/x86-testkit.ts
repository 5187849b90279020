// Test support for x86 threads: compiling the C programs of impl/kernel/x86-tests/ with gcc -m32 against
// spec/kernel-api/fluke.h (failing with a clear message when the i386 toolchain is missing), and a kernel
// with a task three levels deep (root -> T0 -> T1 -> T2) whose window [T2_BASE, T2_BASE + WINDOW) reaches
// root memory through three regions and mappings, the top region kept by a port. Test support only.
// Above: impl/kernel/x86-*.test.ts, conformance/kernel-x86-*.test.ts. Below: kvm-testkit.ts, x86-spawn.ts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FLUKE_PROT_ALL, FLUKE_VM_MIN } from "../../spec/kernel-api/common.js";
import type { KTask } from "./kobjects.js";
import { AT, KT } from "./kvm-testkit.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const INCLUDE = join(HERE, "..", "..", "spec", "kernel-api");

/** Compile x86-tests/<name>.c to a static ELF32 linked at 0x10000; throws a clear error without gcc -m32. */
export const compileX86Test = (name: string): Uint8Array => {
  const dir = mkdtempSync(join(tmpdir(), "fluke-x86-"));
  const out = join(dir, `${name}.elf`);
  const flags = ["-m32", "-ffreestanding", "-nostdlib", "-fno-pic", "-static", "-O1", "-fno-stack-protector"];
  try {
    execFileSync("gcc", [...flags, "-I", INCLUDE, "-Wl,-Ttext=0x10000", "-Wl,--build-id=none", "-o", out, join(HERE, "x86-tests", `${name}.c`)], { stdio: "pipe" });
    return new Uint8Array(readFileSync(out));
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    throw new Error(`cannot build the i386 test program ${name}.c: gcc -m32 is needed (install gcc-multilib).\n${msg}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Where things are in the nested setup (root-view addresses unless said otherwise). */
export const NEST = {
  T2_BASE: 0xe000, WINDOW: 0x12000, ROOT_BASE: 0x20000, T0_BASE: 0x40000, T1_BASE: 0x60000,
  tasks: AT.task, regions: AT.region, mappings: AT.mapping, scheduler: AT.port, keeper: 0x2440,
  thread: 0x2600, refs: [0x2050, 0x2060] as const,
} as const;

/** A kernel with T0, T1, T2 nested as in NEST; the top region (over the root task) is kept by NEST.keeper. */
export const nestedKernel = (): { kt: KT; t2: KTask } => {
  const kt = new KT({ pages: 256 });
  const n = NEST;
  for (const t of n.tasks) kt.ok("fluke_task_create", { new_task: t });
  kt.ok("fluke_port_create", { new_port: n.scheduler });
  kt.ok("fluke_port_create", { new_port: n.keeper });
  const bases = [n.ROOT_BASE, n.T0_BASE, n.T1_BASE, n.T2_BASE];
  const owners = [FLUKE_VM_MIN, ...n.tasks];
  for (let i = 0; i < 3; i++) {
    kt.region(n.regions[i]!, owners[i]!, bases[i]!, n.WINDOW, FLUKE_PROT_ALL);
    kt.mapping(n.mappings[i]!, n.regions[i]!, n.tasks[i]!, bases[i + 1]!, n.WINDOW);
  }
  kt.ok("fluke_region_set_state", { region: n.regions[0], state: null, task_ref: 0, keeper_ref: kt.bind(0x2070, "port", n.keeper) });
  return { kt, t2: kt.obj(n.tasks[2]) as KTask };
};
