// Property: state visibility (the checkpoint property of ARCHITECTURE.md). A parent that maps its child's
// memory finds every object there (fluke_region_search), exports each one (get_state, references
// identified with fluke_ref_compare) plus the memory bytes, and rebuilds them at the same places in a
// fresh child with create_hash and set_state. The rebuilt child is equivalent: it exports the same
// objects, states and links, holds the same bytes, and its address spaces translate the same way.
// Covers tasks, regions, mappings, references, ports and port sets. Replay a failing run with FLUKE_SEED=<seed>.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, PAGE_SIZE, type ObjectType } from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { paddrOfRootVa, translate } from "./memory.js";
import { DATA, Vm } from "./vm-testkit.js";

const seed = Number(process.env["FLUKE_SEED"] ?? 20261130);
process.stdout.write(`[visibility] fast-check seed ${seed} (replay with FLUKE_SEED=${seed})\n`);

const BASE = 0x100000; // where each child sees its memory
const SIZE = 4 * PAGE_SIZE; // page 0 holds objects, pages 1..3 data
const A = DATA; // root address of the original child's memory
const B = DATA + 0x8000; // ... and of the rebuilt child's

type Link = { readonly to: "null" } | { readonly to: "self" } | { readonly to: "internal"; readonly index: number };
interface Exported { readonly off: number; readonly type: ObjectType; readonly state: unknown; readonly links: readonly Link[] }

/** Read or write [addr, addr+SIZE) as `thread`, one page per harness access. */
const readAll = (v: Vm, addr: number, thread?: number): number[] =>
  [0, 1, 2, 3].flatMap((pg) => (v.d.ok("harness_mem_read", { addr: addr + pg * PAGE_SIZE, len: PAGE_SIZE }, thread) as { bytes: number[] }).bytes);
const writeAll = (v: Vm, addr: number, bytes: readonly number[]): void => {
  for (let pg = 0; pg < 4; pg++) v.d.ok("harness_mem_write", { addr: addr + pg * PAGE_SIZE, bytes: bytes.slice(pg * PAGE_SIZE, (pg + 1) * PAGE_SIZE) });
};

/** The reference slots of get_state/set_state, per type, and each slot's kind. */
const SLOTS: Partial<Record<ObjectType, readonly [string, ObjectType][]>> = {
  task: [["keeper_ref", "port"]],
  region: [["task_ref", "task"], ["keeper_ref", "port"]],
  mapping: [["region_ref", "region"], ["task_ref", "task"]],
  port: [["pset_ref", "pset"]],
  pset: [],
};

/** The child: a task seeing root memory [mem, mem+SIZE) at BASE, a thread in it, and a reference to itself at BASE. */
const makeChild = (v: Vm, mem: number) => {
  const task = v.task();
  const region = v.region(ROOT_TASK_VA, mem, SIZE, FLUKE_PROT_ALL);
  v.mapping(task, region, 0, BASE, SIZE, FLUKE_PROT_ALL);
  return { task, region, thread: v.thread(task) };
};

/** Export every object of the child whose memory is [mem, ...) (region `region`), as the parent sees it. */
const exportChild = (v: Vm, region: number, mem: number, self: number): { objs: Exported[]; bytes: number[] } => {
  const found = v.d.ok("fluke_region_search", { region, offset: 0, size: SIZE, obarray_size: 64 }).obarray as { ob: number; type: ObjectType }[];
  const mine = found.map((f) => (f.type === "mapping" || f.type === "ref" ? 0 : v.ref(f.ob, f.type as "task")));
  const selfRef = v.ref(self);
  const identify = (r: number): Link => {
    if ((v.d.ok("fluke_ref_type", { ref: r }) as { type: string }).type === "null") return { to: "null" };
    if ((v.d.ok("fluke_ref_compare", { ref1: r, ref2: selfRef }) as { equal: boolean }).equal) return { to: "self" };
    const index = mine.findIndex((m) => m !== 0 && (v.d.ok("fluke_ref_compare", { ref1: r, ref2: m }) as { equal: boolean }).equal);
    if (index < 0) throw new Error("link to an object outside the child");
    return { to: "internal", index };
  };
  const objs = found.map(({ ob, type }): Exported => {
    if (type === "ref") {
      const r = v.ref();
      v.d.ok("fluke_ref_copy", { src_ref: ob, dst_ref: r });
      return { off: ob - mem, type, state: null, links: [identify(r)] };
    }
    const slots = SLOTS[type] ?? [];
    const refs = slots.map(() => v.ref());
    const args = Object.fromEntries(slots.map(([name], i) => [name, refs[i]]));
    const { state } = v.d.ok(`fluke_${type}_get_state`, { [type]: ob, ...args });
    return { off: ob - mem, type, state, links: refs.map(identify) };
  });
  return { objs, bytes: readAll(v, mem) };
};

