// The scenario list of sync-scenarios.ts: for each row of the thread, mutex, cond and ref chapters, its
// valid arguments (after Env.setup) and which argument is an object, a new block, a reference slot or
// the current thread, from which the generic cases follow (NOT_ALIGNED, NO_OBJECT, NOT_<TYPE>,
// INVALID_OBJECT, CURRENT_THREAD / NOT_CURRENT_THREAD, OBJECT_EXISTS, a fault); then the row-specific
// cases written out. Only the codes a row lists are kept, so every scenario names a published outcome.
// Test support only. Above: the sync-codes tests. Below: sync-scenarios.ts, spec/kernel-api/registry.ts.
import type { ObjectType, Outcome } from "../../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../../spec/kernel-api/registry.js";
import { BOOT, COND, EMPTY, MUTEX, NO_REFS, REF, ROOT, THREAD, UNMAPPED, blankState, type Env, type Scenario } from "./sync-scenarios.js";

type Args = Record<string, unknown>;
interface RowSpec {
  readonly args: Args;
  /** The object argument and its type. */
  readonly obj?: readonly [string, ObjectType];
  /** Arguments naming a block for a new object. */
  readonly fresh?: readonly string[];
  /** Arguments that are reference slots (or reference objects). */
  readonly refs?: readonly string[];
  /** A not-current call on a thread argument (CURRENT_THREAD when it names the caller). */
  readonly other?: string;
  /** A current-only call (cur_thread). */
  readonly cur?: boolean;
  /** Base arguments do not give SUCCESS (a row-specific case does). */
  readonly noBase?: boolean;
}

const CUR = { cur_thread: BOOT };
const H0 = { trap_handler: 0, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0 };
const SAVED = { eax: 1, ecx: 2, edx: 3, eip: 4, eflags: 5, pending_call: null };
const WRONG: Record<string, number> = { thread: MUTEX(0), mutex: COND(0), cond: MUTEX(0), ref: MUTEX(0) };
const FREE: Record<string, number> = { thread: THREAD(5), mutex: MUTEX(5), cond: COND(5), ref: REF(9) };

