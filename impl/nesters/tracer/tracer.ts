// The tracer nester: it sits between its child (the process manager) and its parent's services and
// records every request and reply, forwarding everything unchanged (libnest/proxy.ts), so the traced
// program behaves as it would untraced. Its child's Parent port is a proxy of the tracer's own Parent
// port: Parent.get_* go to the real parent and the services they return (the memory pool, the file
// system, the console) come back wrapped, as do the services those hand out (each opened file, each
// sub-pool). Parent.wrap_keeper is answered here: for each new guest process the process manager hands
// over its keeper port and the task, and installs the tracer's keeper proxy instead (a native thread of
// the tracer per process, spawnKeeperProxy), which sees the guest's exceptions: the Linux system calls
// (int 0x80), faults and traps. Arguments are decoded with the guest's memory, read through a small
// window: a region of the tracer over the guest task, moved to the page wanted, mapped into the tracer.
// Every exchange becomes a TraceEvent (formats.ts) with the kernel's virtual time, given to `sink`.
// Above: the stack (impl/nesters/stack.ts). Below: libnest (interpose, proxy), procmgr's Linux tables.
import { FLUKE_PROT_READ, FLUKE_VM_MAX, FLUKE_VM_MIN, FAULT_KINDS } from "../../../spec/kernel-api/common.js";
import { FLUKE_EXC_REPLY_SET_REGS, trapExcCode } from "../../../spec/kernel-api/x86.js";
import { load, type Nest, type NestEnv } from "../libnest/env.js";
import { moveWindow, openWindow, type TaskWindow } from "../libnest/window.js";
import type { KeeperExchange, ProxyCall } from "../libnest/proxy.js";
import { interpose } from "../libnest/interpose.js";
import { errnoName } from "../procmgr/linux-errno.js";
import { signalOfTrap } from "../procmgr/procmgr.js";
import type { FieldKind } from "../protocol/codec.js";
import { quoteBytes, type TraceEvent } from "./formats.js";
import { decodeEntry, decodeExit, resultText, signalName, type DecodedCall } from "./linux.js";

export interface TracerConfig {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  readonly sink: (e: TraceEvent) => void;
  /** Interpose only on these protocols (default: all). A single proxy thread serves them all, so a
   *  tracer whose child makes long blocking calls (Process.wait) should not also carry its files. */
  readonly only?: readonly string[];
}

const INT80 = trapExcCode(0x80);
const INSANITY_BASE = 0x100, FAULT_BASE = 0x200, TRAP_BASE = 0x300;
const PAGE = 4096;
/** The guest-memory window: two pages, so a string that starts in the first page can run 4096 bytes. */
const WINDOW = 2 * PAGE;

/** A field value for the trace: byte strings abbreviated (length and a short quoted prefix). */
const fieldValue = (kind: FieldKind, v: unknown): unknown => {
  if (kind === "bytes") return quoteBytes(v as Uint8Array, 32);
  if (kind === "str") {
    const s = v as string;
    return s.length > 128 ? quoteBytes(Buffer.from(s, "latin1"), 128) : s;
  }
  return v;
};

const decodeFields = (codec: { fields: readonly (readonly [string, FieldKind])[]; decode: (w: readonly number[], at?: number) => Record<string, unknown> | null }, words: readonly number[], at: number): Record<string, unknown> => {
  const m = codec.decode(words, at);
  if (m === null) return { undecoded: words.slice(at).map((w) => w >>> 0) };
  const o: Record<string, unknown> = {};
  for (const [name, kind] of codec.fields) o[name] = fieldValue(kind, m[name]);
  return o;
};

export const statusName = (s: number): string | number => (s === 0 ? 0 : errnoName(s) ?? s);

/** A protocol exchange as an event. */
const protocolEvent = (c: ProxyCall): TraceEvent => {
  const m = c.method;
  const args = m === undefined ? { words: c.words.slice(1).map((w) => w >>> 0) } : decodeFields(m.req as never, c.words, 1);
  const result: Record<string, unknown> = { status: statusName(c.status) };
  if (c.status === 0 && m !== undefined) Object.assign(result, decodeFields(m.rep as never, c.reply, 0));
  const refs = c.out.map((o) => (typeof o === "string" ? o : o.label));
  if (refs.length > 0) result["refs"] = refs;
  return {
    t: c.start, dur: c.end - c.start, layer: m?.protocol ?? "unknown", call: m?.name ?? `method_0x${((c.words[0] ?? 0) >>> 0).toString(16)}`,
    target: c.port.label, args, result,
  };
};

/** Reads of a guest task's memory through a window of the tracer (libnest/window.ts), moved to the page wanted. */
class GuestWindow {
  private page = -1;
  constructor(readonly env: NestEnv, readonly w: TaskWindow) {}

  static *create(env: NestEnv, taskRef: number): Nest<GuestWindow | null> {
    const w = yield* openWindow(env, taskRef, FLUKE_VM_MIN, WINDOW, FLUKE_PROT_READ);
    return w === null ? null : new GuestWindow(env, w);
  }

  /** Up to `len` bytes of the guest at `addr` (fewer at the window's end); null when not readable now. */
  *read(addr: number, len: number): Nest<Uint8Array | null> {
    if (addr < FLUKE_VM_MIN || addr >= FLUKE_VM_MAX) return null;
    const page = Math.min(Math.floor(addr / PAGE) * PAGE, FLUKE_VM_MAX - WINDOW);
    if (page !== this.page) {
      if (!(yield* moveWindow(this.w, page))) return null;
      this.page = page;
    }
    const off = addr - page;
    return load(this.env, this.w.va + off, Math.min(len, WINDOW - off));
  }
}

