// Demand paging and copy-on-write in the memory manager. The manager's physical pool is a region over
// its parent's memory (for the first manager, page frames of the root task) that it never maps whole:
// a segment is a window of the manager's own address space with nothing behind it, exported as a region
// whose keeper is the manager. The first touch of a chunk, by a guest's instruction or a nester's
// kernel call, faults to that keeper with the offset in the region (keeper message word 14); the manager
// takes a zeroed frame, maps it into the window and answers, and the access is retried. copy_segment
// (fork) shares the source's frames read-only in both windows; the first write to a shared chunk faults
// and gets a private copy, the last holder just gets write access back. Frames are CHUNK bytes (64 KiB,
// ours: one mapping object per chunk keeps the manager's object area small); freed frames are cleared
// before they are reused. Above: memmgr.ts. Below: the region and mapping calls of the kernel.
import { FLUKE_PROT_ALL, FLUKE_PROT_EXEC, FLUKE_PROT_READ } from "../../../spec/kernel-api/common.js";
import { load, ok, store, type Nest, type NestEnv } from "../libnest/env.js";

export const CHUNK = 64 * 1024;
const SHARED_PROT = FLUKE_PROT_READ | FLUKE_PROT_EXEC;

export interface Frame {
  /** Offset of the frame in the physical pool region. */
  readonly off: number;
  /** Windows that map it (more than one: copy-on-write). */
  refs: number;
}

interface Chunk {
  frame: Frame;
  readonly mapping: number;
  writable: boolean;
}

/** The paged part of a segment: its window in the manager's space and the chunks backed so far. */
export interface Window {
  readonly va: number;
  readonly size: number;
  readonly chunks: Map<number, Chunk>;
}

export class Pager {
  private readonly free: number[] = [];

  /**
   * `physRef`: a reference to the region of physical memory the manager hands out (`physSize` bytes);
   * `scratch`: a CHUNK-sized free window of the manager's space used to fill private copies.
   */
  constructor(private readonly env: NestEnv, private readonly physRef: number, physSize: number, private readonly scratch: number) {
    for (let off = Math.floor(physSize / CHUNK) * CHUNK - CHUNK; off >= 0; off -= CHUNK) this.free.push(off);
  }

  get freeFrames(): number {
    return this.free.length;
  }

  private *map(mapping: number, va: number, size: number, frame: Frame, prot: number): Nest<void> {
    yield* ok("fluke_mapping_set_state", {
      mapping, state: { hash: 0, region_off: frame.off, start_va: va, size, prot }, region_ref: this.physRef, task_ref: this.env.self,
    });
  }

  private chunkSize(w: Window, idx: number): number {
    return Math.min(CHUNK, w.size - idx * CHUNK);
  }

  /**
   * Make chunk `idx` of window `w` present (and private and writable when `write`). False when the pool
   * has no frame left or idx is outside the window.
   */
  *resolve(w: Window, idx: number, write: boolean): Nest<boolean> {
    if (idx < 0 || idx * CHUNK >= w.size) return false;
    const c = w.chunks.get(idx);
    const va = w.va + idx * CHUNK, size = this.chunkSize(w, idx);
    if (c === undefined) {
      const off = this.free.pop();
      if (off === undefined) return false;
      const frame: Frame = { off, refs: 1 };
      const mapping = this.env.alloc.alloc("mapping");
      yield* ok("fluke_mapping_create", { new_mapping: mapping });
      yield* this.map(mapping, va, size, frame, FLUKE_PROT_ALL);
      w.chunks.set(idx, { frame, mapping, writable: true });
      return true;
    }
    if (!write || c.writable) return true;
    if (c.frame.refs === 1) {
      yield* ok("fluke_mapping_protect", { mapping: c.mapping, prot: FLUKE_PROT_ALL });
      c.writable = true;
      return true;
    }
    // Copy on write: fill a fresh frame through the scratch window, then put it under the chunk.
    const off = this.free.pop();
    if (off === undefined) return false;
    const frame: Frame = { off, refs: 1 };
    const bytes = load(this.env, va, size);
    const scratch = this.env.alloc.alloc("mapping");
    yield* ok("fluke_mapping_create", { new_mapping: scratch });
    yield* this.map(scratch, this.scratch, size, frame, FLUKE_PROT_ALL);
    if (bytes === null || !store(this.env, this.scratch, bytes)) throw new Error("memmgr: copy-on-write copy failed");
    yield* ok("fluke_mapping_destroy", { mapping: scratch });
    this.env.alloc.release("mapping", scratch);
    c.frame.refs--;
    c.frame = frame;
    c.writable = true;
    yield* this.map(c.mapping, va, size, frame, FLUKE_PROT_ALL);
    return true;
  }

  /** Let window `dst` share every chunk `src` has, read-only in both (copy_segment). */
  *share(src: Window, dst: Window): Nest<void> {
    for (const [idx, c] of src.chunks) {
      if (c.writable) {
        yield* ok("fluke_mapping_protect", { mapping: c.mapping, prot: SHARED_PROT });
        c.writable = false;
      }
      c.frame.refs++;
      const mapping = this.env.alloc.alloc("mapping");
      yield* ok("fluke_mapping_create", { new_mapping: mapping });
      yield* this.map(mapping, dst.va + idx * CHUNK, this.chunkSize(dst, idx), c.frame, SHARED_PROT);
      dst.chunks.set(idx, { frame: c.frame, mapping, writable: false });
    }
  }

  /** Give back every chunk of `w`: frames no other window holds are cleared and freed. */
  *release(w: Window): Nest<void> {
    const zeros = new Uint8Array(CHUNK);
    for (const [idx, c] of w.chunks) {
      if (--c.frame.refs === 0) {
        // Clear while still mapped here (writable or not: the frame is ours alone now).
        if (!c.writable) yield* ok("fluke_mapping_protect", { mapping: c.mapping, prot: FLUKE_PROT_ALL });
        store(this.env, w.va + idx * CHUNK, zeros.subarray(0, this.chunkSize(w, idx)));
        this.free.push(c.frame.off);
      }
      yield* ok("fluke_mapping_destroy", { mapping: c.mapping });
      this.env.alloc.release("mapping", c.mapping);
    }
    w.chunks.clear();
  }
}
