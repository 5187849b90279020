// Native threads under the deterministic scheduler: calls, blocking and waking, interleaving by quantum,
// and a program that throws.
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../spec/kernel-api/common.js";
import { NativeThread, type KernelRequest, type NativeHost, type NativeProgram } from "./native.js";
import { KERNEL_OP_COST, Scheduler } from "./scheduler.js";

/** A toy kernel: "add" returns its argument plus one; "wait" blocks until someone calls "post". */
class ToyHost implements NativeHost {
  readonly trace: string[] = [];
  waiter: NativeThread | null = null;
  constructor(readonly sched: Scheduler<NativeThread>) {}
  mayRun(): boolean {
    return true;
  }
  dispatch(t: NativeThread, call: KernelRequest): Outcome {
    this.trace.push(`${(t as unknown as { name: string }).name}:${call.name}`);
    if (call.name === "wait") {
      this.waiter = t;
      return { kind: "blocked" };
    }
    if (call.name === "post" && this.waiter !== null) {
      this.waiter.wake({ kind: "return", rc: "SUCCESS", out: { posted: call.args.v } });
      this.sched.ready(this.waiter);
      this.waiter = null;
    }
    return { kind: "return", rc: "SUCCESS", out: { v: ((call.args.v as number) ?? 0) + 1 } };
  }
}

const spawn = (host: ToyHost, name: string, program: NativeProgram): NativeThread => {
  const t = Object.assign(new NativeThread(program, host), { name });
  host.sched.ready(t);
  return t;
};

describe("native threads", () => {
  it("pass outcomes back into the program and block until woken", () => {
    const sched = new Scheduler<NativeThread>(KERNEL_OP_COST * 2);
    const host = new ToyHost(sched);
    const seen: unknown[] = [];
    spawn(host, "a", (function* () {
      const o = yield { name: "wait", args: {} };
      seen.push(o.kind === "return" ? o.out.posted : o);
    })());
    spawn(host, "b", (function* () {
      const o = yield { name: "add", args: { v: 41 } };
      yield { name: "post", args: { v: o.kind === "return" ? o.out.v : -1 } };
    })());
    expect(sched.run()).toBe("idle");
    expect(seen).toEqual([42]);
    expect(host.trace).toEqual(["a:wait", "b:add", "b:post"]);
  });

  it("interleave deterministically by quantum", () => {
    const run = (): string[] => {
      const sched = new Scheduler<NativeThread>(KERNEL_OP_COST * 2);
      const host = new ToyHost(sched);
      for (const n of ["x", "y"]) spawn(host, n, (function* () { for (let i = 0; i < 3; i++) yield { name: "add", args: { v: i } }; })());
      sched.run();
      return host.trace;
    };
    const t = run();
    expect(t).toEqual(["x:add", "x:add", "y:add", "y:add", "x:add", "y:add"]);
    expect(run()).toEqual(t);
  });

  it("keep a program's exception instead of throwing into the host", () => {
    const sched = new Scheduler<NativeThread>();
    const host = new ToyHost(sched);
    const t = spawn(host, "c", (function* () {
      yield { name: "add", args: {} };
      throw new Error("nester bug");
    })());
    expect(sched.run()).toBe("idle");
    expect(t.done).toBe(true);
    expect(t.crashed?.message).toBe("nester bug");
  });

  it("stop at the time limit and resume later", () => {
    const sched = new Scheduler<NativeThread>(KERNEL_OP_COST);
    const host = new ToyHost(sched);
    spawn(host, "d", (function* () { for (;;) yield { name: "add", args: {} }; })());
    expect(sched.run(KERNEL_OP_COST * 10)).toBe("limit");
    expect(host.trace.length).toBe(10);
    expect(sched.run(KERNEL_OP_COST * 5)).toBe("limit");
    expect(host.trace.length).toBe(15);
  });
});