/** The Linux layer of one process: its keeper exchanges as events. */
const keeperTracer = (env: NestEnv, pid: number, win: GuestWindow | null, sink: (e: TraceEvent) => void) => {
  const read = function* (addr: number, len: number): Nest<Uint8Array | null> {
    return win === null ? null : yield* win.read(addr, len);
  };
  let pending: DecodedCall | null = null;
  let lastExit: number | null = null;
  let ended = false;
  return {
    *before(words: readonly number[]): Nest<void> {
      pending = null;
      if ((words[0]! >>> 0) === INT80) {
        const regs = words.slice(3, 13).map((w) => w >>> 0);
        pending = yield* decodeEntry(regs[0]!, regs.slice(1, 7), read);
        // exit and exit_group never return: recorded now, because the manager's `stop` answer to the
        // forwarded call may not come back once it has destroyed the guest's thread (see the report)
        if (pending.name === "exit" || pending.name === "exit_group") {
          const t = env.k.sched.now, status = pending.raw[0]! & 0xff;
          sink({ t, dur: 0, pid, layer: "linux", call: pending.name, args: { nr: pending.nr, raw: pending.raw, decoded: pending.args }, result: { returned: false }, text: `${pending.name}(${pending.args.join(", ")}) = ?` });
          sink({ t, dur: 0, pid, layer: "linux", call: "exit", args: {}, result: { status }, text: `+++ exited with ${status} +++` });
          ended = true;
        }
      }
    },
    *after(x: KeeperExchange): Nest<void> {
      if (ended) return;
      const code = x.words[0]! >>> 0;
      const regs = x.words.slice(3, 13).map((w) => w >>> 0);
      const base = { t: x.start, dur: x.end - x.start, pid, layer: "linux" };
      if (code === INT80 && pending !== null) {
        const c = pending;
        const set = x.reply[0] === FLUKE_EXC_REPLY_SET_REGS && x.reply.length >= 11;
        const eax = set ? x.reply[1]! >>> 0 : null;
        if (eax !== null) yield* decodeExit(c, eax, read);
        if (c.name === "exit" || c.name === "exit_group") lastExit = c.raw[0]! & 0xff;
        const res = eax === null ? "?" : resultText(c.name, eax);
        sink({ ...base, call: c.name, args: { nr: c.nr, raw: c.raw, decoded: c.args }, result: eax === null ? { returned: false } : { eax, value: eax | 0 }, text: `${c.name}(${c.args.join(", ")}) = ${res}` });
      } else {
        let call: string, text: string, args: Record<string, unknown>;
        if (code >= FAULT_BASE && code < TRAP_BASE) {
          const kind = FAULT_KINDS[code - FAULT_BASE] ?? `kind ${code - FAULT_BASE}`;
          call = "fault";
          args = { code, kind, addr: x.words[1]! >>> 0, eip: regs[8] };
          text = `--- SIGSEGV {si_addr=0x${(x.words[1]! >>> 0).toString(16)}} (${kind} fault at eip 0x${regs[8]!.toString(16)}) ---`;
        } else if (code >= TRAP_BASE && code < TRAP_BASE + 256) {
          const v = code - TRAP_BASE;
          call = "trap";
          args = { code, vector: v, error: x.words[1]! >>> 0, eip: regs[8] };
          text = `--- ${signalName(signalOfTrap(v))} (trap vector ${v} at eip 0x${regs[8]!.toString(16)}) ---`;
        } else {
          call = code >= INSANITY_BASE && code < FAULT_BASE ? "insanity" : "exception";
          args = { code, word1: x.words[1]! >>> 0, eip: regs[8] };
          text = `--- exception 0x${code.toString(16)} at eip 0x${regs[8]!.toString(16)} ---`;
        }
        sink({ ...base, call, args, result: x.reply[0] === FLUKE_EXC_REPLY_SET_REGS ? { resumed: true, eip: x.reply[9]! >>> 0 } : { resumed: !x.last }, text });
        if (x.last && code >= FAULT_BASE && code < TRAP_BASE + 256) {
          const sig = code < TRAP_BASE ? 11 : signalOfTrap(code - TRAP_BASE);
          sink({ t: x.end, dur: 0, pid, layer: "linux", call: "exit", args: {}, result: { signal: signalName(sig) }, text: `+++ killed by ${signalName(sig)} +++` });
          return;
        }
      }
      if (x.last) {
        const text = lastExit !== null ? `+++ exited with ${lastExit} +++` : "+++ killed +++";
        sink({ t: x.end, dur: 0, pid, layer: "linux", call: "exit", args: {}, result: lastExit !== null ? { status: lastExit } : { signal: "?" }, text });
      }
    },
  };
};

export function* tracer(env: NestEnv, cfg: TracerConfig): Nest<void> {
  yield* interpose(env, {
    child: cfg.child,
    wraps: cfg.only === undefined ? undefined : (kind) => cfg.only!.includes(kind),
    observe: (c) => cfg.sink(protocolEvent(c)),
    keeper: function* (pid, task) {
      const win = yield* GuestWindow.create(env, task);
      const t = keeperTracer(env, pid, win, cfg.sink);
      return { before: t.before, after: t.after };
    },
  });
}
