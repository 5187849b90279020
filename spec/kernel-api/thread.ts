// Chapter "thread" of the Fluke kernel API: the thread's exported state (fluke_thread_state, with the
// x86 part from x86.ts), the saved exception state, and one registry row per call (trap numbers 1-21).
// The model's handlers are model/thread*.ts; the prose, with the decisions that are ours, is thread.md.
// Below: common.ts and x86.ts.
import { z } from "zod";
import { Addr, defineCall, Hash, NoOut, objectArgCodes, Word, type CallDef } from "./common.js";
import { X86SavedRegisters, X86ThreadState } from "./x86.js";

// ---------------------------------------------------------------------------------------------
// Constants (ours, except where common.ts holds the published flag names)

/** Exported-only flag: an asynchronous interrupt was posted and is held back (ours). */
export const FLUKE_THREAD_INTERRUPT_PENDING = 0x10;
/** Exported-only flag: the thread is blocked on a synchronous exception nobody handles (ours). */
export const FLUKE_THREAD_EXCEPTION_WAIT = 0x20;
/** Exported-only flags: a reliable-IPC alert from the client / the server side is held back (ours). */
export const FLUKE_THREAD_CLIENT_ALERT_PENDING = 0x40;
export const FLUKE_THREAD_SERVER_ALERT_PENDING = 0x80;
/** Every exported-only flag: set_state turns them back into the thread's state and does not keep them in flags. */
export const FLUKE_THREAD_EXPORTED_ONLY = 0xf0;

// ---------------------------------------------------------------------------------------------
// State

/**
 * The portable form of "the registers encode a restartable call in progress" (ours): the abstract call
 * a blocked or interrupted thread will re-issue when it runs again. On x86 the same thing is eip at the
 * call's entry point with its arguments in registers (x86.md).
 */
export const PendingCall = z.object({ name: z.string(), args: z.record(z.string(), z.unknown()) });
export type PendingCall = z.infer<typeof PendingCall>;

/** struct fluke_thread_state: the published portable fields, the x86 part, and our abstract additions. */
export const ThreadState = z
  .object({
    hash: Hash,
    thread_va: Addr.describe("where the thread object must be in its task for it to run; fluke_thread_self returns it"),
    sched_val: Word.describe("scheduler-assigned thread id"),
    flags: Word.describe("FLUKE_THREAD_STOPPED | FLUKE_THREAD_EXCEPTION_ENABLE | exported-only bits"),
  })
  .extend(X86ThreadState.shape)
  .extend({
    pending_call: PendingCall.nullable().describe("ours: the call in progress, re-issued when the thread runs"),
    saved_pending_call: PendingCall.nullable().describe("ours: the call an exception interrupted, re-issued by return_from_exception"),
  });
export type ThreadState = z.infer<typeof ThreadState>;

/** struct fluke_thread_saved_state (layout ours): what a handler's dispatch saved. */
export const ThreadSavedState = X86SavedRegisters.extend({ pending_call: PendingCall.nullable() });
export type ThreadSavedState = z.infer<typeof ThreadSavedState>;

export const ThreadHandlers = z.object({
  trap_handler: Addr, interrupt_handler: Addr, client_alert_handler: Addr, server_alert_handler: Addr,
});

/** The five reference slots of get_state / set_state, in the published order; 0 = leave this link alone. */
export const THREAD_REF_SLOTS = ["task_ref", "scheduler_ref", "waiting_for_ref", "client_ref", "server_ref"] as const;
const RefSlots = z.object({ task_ref: Addr, scheduler_ref: Addr, waiting_for_ref: Addr, client_ref: Addr, server_ref: Addr });

const Cur = z.object({ cur_thread: Addr.describe("the calling thread's own object (from fluke_thread_self)") });
const OneThread = z.object({ thread: Addr });
const OBJ = objectArgCodes("thread");
const REF = objectArgCodes("ref");

// ---------------------------------------------------------------------------------------------
// Calls

export const fluke_thread_create = defineCall({
  name: "fluke_thread_create", chapter: "thread", trap: 1,
  summary: "Create a thread with null links and zero registers at new_thread; the implementation picks the hash.",
  args: z.object({ new_thread: Addr }), out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"], insanities: ["OBJECT_EXISTS", "NOT_ALIGNED"],
  blocking: false, restartable: false, thread: "any", provenance: "published",
});

