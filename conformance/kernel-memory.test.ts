// Differential test of nested address spaces through calls only: tasks three levels deep below the root
// task (root → T0 → T1 → T2, each level a region over the one above and a mapping), a thread running in
// T2 that reads and writes memory through the two intermediate tasks, and then revocation (of the top
// region, an intermediate mapping, a destroyed task...) after which the thread's next access faults to
// the right region keeper: the same outcome on the model and the kernel, the same fault attribution
// (which region's keeper hears of it), the same keeper port the thread ends up waiting on, and the same
// memory. Above: nothing (a test). Below: conformance/kernel-vm-kit.ts, conformance/lockstep.ts.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_NONE, FLUKE_PROT_READ, PAGE_SIZE } from "../spec/kernel-api/common.js";
import { NO_REFS, blankState } from "../impl/kernel/sync-scenarios.js";
import { A, CHAIN, buildChain, expectSamePhys, expectSameWhere, okCall, play, same, summary, type Step } from "./kernel-vm-kit.js";
import { expectSameObjects, expectSameSpaces } from "./kernel-vm-gen.js";
import { Lockstep } from "./lockstep.js";

const [T0, T1, T2] = A.tasks;
const [R0, R1, R2] = A.regions;
const [M0, M1, M2] = A.mappings;
/** The thread that runs in T2 (root address), the scheduler port, keeper ports of R0..R2, scratch refs. */
const TH = 0x4000;
const SCHED = 0x2400;
const KEEPER = [0x2420, 0x2440, 0x2460] as const;
const [RT, RS, RW, RK] = [0x2030, 0x2040, 0x2050, 0x2060];

/** The chain, a keeper port on each region, and thread TH running in T2 on SCHED's time. */
const world = (): Lockstep => {
  const ls = new Lockstep();
  buildChain(ls);
  for (const r of [RT, RS, RW, RK]) okCall(ls, "fluke_ref_create", { new_ref: r });
  okCall(ls, "fluke_port_create", { new_port: SCHED });
  KEEPER.forEach((port, i) => {
    okCall(ls, "fluke_port_create", { new_port: port });
    okCall(ls, "fluke_port_reference", { port, new_port_ref: RK });
    okCall(ls, "fluke_region_set_state", { region: A.regions[i], state: null, task_ref: 0, keeper_ref: RK });
  });
  okCall(ls, "fluke_task_reference", { task: T2, new_task_ref: RT });
  okCall(ls, "fluke_port_reference", { port: SCHED, new_port_ref: RS });
  okCall(ls, "fluke_thread_create", { new_thread: TH });
  okCall(ls, "fluke_thread_set_state", { thread: TH, state: blankState(CHAIN.va[2] + 0x800), ...NO_REFS, task_ref: RT, scheduler_ref: RS });
  return ls;
};

const pattern = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => (from + 3 * i) & 0xff);

