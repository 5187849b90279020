// Starting a native nester as a child task, with the Fluke API only: the parent creates the task object,
// a region over a piece of its own memory and a mapping of that region into the child, so the same bytes
// are the child's boot area at CHILD_BASE. Because objects live in memory, the parent then creates the
// child's first objects right there, at its own addresses, and the child names them at its own: a
// reference to the child's task, a reference to the parent's Parent port, and the child's first thread.
// Only the last step is the host's: binding that thread to a TypeScript program (spawnNative), which
// stands for loading machine code into the child.
// Layout of a native child (ours): boot area [CHILD_BASE, CHILD_BASE + CHILD_AREA): +0 self task
// reference, +16 parent reference, +128 first thread, objects from +256; segments are mapped into
// [SPACE_BASE, SPACE_END). Above: the nesters, the boot code. Below: env.ts, impl/kernel/native-host.ts.
import { FLUKE_PROT_ALL } from "../../../spec/kernel-api/common.js";
import type { KTask } from "../../kernel/kobjects.js";
import { spawnNative, type NativeHandle } from "../../kernel/native-host.js";
import { ObjAlloc, VaSpace, newRef, ok, type Nest, type NestEnv } from "./env.js";

export const CHILD_BASE = 0x0010_0000;
export const CHILD_AREA = 0x0010_0000;
export const SPACE_BASE = 0x1000_0000;
export const SPACE_END = 0xb000_0000;
const SELF_OFF = 0, PARENT_OFF = 16, THREAD_OFF = 128, OBJ_OFF = 256;

/** What the parent keeps of a native child. */
export interface NativeChild {
  /** The task object and a reference to it, in the parent's memory. */
  readonly task: number;
  readonly taskRef: number;
  readonly ktask: KTask;
  readonly thread: NativeHandle;
  readonly env: NestEnv;
}

/** Create a task whose only memory is `CHILD_AREA` bytes of the parent at `backing` (mapped in the parent with all rights). */
export function* createTaskOver(env: NestEnv, backing: number, at = CHILD_BASE, size = CHILD_AREA): Nest<{ task: number; taskRef: number; ktask: KTask }> {
  const task = env.alloc.alloc("task");
  yield* ok("fluke_task_create", { new_task: task });
  const taskRef = yield* newRef(env);
  yield* ok("fluke_task_reference", { task, new_task_ref: taskRef });
  yield* mapInto(env, backing, size, taskRef, at, FLUKE_PROT_ALL);
  const ktask = env.k.objects.at(env.k.translate(env.task, task, "read"));
  if (ktask?.type !== "task") throw new Error("createTaskOver: task object not found");
  return { task, taskRef, ktask };
}

/** Export [va, va + size) of the parent's own memory as a region and map it into the task behind `taskRef` at `at`. */
export function* mapInto(env: NestEnv, va: number, size: number, taskRef: number, at: number, prot: number): Nest<{ region: number; regionRef: number; mapping: number }> {
  const region = env.alloc.alloc("region");
  yield* ok("fluke_region_create", { new_region: region });
  yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: va, size, prot: FLUKE_PROT_ALL }, task_ref: env.self, keeper_ref: 0 });
  const regionRef = yield* newRef(env);
  yield* ok("fluke_region_reference", { region, new_region_ref: regionRef });
  const mapping = env.alloc.alloc("mapping");
  yield* ok("fluke_mapping_create", { new_mapping: mapping });
  yield* ok("fluke_mapping_set_state", { mapping, state: { hash: 0, region_off: 0, start_va: at, size, prot }, region_ref: regionRef, task_ref: taskRef });
  return { region, regionRef, mapping };
}

/**
 * Start `program` as a native child nester whose boot area is the parent's memory at `backing`
 * (CHILD_AREA bytes, backed and mapped in the parent with all rights). `parentPortRef`: a reference in
 * the parent to the port the child should use as its parent (0: none). `before` runs once the task exists
 * and before its thread does (to give it more memory).
 */
export function* spawnNativeChild(
  env: NestEnv, backing: number, parentPortRef: number, name: string, program: (child: NestEnv) => Nest<void>,
  before?: (taskRef: number) => Nest<void>,
): Nest<NativeChild> {
  const { task, taskRef, ktask } = yield* createTaskOver(env, backing);
  if (before !== undefined) yield* before(taskRef);
  // The child's first objects, made by the parent at its own addresses inside the shared boot area.
  yield* ok("fluke_ref_create", { new_ref: backing + SELF_OFF });
  yield* ok("fluke_ref_copy", { src_ref: taskRef, dst_ref: backing + SELF_OFF });
  yield* ok("fluke_ref_create", { new_ref: backing + PARENT_OFF });
  if (parentPortRef !== 0) yield* ok("fluke_ref_copy", { src_ref: parentPortRef, dst_ref: backing + PARENT_OFF });
  const childEnv: NestEnv = {
    k: env.k, task: ktask, name, memory: 0,
    alloc: new ObjAlloc(CHILD_BASE + OBJ_OFF, CHILD_AREA - OBJ_OFF),
    self: CHILD_BASE + SELF_OFF, parent: parentPortRef === 0 ? 0 : CHILD_BASE + PARENT_OFF,
    space: new VaSpace(SPACE_BASE, SPACE_END),
  };
  const thread = spawnNative(env.k, ktask, CHILD_BASE + THREAD_OFF, program(childEnv), { label: name });
  return { task, taskRef, ktask, thread, env: childEnv };
}
