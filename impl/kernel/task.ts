// Chapter "task" of the concrete kernel: the handlers of spec/kernel-api/task.ts (task.md), same rules
// as model/task.ts. A task is an address space (its VmTask: sorted mappings, the regions defined over
// it, the translation cache); its record holds only its keeper link. Destroy detaches what depends on it:
// mappings into it and regions over it lose their task link (object and vm record alike, with the
// translation caches downstream invalidated), and its threads lose their task (they stop). The root task
// cannot be destroyed (INVALID_OBJECT) but can be moved. Above: handlers.ts. Below: object-ops.ts,
// decode.ts, vm.ts.
import type { TaskState } from "../../spec/kernel-api/task.js";
import { lookup, refSlot } from "./decode.js";
import { kinsane, ok, type KCtx, type KHandler } from "./kctx.js";
import { newKTask } from "./kinit.js";
import type { KRegion, KTask } from "./kobjects.js";
import {
  bindSlot, createObject, linkFromSlot, lookupForDestroy, moveObject, referenceObject, removeObject,
} from "./object-ops.js";
import { attachMapping, attachRegion, detachMapping, detachRegion, invalidateTask } from "./vm.js";

const makeTask = (paddr: number, hash: number): KTask => newKTask(paddr, hash);

/** Perform half of fluke_task_destroy (task.md decision 4: links are nulled explicitly). */
const detachTask = (ctx: KCtx, t: KTask): void => {
  invalidateTask(t.vm);
  for (const th of t.threads) th.task = null;
  t.threads.clear();
  for (const r of [...t.vm.regionsOver]) {
    detachRegion(r);
    r.task = null;
    const owner = r.owner as KRegion | null;
    if (owner !== null) owner.task = null;
    attachRegion(r);
  }
  for (const m of [...t.vm.mappings]) {
    detachMapping(m);
    m.task = null; // the KMapping's own link reads null through live() once the task is gone
    attachMapping(m);
  }
  removeObject(ctx, t);
};

const fluke_task_destroy: KHandler = (ctx, a: { task: number }) => {
  const t = lookupForDestroy(ctx, a.task, "task");
  if (t.root) kinsane("INVALID_OBJECT"); // ours: the machine's root task cannot be destroyed
  detachTask(ctx, t);
  return ok();
};

const fluke_task_get_state: KHandler = (ctx, a: { task: number; keeper_ref: number }) => {
  const t = lookup(ctx, a.task, "task");
  const keeper = refSlot(ctx, a.keeper_ref);
  bindSlot(keeper, t.keeper);
  const state: TaskState = { hash: t.hash };
  return ok({ state });
};

const fluke_task_set_state: KHandler = (ctx, a: { task: number; state: TaskState | null; keeper_ref: number }) => {
  const t = lookup(ctx, a.task, "task");
  const keeper = linkFromSlot(ctx, a.keeper_ref, "port");
  if (keeper.set) t.keeper = keeper.to; // the hash is write-once: state.hash is ignored
  return ok();
};

export const K_TASK_HANDLERS: Readonly<Record<string, KHandler>> = {
  fluke_task_create: (ctx, a: { new_task: number }) => createObject(ctx, "task", a.new_task, undefined, makeTask),
  fluke_task_create_hash: (ctx, a: { new_task: number; hash: number }) => createObject(ctx, "task", a.new_task, a.hash, makeTask),
  fluke_task_destroy,
  fluke_task_get_state,
  fluke_task_set_state,
  fluke_task_move: (ctx, a: { old_addr: number; new_addr: number }) => moveObject(ctx, "task", a.old_addr, a.new_addr),
  fluke_task_reference: (ctx, a: { task: number; new_task_ref: number }) => referenceObject(ctx, "task", a.task, a.new_task_ref),
};
