// Chapter "task" of the abstract model: the handlers of spec/kernel-api/task.ts (see task.md). A task is
// an address space; its record holds only its keeper link. Destroying a task detaches what depends on it:
// mappings into it and regions over it lose their task link, and its threads lose their task (they stop).
// Above: model/handlers.ts. Below: model/object-ops.ts, model/objects.ts.
import type { Handler } from "./ctx.js";
import { ok } from "./ctx.js";
import { insane } from "./errors.js";
import { bindSlot, createObject, linkFromSlot, lookupForDestroy, moveObject, refSlot, referenceObject } from "./object-ops.js";
import { lookup } from "./objects.js";
import type { ModelState, Oid, TaskObj } from "./state.js";
import type { TaskState } from "../spec/kernel-api/task.js";

const newTask = (oid: Oid, paddr: number, hash: number): TaskObj => ({
  oid, paddr, hash, invalid: false, type: "task", keeper: null, root: false,
});

/** Perform half of fluke_task_destroy: detach every link to the task, then remove it. */
const detachTask = (s: ModelState, task: Oid): void => {
  for (const o of s.objects.values()) {
    if ((o.type === "mapping" || o.type === "region" || o.type === "thread") && o.task === task) o.task = null;
  }
  s.objects.delete(task);
};

export const TASK_HANDLERS: Readonly<Record<string, Handler>> = {
  fluke_task_create: (ctx, a: { new_task: number }) => createObject(ctx, "task", a.new_task, undefined, newTask),

  fluke_task_create_hash: (ctx, a: { new_task: number; hash: number }) => createObject(ctx, "task", a.new_task, a.hash, newTask),

  fluke_task_destroy: (ctx, a: { task: number }) => {
    const t = lookupForDestroy(ctx, a.task, "task");
    if (t.root) insane("INVALID_OBJECT"); // ours: the machine's root task cannot be destroyed
    detachTask(ctx.s, t.oid);
    return ok();
  },

  fluke_task_get_state: (ctx, a: { task: number; keeper_ref: number }) => {
    const t = lookup(ctx.s, ctx.task, a.task, "task");
    const keeper = refSlot(ctx, a.keeper_ref);
    bindSlot(ctx, keeper, t.keeper);
    const state: TaskState = { hash: t.hash };
    return ok({ state });
  },

  fluke_task_set_state: (ctx, a: { task: number; state: TaskState | null; keeper_ref: number }) => {
    const t = lookup(ctx.s, ctx.task, a.task, "task");
    const keeper = linkFromSlot(ctx, a.keeper_ref, "port");
    if (keeper.set) t.keeper = keeper.to; // the hash is write-once: state.hash is ignored
    return ok();
  },

  fluke_task_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "task", a.old_addr, a.new_addr),

  fluke_task_reference: (ctx, a: { task: number; new_task_ref: number }) => referenceObject(ctx, "task", a.task, a.new_task_ref),
};
