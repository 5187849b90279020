// Accesses of x86 code to pages that hold live kernel objects (decision 3 of spec/kernel-api/common.md:
// an object's block reads as zeros and a store into it is discarded and makes the object invalid). Such
// a page is never put in the software TLB. When the CPU faults on one, the runner executes that one
// instruction alone (single step) against scratch copies of the pages involved: each copy holds the
// page as user code sees it (object blocks zeroed) and is mapped with the page's rights minus write;
// a write fault on a copy records the store address (if it lies in an object block, that object is
// hit) and remaps the copy writable. After the step, bytes that changed are stored through
// kmemory.writeTask (which discards and invalidates inside blocks) and the copies are unmapped.
// Residual gap: a store whose first byte is outside a block and which writes zeros into the block's
// (zero-reading) bytes is not noticed. Above: x86-thread.ts. Below: kmemory.ts, kernel.ts, impl/x86.
import { FLUKE_PROT_EXEC, FLUKE_PROT_READ, FLUKE_PROT_WRITE, OBJECT_SIZE, PAGE_SIZE, type FaultKind } from "../../spec/kernel-api/common.js";
import { PERM_R, PERM_W, PERM_X, type Cpu, type StopReason } from "../x86/index.js";
import type { Kernel } from "./kernel.js";
import type { KTask } from "./kobjects.js";
import { writeTask } from "./kmemory.js";
import { translatePage } from "./vm.js";

const NEED: Record<FaultKind, number> = { read: FLUKE_PROT_READ, write: FLUKE_PROT_WRITE, exec: FLUKE_PROT_EXEC, create_ob: 8 };

/** Rights of a translation as TLB permissions (write-only pages become read-write: x86 has none). */
export const tlbPerms = (prot: number): number =>
  (prot & FLUKE_PROT_READ ? PERM_R : 0) | (prot & FLUKE_PROT_WRITE ? PERM_W | PERM_R : 0) | (prot & FLUKE_PROT_EXEC ? PERM_X : 0);

/** Translate the page of `va` for `access` (throws KFault), returning frame number and rights. */
export const pageOf = (k: Kernel, task: KTask, va: number, access: FaultKind): { pfn: number; prot: number } => {
  k.translate(task, va, access); // throws the KFault with the model's attribution
  const r = translatePage(task.vm, va - (va % PAGE_SIZE), NEED[access], k.phys.pages) as number;
  return { pfn: Math.floor(r / 16), prot: r & 15 };
};

/** True if frame `pfn` holds a live object. */
export const hasObjects = (k: Kernel, pfn: number): boolean => (k.objects.onFrame(pfn)?.size ?? 0) > 0;

interface Scratch {
  readonly buf: Uint8Array;
  readonly snap: Uint8Array;
  readonly pfn: number;
  readonly prot: number;
}

/** The page at frame `pfn` as user code sees it: object blocks read as zeros. */
const userView = (k: Kernel, pfn: number): Uint8Array => {
  const bytes = k.phys.read(pfn * PAGE_SIZE, PAGE_SIZE);
  for (const o of k.objects.onFrame(pfn) ?? []) bytes.fill(0, o.paddr - pfn * PAGE_SIZE, o.paddr - pfn * PAGE_SIZE + OBJECT_SIZE[o.type]);
  return bytes;
};

/** Mark the object whose block holds byte `va` of `task` (if any) invalid: a store hit it. */
const hitObject = (k: Kernel, task: KTask, va: number): void => {
  for (const o of k.objects.overlapping(k.translate(task, va, "write"), 1)) o.invalid = true;
};

/** Make the faulting page accessible for one step: a plain page goes in the TLB, an object page gets a copy. */
const prepare = (k: Kernel, cpu: Cpu, task: KTask, scratch: Map<number, Scratch>, va: number, access: FaultKind, hits: number[]): void => {
  const vpn = va >>> 12;
  const { pfn, prot } = pageOf(k, task, va, access);
  const have = scratch.get(vpn);
  if (have !== undefined) {
    if (access === "write") hits.push(va);
    cpu.mapPage(vpn, have.buf, 0, tlbPerms(prot));
    return;
  }
  if (!hasObjects(k, pfn)) {
    const f = k.phys.frame(pfn);
    cpu.mapPage(vpn, f.buf, f.offset, tlbPerms(prot));
    return;
  }
  const snap = userView(k, pfn);
  scratch.set(vpn, { buf: snap.slice(), snap, pfn, prot });
  cpu.mapPage(vpn, scratch.get(vpn)!.buf, 0, tlbPerms(prot & ~FLUKE_PROT_WRITE));
  if (access === "write") prepare(k, cpu, task, scratch, va, access, hits);
};

/** Store the bytes the step changed in a copy through writeTask, run by run. */
const writeBack = (k: Kernel, task: KTask, vpn: number, s: Scratch): void => {
  for (let i = 0; i < PAGE_SIZE; ) {
    if (s.buf[i] === s.snap[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < PAGE_SIZE && s.buf[j] !== s.snap[j]) j++;
    writeTask(k, task, vpn * PAGE_SIZE + i, s.buf.slice(i, j));
    i = j;
  }
};

/**
 * Execute the instruction at the CPU's eip, which faulted on an object page (`va`, `access`). Returns the
 * stop of that step (a plain fault for the caller to route, a trap, or step/budget when it completed).
 * Throws KFault when the access is refused by the address space.
 */
export const stepOnObjectPage = (k: Kernel, cpu: Cpu, task: KTask, va: number, access: FaultKind): StopReason => {
  const scratch = new Map<number, Scratch>();
  const hits: number[] = [];
  let stop: StopReason | null = null;
  try {
    for (let i = 0, fault = { va, access }; i < 8; i++) {
      prepare(k, cpu, task, scratch, fault.va, fault.access, hits);
      cpu.singleStep = true;
      stop = cpu.run(1);
      cpu.singleStep = false;
      if (stop.kind !== "fault" || stop.vector !== 14 || stop.access === "exec" && stop.address >= 0xc0000000) break;
      fault = { va: stop.address >>> 0, access: stop.access ?? "read" };
    }
  } finally {
    cpu.singleStep = false;
    const done = stop !== null && stop.kind !== "fault";
    for (const [vpn, s] of scratch) {
      cpu.unmapPage(vpn);
      if (done) writeBack(k, task, vpn, s);
    }
    if (done) for (const a of hits) hitObject(k, task, a);
  }
  return stop!;
};
