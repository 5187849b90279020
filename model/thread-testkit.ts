// Test fixture for the thread, exception and scheduling tests: a Driver on a booted state, objects
// allocated in root memory (where address = FLUKE_VM_MIN + physical byte), threads made runnable through
// fluke_thread_create + fluke_thread_set_state, and ports, tasks, regions and mappings placed straight
// into the state so these tests do not depend on the IPC and memory chapters' handlers. Not used by the
// model itself.
import { FLUKE_PROT_ALL, OBJECT_SIZE, type ObjectType, type Outcome } from "../spec/kernel-api/common.js";
import type { ThreadState } from "../spec/kernel-api/thread.js";
import { BOOT_THREAD_VA, ROOT_TASK_VA } from "./boot.js";
import { paddrOfRootVa } from "./memory.js";
import { objectAtPhys } from "./objects.js";
import type { Obj, ObjOf, Oid, PAddr, ThreadName, ThreadObj } from "./state.js";
import { Driver } from "./testkit.js";

export const B = BOOT_THREAD_VA;
export const ROOT = ROOT_TASK_VA;
export const insanity = (code: string): Outcome => ({ kind: "insanity", code } as Outcome);
export const SUCCESS: Outcome = { kind: "return", rc: "SUCCESS", out: {} };

/** A thread state with every field zero, for thread_va `va`, not stopped, nothing pending. */
export const blankState = (va: number, over: Partial<ThreadState> = {}): ThreadState => ({
  hash: 0, thread_va: va, sched_val: 0, flags: 0,
  eax: 0, ebx: 0, ecx: 0, edx: 0, esi: 0, edi: 0, ebp: 0, esp: 0, eip: 0, eflags: 0, min_msg: [0, 0],
  trap_handler: 0, interrupt_handler: 0, client_alert_handler: 0, server_alert_handler: 0,
  saved_eax: 0, saved_ecx: 0, saved_edx: 0, saved_eip: 0, saved_eflags: 0,
  server_pset: 0, server_esp: 0, server_oneway_eip: 0, server_idempotent_eip: 0, server_reliable_eip: 0,
  pending_call: null, saved_pending_call: null, ...over,
});

export const noRefs = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };

export class Fx {
  readonly d: Driver;
  private next = 0x8000;
  constructor(d: Driver = new Driver()) {
    this.d = d;
  }

  /** Run a call and return its outcome, then put the state back as it was (for insanity checks). */
  try(name: string, args: Record<string, unknown>, thread: ThreadName = B): Outcome {
    const s = this.d.s;
    const o = this.d.call(name, args, thread);
    this.d.s = s;
    return o;
  }

  /** A free root address aligned for `type`. */
  alloc(type: ObjectType): number {
    const size = OBJECT_SIZE[type];
    this.next = Math.ceil(this.next / size) * size;
    const va = this.next;
    this.next += size;
    return va;
  }

  obj(va: number): Obj | undefined {
    return objectAtPhys(this.d.s, paddrOfRootVa(va));
  }
  th(va: number): ThreadObj {
    const o = this.obj(va);
    if (o?.type !== "thread") throw new Error(`no thread at ${va.toString(16)}`);
    return o;
  }
  oid(va: number): Oid {
    const o = this.obj(va);
    if (o === undefined) throw new Error(`no object at ${va.toString(16)}`);
    return o.oid;
  }

  /** Place an object record straight into the state at root address `va`. */
  put<T extends ObjectType>(type: T, fields: Omit<ObjOf<T>, "oid" | "paddr" | "hash" | "invalid" | "type">, va = this.alloc(type)): number {
    const s = this.d.s;
    const paddr: PAddr = paddrOfRootVa(va);
    const o = { oid: s.nextOid++, paddr, hash: 0x5000 + s.nextOid, invalid: false, type, ...fields } as unknown as Obj;
    s.objects.set(o.oid, o);
    return va;
  }
  port(): number {
    return this.put("port", { alias: 0, pset: null });
  }
  /** A reference object (made with fluke_ref_create) pointing at the object at `target` (0: null). */
  ref(target = 0): number {
    const va = this.alloc("ref");
    this.d.ok("fluke_ref_create", { new_ref: va });
    const r = this.obj(va) as ObjOf<"ref">;
    r.target = target === 0 ? null : this.oid(target);
    return va;
  }
  refTarget(va: number): Obj | null {
    const t = (this.obj(va) as ObjOf<"ref">).target;
    return t === null ? null : (this.d.s.objects.get(t) ?? null);
  }

  /** A runnable thread in the root task (its own scheduler port unless `sched` is false). */
  thread(opts: { sched?: boolean; state?: Partial<ThreadState>; task?: number } = {}): ThreadName {
    const va = this.alloc("thread");
    this.d.ok("fluke_thread_create", { new_thread: va });
    const task_ref = this.ref(opts.task ?? ROOT);
    const scheduler_ref = opts.sched === false ? 0 : this.ref(this.port());
    this.d.ok("fluke_thread_set_state", { thread: va, state: blankState(va, opts.state), ...noRefs, task_ref, scheduler_ref });
    return va;
  }

  /** A child task whose [va, va+size) maps root memory at `rootVa` through a region with `prot` and keeper. */
  child(va: number, size: number, rootVa: number, prot = FLUKE_PROT_ALL, keeper: number | null = null): { task: number; region: number } {
    const task = this.put("task", { keeper: null, root: false });
    const region = this.put("region", {
      start_va: rootVa, size, prot, task: this.d.s.rootTask, keeper: keeper === null ? null : this.oid(keeper),
    });
    this.put("mapping", { region_off: 0, start_va: va, size, prot: FLUKE_PROT_ALL, region: this.oid(region), task: this.oid(task) });
    return { task, region };
  }
}
