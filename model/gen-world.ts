// What the random call generator (model/prop-gen.ts) knows about the world it draws arguments for: the
// objects the calling thread can name (their addresses in the caller's task, found by following the
// task's mappings back to the root task, as model/memory.ts translates forwards), the reference objects
// among them by the kind of their target, the free blocks and mapped ranges of the caller's task, and
// the caller's part in IPC (a server with a client, a client with a server, serving an idempotent
// call). With it the generator names live objects of the right kind, references that lead to ports, port
// sets, tasks or threads, invalidated objects, free aligned blocks (NO_OBJECT) and misaligned addresses,
// in weighted proportions, so that random sequences reach success paths and every listed error code.
// Pure: reads the state only. Above: model/prop-gen.ts. Below: model/state.ts, model/memory.ts.
import {
  FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_SERVER_SENDER, FLUKE_VM_MIN, OBJECT_SIZE, PAGE_SIZE, type ObjectType,
} from "../spec/kernel-api/common.js";
import { rootVa } from "./memory.js";
import type { ModelState, Obj, Oid, ThreadObj } from "./state.js";

/** Root-task window in which the generator places new objects (above the boot objects and the setup's). */
export const PLAY_MIN = 0x3000;
export const PLAY_MAX = 0x7000;
/** How deep the generator follows mapping chains backwards (translation itself allows FLUKE_MAX_CHAIN). */
const MAX_DEPTH = 6;

/** One object the caller can name, at `va` in its task. */
export interface Seen { readonly o: Obj; readonly va: number }

/** A range `[lo, hi)` of the caller's task that is backed by memory (as far as the mappings say). */
interface Range { readonly lo: number; readonly hi: number }

export interface World {
  readonly s: ModelState;
  /** The calling thread (null: unknown, the root task is assumed). */
  readonly caller: ThreadObj | null;
  readonly task: Oid;
  /** The caller's own address in its task, if it can see itself. */
  readonly self: number | undefined;
  /** The address of the thread that gives the caller its time (fluke_thread_schedule), if any and visible. */
  readonly donor: number | undefined;
  /** Addresses of the mutexes the caller holds. */
  readonly holds: readonly number[];
  readonly seen: readonly Seen[];
  readonly ranges: readonly Range[];
}

/** Physical bytes [plo, phi) appear in a task at va0 + (p - plo). */
interface Window { readonly plo: number; readonly phi: number; readonly va0: number }

/**
 * Where task `task` sees physical memory: the inverse of model/memory.ts's walk (rights ignored), as
 * windows of contiguous physical bytes, following the task's mappings back to the root task.
 */
const windowsOf = (s: ModelState, task: Oid, memo: Map<Oid, Window[]>, depth = 0): Window[] => {
  const known = memo.get(task);
  if (known !== undefined) return known;
  const t = s.objects.get(task);
  const out: Window[] = [];
  memo.set(task, out); // a cycle sees nothing more
  if (t?.type !== "task") return out;
  if (t.root) { out.push({ plo: 0, phi: s.physBytes, va0: FLUKE_VM_MIN }); return out; }
  if (depth >= MAX_DEPTH) return out;
  for (const m of s.objects.values()) {
    if (m.type !== "mapping" || m.task !== task || m.size === 0 || m.region === null) continue;
    const r = s.objects.get(m.region);
    if (r?.type !== "region" || r.task === null) continue;
    // the mapping shows the region's task's addresses [lo, hi) at m.start_va
    const lo = r.start_va + m.region_off;
    const hi = r.start_va + Math.min(r.size, m.region_off + m.size);
    for (const w of windowsOf(s, r.task, memo, depth + 1)) {
      const wlo = w.va0, whi = w.va0 + (w.phi - w.plo);
      const a = Math.max(lo, wlo), z = Math.min(hi, whi);
      if (a < z) out.push({ plo: w.plo + (a - wlo), phi: w.plo + (z - wlo), va0: (m.start_va + (a - lo)) >>> 0 });
    }
  }
  return out;
};

/** The address at which task `task` sees physical byte `p` (the first window found), or undefined. */
export const addrIn = (s: ModelState, task: Oid, p: number, memo: Map<Oid, Window[]> = new Map()): number | undefined => {
  for (const w of windowsOf(s, task, memo)) if (p >= w.plo && p < w.phi) return (w.va0 + (p - w.plo)) >>> 0;
  return undefined;
};

