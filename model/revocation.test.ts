// Property: hierarchical resource rules. Random trees of tasks (chains of depth 1..4) where each task's
// memory is a mapping of a region over its parent's memory; destroying or protecting any region or
// mapping changes exactly the accesses derived from it, at every depth, and nothing else. The expected
// accesses come from a small independent oracle over the tree (not from model/memory.ts). Replay a
// failing run with FLUKE_SEED=<seed>.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_PROT_EXEC, PAGE_SIZE, type FaultKind } from "../spec/kernel-api/common.js";
import { ROOT_TASK_VA } from "./boot.js";
import { ACCESS_BIT, paddrOfRootVa, translate } from "./memory.js";
import { DATA, Vm } from "./vm-testkit.js";

const seed = Number(process.env["FLUKE_SEED"] ?? 20261130);
process.stdout.write(`[revocation] fast-check seed ${seed} (replay with FLUKE_SEED=${seed})\n`);

const ROOT_PAGES = 8;
const ACCESSES: readonly FaultKind[] = ["read", "write", "exec"];
const PROT = fc.integer({ min: 0, max: FLUKE_PROT_READ | FLUKE_PROT_WRITE | FLUKE_PROT_EXEC });

/** One task of the tree as the oracle sees it; index 0 is the root task. */
interface Node {
  parent: number; depth: number; base: number; pages: number; // the task sees its memory at [base, base + pages)
  rOff: number; rPages: number; rProt: number; rAlive: boolean; // region over the parent, offsets in pages
  mPages: number; mProt: number; mAlive: boolean; // mapping at `base`, region_off 0
  region: number; mapping: number; task: number; // root addresses of the objects
}

const NodeSpec = fc.record({ parent: fc.nat(), off: fc.nat(), pages: fc.integer({ min: 1, max: 3 }), extra: fc.boolean(), rProt: PROT, mProt: PROT });
const Op = fc.constantFrom("destroy_region", "destroy_mapping", "protect_region", "protect_mapping");

/** Oracle: physical address of `va` in node `i` for an access needing `need`, or null (fault). */
const oracle = (nodes: readonly Node[], i: number, va: number, need: number): number | null => {
  const n = nodes[i]!;
  if (i === 0) return va >= DATA && va < DATA + ROOT_PAGES * PAGE_SIZE ? paddrOfRootVa(va) : null;
  const page = Math.floor((va - n.base) / PAGE_SIZE);
  if (!n.mAlive || page < 0 || page >= n.mPages || (n.mProt & need) !== need) return null;
  if (!n.rAlive || (n.rProt & need) !== need || page >= n.rPages) return null;
  const p = nodes[n.parent]!;
  return oracle(nodes, n.parent, p.base + (n.rOff + page) * PAGE_SIZE + ((va - n.base) % PAGE_SIZE), need);
};

type Spec = typeof NodeSpec extends fc.Arbitrary<infer T> ? T : never;

const build = (specs: readonly Spec[]) => {
  const v = new Vm();
  const nodes: Node[] = [{ parent: -1, depth: 0, base: DATA, pages: ROOT_PAGES, rOff: 0, rPages: 0, rProt: 0, rAlive: false, mPages: 0, mProt: 0, mAlive: false, region: 0, mapping: 0, task: ROOT_TASK_VA }];
  specs.forEach((sp, k) => {
    let parent = sp.parent % nodes.length;
    if (nodes[parent]!.depth >= 4) parent = 0;
    const p = nodes[parent]!;
    const rOff = sp.off % p.pages;
    const rPages = Math.min(sp.pages, p.pages - rOff);
    const base = 0x100000 * (k + 1);
    const task = v.task();
    const region = v.region(p.task, p.base + rOff * PAGE_SIZE, rPages * PAGE_SIZE, sp.rProt);
    const mPages = rPages + (sp.extra ? 1 : 0); // a mapping may reach past its region's end
    const mapping = v.mapping(task, region, 0, base, mPages * PAGE_SIZE, sp.mProt);
    nodes.push({ parent, depth: p.depth + 1, base, pages: rPages, rOff, rPages, rProt: sp.rProt, rAlive: true, mPages, mProt: sp.mProt, mAlive: true, region, mapping, task });
  });
  return { v, nodes };
};

/** Every probe (task, page, access) -> physical address or null, from the model. */
const observe = (v: Vm, nodes: readonly Node[]): (number | null)[] => {
  const out: (number | null)[] = [];
  nodes.forEach((n, i) => {
    if (i === 0) return;
    for (let pg = 0; pg <= n.mPages; pg++) {
      for (const a of ACCESSES) {
        try {
          out.push(translate(v.d.s, v.oid(n.task), n.base + pg * PAGE_SIZE + 8, a).paddr);
        } catch {
          out.push(null);
        }
      }
    }
  });
  return out;
};

const expected = (nodes: readonly Node[]): (number | null)[] => {
  const out: (number | null)[] = [];
  nodes.forEach((n, i) => {
    if (i === 0) return;
    for (let pg = 0; pg <= n.mPages; pg++) for (const a of ACCESSES) out.push(oracle(nodes, i, n.base + pg * PAGE_SIZE + 8, ACCESS_BIT[a]));
  });
  return out;
};

/** Is node `i` derived from node `j` (j on the path from i to the root)? */
const derived = (nodes: readonly Node[], i: number, j: number): boolean => (i === j ? true : i <= 0 ? false : derived(nodes, nodes[i]!.parent, j));

describe("revocation through mapping chains", () => {
  it("destroying or protecting a region or mapping changes exactly the derived accesses, at every depth", () => {
    fc.assert(
      fc.property(fc.array(NodeSpec, { minLength: 1, maxLength: 6 }), fc.nat(), Op, PROT, (specs, pick, op, prot) => {
        const { v, nodes } = build(specs);
        const threads = nodes.slice(1).map((m) => v.thread(m.task));
        const before = observe(v, nodes);
        expect(before).toEqual(expected(nodes));
        const j = 1 + (pick % (nodes.length - 1));
        const n = nodes[j]!;
        if (op === "destroy_region") { v.d.ok("fluke_region_destroy", { region: n.region }); n.rAlive = false; }
        if (op === "destroy_mapping") { v.d.ok("fluke_mapping_destroy", { mapping: n.mapping }); n.mAlive = false; }
        if (op === "protect_region") { v.d.ok("fluke_region_protect", { region: n.region, max_prot: prot }); n.rProt = prot; }
        if (op === "protect_mapping") { v.d.ok("fluke_mapping_protect", { mapping: n.mapping, prot }); n.mProt = prot; }
        const after = observe(v, nodes);
        expect(after).toEqual(expected(nodes));
        // The same seen from a thread of each task: a load of its first page succeeds exactly when allowed.
        nodes.forEach((m, i) => {
          if (i === 0) return;
          const o = v.try("harness_mem_read", { addr: m.base + 8, len: 1 }, threads[i - 1]!);
          expect(o.kind).toBe(oracle(nodes, i, m.base + 8, FLUKE_PROT_READ) === null ? "fault" : "return");
        });
        // Nothing outside the subtree of j changed; inside it, a destroy leaves no access at all.
        let k = 0;
        nodes.forEach((m, i) => {
          if (i === 0) return;
          const count = (m.mPages + 1) * ACCESSES.length;
          const b = before.slice(k, k + count);
          const a = after.slice(k, k + count);
          if (!derived(nodes, i, j)) expect(a).toEqual(b);
          else if (op.startsWith("destroy")) expect(a.every((x) => x === null)).toBe(true);
          k += count;
        });
      }),
      { seed, numRuns: 60 },
    );
  });
});