/** Rebuild an export at [mem, ...) with `self` standing for the child task. */
const restore = (v: Vm, e: { objs: Exported[]; bytes: number[] }, mem: number, self: number): void => {
  writeAll(v, mem, e.bytes);
  for (const o of e.objs) {
    if (o.type === "ref") v.d.ok("fluke_ref_create", { new_ref: mem + o.off });
    else v.d.ok(`fluke_${o.type}_create_hash`, { [`new_${o.type}`]: mem + o.off, hash: (o.state as { hash: number }).hash });
  }
  const refTo = (l: Link, kind: ObjectType): number =>
    l.to === "null" ? v.ref() : l.to === "self" ? v.ref(self) : v.ref(mem + e.objs[l.index]!.off, kind as "task");
  for (const o of e.objs) {
    if (o.type === "ref") {
      const l = o.links[0]!;
      if (l.to !== "null") v.d.ok("fluke_ref_copy", { src_ref: refTo(l, l.to === "self" ? "task" : e.objs[l.index]!.type), dst_ref: mem + o.off });
      continue;
    }
    const slots = SLOTS[o.type] ?? [];
    const args = Object.fromEntries(slots.map(([name, kind], i) => [name, refTo(o.links[i]!, kind)]));
    v.d.ok(`fluke_${o.type}_set_state`, { [o.type]: mem + o.off, state: o.state, ...args });
  }
};

const Params = fc.record({
  hashes: fc.array(fc.integer({ min: 1, max: 0xffff_ffff }), { minLength: 3, maxLength: 3 }),
  start: fc.integer({ min: 1, max: 3 }), pages: fc.integer({ min: 1, max: 3 }),
  rprot: fc.integer({ min: 0, max: 15 }), mprot: fc.integer({ min: 0, max: 15 }),
  writes: fc.array(fc.record({ off: fc.integer({ min: PAGE_SIZE, max: SIZE - 4 }), bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 4 }) }), { maxLength: 5 }),
  spare: fc.boolean(), keepers: fc.boolean(), alias: fc.nat(),
});

/** The child, from inside: a grandchild task mapped from a region over the child itself, references, data. */
type P = typeof Params extends fc.Arbitrary<infer T> ? T : never;