const rangesOf = (s: ModelState, task: Oid): Range[] => {
  const t = s.objects.get(task);
  if (t?.type !== "task") return [];
  if (t.root) return [{ lo: PLAY_MIN, hi: PLAY_MAX }, { lo: FLUKE_VM_MIN, hi: FLUKE_VM_MIN + s.physBytes }];
  const out: Range[] = [];
  for (const m of s.objects.values()) if (m.type === "mapping" && m.task === task && m.size > 0) out.push({ lo: m.start_va, hi: m.start_va + m.size });
  return out;
};

/** The world as the thread named `caller` (its root-view address) sees it; the root task's if unknown. */
export const worldOf = (s: ModelState, caller?: number): World => {
  let t: ThreadObj | null = null;
  if (caller !== undefined) {
    for (const o of s.objects.values()) if (o.type === "thread" && rootVa(o.paddr) === caller) { t = o; break; }
  }
  const task = t !== null && t.task !== null && s.objects.get(t.task)?.type === "task" ? t.task : s.rootTask;
  const seen: Seen[] = [];
  const memo = new Map<Oid, Window[]>();
  for (const o of s.objects.values()) {
    const va = addrIn(s, task, o.paddr, memo);
    if (va !== undefined) seen.push({ o, va });
  }
  const d = t?.donor === null || t?.donor === undefined ? undefined : s.objects.get(t.donor);
  const donor = d?.type === "thread" && d.wait?.kind === "donating" ? addrIn(s, task, d.paddr, memo) : undefined;
  const holds = t === null ? [] : seen.filter((x) => x.o.type === "mutex" && x.o.owner === t.oid).map((x) => x.va);
  return { s, caller: t, task, self: t === null ? undefined : addrIn(s, task, t.paddr, memo), donor, holds, seen, ranges: rangesOf(s, task) };
};

/** The type of a reference's target (undefined for a null or dangling reference). */
export const targetType = (s: ModelState, o: Obj): ObjectType | undefined => {
  if (o.type !== "ref" || o.target === null) return undefined;
  return s.objects.get(o.target)?.type;
};

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(rnd() * xs.length)]);

/** An address aligned for `type` in memory the caller's task has (free or not: the model decides). */
export const blockIn = (w: World, rnd: Rnd, type: ObjectType | null): number => {
  const size = OBJECT_SIZE[type ?? "region"];
  const r = w.ranges.length === 0 ? { lo: PLAY_MIN, hi: PLAY_MAX } : (rnd() < 0.8 ? w.ranges[0]! : pick(rnd, w.ranges)!);
  const n = Math.max(1, Math.floor((r.hi - r.lo) / size));
  return (Math.ceil(r.lo / size) * size + Math.floor(rnd() * n) * size) >>> 0;
};

/** A free block aligned for `type` (no object starts there), or any aligned block after a few tries. */
export const freeBlockIn = (w: World, rnd: Rnd, type: ObjectType | null): number => {
  const size = OBJECT_SIZE[type ?? "region"];
  let va = blockIn(w, rnd, type);
  for (let i = 0; i < 4; i++) {
    if (!w.seen.some((x) => x.va < va + size && va < x.va + OBJECT_SIZE[x.o.type])) return va;
    va = blockIn(w, rnd, type);
  }
  return va;
};

/** The object kind a reference argument should lead to, by the field's name (null: any kind). */
export const refKindOfKey = (key: string): ObjectType | null => {
  if (key === "destination" || key === "scheduler_ref" || key === "keeper_ref") return "port";
  if (key === "task_ref") return "task";
  if (key === "pset_ref") return "pset";
  if (key === "region_ref") return "region";
  if (key === "owner_ref" || key === "inheritor_ref" || key === "client_ref" || key === "server_ref") return "thread";
  return null;
};

/** Is `key` a field that names a reference object? */
export const isRefKey = (key: string): boolean =>
  key === "destination" || key === "ref" || key === "ref1" || key === "ref2" || key.endsWith("_ref") || key.endsWith("_refs");

/**
 * A "smart" address for an object or reference argument of `type` (the object itself; for a reference
 * argument `type` is "ref" and `kind` the kind of target wanted), or undefined to let the caller fall
 * back on its plain random words. The mix: a live object of the right kind, an invalidated one, any
 * object (wrong type), a free aligned block (NO_OBJECT), a misaligned address (NOT_ALIGNED).
 */
