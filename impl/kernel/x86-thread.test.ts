// Tests of x86 threads (x86-thread.ts, x86-abi.ts, x86-objpage.ts, x86-spawn.ts): a C program compiled
// with gcc -m32 against spec/kernel-api/fluke.h runs in a task three levels deep (root -> T0 -> T1 -> T2)
// and makes kernel calls through the trap ABI; revoking the top region makes its next access fault to
// that region's keeper; a blocked call leaves eip at its entry point; processor exceptions become
// synchronous exceptions with code 0x300 + vector.
import { describe, expect, test } from "vitest";
import { FLUKE_PROT_EXEC, FLUKE_TYPE_VALUE, PAGE_SIZE, returnCodeValue } from "../../spec/kernel-api/common.js";
import { KERNEL_CALLS } from "../../spec/kernel-api/registry.js";
import {
  FLUKE_EXC_MSG_REGION_OFFSET, FLUKE_EXC_MSG_WORDS, entryPoint, faultExcCode, insanityExcCode, trapExcCode,
} from "../../spec/kernel-api/x86.js";
import { ipcOf } from "./ipc-state.js";
import type { KMutex, KPort } from "./kobjects.js";
import { readTask, writeTask } from "./kmemory.js";
import { compileX86Test, NEST, nestedKernel } from "./x86-testkit.js";
import { loadElf32, spawnX86 } from "./x86-spawn.js";

const word = (b: Uint8Array, i: number): number => (b[4 * i]! | (b[4 * i + 1]! << 8) | (b[4 * i + 2]! << 16) | (b[4 * i + 3]! << 24)) >>> 0;
const FIELDS = ["magic", "self", "mutex_rc", "trylock_held", "trylock_free", "locked", "mutex_hash", "ref_rc", "ref_type", "ref_hash",
  "ref_cmp_other", "ref_cmp_same", "sum", "halt", "done", "spin"] as const;
const RESULTS = 0x18000;

const setup = (halt: boolean) => {
  const { kt, t2 } = nestedKernel();
  const entry = loadElf32(kt.k, t2, compileX86Test("basic"));
  if (halt) writeTask(kt.k, t2, RESULTS + 4 * FIELDS.indexOf("halt"), new Uint8Array([1, 0, 0, 0]));
  const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: entry, esp: 0x1f000, thread_va: 0x1e000 });
  const results = (): Record<(typeof FIELDS)[number], number> => {
    const b = readTask(kt.k, t2, RESULTS, 4 * FIELDS.length);
    return Object.fromEntries(FIELDS.map((f, i) => [f, word(b, i)])) as Record<(typeof FIELDS)[number], number>;
  };
  return { kt, t2, x, results };
};

/** A tiny assembler for test programs: code placed at `base`. */
const asm = (base: number) => {
  const out: number[] = [];
  const le = (v: number) => [0, 8, 16, 24].map((s) => (v >>> s) & 0xff);
  const a = {
    movEax: (v: number) => (out.push(0xb8, ...le(v)), a),
    call: (target: number) => (out.push(0xe8, ...le((target - (base + out.length + 5)) >>> 0)), a),
    kcall: (name: string, eax: number) => a.movEax(eax).call(entryPoint(KERNEL_CALLS.find((c) => c.name === name)!.trap)),
    loadEax: (addr: number) => (out.push(0xa1, ...le(addr)), a),
    storeEax: (addr: number) => (out.push(0xa3, ...le(addr)), a),
    hlt: () => (out.push(0xf4), a),
    bytes: () => new Uint8Array(out),
  };
  return a;
};

