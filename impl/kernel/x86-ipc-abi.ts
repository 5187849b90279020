// The x86 IPC parameter block of spec/kernel-api/x86.md ("IPC parameter block") on the concrete kernel:
// reading a block (published packed layout, offsets from spec/gen-header.ts) into the abstract IpcParams
// of ipc.ts when an x86 thread makes an IPC call (send words gathered from the send buffers, reference
// tables read as arrays of fluke_ref_t pointers; faults and BUFFER_UNALIGNED are raised before the call
// has any effect), and, when a receiving call completes, scattering the received words into the receive
// buffers in order, advancing the block's recv part past what arrived, and setting the published result
// registers (al, ah, ecx, esi, edi; the status byte is x86-abi.ts's). Above: x86-abi.ts. Below: kmemory.ts.
import type { CallDef, Insanity } from "../../spec/kernel-api/common.js";
import { FLUKE_MIN_MSG_SIZE } from "../../spec/kernel-api/common.js";
import { IPC_MAX_SEND_WORDS, type IpcParams } from "../../spec/kernel-api/ipc.js";
import { IPC_BLOCK as F, IPC_BLOCK_BYTES, IPC_BUF_BYTES } from "../../spec/gen-header.js";
import type { Kernel } from "./kernel.js";
import type { KRegs, KTask } from "./kobjects.js";
import { readTask, translateSpans, writeTask } from "./kmemory.js";

/** A call x86 code made that the ABI cannot turn into a registry call (bad record, unsupported shape). */
export class BadX86Call extends Error {}

/** An insanity found while reading the call's memory (before the call runs): the call raises it. */
export class X86Insane extends Error {
  constructor(readonly code: Insanity) {
    super(code);
  }
}

/** Most receive capacity a block may describe, in words (IpcParams.recv_words_max's bound). */
const MAX_RECV_WORDS = 1 << 20;

interface Buf {
  readonly words: number;
  readonly buf: number;
}

/** The fields of one block, as stored. */
export interface IpcBlock {
  readonly sendBufCount: number;
  readonly sendRefCount: number;
  readonly recvBufCount: number;
  readonly recvRefCount: number;
  readonly sendBuf: Buf;
  readonly sendBufTab: number;
  readonly sendRefTab: number;
  readonly recvBuf: Buf;
  readonly recvBufTab: number;
  readonly recvRefTab: number;
}

const dvOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

const readWords = (k: Kernel, task: KTask, va: number, n: number): number[] => {
  if (n === 0) return [];
  const dv = dvOf(readTask(k, task, va, 4 * n));
  return Array.from({ length: n }, (_, i) => dv.getUint32(4 * i, true));
};

/** Read the block at `va` (KFault if unreadable). */
export const readIpcBlock = (k: Kernel, task: KTask, va: number): IpcBlock => {
  const dv = dvOf(readTask(k, task, va, IPC_BLOCK_BYTES));
  const w = (off: number): number => dv.getUint32(off, true);
  return {
    sendBufCount: dv.getUint8(F.send_buf_count), sendRefCount: dv.getUint8(F.send_ref_count),
    recvBufCount: dv.getUint8(F.recv_buf_count), recvRefCount: dv.getUint8(F.recv_ref_count),
    sendBuf: { words: w(F.send_buf), buf: w(F.send_buf + 4) }, sendBufTab: w(F.send_buf_tab), sendRefTab: w(F.send_ref_tab),
    recvBuf: { words: w(F.recv_buf), buf: w(F.recv_buf + 4) }, recvBufTab: w(F.recv_buf_tab), recvRefTab: w(F.recv_ref_tab),
  };
};

/** The buffers of one direction: the first one, then `count` {words, buf} entries of the table at `tab`. */
const buffers = (k: Kernel, task: KTask, first: Buf, tab: number, count: number): Buf[] => {
  const t = readWords(k, task, tab, 2 * count);
  return [first, ...Array.from({ length: count }, (_, i) => ({ words: t[2 * i]!, buf: t[2 * i + 1]! }))];
};

/** Buffers must be 4-byte aligned (x86.md, ours); an empty buffer's pointer is not looked at. */
const checkAligned = (bufs: readonly Buf[]): void => {
  for (const b of bufs) if (b.words > 0 && b.buf % 4 !== 0) throw new X86Insane("BUFFER_UNALIGNED");
};

const total = (bufs: readonly Buf[]): number => bufs.reduce((n, b) => n + b.words, 0);

/** Does the call use the send part of its block? (Pure receives ignore it, published.) */
export const ipcSends = (row: CallDef): boolean => /_send|_call$|_reply/.test(row.name);
/** Does the call receive (and so update the recv part)? */
export const ipcReceives = (row: CallDef): boolean => "words" in ((row.out as { shape?: Record<string, unknown> }).shape ?? {});

/**
 * The abstract IpcParams of the block at `va` for call `row` (throws KFault, X86Insane, BadX86Call).
 * A first receive buffer below the minimum message, where the row requires one, is reported as a total
 * capacity below it, so the call raises BUFFER_UNALIGNED in the checking order of ipc.md.
 */