export const smartObject = (w: World, rnd: Rnd, type: ObjectType, kind: ObjectType | null = null): number | undefined => {
  const same = w.seen.filter((x) => x.o.type === type);
  const r = rnd();
  if (r < 0.8) {
    let xs = same;
    if (type === "ref" && kind !== null && rnd() < 0.85) {
      const good = same.filter((x) => targetType(w.s, x.o) === kind);
      const nul = same.filter((x) => targetType(w.s, x.o) === undefined);
      if (good.length > 0 && (nul.length === 0 || rnd() < 0.85)) xs = good;
      else if (nul.length > 0) xs = nul;
    } else if (type === "ref" && rnd() < 0.15) {
      const nul = same.filter((x) => targetType(w.s, x.o) === undefined);
      if (nul.length > 0) xs = nul;
    }
    const valid = xs.filter((x) => !x.o.invalid);
    return pick(rnd, valid.length > 0 && rnd() < 0.95 ? valid : xs)?.va;
  }
  if (r < 0.85) return pick(rnd, same.filter((x) => x.o.invalid))?.va ?? pick(rnd, same)?.va;
  if (r < 0.9) return pick(rnd, w.seen)?.va;
  if (r < 0.94) return freeBlockIn(w, rnd, type);
  if (r < 0.97) {
    const x = pick(rnd, same)?.va ?? blockIn(w, rnd, type);
    return (x + 4 * (1 + Math.floor(rnd() * 3))) >>> 0;
  }
  return undefined;
};

const SENDER_OPS = ["send", "over_receive", "send_over_receive"];
const RECEIVER_OPS = ["receive", "ack_send", "ack_send_over_receive"];

/** Calls for one end of a reliable connection: mostly what its role allows now, sometimes the other role's. */
const connCalls = (side: "client" | "server", sender: boolean, over: boolean): string[] => {
  const right = over ? ["over_receive", "receive", "ack_send"] : sender ? SENDER_OPS : RECEIVER_OPS;
  const wrong = sender ? RECEIVER_OPS : SENDER_OPS;
  const xs = [...right, ...right, ...right, ...right, ...wrong, "disconnect", "alert"];
  if (side === "server") xs.push("ack_send_wait_receive", "send_wait_receive", ...(sender ? ["send_wait_receive"] : ["ack_send_wait_receive"]));
  return xs.map((x) => `fluke_ipc_${side}_${x}`);
};

/** The IPC calls that suit what the caller is doing now (its connections, an idempotent call it serves). */
export const ipcRoleCalls = (w: World): readonly string[] => {
  const t = w.caller;
  if (t === null) return [];
  const out: string[] = [];
  if (t.server !== null) out.push(...connCalls("client", (t.ipc_flags & FLUKE_THREAD_CLIENT_SENDER) !== 0, t.ipc.asClient.over));
  if (t.client !== null) out.push(...connCalls("server", (t.ipc_flags & FLUKE_THREAD_SERVER_SENDER) !== 0, t.ipc.asServer.over));
  if (t.ipc.serving !== null) out.push("fluke_ipc_reply", "fluke_ipc_reply_wait_receive", "fluke_ipc_reply_wait_receive");
  if (out.length === 0 && t.ipc.serverPset !== null) {
    // a server between invocations: wait again, in each of the ways a server can
    out.push("fluke_ipc_wait_receive", "fluke_ipc_wait_receive", "fluke_ipc_reply_wait_receive", "fluke_ipc_server_ack_send_wait_receive", "fluke_ipc_server_send_wait_receive");
  }
  return out;
};

/** IPC calls that start something: serve a port set, or invoke a port. */
export const IPC_START_CALLS: readonly string[] = [
  "fluke_ipc_setup_wait_receive", "fluke_ipc_setup_wait_receive", "fluke_ipc_setup_wait_receive", "fluke_ipc_wait_receive",
  "fluke_ipc_call", "fluke_ipc_call", "fluke_ipc_send", "fluke_ipc_client_connect_send",
  "fluke_ipc_client_connect_send_over_receive", "fluke_ipc_client_connect_send_over_receive",
];

/** A page-aligned address somewhere the caller's task has memory, or near it. */
export const pageIn = (w: World, rnd: Rnd): number => {
  const r = pick(rnd, w.ranges) ?? { lo: FLUKE_VM_MIN, hi: FLUKE_VM_MIN + w.s.physBytes };
  const n = Math.max(1, Math.floor((r.hi - r.lo) / PAGE_SIZE));
  return (Math.floor(r.lo / PAGE_SIZE) * PAGE_SIZE + Math.floor(rnd() * n) * PAGE_SIZE) >>> 0;
};
