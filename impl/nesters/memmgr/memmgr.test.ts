// The memory manager on a booted system: a child nester asks its parent for its Memory service, takes
// segments, maps them into itself and uses them; quotas hold along the pool tree; destroyed segments
// vanish from every mapping and come back cleared; hostile requests get errors, not crashes.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL } from "../../../spec/kernel-api/common.js";
import { boot } from "../boot.js";
import { invoke, must } from "../libc/client.js";
import { load, newRef, ok, store, sys, type Nest, type NestEnv } from "../libnest/env.js";
import { Memory, Parent } from "../protocol/protocols.js";

const MiB = 1 << 20;

/** Map segment `regionRef` of `size` bytes into the nester itself; returns its address. */
function* mapSelf(env: NestEnv, regionRef: number, size: number): Nest<number> {
  const va = env.space.alloc(size)!;
  const mapping = env.alloc.alloc("mapping");
  yield* ok("fluke_mapping_create", { new_mapping: mapping });
  yield* ok("fluke_mapping_set_state", { mapping, state: { hash: 0, region_off: 0, start_va: va, size, prot: FLUKE_PROT_ALL }, region_ref: regionRef, task_ref: env.self });
  return va;
}

const run = (childQuota: number, body: (env: NestEnv, log: string[]) => Nest<void>): string[] => {
  const log: string[] = [];
  const k = boot({ poolBytes: 16 * MiB, childQuota, child: { name: "test", program: (env) => body(env, log) } });
  k.sched.run();
  return log;
};

describe("memory manager", () => {
  it("hands out zeroed segments that a child maps and uses", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* newRef(env);
      yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [mem]);
      const seg = yield* newRef(env);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: 10000 }, [], [seg]);
      log.push(`segment ${r.segment} size ${r.size}`);
      const va = yield* mapSelf(env, seg, r.size);
      log.push(`zero ${load(env, va, 16)!.every((b) => b === 0)}`);
      store(env, va + 100, Uint8Array.from([1, 2, 3]));
      log.push(`read ${Array.from(load(env, va + 100, 3)!).join(",")}`);
      const q = yield* must(mem, Memory.methods.get_quota, {});
      log.push(`quota ${q.quota} used ${q.used}`);
      const big = yield* invoke(mem, Memory.methods.create_var_segment, { size: 8 * MiB }, [], [seg]);
      log.push(`over quota ${big.status}`);
      // a sub-pool cannot hand out more than its own quota
      const sub = yield* newRef(env);
      yield* must(mem, Memory.methods.create_sub_pool, { quota: 64 * 1024 }, [], [sub]);
      const s2 = yield* newRef(env);
      log.push(`sub ok ${(yield* invoke(sub, Memory.methods.create_var_segment, { size: 65536 }, [], [s2])).status}`);
      log.push(`sub full ${(yield* invoke(sub, Memory.methods.create_var_segment, { size: 4096 }, [], [s2])).status}`);
      // destroying the segment takes it away from the mapping at once
      yield* must(mem, Memory.methods.destroy_segment, { segment: r.segment });
      log.push(`after destroy ${load(env, va, 1) === null ? "fault" : "readable"}`);
      // a fresh segment reusing the pages reads zeros
      const r3 = yield* must(mem, Memory.methods.create_var_segment, { size: 10000 }, [], [seg]);
      const va3 = yield* mapSelf(env, seg, r3.size);
      log.push(`reused zero ${load(env, va3 + 100, 3)!.every((b) => b === 0)}`);
      // hostile: unknown segment, unknown method id, garbage words
      log.push(`bad segment ${(yield* invoke(mem, Memory.methods.destroy_segment, { segment: 999 })).status}`);
      const o = yield* sys("fluke_ipc_call", { destination: mem, ipc_params: { send_words: [0xdeadbeef, 1, 2], send_refs: [], recv_words_max: 16, recv_refs: [] } });
      log.push(`garbage ${o.kind === "return" ? (o.out["words"] as number[])[0] : o.kind}`);
    });
    expect(log).toEqual([
      "segment 1 size 12288", "zero true", "read 1,2,3", `quota ${4 * MiB} used 12288`, "over quota 12",
      "sub ok 0", "sub full 12", "after destroy fault", "reused zero true", "bad segment 22", "garbage 38",
    ]);
  });

  it("copy_segment copies the bytes (fork)", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* newRef(env);
      yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [mem]);
      const a = yield* newRef(env), b = yield* newRef(env);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: 8192 }, [], [a]);
      const va = yield* mapSelf(env, a, r.size);
      store(env, va + 5000, Uint8Array.from([9, 8, 7]));
      const c = yield* must(mem, Memory.methods.copy_segment, { segment: r.segment }, [a], [b]);
      const vb = yield* mapSelf(env, b, c.size);
      store(env, va + 5000, Uint8Array.from([0]));
      log.push(`${c.size} ${Array.from(load(env, vb + 5000, 3)!).join(",")} ${load(env, va + 5000, 1)![0]}`);
    });
    expect(log).toEqual(["8192 9,8,7 0"]);
  });
});
