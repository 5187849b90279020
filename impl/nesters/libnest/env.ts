// What a native nester thread has: its environment (the kernel for loads and stores in its own task,
// its task, an allocator for the addresses of its kernel objects, and the references its parent gave
// it) and the helpers every nester uses to make kernel calls from a generator program.
// A native thread is TypeScript standing for the machine code of a nester: its loads and stores of its
// own task's memory go through the same translation as an x86 thread's (impl/kernel/kmemory.ts), and a
// refused access comes back as a fault value, like a nester that catches its own faults (Linux's
// copy_from_user fixups) instead of taking an exception. Everything else is a kernel call it yields.
// Above: libnest/serve.ts, spawn.ts, libc, the nesters. Below: impl/kernel (native-host, kmemory).
import { OBJECT_SIZE, type ObjectType, type Outcome } from "../../../spec/kernel-api/common.js";
import { KFault } from "../../kernel/kctx.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { KTask } from "../../kernel/kobjects.js";
import { readTask, writeTask } from "../../kernel/kmemory.js";
import type { KernelRequest } from "../../kernel/native.js";

/** A generator program step that makes kernel calls and finally returns T. */
export type Nest<T> = Generator<KernelRequest, T, Outcome>;

/** A kernel call that should not have failed (a nester's own bug or a broken invariant). */
export class NestError extends Error {
  constructor(readonly call: string, readonly outcome: Outcome) {
    super(`${call}: ${outcome.kind === "return" ? outcome.rc : outcome.kind === "insanity" ? `insanity ${outcome.code}` : outcome.kind === "fault" ? `fault at 0x${outcome.addr.toString(16)}` : outcome.kind}`);
  }
}

/** Make one kernel call and return its outcome as it is. */
export function* sys(name: string, args: Record<string, unknown>): Nest<Outcome> {
  return yield { name, args };
}

/** Make one kernel call that must succeed; returns its out-parameters. */
export function* ok(name: string, args: Record<string, unknown>): Nest<Record<string, unknown>> {
  const o = yield { name, args };
  if (o.kind !== "return" || o.rc !== "SUCCESS") throw new NestError(name, o);
  return o.out;
}

/**
 * Addresses for kernel objects inside a range of the task's memory that the parent backed with
 * FLUKE_PROT_ALL (objects need CREATE_OB): a bump pointer per size class plus free lists, so freed
 * addresses are reused and the layout depends only on the order of calls (deterministic).
 */
export class ObjAlloc {
  private next: number;
  private readonly free = new Map<number, number[]>();

  constructor(readonly base: number, readonly size: number) {
    this.next = base;
  }

  alloc(type: ObjectType): number {
    const sz = OBJECT_SIZE[type];
    const list = this.free.get(sz);
    if (list !== undefined && list.length > 0) return list.pop()!;
    const a = Math.ceil(this.next / sz) * sz;
    if (a + sz > this.base + this.size) throw new Error(`object area at 0x${this.base.toString(16)} is full`);
    this.next = a + sz;
    return a;
  }

  release(type: ObjectType, addr: number): void {
    const sz = OBJECT_SIZE[type];
    const list = this.free.get(sz) ?? [];
    list.push(addr);
    this.free.set(sz, list);
  }
}

export interface NestEnv {
  readonly k: Kernel;
  readonly task: KTask;
  readonly alloc: ObjAlloc;
  /** A reference to this task itself (for regions over its own memory, mappings into itself). */
  readonly self: number;
  /** A reference to the parent's Parent port (0 for a nester the boot code starts without one). */
  readonly parent: number;
  /** A label for traces and errors. */
  readonly name: string;
  /** Free page ranges of this task's own address space, for mapping segments into it. */
  readonly space: VaSpace;
  /** A reference to the Memory port this nester draws from (0 until it has one). */
  memory: number;
}

/**
 * Page ranges of a task's address space: first fit over a sorted free list, so the same calls give the
 * same addresses (deterministic). Sizes are rounded up to pages.
 */
export class VaSpace {
  /** Free ranges [start, end), sorted, disjoint, not adjacent. */
  private readonly free: [number, number][];

  constructor(start: number, end: number) {
    this.free = [[start, end]];
  }

  alloc(bytes: number): number | null {
    const size = Math.ceil(bytes / 4096) * 4096;
    for (let i = 0; i < this.free.length; i++) {
      const [s, e] = this.free[i]!;
      if (e - s < size) continue;
      if (e - s === size) this.free.splice(i, 1);
      else this.free[i] = [s + size, e];
      return s;
    }
    return null;
  }

  release(start: number, bytes: number): void {
    const end = start + Math.ceil(bytes / 4096) * 4096;
    let i = 0;
    while (i < this.free.length && this.free[i]![0] < start) i++;
    this.free.splice(i, 0, [start, end]);
    // merge with the neighbours
    if (i + 1 < this.free.length && this.free[i]![1] === this.free[i + 1]![0]) this.free.splice(i, 2, [this.free[i]![0], this.free[i + 1]![1]]);
    if (i > 0 && this.free[i - 1]![1] === this.free[i]![0]) this.free.splice(i - 1, 2, [this.free[i - 1]![0], this.free[i]![1]]);
  }
}

/** Load `len` bytes of the nester's own memory at `va`; null on a fault. */
export const load = (env: NestEnv, va: number, len: number): Uint8Array | null => {
  try {
    return readTask(env.k, env.task, va, len);
  } catch (e) {
    if (e instanceof KFault) return null;
    throw e;
  }
};

/** Store bytes into the nester's own memory at `va`; false on a fault (nothing is stored then). */
export const store = (env: NestEnv, va: number, bytes: Uint8Array): boolean => {
  try {
    writeTask(env.k, env.task, va, bytes);
    return true;
  } catch (e) {
    if (e instanceof KFault) return false;
    throw e;
  }
};

/** A new reference object (unbound) in the nester's object area. */
export function* newRef(env: NestEnv): Nest<number> {
  const r = env.alloc.alloc("ref");
  yield* ok("fluke_ref_create", { new_ref: r });
  return r;
}

/** Destroy a reference object and free its address. */
export function* dropRef(env: NestEnv, r: number): Nest<void> {
  yield* ok("fluke_ref_destroy", { ref: r });
  env.alloc.release("ref", r);
}

/** A new reference object bound to the same target as `src` (to keep a reference that arrived in a receive slot). */
export function* keepRef(env: NestEnv, src: number): Nest<number> {
  const r = yield* newRef(env);
  yield* ok("fluke_ref_copy", { src_ref: src, dst_ref: r });
  return r;
}
