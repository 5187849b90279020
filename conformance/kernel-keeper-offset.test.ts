// Scripted differential tests of word 14 of the keeper message (x86.md "Keeper messages",
// FLUKE_EXC_MSG_REGION_OFFSET): a fault sent to a region keeper carries the offset of the refused access
// within that region (from its start_va), exact to the byte, whether the region itself refused (its
// ceiling, an offset past its end) or the level below it did (a hole in the region's task, a mapping of
// that task that refuses); a message to a task keeper carries 0. Every call runs on the model and the
// kernel in lockstep and must give deeply equal results, keeper messages included. Above: npx vitest.
// Below: kernel-thread-kit.ts.
import { describe, expect, test } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ, PAGE_SIZE } from "../spec/kernel-api/common.js";
import {
  FLUKE_EXC_MSG_ADDR, FLUKE_EXC_MSG_CODE, FLUKE_EXC_MSG_REGION_OFFSET, FLUKE_EXC_MSG_WORDS, faultExcCode, insanityExcCode,
} from "../spec/kernel-api/x86.js";
import { NO_REFS, PORT, ROOT, THREAD, World, blankState } from "./kernel-thread-kit.js";

const CHILD = 0x2100; // the task thread 1 runs in
const MIDDLE = 0x2180; // a task between the child and the root (case b)
const R_TOP = 0x2200; // region over the root task
const R_MID = 0x2220; // region over MIDDLE
const M_CHILD = 0x2300; // CHILD's mapping
const M_MID = 0x2320; // MIDDLE's mapping
const PSET = 0x9000;
const ROOT_START = 0x2_0000; // R_TOP exports root [ROOT_START, ROOT_START + 4 pages)
const MID_START = 0x4000_0000; // R_MID exports MIDDLE [MID_START, MID_START + 4 pages)
const CVA = 0x1000_0000; // where CHILD sees its region
const MVA = 0x4000_2000; // where MIDDLE maps R_TOP (a part of [MID_START, ...) only)

interface Fx {
  readonly w: World;
  readonly refs: { root: number; child: number; middle: number; top: number; mid: number; keeper: number };
}

/** Thread 2 serves port 0 (in PSET); thread 1 will run in CHILD. Nothing is mapped yet. */
const world = (): Fx => {
  const w = new World();
  w.thread(1);
  w.thread(2);
  w.ok("fluke_task_create", { new_task: CHILD });
  w.ok("fluke_task_create", { new_task: MIDDLE });
  for (const r of [R_TOP, R_MID]) w.ok("fluke_region_create", { new_region: r });
  for (const m of [M_CHILD, M_MID]) w.ok("fluke_mapping_create", { new_mapping: m });
  const refs = { root: w.ref(ROOT), child: w.ref(), middle: w.ref(), top: w.ref(), mid: w.ref(), keeper: w.ref(PORT(0)) };
  w.ok("fluke_task_reference", { task: CHILD, new_task_ref: refs.child });
  w.ok("fluke_task_reference", { task: MIDDLE, new_task_ref: refs.middle });
  w.ok("fluke_region_reference", { region: R_TOP, new_region_ref: refs.top });
  w.ok("fluke_region_reference", { region: R_MID, new_region_ref: refs.mid });
  const rPset = w.ref();
  w.ok("fluke_pset_create", { new_pset: PSET });
  w.ok("fluke_pset_reference", { pset: PSET, new_pset_ref: rPset });
  w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: rPset });
  expect(w.code(THREAD(2), "fluke_ipc_setup_wait_receive", { pset: PSET, ipc_params: { recv_words_max: 16 } })).toBe("blocked");
  w.ok("fluke_thread_set_state", { thread: THREAD(1), state: blankState(CVA), ...NO_REFS, task_ref: refs.child });
  return { w, refs };
};

const region = (f: Fx, r: number, start_va: number, size: number, prot: number, task_ref: number, keeper: boolean): void => {
  f.w.ok("fluke_region_set_state", { region: r, state: { hash: 0, start_va, size, prot }, task_ref, keeper_ref: keeper ? f.refs.keeper : 0 });
};
const mapping = (f: Fx, m: number, region_off: number, start_va: number, size: number, prot: number, region_ref: number, task_ref: number): void => {
  f.w.ok("fluke_mapping_set_state", { mapping: m, state: { hash: 0, region_off, start_va, size, prot }, region_ref, task_ref });
};

/** The message the keeper (thread 2) received in the last step. */
const received = (w: World): number[] => {
  const got = w.last.completions.find((c) => c.thread === THREAD(2))?.outcome as unknown as { out: { words: number[] } } | undefined;
  expect(got, "the keeper received nothing").toBeDefined();
  return got!.out.words;
};

