// Reading and writing a task's memory as its threads see it: every page of the access is translated
// through the task (Kernel.translate: mapping -> region -> task chains, faulting with the region whose
// keeper hears of it) before any byte moves, so a faulting access has no effect. Bytes inside a live
// object's block belong to the kernel (decision 3 of spec/kernel-api/common.md, harness.md): loads read
// them as zeros; a store into one is discarded and makes that object invalid, while the bytes underneath
// survive and show again once the object is gone. Same rules as model/harness.ts, on PhysMem.
// Above: harness.ts (harness_mem_read / harness_mem_write), IPC copies, x86 threads. Below: kernel.ts
// (translate), physmem.ts, objtab.ts.
import { OBJECT_SIZE, PAGE_SIZE, type FaultKind } from "../../spec/kernel-api/common.js";
import type { Kernel } from "./kernel.js";
import type { KTask } from "./kobjects.js";

/** A run of an access that is contiguous in physical memory: `len` bytes at `paddr`, from byte `at`. */
export interface PhysSpan {
  readonly paddr: number;
  readonly at: number;
  readonly len: number;
}

/**
 * Translate [va, va + len) of `task` for `access`, a page at a time, in address order (the first refused
 * page faults: KFault at max(va, page start)). Addresses wrap at 2^32, as the model's do.
 */
export const translateSpans = (k: Kernel, task: KTask, va: number, len: number, access: FaultKind): PhysSpan[] => {
  const out: PhysSpan[] = [];
  let i = 0;
  while (i < len) {
    const a = (va + i) >>> 0;
    const paddr = k.translate(task, a, access);
    const n = Math.min(len - i, PAGE_SIZE - (a % PAGE_SIZE));
    const last = out.at(-1);
    if (last !== undefined && last.paddr + last.len === paddr) out[out.length - 1] = { paddr: last.paddr, at: last.at, len: last.len + n };
    else out.push({ paddr, at: i, len: n });
    i += n;
  }
  return out;
};

/** The part of [paddr, paddr + len) covered by object `o`'s block, relative to paddr: [lo, hi). */
const blockWithin = (o: { readonly paddr: number; readonly type: keyof typeof OBJECT_SIZE }, paddr: number, len: number): [number, number] => [
  Math.max(0, o.paddr - paddr),
  Math.min(len, o.paddr + OBJECT_SIZE[o.type] - paddr),
];

/** Load `len` bytes at `va` of `task` (needing `access`, READ by default); object blocks read as zeros. */
export const readTask = (k: Kernel, task: KTask, va: number, len: number, access: FaultKind = "read"): Uint8Array => {
  const spans = translateSpans(k, task, va, len, access);
  const out = new Uint8Array(len);
  for (const s of spans) {
    const bytes = k.phys.read(s.paddr, s.len);
    for (const o of k.objects.overlapping(s.paddr, s.len)) {
      const [lo, hi] = blockWithin(o, s.paddr, s.len);
      bytes.fill(0, lo, hi);
    }
    out.set(bytes, s.at);
  }
  return out;
};

/**
 * Store `bytes` at `va` of `task` (WRITE needed on every page first). Bytes falling in a live object's
 * block are discarded and that object becomes invalid; the rest are written. Returns how many objects
 * were invalidated.
 */
export const writeTask = (k: Kernel, task: KTask, va: number, bytes: Uint8Array): number => {
  const spans = translateSpans(k, task, va, bytes.length, "write");
  let hit = 0;
  for (const s of spans) {
    const src = bytes.subarray(s.at, s.at + s.len);
    const objs = k.objects.overlapping(s.paddr, s.len).sort((x, y) => x.paddr - y.paddr);
    let from = 0;
    for (const o of objs) {
      const [lo, hi] = blockWithin(o, s.paddr, s.len);
      if (lo > from) k.phys.write(s.paddr + from, src.subarray(from, lo));
      from = Math.max(from, hi);
      o.invalid = true;
      hit++;
    }
    if (from < s.len) k.phys.write(s.paddr + from, src.subarray(from));
  }
  return hit;
};