const ROWS: Readonly<Record<string, RowSpec>> = {
  fluke_thread_create: { args: { new_thread: THREAD(5) }, fresh: ["new_thread"] },
  fluke_thread_create_hash: { args: { new_thread: THREAD(5), hash: 0 }, fresh: ["new_thread"] },
  fluke_thread_destroy: { args: { thread: THREAD(2) }, obj: ["thread", "thread"], other: "thread" },
  fluke_thread_disable_exceptions: { args: CUR, cur: true },
  fluke_thread_enable_exceptions: { args: CUR, cur: true },
  fluke_thread_get_client: { args: { ...CUR, client_ref: REF(2) }, cur: true, refs: ["client_ref"] },
  fluke_thread_get_handlers: { args: CUR, cur: true },
  fluke_thread_get_saved_state: { args: CUR, cur: true },
  fluke_thread_get_server: { args: { ...CUR, server_ref: REF(2) }, cur: true, refs: ["server_ref"] },
  fluke_thread_get_state: { args: { thread: THREAD(2), ...NO_REFS, task_ref: REF(2) }, obj: ["thread", "thread"], other: "thread", refs: ["task_ref"] },
  fluke_thread_interrupt: { args: { thread: THREAD(2) }, obj: ["thread", "thread"], other: "thread" },
  fluke_thread_move: { args: { old_addr: THREAD(2), new_addr: THREAD(5) }, obj: ["old_addr", "thread"], other: "old_addr", fresh: ["new_addr"] },
  fluke_thread_reference: { args: { thread: THREAD(2), new_thread_ref: REF(2) }, obj: ["thread", "thread"], refs: ["new_thread_ref"] },
  fluke_thread_return_from_exception: { args: CUR, cur: true },
  fluke_thread_self: { args: {} },
  fluke_thread_set_client: { args: { ...CUR, client_ref: REF(3), flags: 0 }, cur: true, refs: ["client_ref"] },
  fluke_thread_set_handlers: { args: { ...CUR, ...H0 }, cur: true },
  fluke_thread_set_saved_state: { args: { ...CUR, saved_state: SAVED }, cur: true },
  fluke_thread_set_server: { args: { ...CUR, server_ref: REF(3), flags: 0 }, cur: true, refs: ["server_ref"] },
  fluke_thread_set_state: {
    args: { thread: THREAD(2), state: blankState(THREAD(2)), ...NO_REFS, task_ref: REF(0) }, obj: ["thread", "thread"], other: "thread", refs: ["task_ref"],
  },
  fluke_thread_schedule: { args: { thread: THREAD(2) }, obj: ["thread", "thread"], other: "thread", noBase: true },
  fluke_mutex_create: { args: { new_mutex: MUTEX(5) }, fresh: ["new_mutex"] },
  fluke_mutex_create_hash: { args: { new_mutex: MUTEX(5), hash: 9 }, fresh: ["new_mutex"] },
  fluke_mutex_destroy: { args: { mutex: MUTEX(1) }, obj: ["mutex", "mutex"] },
  fluke_mutex_get_state: { args: { mutex: MUTEX(0), owner_ref: REF(2) }, obj: ["mutex", "mutex"], refs: ["owner_ref"] },
  fluke_mutex_set_state: { args: { mutex: MUTEX(0), state: null, owner_ref: REF(2) }, obj: ["mutex", "mutex"], refs: ["owner_ref"] },
  fluke_mutex_move: { args: { old_addr: MUTEX(1), new_addr: MUTEX(5) }, obj: ["old_addr", "mutex"], fresh: ["new_addr"] },
  fluke_mutex_reference: { args: { mutex: MUTEX(0), new_mutex_ref: REF(2) }, obj: ["mutex", "mutex"], refs: ["new_mutex_ref"] },
  fluke_mutex_lock: { args: { mutex: MUTEX(0) }, obj: ["mutex", "mutex"] },
  fluke_mutex_trylock: { args: { mutex: MUTEX(0) }, obj: ["mutex", "mutex"] },
  fluke_mutex_unlock: { args: { mutex: MUTEX(0) }, obj: ["mutex", "mutex"], noBase: true },
  fluke_cond_create: { args: { new_cond: COND(5) }, fresh: ["new_cond"] },
  fluke_cond_create_hash: { args: { new_cond: COND(5), hash: 0 }, fresh: ["new_cond"] },
  fluke_cond_destroy: { args: { cond: COND(0) }, obj: ["cond", "cond"] },
  fluke_cond_get_state: { args: { cond: COND(0), inheritor_ref: REF(2) }, obj: ["cond", "cond"], refs: ["inheritor_ref"] },
  fluke_cond_set_state: { args: { cond: COND(0), state: { hash: 0, flags: 3 }, inheritor_ref: REF(3) }, obj: ["cond", "cond"], refs: ["inheritor_ref"] },
  fluke_cond_move: { args: { old_addr: COND(0), new_addr: COND(5) }, obj: ["old_addr", "cond"], fresh: ["new_addr"] },
  fluke_cond_reference: { args: { cond: COND(0), new_cond_ref: REF(2) }, obj: ["cond", "cond"], refs: ["new_cond_ref"] },
  fluke_cond_wait: { args: { cond: COND(0), mutex: MUTEX(0) }, obj: ["cond", "cond"], noBase: true },
  fluke_cond_signal: { args: { cond: COND(0) }, obj: ["cond", "cond"] },
  fluke_cond_broadcast: { args: { cond: COND(0) }, obj: ["cond", "cond"] },
  fluke_ref_create: { args: { new_ref: REF(9) }, fresh: ["new_ref"] },
  fluke_ref_destroy: { args: { ref: REF(2) }, obj: ["ref", "ref"] },
  fluke_ref_copy: { args: { src_ref: REF(0), dst_ref: REF(2) }, obj: ["src_ref", "ref"], refs: ["dst_ref"] },
  fluke_ref_compare: { args: { ref1: REF(0), ref2: REF(1) }, obj: ["ref1", "ref"], refs: ["ref2"] },
  fluke_ref_hash: { args: { ref: REF(0) }, obj: ["ref", "ref"] },
  fluke_ref_type: { args: { ref: REF(0) }, obj: ["ref", "ref"] },
  fluke_ref_move: { args: { old_addr: REF(2), new_addr: REF(9) }, obj: ["old_addr", "ref"], fresh: ["new_addr"] },
  fluke_ref_check: { args: { ref: REF(0) }, obj: ["ref", "ref"] },
};

export const SYNC_ROWS: readonly string[] = Object.keys(ROWS);

const sc = (row: string, code: string, what: string, run: (e: Env) => Outcome, objectLimit?: number): Scenario =>
  objectLimit === undefined ? { row, code, what, run } : { row, code, what, run, objectLimit };

const call = (row: string, args: Args, by = BOOT) => (e: Env): Outcome => e.call(row, args, by);

