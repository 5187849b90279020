// The root of a running system: a kernel, and a native boot thread in the root task that starts the
// memory manager as its child with a pool of physical memory; the memory manager starts the next nester
// of the stack, and so on down to the program. The root task's address space is physical memory
// (FLUKE_VM_MIN + p is byte p), so the boot thread's regions over its own memory export page frames.
// Root layout (ours): objects of the boot code in [0x11000, 0x101000), the memory manager's boot area
// at 0x101000, its pool of page frames from 0x201000 (a region the manager holds a reference to).
// Above: the CLI (fluke run), tests. Below: memmgr, libnest, impl/kernel.
import { FLUKE_PROT_ALL, FLUKE_VM_MIN } from "../../spec/kernel-api/common.js";

/** Where the memory manager finds the reference to its physical pool: a slot of its boot area (ours). */
const PHYS_REF_OFF = 32;
import { Kernel } from "../kernel/kernel.js";
import { spawnNative } from "../kernel/native-host.js";
import { ObjAlloc, VaSpace, newRef, ok, type Nest, type NestEnv } from "./libnest/env.js";
import { CHILD_BASE, SPACE_BASE, SPACE_END, spawnNativeChild } from "./libnest/spawn.js";
import { memmgr } from "./memmgr/memmgr.js";

const ROOT_OBJECTS = FLUKE_VM_MIN + 0x10000;
const ROOT_OBJECTS_SIZE = 0x100000 - 0x10000;
const MEMMGR_BOOT = FLUKE_VM_MIN + 0x100000;
const POOL = FLUKE_VM_MIN + 0x200000;

export interface BootOptions {
  /** Memory the memory manager manages, in bytes (a multiple of 4096). */
  readonly poolBytes: number;
  /** The quota of the memory manager's child (default: the whole pool). */
  readonly childQuota?: number;
  /** The nester the memory manager starts as its child. */
  readonly child?: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
}

/** A kernel with the root boot thread ready to run (k.sched.run() runs the system). */
export const boot = (opts: BootOptions): Kernel => {
  const pages = (POOL - FLUKE_VM_MIN + opts.poolBytes) / 4096;
  const k = new Kernel({ pages });
  const rootEnv: NestEnv = {
    k, task: k.rootTask, name: "root", memory: 0, parent: 0, self: 0,
    alloc: new ObjAlloc(ROOT_OBJECTS, ROOT_OBJECTS_SIZE), space: new VaSpace(POOL, POOL + opts.poolBytes),
  };
  spawnNative(k, k.rootTask, FLUKE_VM_MIN + 0x8000, rootProgram(rootEnv, opts), { label: "root" });
  return k;
};

function* rootProgram(env0: NestEnv, opts: BootOptions): Nest<void> {
  // A reference to the root task itself (its object is at physical 0: root address FLUKE_VM_MIN).
  const self = yield* newRef(env0);
  yield* ok("fluke_task_reference", { task: FLUKE_VM_MIN, new_task_ref: self });
  const env: NestEnv = { ...env0, self };
  yield* spawnNativeChild(env, MEMMGR_BOOT, 0, "memmgr",
    (child) => memmgr(child, {
      physRef: CHILD_BASE + PHYS_REF_OFF, physSize: opts.poolBytes, windowBase: SPACE_BASE, windowSize: SPACE_END - SPACE_BASE,
      childQuota: opts.childQuota ?? opts.poolBytes, child: opts.child,
    }),
    function* () {
      // The pool: a region over page frames, its reference placed in the manager's boot area.
      const region = env.alloc.alloc("region");
      yield* ok("fluke_region_create", { new_region: region });
      yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: POOL, size: opts.poolBytes, prot: FLUKE_PROT_ALL }, task_ref: self, keeper_ref: 0 });
      yield* ok("fluke_ref_create", { new_ref: MEMMGR_BOOT + PHYS_REF_OFF });
      yield* ok("fluke_region_reference", { region, new_region_ref: MEMMGR_BOOT + PHYS_REF_OFF });
    });
}
