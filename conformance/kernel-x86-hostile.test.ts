// Property test: a hostile x86 guest cannot crash the host or reach memory it was not granted. The guest
// runs in a task three levels deep (impl/kernel/x86-testkit.ts) whose only memory is its window; its code
// is random bytes mixed with deliberate wild loads, stores and jumps and kernel calls (valid and invalid
// entry points) with garbage registers. Every run must end without a host exception, with the thread
// runnable or in a defined wait (unhandled exception, keeper or IPC wait, a blocking call), and with
// every physical byte outside the window unchanged. Seed: FLUKE_SEED or a fixed number, printed.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FLUKE_ENTRY_MIN, FLUKE_VM_MIN } from "../spec/kernel-api/common.js";
import { KERNEL_CALLS } from "../spec/kernel-api/registry.js";
import { entryPoint } from "../spec/kernel-api/x86.js";
import { writeTask } from "../impl/kernel/kmemory.js";
import { NEST, nestedKernel } from "../impl/kernel/x86-testkit.js";
import { adoptX86, spawnX86 } from "../impl/kernel/x86-spawn.js";

const SEED = Number(process.env.FLUKE_SEED ?? 0x86bad);
const CODE = 0x10000;

const le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** `mov r32, imm` for the seven argument registers, with garbage or near-window values. */
const garbageRegs = fc.array(fc.oneof(u32, fc.integer({ min: NEST.T2_BASE, max: NEST.T2_BASE + NEST.WINDOW })), { minLength: 7, maxLength: 7 })
  .map((vs) => [0, 3, 1, 2, 6, 7, 5].flatMap((r, i) => [0xb8 + r, ...le(vs[i]!)]));

/** One snippet of hostile code; `at` is where it will sit (for relative calls). */
const snippet: fc.Arbitrary<(at: number) => number[]> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => () => [...b]),
  u32.map((a) => () => [0xa3, ...le(a)]), // mov [a], eax
  u32.map((a) => () => [0xa1, ...le(a)]), // mov eax, [a]
  u32.map((a) => () => [0xb8, ...le(a), 0xff, 0xe0]), // mov eax, a; jmp eax
  fc.tuple(garbageRegs, fc.constantFrom(...KERNEL_CALLS.map((c) => c.trap)), fc.integer({ min: 0, max: 15 }))
    .map(([regs, trap, off]) => (at: number) => {
      const target = off === 0 || off > 3 ? entryPoint(trap) : FLUKE_ENTRY_MIN + 16 * trap + off;
      const end = at + regs.length + 5;
      return [...regs, 0xe8, ...le((target - end) >>> 0)]; // call target
    }),
  fc.tuple(garbageRegs, fc.constantFrom(...KERNEL_CALLS.map((c) => c.trap))).map(([regs, trap]) => (at: number) => {
    const end = at + regs.length + 5;
    return [...regs, 0xe8, ...le((entryPoint(trap) - end) >>> 0)]; // a valid entry point
  }),
);

/** The code and where each snippet starts (the test skips to the next one after an exception). */
const program = fc.array(snippet, { minLength: 1, maxLength: 12 }).map((parts) => {
  const out: number[] = [];
  const starts: number[] = [];
  for (const p of parts) {
    starts.push(CODE + out.length);
    out.push(...p(CODE + out.length));
  }
  return { code: new Uint8Array(out), starts };
});

const WAITS = new Set(["exception", "ipc", "mutex", "cond", "donating", "port", "pset"]);

describe("hostile x86 guest", () => {
  test("random and wild code ends in defined states and never touches memory outside its grant", () => {
    console.log(`kernel-x86-hostile seed ${SEED}`);
    const seen = { calls: 0, exceptions: 0 };
    fc.assert(
      fc.property(program, fc.array(u32, { minLength: 6, maxLength: 6 }), ({ code, starts }, regs) => {
        const { kt, t2 } = nestedKernel();
        writeTask(kt.k, t2, CODE, code);
        const lo = NEST.ROOT_BASE - FLUKE_VM_MIN;
        const hi = lo + NEST.WINDOW;
        const [eax, ebx, ecx, edx, esi, edi] = regs as [number, number, number, number, number, number];
        const x = spawnX86(kt.k, { task: NEST.tasks[2], at: NEST.thread, scheduler: NEST.scheduler, refs: NEST.refs, eip: CODE, esp: 0x1f000, regs: { eax, ebx, ecx, edx, esi, edi } });
        const before = kt.k.phys.read(0, kt.k.phys.bytes);
        for (const at of starts) {
          // like a task keeper answering SET_REGS: skip to the next snippet after an unhandled exception
          if (x.t.wait?.kind === "exception") Object.assign(x.t, { wait: null, pending: null });
          if (x.t.wait !== null) break;
          x.t.regs.eip = at;
          adoptX86(kt.k, x.t);
          kt.k.sched.run(5_000);
        }
        const after = kt.k.phys.read(0, kt.k.phys.bytes);
        for (let i = 0; i < after.length; i++) if ((i < lo || i >= hi) && after[i] !== before[i]) throw new Error(`byte ${i.toString(16)} outside the grant changed`);
        seen.calls += x.counts.calls;
        seen.exceptions += x.counts.exceptions;
        if (x.t.wait !== null && !WAITS.has(x.t.wait.kind)) throw new Error(`undefined end state: wait ${x.t.wait.kind}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
    // not vacuous: the guests did reach the kernel and did take exceptions
    expect(seen.calls).toBeGreaterThan(150);
    expect(seen.exceptions).toBeGreaterThan(150);
    console.log(`kernel calls ${seen.calls}, exceptions ${seen.exceptions}`);
  });
});
