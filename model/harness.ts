// Chapter "harness" of the abstract model: the handlers of spec/kernel-api/harness.ts (see harness.md).
// A thread's loads and stores, as steps: every byte is translated through the thread's task with the
// right the access needs (a refusal is a fault, like a processor's). Bytes inside a live object's block
// belong to the kernel (decision 3 of common.md): loads read them as zeros, and a store into them is
// discarded and makes that object invalid. Above: model/handlers.ts. Below: model/memory.ts.
import { OBJECT_SIZE } from "../spec/kernel-api/common.js";
import type { Handler } from "./ctx.js";
import { ok } from "./ctx.js";
import { readPhys, translateRange, writePhys } from "./memory.js";
import type { ModelState, Obj, PAddr } from "./state.js";

/** The live object whose block contains physical byte `p`, if any. */
const blockOwner = (objs: readonly Obj[], p: PAddr): Obj | undefined =>
  objs.find((o) => p >= o.paddr && p < o.paddr + OBJECT_SIZE[o.type]);

/** Objects whose blocks intersect the physical bytes of an access (few: one pass over the state). */
const objectsIn = (s: ModelState, ps: readonly PAddr[]): Obj[] => {
  const lo = Math.min(...ps);
  const hi = Math.max(...ps) + 1;
  return [...s.objects.values()].filter((o) => o.paddr < hi && lo < o.paddr + OBJECT_SIZE[o.type]);
};

/** Write `bytes` at the physical addresses `ps` (one per byte), in runs of consecutive addresses. */
const writeRuns = (s: ModelState, ps: readonly PAddr[], bytes: readonly number[]): void => {
  let i = 0;
  while (i < ps.length) {
    let j = i + 1;
    while (j < ps.length && ps[j] === ps[j - 1]! + 1) j++;
    writePhys(s, ps[i]!, bytes.slice(i, j));
    i = j;
  }
};

export const HARNESS_HANDLERS: Readonly<Record<string, Handler>> = {
  harness_mem_read: (ctx, a: { addr: number; len: number }) => {
    const ps = translateRange(ctx.s, ctx.task, a.addr, a.len, "read");
    const objs = objectsIn(ctx.s, ps);
    const bytes = ps.map((p) => (blockOwner(objs, p) === undefined ? readPhys(ctx.s, p, 1)[0]! : 0));
    return ok({ bytes });
  },

  harness_mem_write: (ctx, a: { addr: number; bytes: number[] }) => {
    const ps = translateRange(ctx.s, ctx.task, a.addr, a.bytes.length, "write");
    const objs = objectsIn(ctx.s, ps);
    const keepP: PAddr[] = [];
    const keepB: number[] = [];
    ps.forEach((p, i) => {
      const o = blockOwner(objs, p);
      if (o === undefined) {
        keepP.push(p);
        keepB.push(a.bytes[i]!);
      } else o.invalid = true;
    });
    writeRuns(ctx.s, keepP, keepB);
    return ok();
  },
};
