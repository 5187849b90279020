// The state of the abstract model: physical memory, the kernel objects that live in it, and the
// threads' progress. Everything here is plain data (records and maps) so a state can be cloned, compared
// and printed. Objects are keyed by an internal identity (Oid) that never leaves the model: the API
// names objects only by addresses in some task, and the harness names threads by their address as seen
// from the root task ("root view"). Above: model/step.ts and the chapter handlers. Below: spec/kernel-api.
import type { Addr, Hash, ObjectType, Outcome, Prot, Word } from "../spec/kernel-api/common.js";
import type { ThreadIpc } from "./ipc-state.js";

/** Internal object identity; never exposed through the API. */
export type Oid = number;
/** Physical byte address (root address FLUKE_VM_MIN + p is physical byte p). */
export type PAddr = number;
/** The harness's name for a thread: its object's address in the root task. */
export type ThreadName = number;

/** An abstract call: the name of a registry row and arguments matching its schema. */
export interface AbstractCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

interface ObjBase {
  readonly oid: Oid;
  /** Physical address of the object's memory block (changes on move). */
  paddr: PAddr;
  readonly hash: Hash;
  /** Set when user code wrote into the object's memory (decision 3): INVALID_OBJECT from then on. */
  invalid: boolean;
}

/** x86 register file and the other processor-specific simple state of a thread (spec/kernel-api/x86.md). */
export interface X86Regs {
  eax: Word; ebx: Word; ecx: Word; edx: Word; esi: Word; edi: Word; ebp: Word; esp: Word; eip: Word; eflags: Word;
  min_msg: [Word, Word];
  /** Server-side entry state of the x86 part of fluke_thread_state (the server pset itself is ThreadIpc.serverPset). */
  server_esp: Word; server_oneway_eip: Addr; server_idempotent_eip: Addr; server_reliable_eip: Addr;
}
export interface Handlers { trap: Addr; interrupt: Addr; client_alert: Addr; server_alert: Addr }
/** What an exception dispatch saved; `pending` is the call it interrupted, re-issued on return (spec/kernel-api/thread.md). */
export interface SavedState { eax: Word; ecx: Word; edx: Word; eip: Word; eflags: Word; pending: AbstractCall | null }

/** What a blocked thread waits for. Each chapter's handlers own their own kinds. */
export type WaitState =
  | { readonly kind: "mutex"; readonly mutex: Oid }
  | { readonly kind: "cond"; readonly cond: Oid; readonly mutex: Oid }
  | { readonly kind: "ipc" } // details in ThreadObj.ipc (model/ipc-state.ts)
  | { readonly kind: "exception" } // synchronous exception with no handler and no keeper: blocked for good
  | { readonly kind: "donating"; readonly to: Oid } // fluke_thread_schedule: running someone else on our time
  | { readonly kind: "no_task" }; // tried to run with a null task reference

export interface ThreadObj extends ObjBase {
  readonly type: "thread";
  thread_va: Addr;
  sched_val: Word;
  /** FLUKE_THREAD_STOPPED | FLUKE_THREAD_EXCEPTION_ENABLE | implementation bits. */
  flags: Word;
  regs: X86Regs;
  handlers: Handlers;
  saved: SavedState;
  /** Links (reference slots of fluke_thread_get_state). */
  task: Oid | null;
  scheduler: Oid | null;
  waiting_for: Oid | null;
  /** Reliable-IPC partner links and roles (FLUKE_THREAD_SERVER_SENDER / CLIENT_SENDER). */
  client: Oid | null;
  server: Oid | null;
  ipc_flags: Word;
  /** The call in progress, restartable from here (the atomic API); null when the thread is between calls. */
  pending: AbstractCall | null;
  wait: WaitState | null;
  /** IPC progress (server set-up, connection state, queued transfers): owned by model/ipc*.ts. */
  ipc: ThreadIpc;
  /** Posted but not yet delivered asynchronous interrupt. */
  interrupt_pending: boolean;
  /** Thread whose CPU time this one is running on (fluke_thread_schedule, IPC donation). */
  donor: Oid | null;
}

export interface TaskObj extends ObjBase {
  readonly type: "task";
  keeper: Oid | null;
  /** True only for the boot task, whose address space is physical memory. */
  readonly root: boolean;
}

export interface RegionObj extends ObjBase {
  readonly type: "region";
  start_va: Addr;
  size: Word;
  prot: Prot;
  task: Oid | null;
  keeper: Oid | null;
}

export interface MappingObj extends ObjBase {
  readonly type: "mapping";
  region_off: Word;
  start_va: Addr;
  size: Word;
  prot: Prot;
  region: Oid | null;
  task: Oid | null;
}

export interface PortObj extends ObjBase {
  readonly type: "port";
  alias: Word;
  pset: Oid | null;
}

export interface PsetObj extends ObjBase {
  readonly type: "pset";
}

export interface MutexObj extends ObjBase {
  readonly type: "mutex";
  flags: Word;
  owner: Oid | null;
  /** Threads blocked in fluke_mutex_lock, in arrival order. */
  waiters: Oid[];
}

export interface CondObj extends ObjBase {
  readonly type: "cond";
  flags: Word;
  inheritor: Oid | null;
  /** Threads blocked in fluke_cond_wait, in arrival order. */
  waiters: Oid[];
}

export interface RefObj extends ObjBase {
  readonly type: "ref";
  target: Oid | null;
}

export type Obj = ThreadObj | TaskObj | RegionObj | MappingObj | PortObj | PsetObj | MutexObj | CondObj | RefObj;
export type ObjOf<T extends ObjectType> = Extract<Obj, { type: T }>;

export interface ModelState {
  /** Physical memory size in bytes (a multiple of the page size). */
  readonly physBytes: number;
  /** Physical pages that are not all zero, by page number. Pages are never mutated in place: replace them. */
  pages: Map<number, Uint8Array>;
  objects: Map<Oid, Obj>;
  nextOid: Oid;
  /** Counter behind implementation-chosen hashes (decision 7). */
  nextHash: number;
  readonly rootTask: Oid;
  readonly rootThread: Oid;
  /** Steps taken so far (virtual time of the model). */
  time: number;
  /** Most objects the kernel can hold; a create beyond it returns NO_MEMORY (ours). Unset: no limit. */
  readonly objectLimit?: number;
}

/** Result of one step of the model. */
export interface Completion { readonly thread: ThreadName; readonly outcome: Outcome }
export interface StepResult {
  readonly state: ModelState;
  readonly outcome: Outcome;
  /** Blocked calls of other threads (or this one) that this step completed, in the order they completed. */
  readonly completions: readonly Completion[];
}
