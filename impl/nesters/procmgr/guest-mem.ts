// A guest process's address space as the process manager keeps it: a sorted list of areas (Linux's
// vmas), each one kernel mapping of part of a memory segment (a region of the memory manager) into the
// guest task. Every segment is also mapped once into the process manager itself, which is how it reads
// and writes guest memory for system calls: the same bytes, named at its own addresses. munmap,
// mprotect and MAP_FIXED split areas exactly like Linux (page granular); a segment goes back to the
// memory manager when no area uses it. Accesses the guest could not make itself (unmapped, or a missing
// right) fail, which the system calls turn into EFAULT. Memory the guest never touched may not be
// present behind the manager's view yet (the memory manager provides it on demand): an access that meets
// such a hole asks for it (Memory.prefault) and goes on.
// Above: exec.ts, the system calls (mm and io), fork. Below: libnest (kernel calls), the Memory protocol.
import { FLUKE_PROT_ALL, FLUKE_PROT_READ, FLUKE_PROT_WRITE } from "../../../spec/kernel-api/common.js";
import { invoke, must } from "../libc/client.js";
import { dropRef, load, newRef, ok, store, type Nest, type NestEnv } from "../libnest/env.js";
import { Memory } from "../protocol/protocols.js";
import { MMAP_BASE } from "./layout.js";

export const PAGE = 4096;
const ENOMEM = 12;

export const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

/**
 * A memory segment the process manager holds: a reference to its region, and where it sees it. Owned
 * segments come from the process's memory pool and go back to it; others (a file's pages from the file
 * system, shared read-only) are only let go of.
 */
export interface Seg {
  readonly id: number;
  readonly owned: boolean;
  readonly ref: number;
  readonly size: number;
  readonly selfVa: number;
  readonly selfMapping: number;
  users: number;
}

/** One guest area: [start, end) of the guest, mapping `seg` from byte `off`, with protection `prot`. */
export interface Vma {
  start: number;
  end: number;
  off: number;
  prot: number;
  readonly seg: Seg;
  readonly mapping: number;
}

export class GuestSpace {
  readonly vmas: Vma[] = [];

  /** `memory`: the reference to this process's Memory pool; `taskRef`: a reference to the guest task. */
  constructor(readonly env: NestEnv, readonly memory: number, readonly taskRef: number) {}

  private indexAt(va: number): number {
    let lo = 0, hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.vmas[mid]!.end <= va) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The area containing `va`, if any. */
  find(va: number): Vma | undefined {
    const v = this.vmas[this.indexAt(va)];
    return v !== undefined && v.start <= va ? v : undefined;
  }

  /** A fresh zeroed segment of `size` bytes, mapped into the process manager; null when the pool refuses (ENOMEM). */
  *newSeg(size: number): Nest<Seg | null> {
    const ref = yield* newRef(this.env);
    const r = yield* invoke(this.memory, Memory.methods.create_var_segment, { size }, [], [ref]);
    if (r.status !== 0) {
      yield* dropRef(this.env, ref);
      return null;
    }
    return yield* this.adopt(r.rep!.segment, r.rep!.size, ref);
  }

  /** Map a segment the process manager holds a reference to into itself. */
  *adopt(id: number, size: number, ref: number, owned = true): Nest<Seg> {
    const env = this.env;
    const selfVa = env.space.alloc(size);
    if (selfVa === null) throw new Error("process manager: own address space exhausted");
    const selfMapping = env.alloc.alloc("mapping");
    yield* ok("fluke_mapping_create", { new_mapping: selfMapping });
    yield* ok("fluke_mapping_set_state", { mapping: selfMapping, state: { hash: 0, region_off: 0, start_va: selfVa, size, prot: FLUKE_PROT_ALL }, region_ref: ref, task_ref: env.self });
    return { id, owned, ref, size, selfVa, selfMapping, users: 0 };
  }

  private *release(seg: Seg): Nest<void> {
    if (seg.users > 0) return;
    const env = this.env;
    yield* ok("fluke_mapping_destroy", { mapping: seg.selfMapping });
    env.alloc.release("mapping", seg.selfMapping);
    env.space.release(seg.selfVa, seg.size);
    if (seg.owned) yield* must(this.memory, Memory.methods.destroy_segment, { segment: seg.id });
    yield* dropRef(env, seg.ref);
  }

  private *setMapping(v: Vma): Nest<void> {
    yield* ok("fluke_mapping_set_state", {
      mapping: v.mapping, state: { hash: 0, region_off: v.off, start_va: v.start, size: v.end - v.start, prot: v.prot },
      region_ref: v.seg.ref, task_ref: this.taskRef,
    });
  }