describe("keeper message word 14 (region offset): model and kernel agree", () => {
  test("(a) the region's ceiling refuses a write: the offset in the region, not the child's address", () => {
    const f = world();
    region(f, R_TOP, ROOT_START, 4 * PAGE_SIZE, FLUKE_PROT_READ, f.refs.root, true);
    mapping(f, M_CHILD, PAGE_SIZE, CVA, 3 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.top, f.refs.child); // region [0x1000, 0x4000) at CVA
    const va = CVA + 0x234; // region offset 0x1234
    expect(f.w.code(THREAD(1), "harness_mem_write", { addr: va, bytes: [1, 2] })).toBe("fault");
    const words = received(f.w);
    expect(words).toHaveLength(FLUKE_EXC_MSG_WORDS);
    expect([words[FLUKE_EXC_MSG_CODE], words[FLUKE_EXC_MSG_ADDR], words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual([faultExcCode("write"), va, 0x1234]);
  });

  test("an access past the region's end: the offset is exact at the first refused byte", () => {
    const f = world();
    region(f, R_TOP, ROOT_START, 2 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.root, true);
    mapping(f, M_CHILD, PAGE_SIZE, CVA, 3 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.top, f.refs.child); // region [0x1000, 0x4000): past its end at 0x2000
    expect(f.w.code(THREAD(1), "harness_mem_read", { addr: CVA + PAGE_SIZE - 4, len: 8 })).toBe("fault");
    expect(received(f.w).slice(FLUKE_EXC_MSG_ADDR, FLUKE_EXC_MSG_ADDR + 1)).toEqual([CVA + PAGE_SIZE]);
    expect(received(f.w)[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(2 * PAGE_SIZE);
  });

  test("(b) a hole in the region's task: the offset in the region through which the access entered it", () => {
    const f = world();
    region(f, R_MID, MID_START, 4 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.middle, true); // MIDDLE has no mapping at all
    mapping(f, M_CHILD, 2 * PAGE_SIZE, CVA, 2 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.mid, f.refs.child);
    expect(f.w.code(THREAD(1), "harness_mem_read", { addr: CVA + 0x345, len: 1 })).toBe("fault");
    const words = received(f.w);
    expect([words[FLUKE_EXC_MSG_CODE], words[FLUKE_EXC_MSG_ADDR], words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual([faultExcCode("read"), CVA + 0x345, 0x2345]);
  });

  test("two levels: a refusal by the top region gives the offset in the top region", () => {
    const f = world();
    region(f, R_TOP, ROOT_START, 4 * PAGE_SIZE, FLUKE_PROT_READ, f.refs.root, true);
    mapping(f, M_MID, PAGE_SIZE, MVA, 2 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.top, f.refs.middle); // MIDDLE [MVA, +2 pages) = top [0x1000, 0x3000)
    region(f, R_MID, MID_START, 4 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.middle, false);
    mapping(f, M_CHILD, PAGE_SIZE, CVA, 3 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.mid, f.refs.child); // CHILD CVA = MIDDLE MID_START + 0x1000
    // CVA + 0x1678 -> MIDDLE MID_START + 0x2678 = MVA + 0x678 -> top offset 0x1678
    expect(f.w.code(THREAD(1), "harness_mem_write", { addr: CVA + 0x1678, bytes: [9] })).toBe("fault");
    expect(received(f.w)[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(0x1678);
  });

  test("two levels: a hole under the middle region gives the offset in the middle region", () => {
    const f = world();
    region(f, R_TOP, ROOT_START, 4 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.root, false);
    mapping(f, M_MID, 0, MVA, PAGE_SIZE, FLUKE_PROT_ALL, f.refs.top, f.refs.middle); // MIDDLE maps only [MVA, +1 page)
    region(f, R_MID, MID_START, 4 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.middle, true);
    mapping(f, M_CHILD, PAGE_SIZE, CVA, 3 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.mid, f.refs.child);
    // CVA + 0x2abc -> R_MID offset 0x3abc -> MIDDLE MVA + 0x1abc: past MIDDLE's mapping
    expect(f.w.code(THREAD(1), "harness_mem_read", { addr: CVA + 0x2abc, len: 1 })).toBe("fault");
    expect(received(f.w)[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(0x3abc);
  });
});

describe("keeper message word 14 to a task keeper is 0: model and kernel agree", () => {
  /** world() with CHILD's keeper = port 0 and R_TOP (read-only, no keeper) mapped at CVA from offset 0x1000. */
  const taskKept = (): Fx => {
    const f = world();
    f.w.ok("fluke_task_set_state", { task: CHILD, state: null, keeper_ref: f.refs.keeper });
    region(f, R_TOP, ROOT_START, 4 * PAGE_SIZE, FLUKE_PROT_READ, f.refs.root, false);
    mapping(f, M_CHILD, PAGE_SIZE, CVA, 3 * PAGE_SIZE, FLUKE_PROT_ALL, f.refs.top, f.refs.child);
    return f;
  };
  const expectMessage = (w: World, code: number, addr: number): void => {
    const words = received(w);
    expect(words).toHaveLength(FLUKE_EXC_MSG_WORDS);
    expect([words[FLUKE_EXC_MSG_CODE], words[FLUKE_EXC_MSG_ADDR], words[FLUKE_EXC_MSG_REGION_OFFSET]]).toEqual([code, addr, 0]);
  };

  test("(c) a fault refused by a region with no keeper", () => {
    const f = taskKept();
    expect(f.w.code(THREAD(1), "harness_mem_write", { addr: CVA + 0x234, bytes: [1] })).toBe("fault");
    expectMessage(f.w, faultExcCode("write"), CVA + 0x234);
  });

  test("(c) a fault with no mapping at all, and an insanity", () => {
    const f = taskKept();
    expect(f.w.code(THREAD(1), "harness_mem_read", { addr: CVA + 3 * PAGE_SIZE + 8, len: 1 })).toBe("fault");
    expectMessage(f.w, faultExcCode("read"), CVA + 3 * PAGE_SIZE + 8);
    const g = taskKept();
    expect(g.w.code(THREAD(1), "fluke_mutex_unlock", { mutex: CVA + 0x40 })).toBe("INS:NO_OBJECT");
    expectMessage(g.w, insanityExcCode("NO_OBJECT"), 0);
  });
});