describe("x86 threads", () => {
  test("a C program three tasks deep makes kernel calls and reads and writes its memory", () => {
    const { kt, x, results } = setup(true);
    expect(kt.k.sched.run(2_000_000)).toBe("idle");
    const r = results();
    expect(r.magic).toBe(0x1234abcd);
    expect(r.self).toBe(0x1e000);
    expect([r.mutex_rc, r.trylock_held, r.locked, r.trylock_free]).toEqual([0, returnCodeValue("MUTEX_HELD"), 1, 0]);
    expect(r.ref_rc).toBe(0);
    expect(r.ref_type).toBe(FLUKE_TYPE_VALUE.mutex);
    expect(r.ref_hash).toBe(r.mutex_hash);
    expect(r.mutex_hash).not.toBe(0);
    expect([r.ref_cmp_other, r.ref_cmp_same]).toEqual([0, 1]);
    expect(r.sum).toBe(Array.from({ length: 256 }, (_, i) => i * i).reduce((a, b) => a + b, 0));
    expect(r.done).toBe(0xd0d0d0d0);
    // the mutex object lives in T2's memory (root address = window offset + ROOT_BASE) and is held by trylock
    const m = kt.obj(NEST.ROOT_BASE + 0x18100 - NEST.T2_BASE) as KMutex;
    expect(m.type).toBe("mutex");
    expect(m.owner).toBe(x.t);
    // hlt is #GP(0): an unhandled synchronous exception (no handler, no task keeper)
    expect(x.t.wait).toEqual({ kind: "exception" });
    expect(x.lastStop).toMatchObject({ kind: "fault", vector: 13 });
  });

  test("revoking the region at the top makes the next access fault to its keeper", () => {
    const { kt, x, results } = setup(false);
    expect(kt.k.sched.run(300_000)).toBe("limit");
    const before = results();
    expect(before.done).toBe(0xd0d0d0d0);
    expect(before.spin).toBeGreaterThan(0);
    kt.ok("fluke_region_protect", { region: NEST.regions[0], max_prot: 0 });
    expect(kt.k.sched.run(300_000)).toBe("idle");
    const keeper = kt.obj(NEST.keeper) as KPort;
    expect(x.t.wait?.kind).toBe("ipc");
    expect(x.t.wait?.on).toBe(keeper);
    const msg = ipcOf(x.t).kernelCall!.words;
    // the first access after the revocation is the code fetch of the spinning loop (TLB flushed)
    expect(msg[0]).toBe(faultExcCode("exec"));
    expect(msg[1]).toBe(x.t.regs.eip);
    expect(msg[1]! - (msg[1]! % PAGE_SIZE)).toBe(0x10000);
    expect(msg.slice(3, 13)).toEqual([x.t.regs.eax, x.t.regs.ebx, x.t.regs.ecx, x.t.regs.edx, x.t.regs.esi, x.t.regs.edi, x.t.regs.ebp, x.t.regs.esp, x.t.regs.eip, x.t.regs.eflags]);
    expect(msg[13]).toBe(0); // not in a kernel call
    expect(msg).toHaveLength(FLUKE_EXC_MSG_WORDS);
    // word 14: the offset in the top region (T2 -> T1 -> T0 -> root, each window mapped from offset 0)
    expect(msg[FLUKE_EXC_MSG_REGION_OFFSET]).toBe(msg[1]! - NEST.T2_BASE);
    kt.ok("fluke_region_protect", { region: NEST.regions[0], max_prot: 15 });
    expect(results().spin).toBeGreaterThanOrEqual(before.spin);
  });

  test("a keeper that serves the fault lets the thread continue (demand paging through the keeper's reply)", () => {
    const { kt, x, results } = setup(false);
    expect(kt.k.sched.run(300_000)).toBe("limit");
    const stalled = results().spin; // the thread cannot move on while the region allows nothing
    kt.ok("fluke_region_protect", { region: NEST.regions[0], max_prot: 0 });
    expect(kt.k.sched.run(300_000)).toBe("idle");
    // The boot thread serves the keeper port: a port set, the port in it, then wait for the fault message.
    const PSET = 0x2800, PSET_REF = 0x2840;
    kt.ok("fluke_pset_create", { new_pset: PSET });
    kt.ok("fluke_ref_create", { new_ref: PSET_REF });
    kt.ok("fluke_pset_reference", { pset: PSET, new_pset_ref: PSET_REF });
    kt.ok("fluke_port_set_state", { port: NEST.keeper, state: null, pset_ref: PSET_REF });
    const got = kt.ok("fluke_ipc_setup_wait_receive", { pset: PSET, ipc_params: { send_words: [], send_refs: [], recv_words_max: 16, recv_refs: [] } });
    const words = got.words as number[];
    expect(words[0]).toBe(faultExcCode("exec"));
    expect(words[1]! - (words[1]! % PAGE_SIZE)).toBe(0x10000);
    // The keeper fixes the cause (gives the rights back) and replies: the faulting access is retried.
    kt.ok("fluke_region_protect", { region: NEST.regions[0], max_prot: 15 });
    kt.ok("fluke_ipc_reply", { ipc_params: { send_words: [0, 0], send_refs: [], recv_words_max: 0, recv_refs: [] } });
    expect(x.t.wait).toBeNull();
    expect(kt.k.sched.run(300_000)).toBe("limit");
    expect(results().spin).toBeGreaterThan(stalled);
  });

  test("with the top region made execute-only, the next data access faults to its keeper at its address", () => {
    const { kt, x } = setup(false);
    expect(kt.k.sched.run(100_000)).toBe("limit");
    kt.ok("fluke_region_protect", { region: NEST.regions[0], max_prot: FLUKE_PROT_EXEC });
    expect(kt.k.sched.run(100_000)).toBe("idle");
    expect(x.t.wait?.on).toBe(kt.obj(NEST.keeper));
    const msg = ipcOf(x.t).kernelCall!.words;
    expect([faultExcCode("read"), faultExcCode("write")]).toContain(msg[0]); // `addl $1, spin` reports a write
    expect(msg[1]).toBe(RESULTS + 4 * FIELDS.indexOf("spin"));
  });

  test("stores on a page holding objects: next to an object they land, into its block they invalidate it", () => {
    const { kt, t2 } = nestedKernel();
    const mutexRoot = NEST.ROOT_BASE + 0x18100 - NEST.T2_BASE;
    const refRoot = mutexRoot + 0x20;
    kt.ok("fluke_mutex_create", { new_mutex: mutexRoot });
    writeTask(kt.k, t2, 0x18120, new Uint8Array([7, 7, 7, 7])); // bytes under the ref's block-to-be
    kt.ok("fluke_ref_create", { new_ref: refRoot });
    expect(kt.k.phys.read(refRoot - 0x1000, 1)[0]).toBe(7);
    // mov dword [0x18200], 0x55; mov eax, [0x18120]; mov [0x18204], eax; mov [0x18104], eax (zero); hlt
    const code = [0xc7, 0x05, ...[0x00, 0x82, 0x01, 0x00], 0x55, 0, 0, 0, 0xa1, 0x20, 0x81, 0x01, 0x00, 0xa3, 0x04, 0x82, 0x01, 0x00,
      0xa3, 0x04, 0x81, 0x01, 0x00, 0xf4];
    writeTask(kt.k, t2, 0x10000, new Uint8Array(code));
    writeTask(kt.k, t2, 0x18204, new Uint8Array([9, 9, 9, 9]));
    const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: 0x10000, esp: 0x1f000 });
    kt.k.sched.run(5_000);
    expect(x.lastStop).toMatchObject({ kind: "fault", vector: 13 }); // reached the hlt
    expect(word(readTask(kt.k, t2, 0x18200, 8), 0)).toBe(0x55);
    expect(word(readTask(kt.k, t2, 0x18200, 8), 1)).toBe(0); // the ref's block read as zeros
    expect((kt.obj(mutexRoot) as KMutex).invalid).toBe(true);
    expect(kt.obj(refRoot)!.invalid).toBe(false);
  });

  test("an object created by the thread's own call on a page it already wrote is protected at once", () => {
    const { kt, t2 } = nestedKernel();
    const create = entryPoint(KERNEL_CALLS.find((c) => c.name === "fluke_mutex_create")!.trap);
    const rel = (create - (0x10005 + 10)) >>> 0;
    // mov [0x18200], eax; mov eax, 0x18100; call mutex_create; mov dword [0x18104], 0; hlt
    const code = [0xa3, 0x00, 0x82, 0x01, 0x00, 0xb8, 0x00, 0x81, 0x01, 0x00, 0xe8, ...[0, 8, 16, 24].map((s) => (rel >>> s) & 0xff),
      0xc7, 0x05, 0x04, 0x81, 0x01, 0x00, 0, 0, 0, 0, 0xf4];
    writeTask(kt.k, t2, 0x10000, new Uint8Array(code));
    const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: 0x10000, esp: 0x1f000 });
    kt.k.sched.run(5_000);
    expect(x.lastStop).toMatchObject({ kind: "fault", vector: 13 });
    expect(x.t.regs.eax).toBe(0); // SUCCESS
    const m = kt.obj(NEST.ROOT_BASE + 0x18100 - NEST.T2_BASE) as KMutex;
    expect(m.type).toBe("mutex");
    expect(m.invalid).toBe(true);
  });

  test("two x86 threads in one task hand a mutex over; the woken one sees the other's store", () => {
    const { kt, t2 } = nestedKernel();
    const M = 0x18100;
    const mutexRoot = NEST.ROOT_BASE + M - NEST.T2_BASE;
    kt.ok("fluke_mutex_create", { new_mutex: mutexRoot });
    kt.ok("fluke_mutex_lock", { mutex: mutexRoot });
    writeTask(kt.k, t2, 0x10000, asm(0x10000).kcall("fluke_mutex_lock", M).movEax(0x11).storeEax(0x19000).kcall("fluke_mutex_unlock", M).hlt().bytes());
    writeTask(kt.k, t2, 0x10800, asm(0x10800).kcall("fluke_mutex_lock", M).loadEax(0x19000).storeEax(0x19004).hlt().bytes());
    const a = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: 0x10000, esp: 0x1f000 });
    expect(kt.k.sched.run(10_000)).toBe("idle");
    const b = spawnX86(kt.k, { task: NEST.tasks[2], at: 0x2680, scheduler: NEST.scheduler, refs: [0x2080, 0x2090], eip: 0x10800, esp: 0x1e800 });
    expect(kt.k.sched.run(10_000)).toBe("idle");
    expect([a.t.wait?.kind, b.t.wait?.kind]).toEqual(["mutex", "mutex"]);
    kt.ok("fluke_mutex_unlock", { mutex: mutexRoot });
    expect(kt.k.sched.run(50_000)).toBe("idle");
    expect(word(readTask(kt.k, t2, 0x19000, 8), 1)).toBe(0x11);
    expect([a.t.wait?.kind, b.t.wait?.kind]).toEqual(["exception", "exception"]); // both reached their hlt
    expect((kt.obj(mutexRoot) as KMutex).owner).toBe(b.t);
  });

  test("processor exceptions are synchronous exceptions with code 0x300 + vector", () => {
    const { kt, t2 } = nestedKernel();
    writeTask(kt.k, t2, 0x10000, new Uint8Array([0x31, 0xc0, 0xcd, 0x80])); // xor eax,eax; int 0x80
    const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: 0x10000, esp: 0x1f000 });
    x.t.flags = 2; // EXCEPTION_ENABLE with a trap handler at 0x10100 (an endless loop: jmp $)
    x.t.handlers.trap = 0x10100;
    writeTask(kt.k, t2, 0x10100, new Uint8Array([0xeb, 0xfe]));
    kt.k.sched.run(10_000);
    expect(x.t.regs.ecx).toBe(trapExcCode(0x80));
    expect(x.t.saved.eip).toBe(0x10004);
    expect(x.t.regs.eip).toBe(0x10100);
  });

  test("an insanity abandons the call: the handler's saved eip is the return address", () => {
    const { kt, t2 } = nestedKernel();
    const unlock = entryPoint(KERNEL_CALLS.find((c) => c.name === "fluke_mutex_unlock")!.trap);
    const rel = (unlock - (0x10000 + 10)) >>> 0;
    // mov eax, 0x18100 (no object there); call unlock; jmp $ -- handler at 0x10100: jmp $
    writeTask(kt.k, t2, 0x10000, new Uint8Array([0xb8, 0x00, 0x81, 0x01, 0x00, 0xe8, ...[0, 8, 16, 24].map((s) => (rel >>> s) & 0xff), 0xeb, 0xfe]));
    writeTask(kt.k, t2, 0x10100, new Uint8Array([0xeb, 0xfe]));
    const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: 0x10000, esp: 0x1f000 });
    x.t.flags = 2;
    x.t.handlers.trap = 0x10100;
    kt.k.sched.run(5_000);
    expect(x.t.regs.ecx).toBe(insanityExcCode("NO_OBJECT"));
    expect(x.t.saved.eip).toBe(0x1000a);
    expect(x.t.saved.eax).toBe(0x18100);
    expect(x.t.regs.esp).toBe(0x1f000);
    expect(x.t.regs.eip).toBe(0x10100);
  });

  test("a blocked call leaves eip at its entry point and finishes when woken", () => {
    const { kt, t2 } = nestedKernel();
    const lock = entryPoint(KERNEL_CALLS.find((c) => c.name === "fluke_mutex_lock")!.trap);
    // mov eax, 0x18100; call lock; mov [0x18200], eax... : eax = mutex, then a store marks completion
    const code = [0xb8, 0x00, 0x81, 0x01, 0x00, 0xe8, 0, 0, 0, 0, 0xc7, 0x05, 0x00, 0x90, 0x01, 0x00, 0x2a, 0, 0, 0, 0xeb, 0xfe];
    const rel = (lock - (0x10000 + 10)) >>> 0;
    code.splice(6, 4, rel & 0xff, (rel >>> 8) & 0xff, (rel >>> 16) & 0xff, rel >>> 24);
    writeTask(kt.k, t2, 0x10000, new Uint8Array(code));
    const mutexRoot = NEST.ROOT_BASE + 0x18100 - NEST.T2_BASE;
    kt.ok("fluke_mutex_create", { new_mutex: mutexRoot });
    kt.ok("fluke_mutex_lock", { mutex: mutexRoot });
    const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: 0x10000, esp: 0x1f000 });
    expect(kt.k.sched.run(10_000)).toBe("idle");
    expect(x.t.regs.eip).toBe(lock);
    expect(x.t.pending?.name).toBe("fluke_mutex_lock");
    // get_state exports the call (eip at the entry point); set_state brings it back and the kernel re-issues it
    const noRefs = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
    const st = kt.ok("fluke_thread_get_state", { thread: NEST.thread, ...noRefs }).state as Record<string, unknown>;
    expect(st.eip).toBe(lock);
    expect((st.pending_call as { name: string }).name).toBe("fluke_mutex_lock");
    kt.ok("fluke_thread_set_state", { thread: NEST.thread, state: { ...st, flags: 0 }, ...noRefs });
    expect(x.t.wait?.kind).toBe("mutex");
    kt.ok("fluke_mutex_unlock", { mutex: mutexRoot });
    kt.k.sched.run(10_000);
    expect(word(readTask(kt.k, t2, 0x19000, 4), 0)).toBe(42);
    expect((kt.obj(mutexRoot) as KMutex).owner).toBe(x.t);
    expect(x.t.regs.esp).toBe(0x1f000);
  });
});