  /** Make a new area (the range must be free) and its kernel mapping. */
  *insert(start: number, end: number, seg: Seg, off: number, prot: number): Nest<Vma> {
    const mapping = this.env.alloc.alloc("mapping");
    yield* ok("fluke_mapping_create", { new_mapping: mapping });
    const v: Vma = { start, end, off, prot, seg, mapping };
    yield* this.setMapping(v);
    seg.users++;
    this.vmas.splice(this.indexAt(start), 0, v);
    return v;
  }

  /** Split the area containing `va` (if any, and not at its edge) into two at `va`. */
  private *splitAt(va: number): Nest<void> {
    const v = this.find(va);
    if (v === undefined || v.start === va) return;
    const rightEnd = v.end;
    v.end = va;
    yield* this.setMapping(v);
    yield* this.insert(va, rightEnd, v.seg, v.off + (va - v.start), v.prot);
  }

  /** Areas inside [start, end) after splitting at both edges. */
  private *cut(start: number, end: number): Nest<Vma[]> {
    yield* this.splitAt(start);
    yield* this.splitAt(end);
    return this.vmas.filter((v) => v.start >= start && v.end <= end);
  }

  /** munmap: remove every area in [start, end). */
  *unmap(start: number, end: number): Nest<void> {
    for (const v of yield* this.cut(start, end)) {
      this.vmas.splice(this.vmas.indexOf(v), 1);
      yield* ok("fluke_mapping_destroy", { mapping: v.mapping });
      this.env.alloc.release("mapping", v.mapping);
      v.seg.users--;
      yield* this.release(v.seg);
    }
  }

  /** mprotect: set the protection of [start, end); false if part of it is unmapped or memory ran out (ENOMEM). */
  *protect(start: number, end: number, prot: number): Nest<boolean> {
    if (!this.covered(start, end)) return false;
    for (const v of yield* this.cut(start, end)) {
      if (!v.seg.owned && (prot & FLUKE_PROT_WRITE) !== 0) {
        if (!(yield* this.privatize(v, prot))) return false;
        continue;
      }
      v.prot = prot;
      yield* ok("fluke_mapping_protect", { mapping: v.mapping, prot });
    }
    return true;
  }

  /** Replace a shared read-only area by a private copy of its bytes with protection `prot` (MAP_PRIVATE made writable). */
  private *privatize(v: Vma, prot: number): Nest<boolean> {
    const bytes = load(this.env, v.seg.selfVa + v.off, v.end - v.start) ?? new Uint8Array(v.end - v.start);
    const start = v.start, end = v.end;
    const fresh = yield* this.mapAnon(start, end - start, prot);
    if (fresh === null) return false;
    return yield* this.poke(start, bytes);
  }

  /** Map `size` bytes of a region the process manager holds no pool segment for (a file's shared pages). */
  *mapShared(start: number, len: number, ref: number, regionSize: number, off: number, prot: number): Nest<Vma> {
    const seg = yield* this.adopt(0, regionSize, ref, false);
    yield* this.unmap(start, start + len);
    return yield* this.insert(start, start + len, seg, off, prot);
  }

  /** True if every page of [start, end) is mapped. */
  covered(start: number, end: number): boolean {
    let at = start;
    while (at < end) {
      const v = this.find(at);
      if (v === undefined) return false;
      at = v.end;
    }
    return true;
  }

  /** Map fresh zero memory at [start, start + len) (replacing what was there); false on ENOMEM. */
  *mapAnon(start: number, len: number, prot: number): Nest<Vma | null> {
    const seg = yield* this.newSeg(len);
    if (seg === null) return null;
    yield* this.unmap(start, start + len);
    return yield* this.insert(start, start + len, seg, 0, prot);
  }

