// The concrete kernel's object records. Unlike the model's plain records linked by identities, these
// link to each other directly and carry the indexes that make the common paths fast: a task's sorted
// mappings and translation cache (vm.ts), a port set's waiting servers, a mutex's waiter queue. A link to
// a destroyed object is recognised by `alive === false` and reads as null (spec decision 6): use live().
// Above: the chapter handlers (impl/kernel/<chapter>.ts). Below: objtab.ts, vm.ts.
import type { Addr, Word } from "../../spec/kernel-api/common.js";
import type { KObjBase } from "./objtab.js";
import type { VmMapping, VmRegion, VmTask } from "./vm.js";

/** An abstract call (spec/kernel-api/common.md): registry row name and arguments. */
export interface KCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

export interface KTask extends KObjBase {
  readonly type: "task";
  readonly root: boolean;
  keeper: KPort | null;
  readonly vm: VmTask;
  /** Threads whose task link is this task (so destroy can null their links). */
  readonly threads: Set<KThread>;
}

export interface KRegion extends KObjBase {
  readonly type: "region";
  readonly vm: VmRegion;
  task: KTask | null;
  keeper: KPort | null;
}

export interface KMapping extends KObjBase {
  readonly type: "mapping";
  readonly vm: VmMapping;
  region: KRegion | null;
  task: KTask | null;
}

export interface KPort extends KObjBase {
  readonly type: "port";
  alias: Word;
  pset: KPset | null;
  /** Clients waiting on the port for a server, FIFO (impl/kernel/ipc-wait.ts keeps it). */
  readonly clients: KThread[];
}

export interface KPset extends KObjBase {
  readonly type: "pset";
  /** Servers waiting on the set for an invocation, FIFO (impl/kernel/ipc-wait.ts keeps it). */
  readonly servers: KThread[];
  /** Ports attached to the set (whose `pset` link is this set), for finding their waiting clients. */
  readonly ports: Set<KPort>;
}

export interface KMutex extends KObjBase {
  readonly type: "mutex";
  flags: Word;
  owner: KThread | null;
  readonly waiters: KThread[];
}

export interface KCond extends KObjBase {
  readonly type: "cond";
  flags: Word;
  inheritor: KThread | null;
  readonly waiters: KThread[];
}

export interface KRef extends KObjBase {
  readonly type: "ref";
  target: KObj | null;
}

/** x86 register file and processor-specific simple state (spec/kernel-api/x86.md). */
export interface KRegs {
  eax: Word; ebx: Word; ecx: Word; edx: Word; esi: Word; edi: Word; ebp: Word; esp: Word; eip: Word; eflags: Word;
  min_msg: [Word, Word];
  server_esp: Word; server_oneway_eip: Addr; server_idempotent_eip: Addr; server_reliable_eip: Addr;
}

export interface KThread extends KObjBase {
  readonly type: "thread";
  thread_va: Addr;
  sched_val: Word;
  flags: Word;
  regs: KRegs;
  handlers: { trap: Addr; interrupt: Addr; client_alert: Addr; server_alert: Addr };
  saved: { eax: Word; ecx: Word; edx: Word; eip: Word; eflags: Word; pending: KCall | null };
  task: KTask | null;
  scheduler: KPort | null;
  /**
   * The stored waiting_for link (get_state reports the object of a live wait first). set_state sets it; in the
   * model IPC sleep sets it and wake clears it; here exceptions.ts settleStep clears it for threads blocked in IPC.
   */
  waiting_for: KObj | null;
  client: KThread | null;
  server: KThread | null;
  ipc_flags: Word;
  /** The call in progress (restartable from its arguments: the atomic API), or null. */
  pending: KCall | null;
  /** What the thread is blocked on; null when it can run. Each chapter owns its kinds. */
  wait: { readonly kind: string; readonly on?: KObj } | null;
  interrupt_pending: boolean;
  donor: KThread | null;
  /** Chapter-private per-thread state (IPC progress and the like), keyed by chapter. */
  readonly ext: Record<string, unknown>;
}

export type KObj = KTask | KRegion | KMapping | KPort | KPset | KMutex | KCond | KRef | KThread;
export type KObjOf<T extends KObj["type"]> = Extract<KObj, { type: T }>;

/** A link, or null if its target was destroyed (decision 6). */
export const live = <O extends KObj>(o: O | null): O | null => (o !== null && o.alive ? o : null);