export const decodeIpcParams = (k: Kernel, task: KTask, va: number, row: CallDef): IpcParams => {
  const blk = readIpcBlock(k, task, va);
  const p: IpcParams = { send_words: [], send_refs: [], recv_words_max: 0, recv_refs: [] };
  if (ipcSends(row)) {
    const bufs = buffers(k, task, blk.sendBuf, blk.sendBufTab, blk.sendBufCount);
    checkAligned(bufs);
    if (total(bufs) > IPC_MAX_SEND_WORDS) throw new BadX86Call(`${row.name}: more than ${IPC_MAX_SEND_WORDS} words to send`);
    p.send_words = bufs.flatMap((b) => readWords(k, task, b.buf, b.words));
    p.send_refs = readWords(k, task, blk.sendRefTab, blk.sendRefCount);
  }
  if (ipcReceives(row)) {
    const bufs = buffers(k, task, blk.recvBuf, blk.recvBufTab, blk.recvBufCount);
    checkAligned(bufs);
    const cap = total(bufs);
    if (cap > MAX_RECV_WORDS) throw new BadX86Call(`${row.name}: more than ${MAX_RECV_WORDS} words of receive buffers`);
    const small = row.insanities.includes("BUFFER_UNALIGNED") && blk.recvBuf.words < FLUKE_MIN_MSG_SIZE;
    p.recv_words_max = small ? blk.recvBuf.words : cap;
    p.recv_refs = readWords(k, task, blk.recvRefTab, blk.recvRefCount);
  }
  return p;
};

/** A receiving call must be able to update its block and fill its buffers: check before it runs (KFault). */
export const checkIpcWritable = (k: Kernel, task: KTask, va: number, row: CallDef): void => {
  if (!ipcReceives(row)) return;
  translateSpans(k, task, va, IPC_BLOCK_BYTES, "write");
  const blk = readIpcBlock(k, task, va);
  for (const b of buffers(k, task, blk.recvBuf, blk.recvBufTab, blk.recvBufCount)) if (b.words > 0) translateSpans(k, task, b.buf, 4 * b.words, "write");
};

const bytesOf = (words: readonly number[]): Uint8Array => {
  const b = new Uint8Array(4 * words.length);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
};

/**
 * A receiving call of the block at `va` completed with `words` and `refsReceived`: write the words into
 * the receive buffers in order, advance the recv part past what arrived (x86.md), and set al (receive
 * buffers left in the table), ah (reference slots left), ecx (words left in the current buffer), esi and
 * edi (the first two words received). Memory that stopped being writable while the call blocked loses
 * the data (the pointers were checked when the call was made).
 */
export const writeIpcResults = (k: Kernel, task: KTask, va: number, words: readonly number[], refsReceived: number, regs: KRegs): void => {
  let blk: IpcBlock;
  let bufs: Buf[];
  try {
    blk = readIpcBlock(k, task, va);
    bufs = buffers(k, task, blk.recvBuf, blk.recvBufTab, blk.recvBufCount);
  } catch {
    return;
  }
  let off = 0;
  for (const b of bufs) {
    const take = Math.min(b.words, words.length - off);
    if (take <= 0) break;
    try {
      writeTask(k, task, b.buf, bytesOf(words.slice(off, off + take)));
    } catch {
      // see above
    }
    off += take;
  }
  // the cursor: the first buffer with room left after the data (or the last one), and what is left of it
  let j = 0;
  let before = 0;
  while (j < bufs.length - 1 && before + bufs[j]!.words <= off) before += bufs[j++]!.words;
  const used = Math.min(off - before, bufs[j]!.words);
  const cur = { words: bufs[j]!.words - used, buf: (bufs[j]!.buf + 4 * used) >>> 0 };
  const bufsLeft = blk.recvBufCount - j;
  const refsLeft = Math.max(0, blk.recvRefCount - refsReceived);
  const recv = new Uint8Array(IPC_BLOCK_BYTES - F.recv_buf);
  const dv = new DataView(recv.buffer);
  dv.setUint32(0, cur.words, true);
  dv.setUint32(4, cur.buf, true);
  dv.setUint32(F.recv_buf_tab - F.recv_buf, (blk.recvBufTab + IPC_BUF_BYTES * j) >>> 0, true);
  dv.setUint32(F.recv_ref_tab - F.recv_buf, (blk.recvRefTab + 4 * Math.min(refsReceived, blk.recvRefCount)) >>> 0, true);
  try {
    writeTask(k, task, va + F.recv_buf_count, new Uint8Array([bufsLeft, refsLeft]));
    writeTask(k, task, va + F.recv_buf, recv);
  } catch {
    // see above
  }
  regs.eax = (bufsLeft & 0xff) | ((refsLeft & 0xff) << 8);
  regs.ecx = cur.words >>> 0;
  regs.esi = (words[0] ?? 0) >>> 0;
  regs.edi = (words[1] ?? 0) >>> 0;
};
