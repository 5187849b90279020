// The root of a running system: a kernel, and a native boot thread in the root task that starts the
// memory manager as its child with a pool of physical memory; the memory manager starts the next nester
// of the stack, and so on down to the program. The root task's address space is physical memory
// (FLUKE_VM_MIN + p is byte p), so the boot thread's regions over its own memory export page frames.
// Root layout (ours): objects of the boot code in [0x11000, 0x101000), the memory manager's boot area
// at 0x101000, its pool from 0x201000.
// Above: the CLI (fluke run), tests. Below: memmgr, libnest, impl/kernel.
import { FLUKE_PROT_ALL, FLUKE_VM_MIN } from "../../spec/kernel-api/common.js";
import { Kernel } from "../kernel/kernel.js";
import { spawnNative } from "../kernel/native-host.js";
import { ObjAlloc, VaSpace, newRef, ok, type Nest, type NestEnv } from "./libnest/env.js";
import { SPACE_BASE, mapInto, spawnNativeChild } from "./libnest/spawn.js";
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
    (child) => memmgr(child, { poolBase: SPACE_BASE, poolSize: opts.poolBytes, childQuota: opts.childQuota ?? opts.poolBytes, child: opts.child }),
    function* (taskRef) {
      yield* mapInto(env, POOL, opts.poolBytes, taskRef, SPACE_BASE, FLUKE_PROT_ALL);
    });
}
