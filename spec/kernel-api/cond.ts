// Chapter "cond" (10, Condition Variables) of the Fluke kernel API: the exported state of a condition
// variable and one registry row per call. The wait, signal and broadcast pages of the reference were not
// found: their signatures and meaning here are ours (cond.md), in the usual shape: fluke_cond_wait(cond,
// mutex) releases the mutex and waits, and re-acquires the mutex before it returns. Builds on mutex.ts;
// below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, Word, defineCall, type CallDef, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_cond_state (published). Links: inheritor_ref (thread that inherits the waiters' priority). */
export const CondState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
  flags: Word.describe("COND_MULTITASK"),
});
export type CondState = z.infer<typeof CondState>;

const ON_COND = objectArgCodes("cond");
const NEW_BLOCK = NEW_BLOCK_CODES;
const CondArgs = z.object({ cond: Addr.describe("fluke_cond_t *cond") });
const InheritorRef = Addr.describe("fluke_ref_t *inheritor_ref; 0 = do not read or change the link");

export const fluke_cond_create = defineCall({
  name: "fluke_cond_create",
  chapter: "cond",
  trap: 150,
  summary: "Create a condition variable with no attributes and no waiters at new_cond.",
  args: z.object({ new_cond: Addr }),
  out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_cond_create_hash = defineCall({
  name: "fluke_cond_create_hash",
  chapter: "cond",
  trap: 151,
  summary: "Create a condition variable with the given hash (0: the implementation chooses); returns the hash used.",
  args: z.object({ new_cond: Addr, hash: Hash }),
  out: z.object({ hash: Hash }),
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_cond_destroy = defineCall({
  name: "fluke_cond_destroy",
  chapter: "cond",
  trap: 152,
  summary: "Destroy a condition variable; its waiters wake as by broadcast (ours).",
  args: CondArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ["NOT_ALIGNED", "NO_OBJECT", "NOT_COND"], // destroy works on an invalid object (common.md decision 3)
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_cond_get_state = defineCall({
  name: "fluke_cond_get_state",
  chapter: "cond",
  trap: 153,
  summary: "Export the condition variable's state; bind inheritor_ref (if given) to the inheritor or null.",
  args: z.object({ cond: Addr, inheritor_ref: InheritorRef }),
  out: z.object({ state: CondState }),
  returns: ["SUCCESS"],
  insanities: [...ON_COND, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_cond_set_state = defineCall({
  name: "fluke_cond_set_state",
  chapter: "cond",
  trap: 154,
  summary: "Import flags (state non-null) and the inheritor link (inheritor_ref non-zero).",
  args: z.object({ cond: Addr, state: CondState.nullable(), inheritor_ref: InheritorRef }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_COND, "NOT_REF", "NOT_THREAD_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_cond_move = defineCall({
  name: "fluke_cond_move",
  chapter: "cond",
  trap: 155,
  summary: "Move the condition variable to new_addr; its waiters keep waiting.",
  args: z.object({ old_addr: Addr, new_addr: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_COND, "OBJECT_EXISTS"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_cond_reference = defineCall({
  name: "fluke_cond_reference",
  chapter: "cond",
  trap: 156,
  summary: "Bind the reference new_cond_ref to the condition variable.",
  args: z.object({ cond: Addr, new_cond_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_COND, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_cond_wait = defineCall({
  name: "fluke_cond_wait",
  chapter: "cond",
  trap: 157,
  summary: "Atomically release the mutex (held by the caller) and wait; re-acquire the mutex before returning.",
  args: z.object({
    cond: Addr,
    mutex: Addr,
    released: z.boolean().optional().describe("restart mark set by the kernel once the mutex was released; callers omit it"),
  }),
  out: NoOut,
  returns: ["SUCCESS"],
  // MUTEX_LOCKED: the re-acquiring stage is fluke_mutex_lock, which raises it when the waiter holds the
  // mutex again by then (a restored wait marked `released` by a thread that re-locked it); cond.md.
  insanities: [...ON_COND, "NOT_MUTEX", "MUTEX_NOT_LOCKED", "MUTEX_NOT_OWNER", "MUTEX_LOCKED"],
  blocking: true,
  restartable: true,
  thread: "any",
  provenance: "ours",
});

export const fluke_cond_signal = defineCall({
  name: "fluke_cond_signal",
  chapter: "cond",
  trap: 158,
  summary: "Wake the longest-waiting thread, if any; it then re-acquires its mutex.",
  args: CondArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_COND,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "ours",
});

export const fluke_cond_broadcast = defineCall({
  name: "fluke_cond_broadcast",
  chapter: "cond",
  trap: 159,
  summary: "Wake every waiting thread, in arrival order; each re-acquires its mutex.",
  args: CondArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_COND,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "ours",
});

export const COND_CALLS: readonly CallDef[] = [
  fluke_cond_create, fluke_cond_create_hash, fluke_cond_destroy, fluke_cond_get_state, fluke_cond_set_state,
  fluke_cond_move, fluke_cond_reference, fluke_cond_wait, fluke_cond_signal, fluke_cond_broadcast,
];
