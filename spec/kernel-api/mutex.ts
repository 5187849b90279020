// Chapter "mutex" (9, Mutexes) of the Fluke kernel API: the exported state of a mutex and one registry
// row per call. A mutex is a kernel object in the caller's memory, usable at once after create, held by
// at most one thread (its owner link), not recursive; waiters are served in arrival order. The thread
// chapter (thread.md) says how a thread blocked in fluke_mutex_lock is exported and restarted; cond.ts
// builds on this chapter. See mutex.md. Below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, Word, defineCall, type CallDef, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_mutex_state (published). Links: owner_ref (the holding thread). */
export const MutexState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
  flags: Word.describe("MUTEX_INHERIT_PRI | MUTEX_PRI_CEILING | MUTEX_MULTITASK"),
  locked: Word.describe("non-zero while the mutex is held; derived from the owner link, ignored by set_state (ours)"),
});
export type MutexState = z.infer<typeof MutexState>;

const ON_MUTEX = objectArgCodes("mutex");
const NEW_BLOCK = NEW_BLOCK_CODES;
const MutexArgs = z.object({ mutex: Addr.describe("fluke_mutex_t *mutex") });
const OwnerRef = Addr.describe("fluke_ref_t *owner_ref; 0 = do not read or change the link");

export const fluke_mutex_create = defineCall({
  name: "fluke_mutex_create",
  chapter: "mutex",
  trap: 140,
  summary: "Create an unlocked mutex with no attributes at new_mutex; usable at once.",
  args: z.object({ new_mutex: Addr }),
  out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_create_hash = defineCall({
  name: "fluke_mutex_create_hash",
  chapter: "mutex",
  trap: 141,
  summary: "Create an unlocked mutex with the given hash (0: the implementation chooses); returns the hash used.",
  args: z.object({ new_mutex: Addr, hash: Hash }),
  out: z.object({ hash: Hash }),
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_destroy = defineCall({
  name: "fluke_mutex_destroy",
  chapter: "mutex",
  trap: 142,
  summary: "Destroy an unlocked mutex.",
  args: MutexArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  // INVALID_OBJECT is published but cannot arise: destroy works on an invalid object (common.md decision 3).
  insanities: ["NOT_ALIGNED", "NO_OBJECT", "NOT_MUTEX", "MUTEX_LOCKED"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_get_state = defineCall({
  name: "fluke_mutex_get_state",
  chapter: "mutex",
  trap: 143,
  summary: "Export the mutex's state; bind owner_ref (if given) to the holding thread or null.",
  args: z.object({ mutex: Addr, owner_ref: OwnerRef }),
  out: z.object({ state: MutexState }),
  returns: ["SUCCESS"],
  insanities: [...ON_MUTEX, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_set_state = defineCall({
  name: "fluke_mutex_set_state",
  chapter: "mutex",
  trap: 144,
  summary: "Import flags (state non-null) and the owner link (owner_ref non-zero) into the mutex.",
  args: z.object({ mutex: Addr, state: MutexState.nullable(), owner_ref: OwnerRef }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_MUTEX, "NOT_REF", "NOT_THREAD_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_move = defineCall({
  name: "fluke_mutex_move",
  chapter: "mutex",
  trap: 145,
  summary: "Move the mutex to new_addr; its owner and waiters are kept.",
  args: z.object({ old_addr: Addr, new_addr: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_MUTEX, "OBJECT_EXISTS"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_reference = defineCall({
  name: "fluke_mutex_reference",
  chapter: "mutex",
  trap: 146,
  summary: "Bind the reference new_mutex_ref to the mutex.",
  args: z.object({ mutex: Addr, new_mutex_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_MUTEX, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_lock = defineCall({
  name: "fluke_mutex_lock",
  chapter: "mutex",
  trap: 147,
  summary: "Acquire the mutex, blocking (first come, first served) while another thread holds it.",
  args: MutexArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_MUTEX, "MUTEX_LOCKED"],
  blocking: true,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_trylock = defineCall({
  name: "fluke_mutex_trylock",
  chapter: "mutex",
  trap: 148,
  summary: "Acquire the mutex if it is free; MUTEX_HELD at once if any thread (the caller too) holds it.",
  args: MutexArgs,
  out: NoOut,
  returns: ["SUCCESS", "MUTEX_HELD"],
  insanities: ON_MUTEX,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_mutex_unlock = defineCall({
  name: "fluke_mutex_unlock",
  chapter: "mutex",
  trap: 149,
  summary: "Release the mutex held by the caller; the first waiter, if any, becomes the owner.",
  args: MutexArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_MUTEX, "MUTEX_NOT_LOCKED", "MUTEX_NOT_OWNER"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const MUTEX_CALLS: readonly CallDef[] = [
  fluke_mutex_create, fluke_mutex_create_hash, fluke_mutex_destroy, fluke_mutex_get_state, fluke_mutex_set_state,
  fluke_mutex_move, fluke_mutex_reference, fluke_mutex_lock, fluke_mutex_trylock, fluke_mutex_unlock,
];
