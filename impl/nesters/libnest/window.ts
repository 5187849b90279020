// A window of a nester onto another task's memory, with the API only: a region over [start, start +
// size) of the task's address space, mapped into the nester at `va` with `prot`, and moved by setting
// the region's start again. The tracer reads guest memory through one, the debugger reads and writes
// it, the checkpointer looks into its children's boot areas.
// Above: tracer/tracer.ts, debugger/guest-memory.ts, checkpointer/checkpointer.ts. Below: env.ts, the
// kernel's region and mapping calls.
import { dropRef, newRef, ok, sys, type Nest, type NestEnv } from "./env.js";

export interface TaskWindow {
  /** Where the window is in the nester's own space. */
  readonly va: number;
  readonly size: number;
  readonly prot: number;
  readonly region: number;
  readonly regionRef: number;
  readonly mapping: number;
}

/** Open a window onto [start, start + size) of the task `taskRef` names; null when the nester's space has no room. */
export function* openWindow(env: NestEnv, taskRef: number, start: number, size: number, prot: number): Nest<TaskWindow | null> {
  const va = env.space.alloc(size);
  if (va === null) return null;
  const region = env.alloc.alloc("region");
  yield* ok("fluke_region_create", { new_region: region });
  yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: start, size, prot }, task_ref: taskRef, keeper_ref: 0 });
  const regionRef = yield* newRef(env);
  yield* ok("fluke_region_reference", { region, new_region_ref: regionRef });
  const mapping = env.alloc.alloc("mapping");
  yield* ok("fluke_mapping_create", { new_mapping: mapping });
  yield* ok("fluke_mapping_set_state", { mapping, state: { hash: 0, region_off: 0, start_va: va, size, prot }, region_ref: regionRef, task_ref: env.self });
  return { va, size, prot, region, regionRef, mapping };
}

/** Show the task's memory from `start` in the window; false when the kernel refuses (an address outside the task's space). */
export function* moveWindow(w: TaskWindow, start: number): Nest<boolean> {
  const o = yield* sys("fluke_region_set_state", { region: w.region, state: { hash: 0, start_va: start, size: w.size, prot: w.prot }, task_ref: 0, keeper_ref: 0 });
  return o.kind === "return" && o.rc === "SUCCESS";
}

/** Close the window and give back its objects and address range. */
export function* closeWindow(env: NestEnv, w: TaskWindow): Nest<void> {
  yield* ok("fluke_mapping_destroy", { mapping: w.mapping });
  env.alloc.release("mapping", w.mapping);
  env.space.release(w.va, w.size);
  yield* dropRef(env, w.regionRef);
  yield* ok("fluke_region_destroy", { region: w.region });
  env.alloc.release("region", w.region);
}