export const fluke_thread_create_hash = defineCall({
  name: "fluke_thread_create_hash", chapter: "thread", trap: 2,
  summary: "Create a thread with the given hash (0: the implementation picks); returns the hash used.",
  args: z.object({ new_thread: Addr, hash: Hash }), out: z.object({ hash: Hash }),
  returns: ["SUCCESS", "NO_MEMORY"], insanities: ["OBJECT_EXISTS", "NOT_ALIGNED"],
  blocking: false, restartable: false, thread: "any", provenance: "published",
});

export const fluke_thread_destroy = defineCall({
  name: "fluke_thread_destroy", chapter: "thread", trap: 3,
  summary: "Destroy another thread: its waits are cancelled, IPC partners alerted, threads waiting on it woken.",
  // INVALID_OBJECT is published, but destroy works on an invalid object (decision 3 of common.md)
  args: OneThread, out: NoOut, returns: ["SUCCESS"], insanities: ["CURRENT_THREAD", "NOT_ALIGNED", "NO_OBJECT", "NOT_THREAD"],
  blocking: false, restartable: false, thread: "not-current", provenance: "published",
});

export const fluke_thread_disable_exceptions = defineCall({
  name: "fluke_thread_disable_exceptions", chapter: "thread", trap: 4,
  summary: "Hold back asynchronous exceptions; synchronous ones go to the task keeper instead of the handler.",
  args: Cur, out: NoOut, returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_enable_exceptions = defineCall({
  name: "fluke_thread_enable_exceptions", chapter: "thread", trap: 5,
  summary: "Allow exceptions again; a held-back interrupt is delivered at once.",
  args: Cur, out: NoOut, returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD"],
  blocking: false, restartable: false, thread: "current-only", provenance: "inferred",
});

export const fluke_thread_get_client = defineCall({
  name: "fluke_thread_get_client", chapter: "thread", trap: 6,
  summary: "Bind client_ref (0: skip) to the caller's reliable-IPC client; flags = SERVER_SENDER if the caller sends.",
  args: Cur.extend({ client_ref: Addr }), out: z.object({ flags: Word }),
  returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD", ...REF],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_get_handlers = defineCall({
  name: "fluke_thread_get_handlers", chapter: "thread", trap: 7,
  summary: "Return the caller's four exception handler addresses.",
  args: Cur, out: ThreadHandlers, returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_get_saved_state = defineCall({
  name: "fluke_thread_get_saved_state", chapter: "thread", trap: 8,
  summary: "Return what the last exception dispatch saved (eax ecx edx eip eflags and the interrupted call).",
  args: Cur, out: z.object({ saved_state: ThreadSavedState }), returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_get_server = defineCall({
  name: "fluke_thread_get_server", chapter: "thread", trap: 9,
  summary: "Bind server_ref (0: skip) to the caller's reliable-IPC server; flags = CLIENT_SENDER if the caller sends.",
  args: Cur.extend({ server_ref: Addr }), out: z.object({ flags: Word }),
  returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD", ...REF],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_get_state = defineCall({
  name: "fluke_thread_get_state", chapter: "thread", trap: 10,
  summary: "Stop another thread (cancelling its wait, keeping its call as pending_call) and export its state and links.",
  args: OneThread.extend(RefSlots.shape), out: z.object({ state: ThreadState }),
  returns: ["SUCCESS"], insanities: ["CURRENT_THREAD", ...OBJ, "NOT_REF", "RACE_CONDITION"],
  blocking: false, restartable: false, thread: "not-current", provenance: "published",
});

export const fluke_thread_interrupt = defineCall({
  name: "fluke_thread_interrupt", chapter: "thread", trap: 11,
  summary: "Post an asynchronous interrupt to another thread; a blocked target is woken to take it.",
  args: OneThread, out: NoOut, returns: ["SUCCESS"], insanities: ["CURRENT_THREAD", ...OBJ],
  blocking: false, restartable: false, thread: "not-current", provenance: "published",
});

export const fluke_thread_move = defineCall({
  name: "fluke_thread_move", chapter: "thread", trap: 12,
  summary: "Move another thread's object to new_addr; links to it keep working (thread_va is not changed).",
  args: z.object({ old_addr: Addr, new_addr: Addr }), out: NoOut,
  returns: ["SUCCESS"], insanities: ["CURRENT_THREAD", ...OBJ, "OBJECT_EXISTS"],
  blocking: false, restartable: false, thread: "not-current", provenance: "published",
});

export const fluke_thread_reference = defineCall({
  name: "fluke_thread_reference", chapter: "thread", trap: 13,
  summary: "Make the reference object new_thread_ref point at the thread.",
  args: z.object({ thread: Addr, new_thread_ref: Addr }), out: NoOut,
  returns: ["SUCCESS"], insanities: [...OBJ, "NOT_REF"],
  blocking: false, restartable: false, thread: "any", provenance: "published",
});

export const fluke_thread_return_from_exception = defineCall({
  name: "fluke_thread_return_from_exception", chapter: "thread", trap: 14,
  summary: "End a handler: reload the saved registers, enable exceptions, re-issue the interrupted call (a completion).",
  args: Cur, out: NoOut, returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD"],
  blocking: false, restartable: false, thread: "current-only", provenance: "inferred",
});

export const fluke_thread_self = defineCall({
  name: "fluke_thread_self", chapter: "thread", trap: 15,
  summary: "Return the caller's thread_va (where its object is in its own task).",
  args: z.object({}), out: z.object({ thread: Addr }), returns: ["SUCCESS"], insanities: [],
  blocking: false, restartable: false, thread: "current-only", provenance: "inferred",
});

export const fluke_thread_set_client = defineCall({
  name: "fluke_thread_set_client", chapter: "thread", trap: 16,
  summary: "Set the caller's client link from a thread reference (0 or a null reference: no client) and its sender role.",
  args: Cur.extend({ client_ref: Addr, flags: Word }), out: NoOut,
  returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD", ...REF, "NOT_THREAD_REF"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_set_handlers = defineCall({
  name: "fluke_thread_set_handlers", chapter: "thread", trap: 17,
  summary: "Register the caller's trap, interrupt, client-alert and server-alert handler addresses.",
  args: Cur.extend(ThreadHandlers.shape), out: NoOut, returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_set_saved_state = defineCall({
  name: "fluke_thread_set_saved_state", chapter: "thread", trap: 18,
  summary: "Replace the saved exception state that return_from_exception will reload.",
  args: Cur.extend({ saved_state: ThreadSavedState }), out: NoOut,
  returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD", "INVALID_ADDRESS"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_set_server = defineCall({
  name: "fluke_thread_set_server", chapter: "thread", trap: 19,
  summary: "Set the caller's server link from a thread reference (0 or a null reference: no server) and its sender role.",
  args: Cur.extend({ server_ref: Addr, flags: Word }), out: NoOut,
  returns: ["SUCCESS"], insanities: ["NOT_CURRENT_THREAD", ...REF, "NOT_THREAD_REF"],
  blocking: false, restartable: false, thread: "current-only", provenance: "published",
});

export const fluke_thread_set_state = defineCall({
  name: "fluke_thread_set_state", chapter: "thread", trap: 20,
  summary: "Load another thread's state and links; with STOPPED clear it runs again, re-issuing pending_call.",
  args: OneThread.extend({ state: ThreadState }).extend(RefSlots.shape), out: NoOut,
  returns: ["SUCCESS"],
  insanities: ["CURRENT_THREAD", ...OBJ, "NOT_REF", "NOT_TASK_REF", "NOT_PORT_REF", "NOT_THREAD_REF", "RACE_CONDITION", "INVALID_ADDRESS"],
  blocking: false, restartable: false, thread: "not-current", provenance: "inferred",
});

export const fluke_thread_schedule = defineCall({
  name: "fluke_thread_schedule", chapter: "thread", trap: 21,
  summary: "Run another thread on the caller's CPU time until it blocks, stops, dies or hands the time back.",
  args: OneThread, out: NoOut, returns: ["SUCCESS"], insanities: ["CURRENT_THREAD", ...OBJ],
  blocking: true, restartable: true, thread: "not-current", provenance: "ours",
});

export const THREAD_CALLS: readonly CallDef[] = [
  fluke_thread_create, fluke_thread_create_hash, fluke_thread_destroy, fluke_thread_disable_exceptions,
  fluke_thread_enable_exceptions, fluke_thread_get_client, fluke_thread_get_handlers, fluke_thread_get_saved_state,
  fluke_thread_get_server, fluke_thread_get_state, fluke_thread_interrupt, fluke_thread_move, fluke_thread_reference,
  fluke_thread_return_from_exception, fluke_thread_self, fluke_thread_set_client, fluke_thread_set_handlers,
  fluke_thread_set_saved_state, fluke_thread_set_server, fluke_thread_set_state, fluke_thread_schedule,
];
