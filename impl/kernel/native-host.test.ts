// Native threads on the concrete kernel (native-host.ts): idempotent and reliable RPC between native
// servers and clients through a port in a port set under the kernel's Scheduler, determinism (the same
// trace twice), a client that blocks before any server exists and is woken, streaming over a reliable
// connection, a program that throws or makes a malformed call (its own end, not the host's), and threads
// stopped or destroyed by another thread leaving the run queue.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL, FLUKE_THREAD_STOPPED } from "../../spec/kernel-api/common.js";
import { DEST, THREAD, idemClient, idemServer, ipcWorld, relClient, relServer, streamClient, streamServer } from "./bench/ipc-programs.js";
import type { NativeProgram } from "./native.js";
import { spawnNative } from "./native-host.js";
import { KERNEL_OP_COST } from "./scheduler.js";

const ROOT = 0x1000;

const idemRun = (quantum?: number) => {
  const { k, host } = ipcWorld({ quantum });
  const served: string[] = [];
  const a: string[] = [];
  const b: string[] = [];
  spawnNative(k, k.rootTask, THREAD(1), idemServer(4, served), { label: "srv" });
  spawnNative(k, k.rootTask, THREAD(2), idemClient([[1, 2], [3, 4]], a), { label: "a" });
  spawnNative(k, k.rootTask, THREAD(3), idemClient([[10], [20]], b), { label: "b" });
  const end = k.sched.run();
  return { k, host, served, a, b, end, trace: host.trace.map((t) => `${t.label} ${t.call} ${t.outcome}`) };
};

describe("native threads on the kernel: idempotent IPC", () => {
  it("a native server answers two native clients through a port in a port set", () => {
    const r = idemRun();
    expect(r.end).toBe("idle");
    expect(r.a).toEqual(["SUCCESS [2,4]", "SUCCESS [6,8]"]);
    expect(r.b).toEqual(["SUCCESS [20,0]", "SUCCESS [40,0]"]); // padded to the minimum message (2 words)
    expect(r.served.length).toBe(4);
    expect(r.served.every((s) => s.startsWith("serve SUCCESS"))).toBe(true);
  });

  it("is deterministic: the same trace twice, for several quanta", () => {
    for (const q of [50, 120, 100_000]) {
      const x = idemRun(q);
      const y = idemRun(q);
      expect(y.trace).toEqual(x.trace);
      expect(x.trace.length).toBeGreaterThan(8);
      expect(x.a).toEqual(["SUCCESS [2,4]", "SUCCESS [6,8]"]);
    }
  });

  it("a client that calls before any server blocks on the port and is woken when a server comes", () => {
    const { k } = ipcWorld();
    const res: string[] = [];
    const c = spawnNative(k, k.rootTask, THREAD(2), idemClient([[5, 6]], res));
    expect(k.sched.run()).toBe("idle");
    expect(c.runner.blocked).toBe(true);
    expect(c.thread.wait?.kind).toBe("ipc");
    expect(res).toEqual([]);
    spawnNative(k, k.rootTask, THREAD(1), idemServer(1));
    expect(k.sched.run()).toBe("idle");
    expect(res).toEqual(["SUCCESS [10,12]"]);
    expect(c.runner.done).toBe(true);
    expect(c.thread.wait).toBeNull();
  });
});

describe("native threads on the kernel: reliable connections", () => {
  it("reliable RPC: each client's connect_send_over_receive gets the server's whole reply", () => {
    const { k } = ipcWorld({ quantum: 100 });
    const log: string[] = [];
    const a: string[] = [];
    const b: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), relServer(4, log));
    spawnNative(k, k.rootTask, THREAD(2), relClient([[1], [2, 3]], a));
    spawnNative(k, k.rootTask, THREAD(3), relClient([[7, 8, 9], [0]], b));
    expect(k.sched.run()).toBe("idle");
    expect(a).toEqual(["SUCCESS [2,1]", "SUCCESS [3,4]"]);
    expect(b).toEqual(["SUCCESS [8,9,10]", "SUCCESS [1,1]"]);
    expect(log.every((l) => l.includes("reliable"))).toBe(true);
  });

  it("streaming: every word sent arrives, in chunks, and the reply carries their sum and count", () => {
    const { k } = ipcWorld({ quantum: 400 });
    const log: string[] = [];
    const res: string[] = [];
    spawnNative(k, k.rootTask, THREAD(1), streamServer(1, 16, log));
    spawnNative(k, k.rootTask, THREAD(2), streamClient(10, 16, res));
    expect(k.sched.run()).toBe("idle");
    const n = 160;
    expect(log).toEqual([`stream ${n} words sum ${(n * (n - 1)) / 2}`]);
    expect(res).toEqual([`SUCCESS [${(n * (n - 1)) / 2},${n}]`]);
  });
});