describe("nested memory, model vs kernel", () => {
  it("a thread three levels down reads and writes through two intermediate tasks", () => {
    const ls = world();
    okCall(ls, "harness_mem_write", { addr: CHAIN.leafRoot, bytes: pattern(64, 7) });
    okCall(ls, "harness_mem_write", { addr: CHAIN.leafRoot + PAGE_SIZE - 8, bytes: pattern(24, 90) });
    const r = same(ls, "harness_mem_read", { addr: CHAIN.va[2], len: 64 }, TH);
    expect(r.outcome).toEqual({ kind: "return", rc: "SUCCESS", out: { bytes: pattern(64, 7) } });
    const across = same(ls, "harness_mem_read", { addr: CHAIN.va[2] + PAGE_SIZE - 8, len: 24 }, TH);
    expect(across.outcome).toEqual({ kind: "return", rc: "SUCCESS", out: { bytes: pattern(24, 90) } });
    okCall(ls, "harness_mem_write", { addr: CHAIN.va[2] + 0x100, bytes: [0xde, 0xad] }, TH);
    expect(same(ls, "harness_mem_read", { addr: CHAIN.leafRoot + 0x100, len: 2 }).outcome).toMatchObject({ out: { bytes: [0xde, 0xad] } });
    expect(same(ls, "harness_mem_read", { addr: CHAIN.va[2] + 2 * PAGE_SIZE, len: 1 }, TH).outcome).toEqual({ kind: "fault", addr: CHAIN.va[2] + 2 * PAGE_SIZE, access: "read" });
    expect(same(ls, "fluke_thread_self", {}, TH).outcome).toMatchObject({ kind: "not_runnable" }); // blocked for good: no handler, no task keeper
    expectSamePhys(ls);
  });

  // Each case revokes something, then TH's next read faults; `region` is the one whose keeper hears of it.
  const cases: { what: string; steps: Step[]; region: number | null }[] = [
    { what: "top region protected to NONE", steps: [["fluke_region_protect", { region: R0, max_prot: FLUKE_PROT_NONE }, "SUCCESS"]], region: R0 },
    { what: "top region destroyed (T0's mapping loses its region: the hole is behind R1)", steps: [["fluke_region_destroy", { region: R0 }, "SUCCESS"]], region: R1 },
    { what: "top region shrunk", steps: [["fluke_region_set_state", { region: R0, state: { hash: 0, start_va: CHAIN.rootStart, size: PAGE_SIZE, prot: 15 }, task_ref: 0, keeper_ref: 0 }, "SUCCESS"]], region: R0 },
    { what: "T0's mapping made read-only (write access)", steps: [["fluke_mapping_protect", { mapping: M0, prot: FLUKE_PROT_READ }, "SUCCESS"]], region: R1 },
    { what: "T1's mapping destroyed", steps: [["fluke_mapping_destroy", { mapping: M1 }, "SUCCESS"]], region: R2 },
    { what: "T0 destroyed (R1 is over no task)", steps: [["fluke_task_destroy", { task: T0 }, "SUCCESS"]], region: R1 },
    { what: "T2's own mapping protected (the thread's own fault)", steps: [["fluke_mapping_protect", { mapping: M2, prot: FLUKE_PROT_NONE }, "SUCCESS"]], region: null },
  ];

  for (const c of cases) {
    it(`revocation: ${c.what}`, () => {
      const ls = world();
      const access = c.what.includes("write") ? "write" : "read";
      const call = access === "write" ? { name: "harness_mem_write", args: { addr: CHAIN.va[2] + 4, bytes: [1] } } : { name: "harness_mem_read", args: { addr: CHAIN.va[2] + 4, len: 4 } };
      expect(summary(same(ls, call.name, call.args, TH))).toBe("SUCCESS");
      play(ls, c.steps);
      expect(expectSameWhere(ls, T2, CHAIN.va[2] + 4, access)).toBe(`fault:${c.region === null ? "null" : c.region.toString(16)}`);
      expect(same(ls, call.name, call.args, TH).outcome).toEqual({ kind: "fault", addr: CHAIN.va[2] + 4, access });
      // Where did the fault go? The thread's waiting_for link names the keeper port it calls (none: blocked).
      okCall(ls, "fluke_thread_get_state", { thread: TH, ...NO_REFS, waiting_for_ref: RW });
      const keeper = c.region === null ? null : KEEPER[A.regions.indexOf(c.region as never)]!;
      if (keeper === null) expect(same(ls, "fluke_ref_check", { ref: RW }).outcome).toMatchObject({ out: { is_null: true } });
      else {
        okCall(ls, "fluke_port_reference", { port: keeper, new_port_ref: RK });
        expect(same(ls, "fluke_ref_compare", { ref1: RW, ref2: RK }).outcome).toMatchObject({ out: { equal: true } });
      }
      expectSameObjects(ls);
      expectSameSpaces(ls);
      expectSamePhys(ls);
    });
  }

  it("every level agrees on every page of the chain before and after revocation", () => {
    const ls = world();
    const probe = () => {
      for (const [t, base] of [[T0, CHAIN.va[0]], [T1, CHAIN.va[1]], [T2, CHAIN.va[2]]] as const) {
        for (let p = -1; p <= 8; p++) for (const acc of ["read", "write", "create_ob"] as const) expectSameWhere(ls, t, base + p * PAGE_SIZE, acc);
      }
    };
    probe();
    okCall(ls, "fluke_region_protect", { region: R1, max_prot: FLUKE_PROT_READ });
    probe();
    okCall(ls, "fluke_region_protect", { region: R0, max_prot: FLUKE_PROT_NONE });
    probe();
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`fault:${R0.toString(16)}`);
    okCall(ls, "fluke_region_protect", { region: R0, max_prot: 15 });
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "write")).toBe(`fault:${R1.toString(16)}`);
    expect(expectSameWhere(ls, T2, CHAIN.va[2], "read")).toBe(`p:${CHAIN.leafRoot.toString(16)}`);
  });
});