  /** A free range of `len` bytes for a mapping without a fixed address: top-down below MMAP_BASE, as Linux. */
  findGap(len: number, below = MMAP_BASE): number | null {
    let top = below;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const v = this.vmas[i];
      if (v !== undefined && v.start >= top) continue;
      const floor = v === undefined ? 0x1_0000 : v.end;
      if (top - floor >= len) return top - len;
      if (v !== undefined) top = Math.min(top, v.start);
    }
    return null;
  }

  /**
   * Visit the process manager's view of [va, va + len) a piece at a time. "guest": part of it is unmapped
   * or lacks `need` for the guest (EFAULT); a piece: the memory is not present behind the manager's view
   * yet (its segment's chunk was never touched) and must be provided first; true: done.
   */
  private each(va: number, len: number, need: number, f: (selfVa: number, at: number, n: number) => boolean): true | "guest" | { readonly seg: Seg; readonly off: number; readonly n: number } {
    let done = 0;
    while (done < len) {
      const a = (va + done) >>> 0, v = this.find(a);
      if (v === undefined || (v.prot & need) !== need) return "guest";
      const n = Math.min(len - done, v.end - a);
      const off = v.off + (a - v.start);
      if (!f(v.seg.selfVa + off, done, n)) return { seg: v.seg, off, n };
      done += n;
    }
    return true;
  }

  /** Run a memory access, asking the memory manager for the memory behind it when it is not there yet. */
  private *access(va: number, len: number, need: number, write: boolean, f: (selfVa: number, at: number, n: number) => boolean): Nest<boolean> {
    for (let tries = 0; tries < 4 + len / 4096; tries++) {
      const r = this.each(va, len, need, f);
      if (r === true) return true;
      if (r === "guest") return false;
      const p = yield* invoke(this.memory, Memory.methods.prefault, { segment: r.seg.id, offset: r.off, length: r.n, write: write ? 1 : 0 });
      if (p.status !== 0) return false;
    }
    return false;
  }

  /** The guest's bytes at [va, va + len), or null if the guest could not read them (EFAULT). */
  *read(va: number, len: number): Nest<Uint8Array | null> {
    const out = new Uint8Array(len);
    const okay = yield* this.access(va, len, FLUKE_PROT_READ, false, (self, at, n) => {
      const b = load(this.env, self, n);
      if (b === null) return false;
      out.set(b, at);
      return true;
    });
    return okay ? out : null;
  }

  /** The bytes at [va, va + len) regardless of the guest's rights (a checkpoint); null if part is unmapped. */
  *peek(va: number, len: number): Nest<Uint8Array | null> {
    const out = new Uint8Array(len);
    const okay = yield* this.access(va, len, 0, false, (self, at, n) => {
      const b = load(this.env, self, n);
      if (b === null) return false;
      out.set(b, at);
      return true;
    });
    return okay ? out : null;
  }

  /** Store into the guest at va; false if the guest could not write there (nothing is stored then). */
  *write(va: number, bytes: Uint8Array, need = FLUKE_PROT_WRITE): Nest<boolean> {
    if (this.each(va, bytes.length, need, () => true) !== true) return false;
    return yield* this.access(va, bytes.length, need, true, (self, at, n) => store(this.env, self, bytes.subarray(at, at + n)));
  }

  /** True if the guest could write all of [va, va + len). */
  writable(va: number, len: number): boolean {
    return this.each(va, len, FLUKE_PROT_WRITE, () => true) === true;
  }

  /** Store regardless of the guest's rights (the loader filling read-only pages). */
  *poke(va: number, bytes: Uint8Array): Nest<boolean> {
    return yield* this.write(va, bytes, 0);
  }

  /** A NUL-terminated string at va (at most `max` bytes), as a latin1 string; null on EFAULT or no NUL. */
  *cstring(va: number, max = 4096): Nest<string | null> {
    const out: number[] = [];
    while (out.length < max) {
      const v = this.find(va + out.length);
      if (v === undefined || (v.prot & FLUKE_PROT_READ) === 0) return null;
      const n = Math.min(max - out.length, v.end - (va + out.length), 256);
      const b = yield* this.read(va + out.length, n);
      if (b === null) return null;
      const z = b.indexOf(0);
      if (z >= 0) {
        for (let i = 0; i < z; i++) out.push(b[i]!);
        return Buffer.from(out).toString("latin1");
      }
      for (const x of b) out.push(x);
    }
    return null;
  }

  *u32(va: number): Nest<number | null> {
    const b = yield* this.read(va, 4);
    return b === null ? null : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  /** Give every area back (exit, exec). */
  *clear(): Nest<void> {
    if (this.vmas.length > 0) yield* this.unmap(0, 0x1_0000_0000);
  }

  /** A copy of this space for a forked child whose task is behind `taskRef`, drawing from `memory`. */
  *fork(memory: number, taskRef: number): Nest<GuestSpace | typeof ENOMEM> {
    const child = new GuestSpace(this.env, memory, taskRef);
    const copies = new Map<Seg, Seg>();
    for (const v of this.vmas) {
      let seg = copies.get(v.seg);
      if (seg === undefined && !v.seg.owned) {
        const ref = yield* newRef(this.env);
        yield* ok("fluke_ref_copy", { src_ref: v.seg.ref, dst_ref: ref });
        seg = yield* child.adopt(0, v.seg.size, ref, false);
        copies.set(v.seg, seg);
      }
      if (seg === undefined) {
        const ref = yield* newRef(this.env);
        const r = yield* invoke(memory, Memory.methods.copy_segment, { segment: v.seg.id }, [v.seg.ref], [ref]);
        if (r.status !== 0) {
          yield* dropRef(this.env, ref);
          yield* child.clear();
          return ENOMEM;
        }
        seg = yield* child.adopt(r.rep!.segment, r.rep!.size, ref);
        copies.set(v.seg, seg);
      }
      yield* child.insert(v.start, v.end, seg, v.off, v.prot);
    }
    return child;
  }
}
