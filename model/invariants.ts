// Invariants of the abstract model that the property tests check after every random step: links point
// to existing objects of the right kind (or dangle, reading as null, but are never forged); wait queues
// of mutexes and condition variables agree with the threads' wait states; a task reaches only memory its
// parent granted, with no more rights; and a step changes a reference only when the calls that acted in
// it named that reference, binding it only to objects derived from what those calls named (no reference
// forged, lost or duplicated, IPC included). Each check returns a list of violations (empty: fine).
// Above: model/properties.test.ts. Below: model/state.ts, model/memory.ts, model/objects.ts.
import { FAULT_KINDS, type ObjectType } from "../spec/kernel-api/common.js";
import { ACCESS_BIT, walk } from "./memory.js";
import { objectAtPhys } from "./objects.js";
import type { AbstractCall, ModelState, Obj, Oid, ThreadObj } from "./state.js";

/** Link fields of each object type and the kind each must point to ("any": no constraint). */
const LINKS: Readonly<Record<ObjectType, readonly (readonly [string, ObjectType | "any"])[]>> = {
  thread: [["task", "task"], ["scheduler", "port"], ["waiting_for", "any"], ["client", "thread"], ["server", "thread"], ["donor", "thread"]],
  task: [["keeper", "port"]],
  region: [["task", "task"], ["keeper", "port"]],
  mapping: [["region", "region"], ["task", "task"]],
  port: [["pset", "pset"]],
  pset: [],
  mutex: [["owner", "thread"]],
  cond: [["inheritor", "thread"]],
  ref: [["target", "any"]],
};

/** Every link is null, or an Oid the model once gave out; a live target has the right kind. */
export const checkLinks = (s: ModelState): string[] => {
  const bad: string[] = [];
  for (const o of s.objects.values()) {
    for (const [field, kind] of LINKS[o.type]) {
      const v = (o as unknown as Record<string, Oid | null>)[field];
      if (v === null || v === undefined) continue;
      if (!Number.isInteger(v) || v <= 0 || v >= s.nextOid) bad.push(`${o.type} ${o.oid}.${field} = ${v}: forged link`);
      const t = s.objects.get(v);
      if (t !== undefined && kind !== "any" && t.type !== kind) bad.push(`${o.type} ${o.oid}.${field} -> ${t.type}, want ${kind}`);
    }
  }
  return bad;
};

const waitsOn = (t: Obj | undefined, kind: "mutex" | "cond", oid: Oid): boolean =>
  t?.type === "thread" && t.wait?.kind === kind && (kind === "mutex" ? t.wait.mutex === oid : t.wait.kind === "cond" && t.wait.cond === oid);

/** Mutex and condition queues agree with the threads' wait states; a waited-for mutex is held. */
export const checkSyncQueues = (s: ModelState): string[] => {
  const bad: string[] = [];
  for (const o of s.objects.values()) {
    if (o.type === "mutex" || o.type === "cond") {
      if (new Set(o.waiters).size !== o.waiters.length) bad.push(`${o.type} ${o.oid}: duplicate waiter`);
      for (const w of o.waiters) if (!waitsOn(s.objects.get(w), o.type, o.oid)) bad.push(`${o.type} ${o.oid}: waiter ${w} is not waiting on it`);
    }
    if (o.type === "mutex" && o.waiters.length > 0 && s.objects.get(o.owner ?? -1)?.type !== "thread") {
      bad.push(`mutex ${o.oid}: waiters but no holder (lost wake-up)`);
    }
    if (o.type === "thread" && (o.wait?.kind === "mutex" || o.wait?.kind === "cond")) {
      const q = s.objects.get(o.wait.kind === "mutex" ? o.wait.mutex : o.wait.cond);
      const queued = (q?.type === "mutex" || q?.type === "cond") && q.waiters.includes(o.oid);
      if (!queued) bad.push(`thread ${o.oid}: waits on ${o.wait.kind} but is not queued`);
    }
  }
  return bad;
};

/**
 * A task reaches only memory derived from what was granted: wherever a non-root task can access a byte,
 * the task its mapping's region is defined over can access the same byte with at least the same rights,
 * and those rights are within the mapping's and the region's. A task with no mapping reaches nothing.
 */