/** The generic cases of one row, from its spec. */
const generic = (row: string, r: RowSpec): Scenario[] => {
  const out: Scenario[] = [];
  const w = (k: string, v: unknown): Args => ({ ...r.args, [k]: v });
  if (r.noBase !== true) out.push(sc(row, "SUCCESS", "valid arguments", call(row, r.args)));
  if (r.obj !== undefined) {
    const [k, type] = r.obj;
    const va = r.args[k] as number;
    out.push(sc(row, "NOT_ALIGNED", `${k} misaligned`, call(row, w(k, va + 4))));
    out.push(sc(row, "NO_OBJECT", `${k} names no object`, call(row, w(k, EMPTY))));
    out.push(sc(row, `NOT_${type.toUpperCase()}`, `${k} names another type`, call(row, w(k, WRONG[type]))));
    out.push(sc(row, "INVALID_OBJECT", `${k} overwritten`, (e) => (e.spoil(va), e.call(row, r.args))));
    out.push(sc(row, "fault", `${k} unmapped`, call(row, w(k, UNMAPPED))));
  }
  for (const k of r.fresh ?? []) {
    const type = r.obj?.[1] ?? (row.split("_")[1] as ObjectType);
    out.push(sc(row, "OBJECT_EXISTS", `${k} occupied`, call(row, w(k, type === "thread" ? THREAD(1) : type === "ref" ? REF(0) : type === "mutex" ? MUTEX(0) : COND(0)))));
    out.push(sc(row, "NOT_ALIGNED", `${k} misaligned`, call(row, w(k, FREE[type]! + 4))));
    out.push(sc(row, "fault", `${k} unmapped`, call(row, w(k, UNMAPPED))));
  }
  for (const k of r.refs ?? []) {
    out.push(sc(row, "NOT_ALIGNED", `${k} misaligned`, call(row, w(k, REF(2) + 4))));
    out.push(sc(row, "NO_OBJECT", `${k} names no object`, call(row, w(k, EMPTY))));
    out.push(sc(row, "NOT_REF", `${k} names a mutex`, call(row, w(k, MUTEX(0)))));
    out.push(sc(row, "INVALID_OBJECT", `${k} overwritten`, (e) => (e.spoil(REF(2)), e.call(row, w(k, REF(2))))));
  }
  if (r.other !== undefined) out.push(sc(row, "CURRENT_THREAD", `${r.other} is the caller`, call(row, w(r.other, BOOT))));
  if (r.cur === true) {
    out.push(sc(row, "NOT_CURRENT_THREAD", "cur_thread is another thread", call(row, w("cur_thread", THREAD(1)))));
    out.push(sc(row, "fault", "cur_thread unmapped", call(row, w("cur_thread", UNMAPPED))));
  }
  return out;
};

