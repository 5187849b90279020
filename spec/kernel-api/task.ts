// Chapter "task" (3) of the Fluke kernel API: the exported state of a task and one registry row per
// call. A task is an address space: the meeting point of the regions that export parts of it, the
// mappings that import other tasks' memory into it, and the threads that run in it. Its only simple
// state is its hash; its one link is the task keeper port. See task.md. Below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, defineCall, type CallDef, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_task_state (published). Link: keeper_ref (the task keeper port). */
export const TaskState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
});
export type TaskState = z.infer<typeof TaskState>;

/** Codes of a task argument, in the checking order of common.md (NOT_ALIGNED: ours, for every object argument). */
const ON_TASK = objectArgCodes("task");
const NEW_BLOCK = NEW_BLOCK_CODES;
const KeeperRef = Addr.describe("fluke_ref_t *keeper_ref; 0 = do not read or change the link");

export const fluke_task_create = defineCall({
  name: "fluke_task_create",
  chapter: "task",
  trap: 30,
  summary: "Create an empty task (no mappings, no threads, no keeper) at new_task.",
  args: z.object({ new_task: Addr }),
  out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_task_create_hash = defineCall({
  name: "fluke_task_create_hash",
  chapter: "task",
  trap: 31,
  summary: "Create an empty task with the given hash (0: the implementation chooses); returns the hash used.",
  args: z.object({ new_task: Addr, hash: Hash }),
  out: z.object({ hash: Hash }),
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_task_destroy = defineCall({
  name: "fluke_task_destroy",
  chapter: "task",
  trap: 32,
  summary: "Destroy a task: mappings into it and regions over it are detached, its threads lose their task.",
  args: z.object({ task: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_TASK, // INVALID_OBJECT only for the root task (ours): destroy works on an invalid object (decision 3)
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_task_get_state = defineCall({
  name: "fluke_task_get_state",
  chapter: "task",
  trap: 33,
  summary: "Export the task's hash; bind keeper_ref (if given) to the keeper port or null.",
  args: z.object({ task: Addr, keeper_ref: KeeperRef }),
  out: z.object({ state: TaskState }),
  returns: ["SUCCESS"],
  insanities: [...ON_TASK, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_task_set_state = defineCall({
  name: "fluke_task_set_state",
  chapter: "task",
  trap: 34,
  summary: "Import the task's state (the hash is ignored) and, if keeper_ref is given, its keeper port link.",
  args: z.object({ task: Addr, state: TaskState.nullable(), keeper_ref: KeeperRef }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_TASK, "NOT_REF", "NOT_PORT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_task_move = defineCall({
  name: "fluke_task_move",
  chapter: "task",
  trap: 35,
  summary: "Move the task object to new_addr; its address space, threads and every link to it are kept.",
  args: z.object({ old_addr: Addr, new_addr: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_TASK, "OBJECT_EXISTS"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_task_reference = defineCall({
  name: "fluke_task_reference",
  chapter: "task",
  trap: 36,
  summary: "Bind the reference new_task_ref to the task.",
  args: z.object({ task: Addr, new_task_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_TASK, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const TASK_CALLS: readonly CallDef[] = [
  fluke_task_create, fluke_task_create_hash, fluke_task_destroy, fluke_task_get_state, fluke_task_set_state,
  fluke_task_move, fluke_task_reference,
];
