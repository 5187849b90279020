// The memory manager on a booted system: a child nester asks its parent for its Memory service, takes
// segments, maps them into itself and uses them. Segments are paged on demand: untouched memory is not
// there until a fault (a kernel call's, through the region keeper) or a prefault provides it, zeroed;
// copy_segment shares frames until one side writes (copy on write). Quotas hold along the pool tree;
// destroyed segments vanish from every mapping; hostile requests get errors, not crashes. The child's
// own boot area is a segment of its account, so it counts against its quota.
import { describe, expect, it } from "vitest";
import { FLUKE_PROT_ALL } from "../../../spec/kernel-api/common.js";
import { boot } from "../boot.js";
import { invoke, must } from "../libc/client.js";
import { load, newRef, ok, store, sys, type Nest, type NestEnv } from "../libnest/env.js";
import { Memory, Parent } from "../protocol/protocols.js";
import { CHILD_AREA } from "../libnest/spawn.js";
import { CHUNK } from "./paging.js";

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

function* memoryService(env: NestEnv): Nest<number> {
  const mem = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [mem]);
  return mem;
}

describe("memory manager", () => {
  it("hands out segments in whole chunks, paged in zeroed on demand", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* memoryService(env);
      const seg = yield* newRef(env);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: 10000 }, [], [seg]);
      log.push(`size ${r.size}`);
      const va = yield* mapSelf(env, seg, r.size);
      log.push(`untouched ${load(env, va, 16) === null ? "absent" : "present"}`);
      yield* must(mem, Memory.methods.prefault, { segment: r.segment, offset: 0, length: 100, write: 1 });
      log.push(`prefaulted zero ${load(env, va, 16)!.every((b) => b === 0)}`);
      store(env, va + 100, Uint8Array.from([1, 2, 3]));
      log.push(`read ${Array.from(load(env, va + 100, 3)!).join(",")}`);
      const q = yield* must(mem, Memory.methods.get_quota, {});
      log.push(`quota ${q.quota} used ${q.used}`);
    });
    expect(log).toEqual([`size ${CHUNK}`, "untouched absent", "prefaulted zero true", "read 1,2,3", `quota ${4 * MiB} used ${CHILD_AREA + CHUNK}`]);
  });

  it("a kernel call that touches an absent chunk blocks until the keeper provides it, then succeeds", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* memoryService(env);
      const seg = yield* newRef(env);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: 4 * CHUNK }, [], [seg]);
      const va = yield* mapSelf(env, seg, r.size);
      // An object created in the third chunk: the call faults to the region keeper (the memory manager).
      const at = va + 2 * CHUNK + 0x40;
      const o = yield* sys("fluke_ref_create", { new_ref: at });
      log.push(`create ${o.kind === "return" ? o.rc : o.kind}`);
      log.push(`chunk 2 ${load(env, va + 2 * CHUNK, 4) === null ? "absent" : "present"}, chunk 1 ${load(env, va + CHUNK, 4) === null ? "absent" : "present"}`);
      const t = yield* sys("fluke_ref_type", { ref: at });
      log.push(`type ${t.kind === "return" ? String(t.out["type"]) : t.kind}`);
    });
    expect(log[0]).toBe("create SUCCESS");
    expect(log[1]).toBe("chunk 2 present, chunk 1 absent");
    expect(log[2]).toMatch(/^type /);
  });

  it("quotas hold along the pool tree; a destroyed segment is gone; a reused frame reads zeros", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* memoryService(env);
      const seg = yield* newRef(env);
      log.push(`over quota ${(yield* invoke(mem, Memory.methods.create_var_segment, { size: 8 * MiB }, [], [seg])).status}`);
      const sub = yield* newRef(env), s2 = yield* newRef(env);
      yield* must(mem, Memory.methods.create_sub_pool, { quota: 2 * CHUNK }, [], [sub]);
      log.push(`sub ok ${(yield* invoke(sub, Memory.methods.create_var_segment, { size: 2 * CHUNK }, [], [s2])).status}`);
      log.push(`sub full ${(yield* invoke(sub, Memory.methods.create_var_segment, { size: 4096 }, [], [s2])).status}`);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: CHUNK }, [], [seg]);
      const va = yield* mapSelf(env, seg, r.size);
      yield* must(mem, Memory.methods.prefault, { segment: r.segment, offset: 0, length: CHUNK, write: 1 });
      store(env, va + 100, Uint8Array.from([7, 7, 7]));
      yield* must(mem, Memory.methods.destroy_segment, { segment: r.segment });
      log.push(`after destroy ${load(env, va, 1) === null ? "fault" : "readable"}`);
      log.push(`prefault gone ${(yield* invoke(mem, Memory.methods.prefault, { segment: r.segment, offset: 0, length: 1, write: 0 })).status}`);
      const r3 = yield* must(mem, Memory.methods.create_var_segment, { size: CHUNK }, [], [seg]);
      const va3 = yield* mapSelf(env, seg, r3.size);
      yield* must(mem, Memory.methods.prefault, { segment: r3.segment, offset: 0, length: CHUNK, write: 0 });
      log.push(`reused zero ${load(env, va3 + 100, 3)!.every((b) => b === 0)}`);
      log.push(`prefault past the end ${(yield* invoke(mem, Memory.methods.prefault, { segment: r3.segment, offset: CHUNK, length: 1, write: 0 })).status}`);
    });
    expect(log).toEqual(["over quota 12", "sub ok 0", "sub full 12", "after destroy fault", "prefault gone 22", "reused zero true", "prefault past the end 22"]);
  });

  it("copy_segment shares frames until a write: each side then has its own bytes (copy on write)", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* memoryService(env);
      const a = yield* newRef(env), b = yield* newRef(env);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: 2 * CHUNK }, [], [a]);
      const va = yield* mapSelf(env, a, r.size);
      yield* must(mem, Memory.methods.prefault, { segment: r.segment, offset: 0, length: r.size, write: 1 });
      store(env, va + 5000, Uint8Array.from([9, 8, 7]));
      const c = yield* must(mem, Memory.methods.copy_segment, { segment: r.segment }, [a], [b]);
      const vb = yield* mapSelf(env, b, c.size);
      log.push(`copy reads ${Array.from(load(env, vb + 5000, 3)!).join(",")}`);
      log.push(`shared original write ${store(env, va + 5000, Uint8Array.from([0])) ? "allowed" : "refused"}`);
      yield* must(mem, Memory.methods.prefault, { segment: r.segment, offset: 5000, length: 1, write: 1 });
      store(env, va + 5000, Uint8Array.from([1]));
      yield* must(mem, Memory.methods.prefault, { segment: c.segment, offset: 5001, length: 1, write: 1 });
      store(env, vb + 5001, Uint8Array.from([2]));
      log.push(`original ${Array.from(load(env, va + 5000, 3)!).join(",")} copy ${Array.from(load(env, vb + 5000, 3)!).join(",")}`);
      const e = yield* newRef(env);
      log.push(`copy without proof ${(yield* invoke(mem, Memory.methods.copy_segment, { segment: 999 }, [e], [b])).status}`);
    });
    expect(log).toEqual(["copy reads 9,8,7", "shared original write refused", "original 1,8,7 copy 9,2,7", "copy without proof 22"]);
  });

  it("hostile requests get errors and the manager keeps serving", () => {
    const log = run(4 * MiB, function* (env, log) {
      const mem = yield* memoryService(env);
      log.push(`bad segment ${(yield* invoke(mem, Memory.methods.destroy_segment, { segment: 999 })).status}`);
      const o = yield* sys("fluke_ipc_call", { destination: mem, ipc_params: { send_words: [0xdeadbeef, 1, 2], send_refs: [], recv_words_max: 16, recv_refs: [] } });
      log.push(`garbage ${o.kind === "return" ? (o.out["words"] as number[])[0] : o.kind}`);
      const q = yield* must(mem, Memory.methods.get_quota, {});
      log.push(`still serving ${q.used}`);
    });
    expect(log).toEqual(["bad segment 22", "garbage 38", `still serving ${CHILD_AREA}`]);
  });
});