const populate = (v: Vm, c: { task: number; thread: number }, p: P): void => {
  const t = c.thread;
  v.d.ok("fluke_ref_create", { new_ref: A }); // root puts a reference to the child itself at the child's BASE
  v.d.ok("fluke_task_reference", { task: c.task, new_task_ref: A });
  v.d.ok("fluke_task_create_hash", { new_task: BASE + 0x40, hash: p.hashes[0] }, t);
  v.d.ok("fluke_region_create_hash", { new_region: BASE + 0x80, hash: p.hashes[1] }, t);
  const pages = Math.min(p.pages, 4 - p.start);
  v.d.ok("fluke_region_set_state", { region: BASE + 0x80, state: { hash: 0, start_va: BASE + p.start * PAGE_SIZE, size: pages * PAGE_SIZE, prot: p.rprot }, task_ref: BASE, keeper_ref: 0 }, t);
  v.d.ok("fluke_ref_create", { new_ref: BASE + 0xa0 }, t);
  v.d.ok("fluke_region_reference", { region: BASE + 0x80, new_region_ref: BASE + 0xa0 }, t);
  v.d.ok("fluke_ref_create", { new_ref: BASE + 0xb0 }, t);
  v.d.ok("fluke_task_reference", { task: BASE + 0x40, new_task_ref: BASE + 0xb0 }, t);
  v.d.ok("fluke_mapping_create_hash", { new_mapping: BASE + 0xc0, hash: p.hashes[2] }, t);
  v.d.ok("fluke_mapping_set_state", { mapping: BASE + 0xc0, state: { hash: 0, region_off: 0, start_va: 0x400000, size: (pages + 1) * PAGE_SIZE, prot: p.mprot }, region_ref: BASE + 0xa0, task_ref: BASE + 0xb0 }, t);
  if (p.spare) v.d.ok("fluke_ref_create", { new_ref: BASE + 0xe0 }, t);
  // A keeper port (in a port set) for the grandchild task and for the region.
  v.d.ok("fluke_pset_create_hash", { new_pset: BASE + 0x120, hash: (p.hashes[0]! ^ 1) >>> 0 }, t);
  v.d.ok("fluke_port_create", { new_port: BASE + 0x100 }, t);
  v.d.ok("fluke_ref_create", { new_ref: BASE + 0xf0 }, t);
  v.d.ok("fluke_pset_reference", { pset: BASE + 0x120, new_pset_ref: BASE + 0xf0 }, t);
  v.d.ok("fluke_port_set_state", { port: BASE + 0x100, state: { hash: 0, alias: p.alias }, pset_ref: BASE + 0xf0 }, t);
  v.d.ok("fluke_port_reference", { port: BASE + 0x100, new_port_ref: BASE + 0xf0 }, t);
  if (p.keepers) {
    v.d.ok("fluke_task_set_state", { task: BASE + 0x40, state: null, keeper_ref: BASE + 0xf0 }, t);
    v.d.ok("fluke_region_set_state", { region: BASE + 0x80, state: null, task_ref: 0, keeper_ref: BASE + 0xf0 }, t);
  }
  for (const w of p.writes) v.d.ok("harness_mem_write", { addr: BASE + w.off, bytes: w.bytes }, t);
};

/** Where the grandchild's addresses lead, as offsets into its grandparent's memory (null: fault). */
const grandView = (v: Vm, grand: number, mem: number): (number | null)[] => {
  const out: (number | null)[] = [];
  for (let pg = 0; pg < 5; pg++) {
    for (const a of ["read", "write", "exec", "create_ob"] as const) {
      try {
        out.push(translate(v.d.s, v.oid(grand), 0x400000 + pg * PAGE_SIZE + 4, a).paddr - paddrOfRootVa(mem));
      } catch {
        out.push(null);
      }
    }
  }
  return out;
};

describe("state visibility: export a child and rebuild it in a fresh task", () => {
  it("the rebuilt child exports the same objects, links and bytes, and translates the same way", () => {
    fc.assert(
      fc.property(Params, (p) => {
        const v = new Vm();
        const orig = makeChild(v, A);
        populate(v, orig, p);
        const e = exportChild(v, orig.region, A, orig.task);
        const refs = p.spare ? ["ref", "ref"] : ["ref"];
        expect(e.objs.map((o) => o.type)).toEqual(["ref", "task", "region", "ref", "ref", "mapping", ...refs, "port", "pset"]);
        const copy = makeChild(v, B);
        restore(v, e, B, copy.task);
        expect(exportChild(v, copy.region, B, copy.task)).toEqual(e);
        expect(grandView(v, B + 0x40, B)).toEqual(grandView(v, A + 0x40, A));
        expect(readAll(v, BASE, copy.thread)).toEqual(readAll(v, BASE, orig.thread));
      }),
      { seed, numRuns: 8 },
    );
  });
});
