// Memory system calls of the Linux personality: brk, mmap2 and the old mmap, munmap, mprotect, mremap,
// madvise. Anonymous memory and private file mappings are fresh segments from the process's memory pool
// (a private file mapping gets the file's bytes copied in through the FileDescription protocol: a copy
// is what MAP_PRIVATE promises). A pool that refuses gives ENOMEM, which is how a process's quota shows.
// Above: procmgr.ts through the SYSCALLS table. Below: guest-mem.ts, files.ts, the FileDescription protocol.
import { invoke } from "../libc/client.js";
import { dropRef, newRef, type Nest } from "../libnest/env.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import { FileDescription } from "../protocol/protocols.js";
import { PAGE, pageUp } from "./guest-mem.js";
import { ERRNO } from "./linux-errno.js";
import { MAP, PROT } from "./linux-consts.js";
import { USER_LIMIT } from "./elf.js";
import { fdOf } from "./sys-file.js";
import { define, get, type SysCtx } from "./sys.js";

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
const protOf = (prot: number): number => prot & (PROT.READ | PROT.WRITE | PROT.EXEC);

function* mmap(c: SysCtx, addr: number, len: number, prot: number, flags: number, fd: number, offset: number): Nest<number> {
  const sp = c.p.space;
  if (len === 0 || offset % PAGE !== 0) return -ERRNO.EINVAL;
  const size = pageUp(len);
  if (size > USER_LIMIT) return -ERRNO.ENOMEM;
  const type = flags & MAP.TYPE;
  if (type !== MAP.PRIVATE && type !== MAP.SHARED && type !== MAP.SHARED_VALIDATE) return -ERRNO.EINVAL;
  const anon = (flags & MAP.ANONYMOUS) !== 0;
  const file = anon ? null : fdOf(c.p, fd);
  if (!anon) {
    if (file === null) return -ERRNO.EBADF;
    if (file.kind !== "remote") return -ERRNO.ENODEV;
    if (type !== MAP.PRIVATE && (prot & PROT.WRITE) !== 0) return -ERRNO.ENODEV; // shared writable file mappings: not yet (ours)
  }
  let start: number;
  if ((flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) !== 0) {
    if (addr % PAGE !== 0) return -ERRNO.EINVAL;
    if (addr < 0x1000 || addr + size > USER_LIMIT) return -ERRNO.ENOMEM;
    if ((flags & MAP.FIXED_NOREPLACE) !== 0 && sp.vmas.some((v) => v.start < addr + size && addr < v.end)) return -ERRNO.EEXIST;
    start = addr;
  } else {
    const hint = addr !== 0 && addr % PAGE === 0 && addr + size <= USER_LIMIT && !sp.vmas.some((v) => v.start < addr + size && addr < v.end) ? addr : null;
    const gap = hint ?? sp.findGap(size);
    if (gap === null) return -ERRNO.ENOMEM;
    start = gap;
  }
  // A private mapping of a file the program cannot write: the file system's shared pages, read-only.
  if (file !== null && file.kind === "remote" && type === MAP.PRIVATE && (prot & PROT.WRITE) === 0) {
    const ref = yield* newRef(c.pm.env);
    const r = yield* invoke(file.ref, FileDescription.methods.map, { offset, length: size }, [], [ref]);
    if (r.status === 0) {
      yield* sp.mapShared(start, size, ref, r.rep!.size, offset, protOf(prot));
      return start;
    }
    yield* dropRef(c.pm.env, ref);
  }
  const v = yield* sp.mapAnon(start, size, protOf(prot));
  if (v === null) return -ERRNO.ENOMEM;
  if (file !== null && file.kind === "remote") {
    for (let at = 0; at < size; ) {
      const r = yield* invoke(file.ref, FileDescription.methods.pread, { offset: offset + at, length: Math.min(MAX_FIELD_BYTES, size - at) });
      if (r.status !== 0) {
        yield* sp.unmap(start, start + size);
        return -r.status;
      }
      const data = r.rep!.data;
      if (data.length === 0) break;
      yield* sp.poke(start + at, data);
      at += data.length;
    }
  }
  return start;
}

function* brk(c: SysCtx): Nest<number> {
  const b = c.p.brk, want = c.a[0]! >>> 0;
  if (want < b.base || want === 0) return b.cur;
  const end = pageUp(want);
  if (end > b.end) {
    if (c.p.space.vmas.some((v) => v.start < end && b.end < v.end)) return b.cur;
    if ((yield* c.p.space.mapAnon(b.end, end - b.end, PROT.READ | PROT.WRITE)) === null) return b.cur;
  } else if (end < b.end) yield* c.p.space.unmap(end, b.end);
  b.end = end;
  b.cur = want;
  return want;
}

define({
  brk,
  mmap2: (c) => mmap(c, c.a[0]!, c.a[1]!, c.a[2]!, c.a[3]!, c.a[4]! | 0, c.a[5]! * PAGE),
  *mmap(c) {
    const args = (yield* get(c, c.a[0]!, 24));
    if (args === null) return -ERRNO.EFAULT;
    const v = new DataView(args.buffer, args.byteOffset);
    const w = (i: number): number => v.getUint32(i * 4, true);
    return yield* mmap(c, w(0), w(1), w(2), w(3), w(4) | 0, w(5));
  },
  *munmap(c) {
    const [addr, len] = c.a as [number, number];
    if (addr % PAGE !== 0 || len === 0 || addr + len > USER_LIMIT) return -ERRNO.EINVAL;
    yield* c.p.space.unmap(addr, addr + pageUp(len));
    return 0;
  },
  *mprotect(c) {
    const [addr, len, prot] = c.a as [number, number, number];
    if (addr % PAGE !== 0 || (prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC | PROT.GROWSDOWN | PROT.GROWSUP)) !== 0) return -ERRNO.EINVAL;
    if (len === 0) return 0;
    return (yield* c.p.space.protect(addr, addr + pageUp(len), protOf(prot))) ? 0 : -ERRNO.ENOMEM;
  },
  *mremap(c) {
    const [old, oldLen, newLen, flags] = c.a as [number, number, number, number];
    const sp = c.p.space;
    if (old % PAGE !== 0 || newLen === 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) !== 0 || (flags & MREMAP_FIXED) !== 0) return -ERRNO.EINVAL;
    const o = pageUp(oldLen), n = pageUp(newLen);
    const v = sp.find(old);
    if (v === undefined || !sp.covered(old, old + o)) return -ERRNO.EFAULT;
    if (n <= o) {
      if (n < o) yield* sp.unmap(old + n, old + o);
      return old;
    }
    if ((flags & MREMAP_MAYMOVE) === 0) return -ERRNO.ENOMEM;
    const dest = sp.findGap(n);
    if (dest === null) return -ERRNO.ENOMEM;
    const bytes = (yield* sp.read(old, o)) ?? new Uint8Array(o);
    if ((yield* sp.mapAnon(dest, n, v.prot)) === null) return -ERRNO.ENOMEM;
    yield* sp.poke(dest, bytes);
    yield* sp.unmap(old, old + o);
    return dest;
  },
  *madvise() {
    return 0;
  },
});
