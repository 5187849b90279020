// Physical memory of the concrete kernel: the page frames the root task owns (decision 9 of
// spec/kernel-api/common.md). Frames live in 1 MiB chunks allocated on first touch, so a large
// machine costs only what it uses; a frame is handed to the CPU's software TLB as (chunk, offset).
// Above: impl/kernel/aspace.ts (translation), the kernel's object table and IPC copies. Below: the host.
import { PAGE_SIZE } from "../../spec/kernel-api/common.js";

const CHUNK_PAGES = 256;
const CHUNK_BYTES = CHUNK_PAGES * PAGE_SIZE;

/** Where a frame's bytes are: a chunk and the byte offset of the frame in it. */
export interface FrameView {
  readonly buf: Uint8Array;
  readonly offset: number;
}

export class PhysMem {
  readonly pages: number;
  private readonly chunks: (Uint8Array | undefined)[];

  constructor(bytes: number) {
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes % PAGE_SIZE !== 0) throw new RangeError(`physical memory must be a positive multiple of ${PAGE_SIZE} bytes`);
    this.pages = bytes / PAGE_SIZE;
    this.chunks = new Array<Uint8Array | undefined>(Math.ceil(this.pages / CHUNK_PAGES));
  }

  get bytes(): number {
    return this.pages * PAGE_SIZE;
  }

  /** The bytes of frame `pfn` (allocated zeroed on first use). */
  frame(pfn: number): FrameView {
    if (pfn < 0 || pfn >= this.pages) throw new RangeError(`no frame ${pfn}`);
    const ci = Math.floor(pfn / CHUNK_PAGES);
    const buf = this.chunks[ci] ?? (this.chunks[ci] = new Uint8Array(CHUNK_BYTES));
    return { buf, offset: (pfn % CHUNK_PAGES) * PAGE_SIZE };
  }

  /** True if the frame was never touched (reads as zeros). */
  untouched(pfn: number): boolean {
    return this.chunks[Math.floor(pfn / CHUNK_PAGES)] === undefined;
  }

  read(paddr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    this.forEachSpan(paddr, len, (buf, off, n, done) => out.set(buf.subarray(off, off + n), done));
    return out;
  }

  write(paddr: number, bytes: Uint8Array): void {
    this.forEachSpan(paddr, bytes.length, (buf, off, n, done) => buf.set(bytes.subarray(done, done + n), off));
  }

  /** Visit [paddr, paddr+len) as contiguous spans inside chunks. */
  private forEachSpan(paddr: number, len: number, f: (buf: Uint8Array, off: number, n: number, done: number) => void): void {
    if (paddr < 0 || len < 0 || paddr + len > this.bytes) throw new RangeError(`physical range ${paddr}+${len} outside memory`);
    let done = 0;
    while (done < len) {
      const a = paddr + done;
      const { buf, offset } = this.frame(Math.floor(a / PAGE_SIZE));
      const inChunk = CHUNK_BYTES - (offset + (a % PAGE_SIZE));
      const n = Math.min(len - done, inChunk);
      f(buf, offset + (a % PAGE_SIZE), n, done);
      done += n;
    }
  }
}