export const checkGrants = (s: ModelState): string[] => {
  const bad: string[] = [];
  for (const t of s.objects.values()) {
    if (t.type !== "task" || t.root) continue;
    const maps = [...s.objects.values()].filter((m) => m.type === "mapping" && m.task === t.oid);
    if (maps.length === 0 && !("fault" in walk(s, t.oid, 0x1000, 0))) bad.push(`task ${t.oid}: reaches memory with no mapping`);
    for (const m of maps) {
      if (m.type !== "mapping" || m.size === 0) continue;
      for (const va of [m.start_va, m.start_va + Math.floor(m.size / 2), m.start_va + m.size - 1]) {
        for (const k of FAULT_KINDS) bad.push(...grantAt(s, t.oid, m, va >>> 0, ACCESS_BIT[k]));
      }
    }
  }
  return bad;
};

const grantAt = (s: ModelState, task: Oid, m: Extract<Obj, { type: "mapping" }>, va: number, need: number): string[] => {
  const here = walk(s, task, va, need);
  if ("fault" in here) return [];
  const r = m.region === null ? undefined : s.objects.get(m.region);
  if (r?.type !== "region" || r.task === null) return [`task ${task}: reaches 0x${va.toString(16)} through a mapping with no region or task`];
  const there = walk(s, r.task, (r.start_va + va - m.start_va + m.region_off) >>> 0, need);
  if ("fault" in there || there.paddr !== here.paddr) return [`task ${task}: reaches 0x${va.toString(16)} that its parent cannot`];
  if ((here.prot & ~(there.prot & m.prot & r.prot)) !== 0) return [`task ${task}: more rights at 0x${va.toString(16)} than granted`];
  return [];
};

// ---------------------------------------------------------------------------------------------
// References across one step

/** The threads that acted in a step and the calls they acted in (the caller's call, others' pending calls). */
export interface Actor { readonly thread: ThreadObj; readonly call: AbstractCall | null }

const numbersIn = (v: unknown, out: number[] = []): number[] => {
  if (typeof v === "number") out.push(v >>> 0);
  else if (Array.isArray(v)) for (const x of v) numbersIn(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) numbersIn(x, out);
  return out;
};

/** Objects a call names: every number in its arguments read as an address in the actor's task. */
const named = (s: ModelState, a: Actor): Set<Oid> => {
  const out = new Set<Oid>([a.thread.oid]);
  if (a.thread.task !== null) out.add(a.thread.task);
  for (const n of numbersIn(a.call?.args ?? {})) {
    const r = walk(s, a.thread.task ?? s.rootTask, n, 0);
    const o = "fault" in r ? undefined : objectAtPhys(s, r.paddr);
    if (o !== undefined) out.add(o.oid);
  }
  return out;
};

/** What a step may bind references to: named objects, their links, Oids held in the actors' IPC state. */
const derivable = (s: ModelState, names: Set<Oid>, actors: readonly Actor[]): Set<Oid> => {
  const out = new Set(names);
  for (const oid of names) {
    const o = s.objects.get(oid);
    if (o !== undefined) for (const [f] of LINKS[o.type]) out.add((o as unknown as Record<string, Oid>)[f]!);
  }
  for (const a of actors) for (const n of numbersIn(a.thread.ipc)) out.add(n);
  return out;
};

const liveTarget = (s: ModelState, o: Obj | undefined): Oid | null =>
  o?.type === "ref" && o.target !== null && s.objects.has(o.target) ? o.target : null;

/**
 * Compare the references of `before` and `after` (one step apart): a reference whose target changed was
 * named by an actor (else it was lost or changed behind the program's back), and its new target is
 * derived from what the actors named (else it was forged or duplicated from elsewhere).
 */
export const checkRefStep = (before: ModelState, after: ModelState, actors: readonly Actor[]): string[] => {
  const names = new Set<Oid>();
  for (const a of actors) for (const o of named(before, a)) names.add(o);
  const ok = derivable(before, names, actors);
  const bad: string[] = [];
  for (const [oid, o] of after.objects) {
    if (o.type !== "ref" || !before.objects.has(oid)) continue;
    const was = liveTarget(before, before.objects.get(oid));
    const now = liveTarget(after, o);
    if (was === now || (now === null && was !== null && !after.objects.has(was))) continue;
    if (!names.has(oid)) bad.push(`ref ${oid}: changed (${was} -> ${now}) though no acting call named it`);
    if (now !== null && before.objects.has(now) && !ok.has(now)) bad.push(`ref ${oid}: bound to ${now}, not derived from the calls`);
  }
  return bad;
};
