// Checkpoint and rebuild of a child task by its parent, through the published API only (the "state
// visibility" property of the Fluke paper): the parent finds every object in the child's memory with
// fluke_region_search, exports each with its *_get_state (links returned through reference objects and
// identified with fluke_ref_compare against references to the objects found, or to the child task
// itself), plus the memory bytes (harness_mem_read), can destroy them all, and rebuilds them at the same
// offsets of other memory with *_create_hash and *_set_state. Threads are rebuilt last with
// FLUKE_THREAD_STOPPED cleared, so the kernel re-issues their pending calls (blocked IPC, mutex and
// condition waits) and they carry on. It knows nothing of kernel internals: `call` is any implementation
// of the API as the parent thread (the concrete kernel, the model, or both in lockstep).
// Limits (what the API does not export): get_state always stops a thread, so every rebuilt thread is
// let run; several threads waiting on one object are re-queued in address order, not their original
// order; reliable-connection inboxes and an idempotent server's "serving" link are not exported, so a
// child checkpointed mid-connection or mid-call is rebuilt with the client re-sending its request. Memory
// is read in the parent's own view of the region's memory.
// Above: conformance/kernel-checkpoint.test.ts, checkpoint.test.ts, future nesters. Below: the kernel API.
import { FLUKE_THREAD_STOPPED, OBJECT_SIZE, PAGE_SIZE, type ObjectType, type Outcome } from "../../spec/kernel-api/common.js";

/** Performs one call as the parent thread. */
export type ApiCall = (name: string, args: Record<string, unknown>) => Outcome;

/** Where a link leads: nowhere, the child task itself, or the i-th exported object. */
export type Link = { readonly to: "null" } | { readonly to: "self" } | { readonly to: "internal"; readonly index: number };

export interface ExportedObject {
  /** Offset of the object in the child's memory. */
  readonly off: number;
  readonly type: ObjectType;
  /** The get_state record (null for a reference object). */
  readonly state: unknown;
  /** One link per reference slot of the type (SLOTS), or the target of a reference object. */
  readonly links: readonly Link[];
}

export interface Checkpoint {
  readonly objs: readonly ExportedObject[];
  readonly bytes: readonly number[];
}

/** The reference slots of get_state/set_state, per type, with the kind each slot carries ("any": waiting_for). */
export const SLOTS: Readonly<Record<ObjectType, readonly (readonly [string, ObjectType | "any"])[]>> = {
  task: [["keeper_ref", "port"]],
  region: [["task_ref", "task"], ["keeper_ref", "port"]],
  mapping: [["region_ref", "region"], ["task_ref", "task"]],
  port: [["pset_ref", "pset"]],
  pset: [],
  mutex: [["owner_ref", "thread"]],
  cond: [["inheritor_ref", "thread"]],
  thread: [["task_ref", "task"], ["scheduler_ref", "port"], ["waiting_for_ref", "any"], ["client_ref", "thread"], ["server_ref", "thread"]],
  ref: [],
};

/** Types whose objects can be named by a reference (fluke_<type>_reference exists). */
const REFERABLE: ReadonlySet<ObjectType> = new Set(["task", "region", "port", "pset", "mutex", "cond", "thread"]);

/** Rebuild order: plain objects first, threads last (setting a thread's state may re-issue its pending call). */
const RANK: Readonly<Record<ObjectType, number>> = { ref: 0, task: 1, region: 1, mapping: 1, pset: 1, port: 2, mutex: 2, cond: 2, thread: 3 };

export class ApiError extends Error {}

/** The parent side: a scratch area of its own memory for reference objects, and the API. */
export class Checkpointer {
  private next: number;

  /** `scratch`: root addresses [start, end) the parent may fill with reference objects. */
  constructor(private readonly call: ApiCall, private readonly scratch: { readonly start: number; readonly end: number }) {
    this.next = scratch.start;
  }

  /** A call that must succeed; returns its out-parameters. */
  ok(name: string, args: Record<string, unknown>): Record<string, unknown> {
    const o = this.call(name, args);
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new ApiError(`${name}(${JSON.stringify(args)}) gave ${JSON.stringify(o)}`);
    return o.out;
  }

  /** A fresh reference in the scratch area, bound to the object of `type` at `target` (0: null reference). */
  ref(target = 0, type: ObjectType = "task"): number {
    const va = this.next;
    this.next += OBJECT_SIZE.ref;
    if (this.next > this.scratch.end) throw new ApiError("checkpoint scratch area full");
    this.ok("fluke_ref_create", { new_ref: va });
    if (target !== 0) this.ok(`fluke_${type}_reference`, { [type]: target, [`new_${type}_ref`]: va });
    return va;
  }

  /** Objects in [mem, mem+size) of the child's memory (region `region` exports it), in address order. */
  search(region: number, size: number): { ob: number; type: ObjectType }[] {
    const out = this.ok("fluke_region_search", { region, offset: 0, size, obarray_size: 256 });
    return out["obarray"] as { ob: number; type: ObjectType }[];
  }

