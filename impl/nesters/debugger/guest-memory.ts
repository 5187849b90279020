// A stopped guest process's memory as the debugger reads and writes it: through a small window of the
// debugger (a region over the guest task, read and write, moved to the page wanted, mapped into the
// debugger), as the tracer reads. Where the window cannot reach, the process manager is asked, with
// system calls made on the stopped thread's behalf (a fabricated `int $0x80` exception message sent to
// the keeper with the thread's own registers, eax..edx replaced; of the reply only eax is used):
// `access(page)` makes the manager read a page that was never touched (so it is paged in), `time(addr)`
// makes it write one (present, and private after a fork's copy-on-write; the 4 bytes it wrote are put
// back), and a page the program may not write (its text, for a breakpoint) is made writable with
// `mprotect(page, 4096, RWX)` for the write and put back to R+X after (ours: the original protection is
// not known; a read-only page that was not executable becomes so).
// Above: debugger.ts. Below: libnest (env, proxy's KeeperCall), the kernel's region and mapping calls.
import { FLUKE_PROT_READ, FLUKE_PROT_WRITE, FLUKE_VM_MAX, FLUKE_VM_MIN } from "../../../spec/kernel-api/common.js";
import { FLUKE_EXC_REPLY_SET_REGS, trapExcCode } from "../../../spec/kernel-api/x86.js";
import { load, store, type Nest, type NestEnv } from "../libnest/env.js";
import type { KeeperCall } from "../libnest/proxy.js";
import { moveWindow, openWindow, type TaskWindow } from "../libnest/window.js";

const PAGE = 4096;
const RW = FLUKE_PROT_READ | FLUKE_PROT_WRITE;
const INT80 = trapExcCode(0x80);
const NR = { time: 13, access: 33, kill: 37, mprotect: 125 } as const;
const PROT_RWX = 7, PROT_RX = 5;

export class GuestMemory {
  private page = -1;
  /** The exception message the thread is stopped in, and the way to its keeper (set at each stop). */
  words: readonly number[] = [];
  call: KeeperCall | null = null;

  private constructor(readonly env: NestEnv, readonly w: TaskWindow) {}

  static *create(env: NestEnv, taskRef: number): Nest<GuestMemory | null> {
    const w = yield* openWindow(env, taskRef, FLUKE_VM_MIN, PAGE, RW);
    return w === null ? null : new GuestMemory(env, w);
  }

  /** A system call on the stopped thread's behalf; its result (eax), or null when the keeper did not answer with registers. */
  *syscall(nr: number, a = 0, b = 0, c = 0): Nest<number | null> {
    if (this.call === null || this.words.length < 15) return null;
    const w = [...this.words];
    w[0] = INT80;
    w[1] = 0;
    [w[3], w[4], w[5], w[6]] = [nr, a >>> 0, b >>> 0, c >>> 0];
    w[13] = 0;
    w[14] = 0;
    const r = yield* this.call(w);
    return r.length >= 11 && r[0] === FLUKE_EXC_REPLY_SET_REGS ? r[1]! | 0 : null;
  }

  /** kill(pid, sig) on the thread's behalf: the keeper's reply (the process may end). */
  *kill(pid: number, sig: number): Nest<number[]> {
    if (this.call === null) return [];
    const w = [...this.words];
    w[0] = INT80;
    w[1] = 0;
    [w[3], w[4], w[5]] = [NR.kill, pid, sig];
    w[13] = 0;
    w[14] = 0;
    return yield* this.call(w);
  }

  /** Move the window onto the page holding `addr`. */
  private *at(addr: number): Nest<boolean> {
    const page = addr - (addr % PAGE);
    if (page === this.page) return true;
    if (!(yield* moveWindow(this.w, page))) return false;
    this.page = page;
    return true;
  }

  private *loadPage(addr: number, n: number): Nest<Uint8Array | null> {
    if (!(yield* this.at(addr))) return null;
    return load(this.env, this.w.va + (addr % PAGE), n);
  }

  private *storePage(addr: number, bytes: Uint8Array): Nest<boolean> {
    if (!(yield* this.at(addr))) return false;
    return store(this.env, this.w.va + (addr % PAGE), bytes);
  }

  /** Bytes at `addr` (fewer if the range stops being readable); null if none can be read. */
  *read(addr: number, len: number): Nest<Uint8Array | null> {
    const out: Uint8Array[] = [];
    let got = 0;
    while (got < len) {
      const a = addr + got;
      if (a < FLUKE_VM_MIN || a >= FLUKE_VM_MAX) break;
      const n = Math.min(len - got, PAGE - (a % PAGE));
      let b = yield* this.loadPage(a, n);
      if (b === null && (yield* this.syscall(NR.access, a - (a % PAGE), 0)) !== null) b = yield* this.loadPage(a, n);
      if (b === null) break;
      out.push(b);
      got += n;
    }
    if (got === 0 && len > 0) return null;
    return Uint8Array.from(Buffer.concat(out));
  }

  /** Write `bytes` at `addr` (a program's text too); false if some page could not be written. */
  *write(addr: number, bytes: Uint8Array): Nest<boolean> {
    for (let done = 0; done < bytes.length;) {
      const a = addr + done;
      if (a < FLUKE_VM_MIN || a >= FLUKE_VM_MAX) return false;
      const n = Math.min(bytes.length - done, PAGE - (a % PAGE));
      if (!(yield* this.writePage(a, bytes.subarray(done, done + n)))) return false;
      done += n;
    }
    return true;
  }

  private *writePage(a: number, chunk: Uint8Array): Nest<boolean> {
    if (yield* this.storePage(a, chunk)) return true;
    const page = a - (a % PAGE);
    const word = Math.min(a - (a % 4), page + PAGE - 4);
    const before = yield* this.read(word, 4);
    if (before === null || before.length < 4) return false; // not mapped for the program at all
    // a page the program may write but that is not present or still shared: have the manager write it
    if (yield* this.managerWrite(word, before, a, chunk)) return true;
    // the program's own protection forbids writing (its text): lift it for the write (and break the
    // sharing of a page a fork left copy-on-write)
    if ((yield* this.syscall(NR.mprotect, page, PAGE, PROT_RWX)) !== 0) return false;
    const done = (yield* this.storePage(a, chunk)) || (yield* this.managerWrite(word, before, a, chunk));
    yield* this.syscall(NR.mprotect, page, PAGE, PROT_RX);
    return done;
  }

  /** time(word) makes the manager write the page (present and private); then put back its 4 bytes and write `chunk`. */
  private *managerWrite(word: number, before: Uint8Array, a: number, chunk: Uint8Array): Nest<boolean> {
    const t = yield* this.syscall(NR.time, word);
    return t !== null && t >= 0 && (yield* this.storePage(word, before)) && (yield* this.storePage(a, chunk));
  }
}