describe("native threads on the kernel: failures and control", () => {
  it("a program that throws, or makes a malformed or unknown call, ends alone; the others finish", () => {
    const { k, host } = ipcWorld();
    const res: string[] = [];
    const thrower = spawnNative(k, k.rootTask, THREAD(4), (function* (): NativeProgram {
      yield { name: "fluke_thread_self", args: {} };
      throw new Error("nester bug");
    })());
    const bad = spawnNative(k, k.rootTask, THREAD(5), (function* (): NativeProgram {
      yield { name: "fluke_ipc_call", args: { destination: "nowhere" } };
      res.push("must not get here");
    })());
    const unknown = spawnNative(k, k.rootTask, THREAD(6), (function* (): NativeProgram {
      yield { name: "fluke_no_such_call", args: {} };
    })());
    spawnNative(k, k.rootTask, THREAD(1), idemServer(1));
    spawnNative(k, k.rootTask, THREAD(2), idemClient([[1]], res));
    expect(k.sched.run()).toBe("idle");
    expect(thrower.runner.crashed?.message).toBe("nester bug");
    expect(bad.runner.crashed?.message).toMatch(/bad arguments for fluke_ipc_call/);
    expect(unknown.runner.crashed?.message).toMatch(/unknown call fluke_no_such_call/);
    expect(res).toEqual(["SUCCESS [2,0]"]);
    expect(host.trace.filter((t) => t.outcome === "schema-error").length).toBe(2);
  });

  it("a thread stopped by get_state leaves the run queue and comes back when set_state clears STOPPED", () => {
    const { k, host } = ipcWorld({ quantum: 100 });
    let count = 0;
    const t = spawnNative(k, k.rootTask, THREAD(1), (function* (): NativeProgram {
      for (let i = 0; i < 100; i++) {
        yield { name: "fluke_thread_self", args: {} };
        count++;
      }
    })());
    expect(k.sched.run(500)).toBe("limit");
    const before = count;
    expect(before).toBeGreaterThan(0);
    const g = host.callAs(k.bootThread, { name: "fluke_thread_get_state", args: { thread: THREAD(1), task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 } });
    expect(g.kind === "return" && g.rc).toBe("SUCCESS");
    expect(k.sched.idle).toBe(true); // left the run queue at once
    expect(k.sched.run()).toBe("idle");
    expect(count).toBe(before);
    const state = { ...(g.kind === "return" ? (g.out["state"] as Record<string, unknown>) : {}) };
    state["flags"] = (state["flags"] as number) & ~FLUKE_THREAD_STOPPED;
    host.callAs(k.bootThread, { name: "fluke_thread_set_state", args: { thread: THREAD(1), state, task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 } });
    expect(k.sched.run()).toBe("idle");
    expect(count).toBe(100);
    expect(t.runner.done).toBe(true);
  });

  it("a destroyed thread never runs again; a client blocked on it is finished by the kernel", () => {
    const { k, host } = ipcWorld();
    const res: string[] = [];
    host.callAs(k.bootThread, { name: "fluke_mutex_create", args: { new_mutex: 0x6000 } });
    host.callAs(k.bootThread, { name: "fluke_mutex_lock", args: { mutex: 0x6000 } });
    const s = spawnNative(k, k.rootTask, THREAD(1), (function* (): NativeProgram {
      yield { name: "fluke_ipc_setup_wait_receive", args: { pset: 0x9000, ipc_params: { send_words: [], send_refs: [], recv_words_max: 8, recv_refs: [] } } };
      res.push("served");
      yield { name: "fluke_mutex_lock", args: { mutex: 0x6000 } }; // blocks: the boot thread holds it
      res.push("server ran after its destroy");
    })());
    spawnNative(k, k.rootTask, THREAD(2), idemClient([[1]], res));
    k.sched.run();
    expect(s.runner.blocked).toBe(true);
    expect(res).toEqual(["served"]); // the client waits for the reply of a server that never answers
    host.callAs(k.bootThread, { name: "fluke_thread_destroy", args: { thread: THREAD(1) } });
    expect(s.thread.alive).toBe(false);
    expect(k.sched.run()).toBe("idle");
    expect(res).toEqual(["served", "IPC_CONNECT_INVALID_DEST []"]);
    host.callAs(k.bootThread, { name: "fluke_mutex_unlock", args: { mutex: 0x6000 } });
    expect(k.sched.run()).toBe("idle");
    expect(res.length).toBe(2);
    expect(DEST).toBe(0xa000);
  });
});