  /** Export every object of the child (memory [mem, mem+size) seen through `region`) and the bytes. */
  export(region: number, mem: number, size: number, self: number): Checkpoint {
    const found = this.search(region, size);
    const mine = found.map((f) => (REFERABLE.has(f.type) ? this.ref(f.ob, f.type) : 0));
    const identify = this.identifier(mine, this.ref(self, "task"));
    const objs = found.map(({ ob, type }): ExportedObject => {
      if (type === "ref") {
        const r = this.ref();
        this.ok("fluke_ref_copy", { src_ref: ob, dst_ref: r });
        return { off: ob - mem, type, state: null, links: [identify(r)] };
      }
      const refs = SLOTS[type].map(() => this.ref());
      const args = Object.fromEntries(SLOTS[type].map(([name], i) => [name, refs[i]]));
      const { state } = this.ok(`fluke_${type}_get_state`, { [type]: ob, ...args });
      return { off: ob - mem, type, state, links: refs.map(identify) };
    });
    return { objs, bytes: this.readMemory(mem, size) };
  }

  /** Identifies the target of a reference: null, the child task, or one of the objects found. */
  private identifier(mine: readonly number[], selfRef: number): (r: number) => Link {
    const same = (a: number, b: number): boolean => this.ok("fluke_ref_compare", { ref1: a, ref2: b })["equal"] === true;
    return (r) => {
      if (this.ok("fluke_ref_type", { ref: r })["type"] === "null") return { to: "null" };
      if (same(r, selfRef)) return { to: "self" };
      const index = mine.findIndex((m) => m !== 0 && same(r, m));
      if (index < 0) throw new ApiError("a link leads outside the child: not checkpointable by this parent");
      return { to: "internal", index };
    };
  }

  /** The bytes of [mem, mem+size), one page per harness access. */
  readMemory(mem: number, size: number): number[] {
    const out: number[] = [];
    for (let off = 0; off < size; off += PAGE_SIZE) {
      out.push(...(this.ok("harness_mem_read", { addr: mem + off, len: Math.min(PAGE_SIZE, size - off) })["bytes"] as number[]));
    }
    return out;
  }

  /** Destroy every object of a checkpoint at `mem` (threads first, so none is woken into a half-gone child). */
  destroy(cp: Checkpoint, mem: number): void {
    const order = [...cp.objs].sort((a, b) => (b.type === "thread" ? 1 : 0) - (a.type === "thread" ? 1 : 0));
    for (const o of order) this.ok(`fluke_${o.type}_destroy`, { [o.type]: mem + o.off });
  }

  /** Rebuild a checkpoint at `mem`, with `self` (root address of a task) standing for the child task. */
  restore(cp: Checkpoint, mem: number, self: number): void {
    for (let off = 0; off < cp.bytes.length; off += PAGE_SIZE) this.ok("harness_mem_write", { addr: mem + off, bytes: cp.bytes.slice(off, off + PAGE_SIZE) });
    for (const o of cp.objs) {
      if (o.type === "ref") this.ok("fluke_ref_create", { new_ref: mem + o.off });
      else this.ok(`fluke_${o.type}_create_hash`, { [`new_${o.type}`]: mem + o.off, hash: (o.state as { hash: number }).hash });
    }
    const order = cp.objs.map((o, i) => i).sort((a, b) => RANK[cp.objs[a]!.type] - RANK[cp.objs[b]!.type] || a - b);
    for (const i of order) this.restoreOne(cp, cp.objs[i]!, mem, self);
  }

  /** A reference for link `l` of a checkpoint rebuilt at `mem`. */
  private refTo(cp: Checkpoint, l: Link, mem: number, self: number): number {
    if (l.to === "null") return this.ref();
    if (l.to === "self") return this.ref(self, "task");
    const o = cp.objs[l.index]!;
    return this.ref(mem + o.off, o.type);
  }

  private restoreOne(cp: Checkpoint, o: ExportedObject, mem: number, self: number): void {
    if (o.type === "ref") {
      const l = o.links[0]!;
      if (l.to !== "null") this.ok("fluke_ref_copy", { src_ref: this.refTo(cp, l, mem, self), dst_ref: mem + o.off });
      return;
    }
    const args: Record<string, number> = Object.fromEntries(SLOTS[o.type].map(([name], i) => [name, this.refTo(cp, o.links[i]!, mem, self)]));
    let state = o.state;
    if (o.type === "thread") {
      // A pending call re-issued by set_state re-derives the wait; a stored waiting_for link would outlive
      // the wake (set_state keeps it "only to be exported again"), so it is left alone (slot 0).
      if ((state as { pending_call: unknown }).pending_call !== null) args["waiting_for_ref"] = 0;
      const s = state as { flags: number };
      state = { ...s, flags: s.flags & ~FLUKE_THREAD_STOPPED }; // get_state stopped it; let it carry on
    }
    this.ok(`fluke_${o.type}_set_state`, { [o.type]: mem + o.off, state, ...args });
  }
}
