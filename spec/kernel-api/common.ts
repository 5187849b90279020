// Common vocabulary of the Fluke kernel API: words, addresses, object types, protections, return
// codes, insanity codes, constants, and the shape of one registry row (CallDef). Every chapter file
// (thread.ts, task.ts, ...) builds on this; the model (model/), the kernel (impl/kernel/) and the
// conformance suite (conformance/) see the API only through these schemas. See common.md for the
// prose and for the decisions that are ours rather than the published reference's.
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Scalars

/** A 32-bit unsigned machine word (`natural_t`, `unsigned`, `oskit_addr_t`, `oskit_size_t`). */
export const Word = z.number().int().min(0).max(0xffff_ffff);
export type Word = z.infer<typeof Word>;

/** A virtual address in the *calling* task's address space. 0 is the null pointer. */
export const Addr = Word.describe("virtual address in the caller's task; 0 = null pointer");
export type Addr = Word;

/** `integer_t` hash value of an object (write-once, chosen at create time). */
export const Hash = Word.describe("object hash value");
export type Hash = Word;

/** A byte string, as in memory reads and writes (JSON: array of 0..255). */
export const Bytes = z.array(z.number().int().min(0).max(255));
export type Bytes = z.infer<typeof Bytes>;

// ---------------------------------------------------------------------------------------------
// Object types (fluke_type_t). "null" is FLUKE_NULL: the type a null reference reports.

export const OBJECT_TYPES = ["thread", "task", "region", "mapping", "port", "pset", "mutex", "cond", "ref"] as const;
export const ObjectType = z.enum(OBJECT_TYPES);
export type ObjectType = z.infer<typeof ObjectType>;
export const FlukeType = z.enum(["null", ...OBJECT_TYPES]);
export type FlukeType = z.infer<typeof FlukeType>;

/** Numeric fluke_type_t values (ours; the reference gives none). */
export const FLUKE_TYPE_VALUE: Record<FlukeType, number> = {
  null: 0, thread: 1, task: 2, region: 3, mapping: 4, port: 5, pset: 6, mutex: 7, cond: 8, ref: 9,
};

/**
 * Size and alignment of each object's memory block on x86 (ours). An object occupies
 * [addr, addr + size) in its task; addr must be a multiple of the size (natural alignment), so an
 * object never straddles a page.
 */
export const OBJECT_SIZE: Record<ObjectType, number> = {
  thread: 128, task: 64, region: 32, mapping: 32, port: 32, pset: 32, mutex: 16, cond: 16, ref: 16,
};

// ---------------------------------------------------------------------------------------------
// Protections (fluke_prot_t). The reference names NONE, WRITE and CREATE_OB; READ and EXEC and
// all numeric values are ours.

export const FLUKE_PROT_NONE = 0;
export const FLUKE_PROT_READ = 1;
export const FLUKE_PROT_WRITE = 2;
export const FLUKE_PROT_EXEC = 4;
export const FLUKE_PROT_CREATE_OB = 8;
export const FLUKE_PROT_ALL = 15;
/** A protection value: any combination of the four bits. Other bits are INVALID_PROT. */
export const Prot = z.number().int().min(0).max(0xffff_ffff).describe("fluke_prot_t bit set");
export type Prot = number;
export const isValidProt = (p: number): boolean => Number.isInteger(p) && p >= 0 && (p & ~FLUKE_PROT_ALL) === 0;

// ---------------------------------------------------------------------------------------------
// Address-space constants (<fluke/machine/vm.h>; the values are ours).

export const PAGE_SIZE = 4096;
export const FLUKE_VM_MIN = 0x0000_1000;
export const FLUKE_VM_MAX = 0xc000_0000;
/** Kernel entry-point area, just above the usable range: calling into it enters the kernel. */
export const FLUKE_ENTRY_MIN = 0xc000_0000;
export const FLUKE_ENTRY_MAX = 0xc000_1000;
/** Minimum IPC message on x86: two words (FLUKE_MIN_MSG_SIZE). */
export const FLUKE_MIN_MSG_SIZE = 2;
/** Longest mapping -> region -> task chain the kernel follows before treating an access as unmapped (ours). */
export const FLUKE_MAX_CHAIN = 32;

