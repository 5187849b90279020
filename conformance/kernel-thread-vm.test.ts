// Scripted differential tests of the thread chapter across address spaces: a fault that a region
// refuses goes to the region's keeper as a kernel call and the faulting call is re-run on the keeper's
// reply (thread.md "Exceptions"), and server_pset is exported as the lowest address at which the
// thread's own task sees the port set (thread.md "State"). Every call runs on the model and the kernel
// in lockstep and must give deeply equal results. Above: npx vitest. Below: kernel-thread-kit.ts.
import { describe, expect, test } from "vitest";
import { FLUKE_PROT_ALL, PAGE_SIZE } from "../spec/kernel-api/common.js";
import type { ThreadState } from "../spec/kernel-api/thread.js";
import { faultExcCode } from "../spec/kernel-api/x86.js";
import { NO_REFS, PORT, THREAD, World, blankState } from "./kernel-thread-kit.js";

const CHILD = 0x2100;
const REGION = 0x2200;
const MAPPING = 0x2300;
const PSET = 0x9000;
/** The region exports root [0xd000, 0xd000 + 1 page); the child maps 2 pages of it at CVA. */
const ROOT_START = 0xd000;
const CVA = 0x1000_0000;

/** A child task seeing root memory at CVA through a one-page region whose keeper is port 0 (served by thread 2). */
const childWorld = (): World => {
  const w = new World();
  w.thread(1);
  w.thread(2);
  w.ok("fluke_task_create", { new_task: CHILD });
  w.ok("fluke_region_create", { new_region: REGION });
  w.ok("fluke_mapping_create", { new_mapping: MAPPING });
  const [rRoot, rChild, rRegion, rKeeper, rPset] = [w.ref(0x1000), w.ref(), w.ref(), w.ref(PORT(0)), w.ref()];
  w.ok("fluke_task_reference", { task: CHILD, new_task_ref: rChild });
  w.ok("fluke_region_reference", { region: REGION, new_region_ref: rRegion });
  w.ok("fluke_region_set_state", { region: REGION, state: { hash: 0, start_va: ROOT_START, size: PAGE_SIZE, prot: FLUKE_PROT_ALL }, task_ref: rRoot, keeper_ref: rKeeper });
  w.ok("fluke_mapping_set_state", { mapping: MAPPING, state: { hash: 0, region_off: 0, start_va: CVA, size: 2 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, region_ref: rRegion, task_ref: rChild });
  w.ok("fluke_pset_create", { new_pset: PSET });
  w.ok("fluke_pset_reference", { pset: PSET, new_pset_ref: rPset });
  w.ok("fluke_port_set_state", { port: PORT(0), state: null, pset_ref: rPset });
  w.call(THREAD(2), "fluke_ipc_setup_wait_receive", { pset: PSET, ipc_params: { recv_words_max: 16 } });
  // thread 1 moves into the child task
  w.ok("fluke_thread_set_state", { thread: THREAD(1), state: blankState(CVA), ...NO_REFS, task_ref: rChild });
  return w;
};

describe("thread across address spaces: model and kernel agree", () => {
  test("a fault the region refuses goes to its keeper; after the fix, the reply re-runs the call", () => {
    const w = childWorld();
    w.ok("fluke_mutex_create", { new_mutex: ROOT_START + PAGE_SIZE + 0x40 }); // root memory past the region's end
    expect(w.code(THREAD(1), "fluke_mutex_lock", { mutex: CVA + PAGE_SIZE + 0x40 })).toBe("fault");
    const got = w.last.completions.find((c) => c.thread === THREAD(2))?.outcome as unknown as { out: { words: number[] } };
    expect(got.out.words.slice(0, 3)).toEqual([faultExcCode("read"), CVA + PAGE_SIZE + 0x40, CVA]);
    w.ok("fluke_region_set_state", { region: REGION, state: { hash: 0, start_va: ROOT_START, size: 2 * PAGE_SIZE, prot: FLUKE_PROT_ALL }, task_ref: 0, keeper_ref: 0 });
    w.ok("fluke_ipc_reply", { ipc_params: { send_words: [0] } }, THREAD(2));
    expect(w.done(THREAD(1))).toBe("SUCCESS");
    expect(w.code(THREAD(2), "fluke_mutex_trylock", { mutex: ROOT_START + PAGE_SIZE + 0x40 })).toBe("MUTEX_HELD");
  });

  test("server_pset is exported as an address in the thread's own task, and imported back", () => {
    const w = childWorld();
    w.ok("fluke_pset_create", { new_pset: ROOT_START + 0x60 });
    expect(w.code(THREAD(1), "fluke_ipc_setup_wait_receive", { pset: CVA + 0x60, ipc_params: { recv_words_max: 16 } })).toBe("blocked");
    const st = w.ok("fluke_thread_get_state", { thread: THREAD(1), ...NO_REFS })["state"] as ThreadState;
    expect(st.server_pset).toBe(CVA + 0x60);
    w.ok("fluke_thread_set_state", { thread: THREAD(1), state: { ...st, pending_call: null }, ...NO_REFS });
    const again = w.ok("fluke_thread_get_state", { thread: THREAD(1), ...NO_REFS })["state"] as ThreadState;
    expect(again.server_pset).toBe(CVA + 0x60);
    w.ok("fluke_thread_set_state", { thread: THREAD(1), state: { ...st, server_pset: CVA + 0x1234 }, ...NO_REFS });
    expect((w.ok("fluke_thread_get_state", { thread: THREAD(1), ...NO_REFS })["state"] as ThreadState).server_pset).toBe(0);
  });
});