/** A child task (root 0x3000) seeing root memory [0x20000, +8 KiB) at `base`, and a port (root 0x3040) for CPU time. */
const childWithPort = (host: ReturnType<typeof ipcWorld>["host"], base: number) => {
  const k = host.k;
  const boot = (name: string, args: Record<string, unknown>): void => {
    const o = host.callAs(k.bootThread, { name, args });
    expect(o.kind === "return" && o.rc, name).toBe("SUCCESS");
  };
  boot("fluke_task_create", { new_task: 0x3000 });
  boot("fluke_port_create", { new_port: 0x3040 });
  for (const r of [0x7000, 0x7010, 0x7020]) boot("fluke_ref_create", { new_ref: r });
  boot("fluke_task_reference", { task: ROOT, new_task_ref: 0x7000 });
  boot("fluke_region_create", { new_region: 0x3060 });
  boot("fluke_region_set_state", { region: 0x3060, state: { hash: 0, start_va: 0x20000, size: 0x2000, prot: FLUKE_PROT_ALL }, task_ref: 0x7000, keeper_ref: 0 });
  boot("fluke_region_reference", { region: 0x3060, new_region_ref: 0x7010 });
  boot("fluke_task_reference", { task: 0x3000, new_task_ref: 0x7020 });
  boot("fluke_mapping_create", { new_mapping: 0x3080 });
  boot("fluke_mapping_set_state", { mapping: 0x3080, state: { hash: 0, region_off: 0, start_va: base, size: 0x2000, prot: FLUKE_PROT_ALL }, region_ref: 0x7010, task_ref: 0x7020 });
  const task = k.objects.at(0x3000 - ROOT);
  const port = k.objects.at(0x3040 - ROOT);
  if (task?.type !== "task" || port?.type !== "port") throw new Error("set-up objects missing");
  return { task, port };
};

describe("spawnNative", () => {
  it("puts a thread in a child task, on a scheduler port's time, at an address of that task; a mutex wakes its waiter", () => {
    const { k, host } = ipcWorld({ quantum: KERNEL_OP_COST * 3 });
    const BASE = 0x100000;
    const { task, port } = childWithPort(host, BASE);
    const log: string[] = [];
    const a = spawnNative(k, task, BASE + 0x200, (function* (): NativeProgram {
      const self = yield { name: "fluke_thread_self", args: {} };
      log.push(`a self ${self.kind === "return" ? (self.out["thread"] as number).toString(16) : self.kind}`);
      yield { name: "fluke_mutex_create", args: { new_mutex: BASE + 0x100 } };
      yield { name: "fluke_mutex_lock", args: { mutex: BASE + 0x100 } };
      for (let i = 0; i < 5; i++) yield { name: "fluke_thread_self", args: {} };
      log.push("a unlocks");
      yield { name: "fluke_mutex_unlock", args: { mutex: BASE + 0x100 } };
    })(), { scheduler: port, hash: 0x55 });
    const b = spawnNative(k, task, BASE + 0x280, (function* (): NativeProgram {
      const o = yield { name: "fluke_mutex_lock", args: { mutex: BASE + 0x100 } };
      log.push(`b locked ${o.kind === "return" ? o.rc : o.kind}`);
    })(), { scheduler: port });
    expect(k.sched.run(KERNEL_OP_COST * 4)).toBe("limit");
    expect(b.runner.blocked).toBe(true);
    expect(b.thread.wait?.kind).toBe("mutex");
    expect(k.sched.run()).toBe("idle");
    expect(log).toEqual([`a self ${(BASE + 0x200).toString(16)}`, "a unlocks", "b locked SUCCESS"]);
    expect(a.thread.hash).toBe(0x55);
    expect(a.thread.scheduler).toBe(port);
    expect(task.threads.has(a.thread) && task.threads.has(b.thread)).toBe(true);
    expect(host.runners.get(b.thread)).toBe(b.runner);
    expect(a.name).toBe(0x20000 + 0x200);
  });

  it("refuses an occupied or misaligned address with a clear error", () => {
    const { k } = ipcWorld();
    spawnNative(k, k.rootTask, THREAD(1), idemServer(0));
    expect(() => spawnNative(k, k.rootTask, THREAD(1), idemServer(0))).toThrow(/OBJECT_EXISTS/);
    expect(() => spawnNative(k, k.rootTask, THREAD(2) + 4, idemServer(0))).toThrow(/NOT_ALIGNED/);
  });
});