// ---------------------------------------------------------------------------------------------
// Flags

export const FLUKE_THREAD_STOPPED = 0x1;
export const FLUKE_THREAD_EXCEPTION_ENABLE = 0x2; // THREAD_EXCEPTION_ENABLE of the x86 chapter
export const FLUKE_THREAD_SERVER_SENDER = 0x1;
export const FLUKE_THREAD_CLIENT_SENDER = 0x2;
export const FLUKE_MUTEX_INHERIT_PRI = 0x1;
export const FLUKE_MUTEX_PRI_CEILING = 0x2;
export const FLUKE_MUTEX_MULTITASK = 0x4;
export const FLUKE_COND_MULTITASK = 0x4;

// ---------------------------------------------------------------------------------------------
// Return codes (fluke_error_t / fluke_ipc_error_t), written without the FLUKE_ prefix.

export const RETURN_CODES = [
  "SUCCESS",
  "NO_MEMORY",
  "INVALID_DEST",
  "IPC_CONNECT_INVALID_DEST",
  "IPC_SEND_DISCONNECTED",
  "IPC_OVER_DISCONNECTED",
  "IPC_ACK_DISCONNECTED",
  "IPC_RECV_DISCONNECTED",
  "IPC_RECV_MORE_DATA",
  "IPC_RECV_MORE_REFS",
  "MUTEX_HELD",
] as const;
export const ReturnCode = z.enum(RETURN_CODES);
export type ReturnCode = z.infer<typeof ReturnCode>;
/** Numeric values (ours): index in RETURN_CODES; on x86 the IPC status byte carries it. */
export const returnCodeValue = (rc: ReturnCode): number => RETURN_CODES.indexOf(rc);

// ---------------------------------------------------------------------------------------------
// Insanity codes (FLUKE_INSANITY_*): synchronous exceptions raised in the calling thread.

export const INSANITIES = [
  "NO_OBJECT",
  "NOT_THREAD", "NOT_TASK", "NOT_REGION", "NOT_MAPPING", "NOT_PORT", "NOT_PSET", "NOT_MUTEX", "NOT_COND", "NOT_REF",
  "NOT_THREAD_REF", "NOT_TASK_REF", "NOT_REGION_REF", "NOT_PORT_REF", "NOT_PSET_REF",
  "INVALID_OBJECT",
  "OBJECT_EXISTS",
  "NOT_ALIGNED",
  "CURRENT_THREAD",
  "NOT_CURRENT_THREAD",
  "RACE_CONDITION",
  "INVALID_ADDRESS",
  "ADDRESS_OVERLAP",
  "INVALID_PROT",
  "MUTEX_LOCKED",
  "MUTEX_NOT_LOCKED",
  "MUTEX_NOT_OWNER",
  "NOT_SENDER",
  "NOT_RECEIVER",
  "BUFFER_UNALIGNED",
] as const;
export const Insanity = z.enum(INSANITIES);
export type Insanity = z.infer<typeof Insanity>;
export const insanityValue = (c: Insanity): number => INSANITIES.indexOf(c) + 1;

/** NOT_<TYPE> for an object of the wrong type at an address. */
export const NOT_TYPE: Record<ObjectType, Insanity> = {
  thread: "NOT_THREAD", task: "NOT_TASK", region: "NOT_REGION", mapping: "NOT_MAPPING", port: "NOT_PORT",
  pset: "NOT_PSET", mutex: "NOT_MUTEX", cond: "NOT_COND", ref: "NOT_REF",
};

/**
 * The code for a reference slot that must name an object of `kind` but names another kind: NOT_<KIND>_REF
 * where the reference has one (published for thread, task, region, port; NOT_PSET_REF is ours), else NOT_REF.
 */
export const notKindRef = (kind: ObjectType): Insanity => NOT_KIND_REF[kind] ?? "NOT_REF";
const NOT_KIND_REF: Readonly<Partial<Record<ObjectType, Insanity>>> = {
  thread: "NOT_THREAD_REF", task: "NOT_TASK_REF", region: "NOT_REGION_REF", port: "NOT_PORT_REF", pset: "NOT_PSET_REF",
};