/** The cases that need more than one call or a particular state. */
const SPECIFIC: readonly Scenario[] = [
  ...["thread", "mutex", "cond", "ref"].map((t) => sc(`fluke_${t}_create`, "NO_MEMORY", "object limit reached", call(`fluke_${t}_create`, { [`new_${t}`]: FREE[t] }), 2)),
  ...["thread", "mutex", "cond"].map((t) => sc(`fluke_${t}_create_hash`, "NO_MEMORY", "object limit reached", call(`fluke_${t}_create_hash`, { [`new_${t}`]: FREE[t], hash: 1 }), 2)),
  sc("fluke_thread_schedule", "SUCCESS", "the donee hands the time back", (e) => (e.call("fluke_thread_schedule", { thread: THREAD(2) }), e.call("fluke_thread_schedule", { thread: BOOT }, THREAD(2)))),
  sc("fluke_thread_get_state", "RACE_CONDITION", "the target donates the caller's time", (e) => (e.call("fluke_thread_schedule", { thread: THREAD(1) }), e.call("fluke_thread_get_state", { thread: BOOT, ...NO_REFS }, THREAD(1)))),
  sc("fluke_thread_get_state", "NOT_REF", "a slot names a mutex", call("fluke_thread_get_state", { thread: THREAD(2), ...NO_REFS, server_ref: MUTEX(0) })),
  sc("fluke_thread_set_state", "RACE_CONDITION", "the target donates the caller's time", (e) => (e.call("fluke_thread_schedule", { thread: THREAD(1) }), e.call("fluke_thread_set_state", { thread: BOOT, state: blankState(BOOT), ...NO_REFS }, THREAD(1)))),
  sc("fluke_thread_set_state", "NOT_TASK_REF", "task_ref names a port", call("fluke_thread_set_state", { thread: THREAD(2), state: blankState(THREAD(2)), ...NO_REFS, task_ref: REF(1) })),
  sc("fluke_thread_set_state", "NOT_PORT_REF", "scheduler_ref names a task", call("fluke_thread_set_state", { thread: THREAD(2), state: blankState(THREAD(2)), ...NO_REFS, scheduler_ref: REF(0) })),
  sc("fluke_thread_set_state", "NOT_THREAD_REF", "client_ref names a task", call("fluke_thread_set_state", { thread: THREAD(2), state: blankState(THREAD(2)), ...NO_REFS, client_ref: REF(0) })),
  sc("fluke_thread_set_state", "INVALID_ADDRESS", "pending_call is no call", call("fluke_thread_set_state", { thread: THREAD(2), state: blankState(THREAD(2), { pending_call: { name: "fluke_nothing", args: {} } }), ...NO_REFS })),
  sc("fluke_thread_set_saved_state", "INVALID_ADDRESS", "pending_call has bad arguments", call("fluke_thread_set_saved_state", { ...CUR, saved_state: { ...SAVED, pending_call: { name: "fluke_mutex_lock", args: {} } } })),
  sc("fluke_thread_set_client", "NOT_THREAD_REF", "client_ref names a task", call("fluke_thread_set_client", { ...CUR, client_ref: REF(0), flags: 0 })),
  sc("fluke_thread_set_server", "NOT_THREAD_REF", "server_ref names a task", call("fluke_thread_set_server", { ...CUR, server_ref: REF(0), flags: 0 })),
  sc("fluke_mutex_destroy", "MUTEX_LOCKED", "the mutex is held", (e) => (e.ok("fluke_mutex_lock", { mutex: MUTEX(1) }, THREAD(1)), e.call("fluke_mutex_destroy", { mutex: MUTEX(1) }))),
  sc("fluke_mutex_set_state", "NOT_THREAD_REF", "owner_ref names a task", call("fluke_mutex_set_state", { mutex: MUTEX(0), state: null, owner_ref: REF(0) })),
  sc("fluke_mutex_lock", "MUTEX_LOCKED", "the caller holds it already", (e) => (e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }), e.call("fluke_mutex_lock", { mutex: MUTEX(0) }))),
  sc("fluke_mutex_trylock", "MUTEX_HELD", "another thread holds it", (e) => (e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(1)), e.call("fluke_mutex_trylock", { mutex: MUTEX(0) }))),
  sc("fluke_mutex_unlock", "SUCCESS", "the owner unlocks", (e) => (e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }), e.call("fluke_mutex_unlock", { mutex: MUTEX(0) }))),
  sc("fluke_mutex_unlock", "MUTEX_NOT_LOCKED", "nobody holds it", call("fluke_mutex_unlock", { mutex: MUTEX(0) })),
  sc("fluke_mutex_unlock", "MUTEX_NOT_OWNER", "another thread holds it", (e) => (e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(1)), e.call("fluke_mutex_unlock", { mutex: MUTEX(0) }))),
  sc("fluke_cond_set_state", "NOT_THREAD_REF", "inheritor_ref names a task", call("fluke_cond_set_state", { cond: COND(0), state: null, inheritor_ref: REF(0) })),
  sc("fluke_cond_wait", "SUCCESS", "signalled, then the mutex is re-acquired", (e) => {
    e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(1));
    e.call("fluke_cond_wait", { cond: COND(0), mutex: MUTEX(0) }, THREAD(1));
    e.ok("fluke_cond_signal", { cond: COND(0) });
    return e.finished(THREAD(1)) ?? { kind: "blocked" };
  }),
  sc("fluke_cond_wait", "MUTEX_LOCKED", "a wait marked released while the caller still holds the mutex: its re-acquiring lock finds it held by the caller", (e) => {
    e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(1));
    e.call("fluke_cond_wait", { cond: COND(0), mutex: MUTEX(0), released: true }, THREAD(1));
    e.ok("fluke_cond_signal", { cond: COND(0) });
    return e.finished(THREAD(1)) ?? { kind: "blocked" };
  }),
  sc("fluke_cond_wait", "NOT_MUTEX", "mutex names a condition", call("fluke_cond_wait", { cond: COND(0), mutex: COND(0) })),
  sc("fluke_cond_wait", "MUTEX_NOT_LOCKED", "nobody holds the mutex", call("fluke_cond_wait", { cond: COND(0), mutex: MUTEX(0) })),
  sc("fluke_cond_wait", "MUTEX_NOT_OWNER", "another thread holds the mutex", (e) => (e.ok("fluke_mutex_lock", { mutex: MUTEX(0) }, THREAD(1)), e.call("fluke_cond_wait", { cond: COND(0), mutex: MUTEX(0) }))),
  sc("fluke_task_reference", "SUCCESS", "(setup check) the root task", call("fluke_task_reference", { task: ROOT, new_task_ref: REF(2) })),
];

/** Every scenario: generic cases whose code the row lists (or a fault), then the specific ones. */
export const SYNC_SCENARIOS: readonly Scenario[] = [
  ...Object.entries(ROWS).flatMap(([row, r]) => {
    const def = CALLS_BY_NAME.get(row)!;
    const listed = new Set<string>([...def.returns, ...def.insanities, "fault"]);
    return generic(row, r).filter((s) => listed.has(s.code));
  }),
  ...SPECIFIC,
];
