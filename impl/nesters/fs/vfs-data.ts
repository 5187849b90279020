// The bytes of an upper-layer regular file: a growable buffer plus a logical size that may run past
// the allocated bytes (a file extended by truncate reads as zeros there without being allocated).
// Invariant: every allocated byte at or after `size` is zero, so growing the size never exposes old
// bytes. Callers check limits (MAX_FILE_SIZE) first: these methods do not fail. Above: vfs-node.ts
// and vfs.ts. Below: nothing.

export class FileData {
  private buf: Uint8Array;
  private len: number;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.buf = initial.slice();
    this.len = initial.length;
  }

  get size(): number {
    return this.len;
  }

  /** Up to `length` bytes from `offset`, short at the end; a copy. */
  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.len, offset + length);
    if (end <= offset) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    if (offset < this.buf.length) out.set(this.buf.subarray(offset, Math.min(end, this.buf.length)));
    return out;
  }

  /** Store `bytes` at `offset`; a hole before it reads as zeros. */
  write(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (end > this.buf.length) {
      const grown = new Uint8Array(Math.max(end, Math.min(this.buf.length * 2, 1 << 30), 64));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf.set(bytes, offset);
    if (end > this.len) this.len = end;
  }

  truncate(size: number): void {
    if (size < this.len && size < this.buf.length) this.buf.fill(0, size, Math.min(this.len, this.buf.length));
    this.len = size;
  }
}