/** The codes of an object argument of `type`, in the checking order of common.md. */
export const objectArgCodes = (type: ObjectType): readonly Insanity[] => ["NOT_ALIGNED", "NO_OBJECT", NOT_TYPE[type], "INVALID_OBJECT"];

/** The codes of the block for a new object (create, create_hash, the destination of a move). */
export const NEW_BLOCK_CODES: readonly Insanity[] = ["OBJECT_EXISTS", "NOT_ALIGNED"];

// ---------------------------------------------------------------------------------------------
// Synchronous exceptions other than insanities: memory faults, and (x86) processor traps.

export const FAULT_KINDS = ["read", "write", "exec", "create_ob"] as const;
export const FaultKind = z.enum(FAULT_KINDS);
export type FaultKind = z.infer<typeof FaultKind>;

// ---------------------------------------------------------------------------------------------
// Outcomes: what one step of a thread produces, as seen by whoever drives the thread.

/** The call completed: its return code (SUCCESS for void calls) and its out-parameters. */
export const ReturnOutcome = z.object({ kind: z.literal("return"), rc: ReturnCode, out: z.record(z.string(), z.unknown()) });
/** The call raised a synchronous insanity exception in the caller; it had no effect. */
export const InsanityOutcome = z.object({ kind: z.literal("insanity"), code: Insanity });
/** An access faulted and was not resolved; the thread is now in the exception path. */
export const FaultOutcome = z.object({ kind: z.literal("fault"), addr: Word, access: FaultKind });
/** The call blocked; it completes later, reported as a completion of this thread. */
export const BlockedOutcome = z.object({ kind: z.literal("blocked") });
/** The harness asked a thread to act that cannot run now (blocked, stopped, no task, no time). Not a kernel result. */
export const NotRunnableOutcome = z.object({ kind: z.literal("not_runnable"), why: z.enum(["no_thread", "blocked", "stopped", "no_task", "no_time"]) });
export const Outcome = z.discriminatedUnion("kind", [ReturnOutcome, InsanityOutcome, FaultOutcome, BlockedOutcome, NotRunnableOutcome]);
export type Outcome = z.infer<typeof Outcome>;

// ---------------------------------------------------------------------------------------------
// Registry rows

export const CHAPTERS = ["thread", "task", "region", "mapping", "port", "pset", "ipc", "mutex", "cond", "ref", "x86", "harness"] as const;
export type Chapter = (typeof CHAPTERS)[number];

/** Where a call's definition comes from. */
export type Provenance =
  | "published" // the reference page was read and the call follows it
  | "inferred" // the page was not retrievable; signature and meaning follow the reference's uniform pattern
  | "ours"; // the reference is silent or says unimplemented; this project decided

/** Whom a call may target. */
export type ThreadRule = "any" | "current-only" | "not-current";

export interface CallDef<A extends z.ZodTypeAny = z.ZodTypeAny, O extends z.ZodTypeAny = z.ZodTypeAny> {
  /** Published name, e.g. fluke_region_set_state. */
  readonly name: string;
  readonly chapter: Chapter;
  /** Trap number in the x86 ABI: the call enters the kernel at FLUKE_ENTRY_MIN + 16 * trap. */
  readonly trap: number;
  /** One-line summary in our words. */
  readonly summary: string;
  /** Arguments, as the abstract call carries them (pointers to objects are Addr in the caller's task). */
  readonly args: A;
  /** Out-parameters on completion (the values written through out-pointers, or the return value). */
  readonly out: O;
  /** Return codes the call can produce; void calls list only SUCCESS. */
  readonly returns: readonly ReturnCode[];
  /** Insanity codes the call can raise. */
  readonly insanities: readonly Insanity[];
  /** True if the call can block the caller. */
  readonly blocking: boolean;
  /** True if an interrupted or exported in-progress call is restarted from its exported state (atomic API). */
  readonly restartable: boolean;
  readonly thread: ThreadRule;
  readonly provenance: Provenance;
}

/** Define a registry row with its schemas' types preserved. */
export const defineCall = <A extends z.ZodTypeAny, O extends z.ZodTypeAny>(def: CallDef<A, O>): CallDef<A, O> => def;

/** Schema for calls without arguments or out-parameters. */
export const NoArgs = z.object({});
export const NoOut = z.object({});
