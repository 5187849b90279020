// One gdb connection: the remote-protocol commands served while the debugged process is stopped, and
// the notices sent while it runs (console output, exit). `stopped` sends the stop reply (unless gdb has
// not asked yet), then answers packets (registers, memory, breakpoints, thread queries, the target
// description) until gdb resumes, kills or detaches; the caller turns that into the keeper's reply.
// Software breakpoints are int3 bytes written into the process (their original bytes are kept here and
// shown in memory reads). Malformed input never ends the session: a bad checksum is answered `-`, an
// unknown packet with an empty reply, a bad field with E01; only a closed connection (or gdb silent for
// `idleMs`) ends it, and the process then goes on undebugged.
// Above: debugger.ts. Below: packet.ts, registers.ts, link.ts.
import { appendFileSync } from "node:fs";
import type { Nest } from "../libnest/env.js";
import type { DebugLink } from "./link.js";
import { MAX_PACKET, PacketReader, fromHex, frame, hexNum, textHex, toHex, unescape, type PacketEvent } from "./packet.js";
import { TARGET_XML, allRegsHex, regHex, setAllRegsHex, setRegHex, type RegisterView } from "./registers.js";

/** The stopped thread, as the session may look at and change it. */
export interface StoppedThread {
  readonly pid: number;
  readonly view: RegisterView;
  read(addr: number, len: number): Nest<Uint8Array | null>;
  write(addr: number, bytes: Uint8Array): Nest<boolean>;
}

export type Resume =
  | { readonly kind: "continue" | "step"; readonly sig: number }
  | { readonly kind: "kill" }
  | { readonly kind: "detach" };

const INT3 = 0xcc;
/** FLUKE_DEBUG_RSP=FILE: every packet in and out is appended to FILE (for debugging the debugger). */
const TRACE = process.env["FLUKE_DEBUG_RSP"] || undefined;
/** Largest memory read answered at once (hex doubles it). */
const MAX_READ = (MAX_PACKET >> 1) - 16;

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, "0");

export class GdbSession {
  /** Inserted software breakpoints: address → the byte the int3 replaced. */
  readonly breakpoints = new Map<number, number>();
  /** "waiting": gdb has not asked for a stop reply yet; "running": it waits for one; "stopped"; "gone": detached or closed. */
  state: "waiting" | "running" | "stopped" | "gone" = "waiting";
  private readonly reader = new PacketReader();
  private readonly queue: PacketEvent[] = [];
  private noAck = false;
  private lastSent = "";
  private lastStop = "S05";
  /** An interrupt (0x03) arrived while the process ran. */
  interruptPending = false;

  constructor(readonly link: DebugLink, readonly opts: { readonly idleMs?: number; readonly log?: (line: string) => void } = {}) {}

  get active(): boolean {
    return this.state !== "gone";
  }

  /** Read what gdb sent meanwhile without waiting; true when an interrupt is pending (or the connection closed). */
  poll(): boolean {
    if (this.state === "gone") return false;
    const b = this.link.read(0);
    if (b === null) {
      this.gone("gdb closed the connection");
      return true;
    }
    for (const e of this.reader.feed(b)) {
      if (e.kind === "interrupt") this.interruptPending = true;
      else this.queue.push(e);
    }
    return this.interruptPending;
  }

  /** Console text for gdb's user (only while the process runs: gdb accepts `O` packets then). */
  note(text: string): void {
    this.opts.log?.(`fluke debugger: ${text.trimEnd()}`);
    if (this.state === "running") this.send(`O${textHex(text)}`);
  }

  /** The process ended (`W` exit code or `X` signal packet). */
  exited(reply: string): void {
    if (this.state === "running") this.send(reply);
    this.lastStop = reply;
    this.breakpoints.clear();
    this.state = "gone";
  }

  /** Serve gdb with the process stopped (stop reply `why`, e.g. "T05...") until it resumes it. */
  *stopped(t: StoppedThread, why: string): Nest<Resume> {
    this.interruptPending = false;
    this.lastStop = why;
    if (this.state === "running") this.send(why);
    if (this.state !== "gone") this.state = "stopped";
    for (;;) {
      const e = this.next();
      if (e === null) {
        yield* this.removeAll(t);
        return { kind: "detach" };
      }
      if (e.kind === "ack" || e.kind === "interrupt") continue;
      if (e.kind === "nak") {
        if (this.lastSent !== "") this.link.write(this.lastSent);
        continue;
      }
      if (e.kind === "bad") {
        if (!this.noAck) this.link.write(e.why === "checksum" ? "-" : "+");
        if (e.why === "too long") this.send("E01");
        continue;
      }
      if (!this.noAck) this.link.write("+");
      const r = yield* this.command(t, e.data);
      if (r !== null) {
        if (r.kind === "detach") yield* this.removeAll(t);
        this.state = r.kind === "continue" || r.kind === "step" ? "running" : "gone";
        // an interrupt that came right behind the resumption is for the running program
        const at = this.queue.findIndex((q) => q.kind === "interrupt");
        if (at >= 0 && this.state === "running") {
          this.queue.splice(at, 1);
          this.interruptPending = true;
        }
        return r;
      }
    }
  }

  private gone(why: string): void {
    if (this.state !== "gone") this.opts.log?.(`fluke debugger: ${why}; the program goes on`);
    this.state = "gone";
  }

  /** The next event from gdb; null when the connection is closed or gdb stayed silent too long. */
  private next(): PacketEvent | null {
    for (;;) {
      if (this.state === "gone") return null;
      const e = this.queue.shift();
      if (e !== undefined) return e;
      const b = this.link.read(this.opts.idleMs ?? Infinity);
      if (b === null) {
        this.gone("gdb closed the connection");
        return null;
      }
      if (b.length === 0) {
        this.gone("gdb was silent too long");
        return null;
      }
      if (TRACE !== undefined) appendFileSync(TRACE, `rsp< ${JSON.stringify(Buffer.from(b).toString("latin1").slice(0, 200))}\n`);
      this.queue.push(...this.reader.feed(b));
    }
  }

  private send(data: string): void {
    if (TRACE !== undefined) appendFileSync(TRACE, `rsp> ${JSON.stringify(data.slice(0, 200))}\n`);
    this.lastSent = frame(data);
    this.link.write(this.lastSent);
  }

  private *removeAll(t: StoppedThread): Nest<void> {
    for (const [addr, byte] of this.breakpoints) yield* t.write(addr, Uint8Array.of(byte));
    this.breakpoints.clear();
  }

  /** One command; a Resume when it lets the process go, else null (the reply is sent). */
  private *command(t: StoppedThread, p: string): Nest<Resume | null> {
    const reply = (s: string): null => {
      this.send(s);
      return null;
    };
    const c = p[0] ?? "";
    const body = p.slice(1);
    switch (c) {
      case "?": return reply(this.lastStop);
      case "g": return reply(allRegsHex(t.view));
      case "G": return reply(setAllRegsHex(t.view, body) ? "OK" : "E01");
      case "p": {
        const n = hexNum(body);
        const h = n === null ? null : regHex(t.view, n);
        return reply(h ?? "E01");
      }
      case "P": {
        const [n, v] = body.split("=");
        const r = hexNum(n ?? "");
        return reply(r !== null && v !== undefined && setRegHex(t.view, r, v) ? "OK" : "E01");
      }
      case "m": return reply(yield* this.readMem(t, body));
      case "M": case "X": return reply(yield* this.writeMem(t, body, c === "X"));
      case "Z": case "z": return reply(yield* this.breakpoint(t, c === "Z", body));
      case "c": case "s": case "C": case "S": {
        const [sigHex, addrHex] = c === "C" || c === "S" ? body.split(";") : ["", body];
        const sig = sigHex === "" ? 0 : hexNum(sigHex ?? "");
        const addr = addrHex === undefined || addrHex === "" ? undefined : hexNum(addrHex);
        if (sig === null || addr === null) return reply("E01");
        if (addr !== undefined) t.view.regs[8] = addr;
        return { kind: c === "c" || c === "C" ? "continue" : "step", sig };
      }
      case "H": return reply("OK");
      case "T": return reply(hexNum(body) === t.pid || body === "-1" || body === "0" ? "OK" : "E01");
      case "k": return { kind: "kill" };
      case "D":
        this.send("OK");
        return { kind: "detach" };
      case "q": case "Q":
        if (p === "QStartNoAckMode") {
          this.send("OK");
          this.noAck = true;
          return null;
        }
        return reply(this.query(t, p));
      case "v": {
        if (p === "vCont?") return reply("vCont;c;C;s;S");
        if (p.startsWith("vCont;")) {
          const a = p.slice(6).split(";")[0]!.split(":")[0]!;
          const k = a[0];
          const sig = a.length > 1 ? hexNum(a.slice(1)) : 0;
          if ((k !== "c" && k !== "s" && k !== "C" && k !== "S") || sig === null) return reply("E01");
          return { kind: k === "c" || k === "C" ? "continue" : "step", sig };
        }
        if (p.startsWith("vKill")) {
          this.send("OK");
          return { kind: "kill" };
        }
        return reply("");
      }
      default: return reply("");
    }
  }

  private query(t: StoppedThread, p: string): string {
    if (p.startsWith("qSupported")) return `PacketSize=${MAX_PACKET.toString(16)};qXfer:features:read+;swbreak+;QStartNoAckMode+;vContSupported+`;
    if (p === "qAttached" || p.startsWith("qAttached:")) return "1";
    if (p === "qC") return `QC${t.pid.toString(16)}`;
    if (p === "qfThreadInfo") return `m${t.pid.toString(16)}`;
    if (p === "qsThreadInfo") return "l";
    if (p === "qOffsets") return "Text=0;Data=0;Bss=0";
    if (p.startsWith("qSymbol")) return "OK";
    if (p.startsWith("qXfer:features:read:target.xml:")) {
      const [o, l] = p.slice("qXfer:features:read:target.xml:".length).split(",");
      const off = hexNum(o ?? ""), len = hexNum(l ?? "");
      if (off === null || len === null) return "E01";
      const chunk = TARGET_XML.slice(off, off + Math.min(len, MAX_READ));
      return (off + chunk.length >= TARGET_XML.length ? "l" : "m") + chunk;
    }
    if (p.startsWith("qXfer:features:read:")) return "E00";
    return "";
  }

  private *readMem(t: StoppedThread, body: string): Nest<string> {
    const [a, l] = body.split(",");
    const addr = hexNum(a ?? ""), len = hexNum(l ?? "");
    if (addr === null || len === null) return "E01";
    const n = Math.min(len, MAX_READ);
    const bytes = yield* t.read(addr, n);
    if (bytes === null || (bytes.length === 0 && n > 0)) return "E14";
    const shown = Uint8Array.from(bytes);
    for (const [at, orig] of this.breakpoints) if (at >= addr && at < addr + shown.length) shown[at - addr] = orig;
    return toHex(shown);
  }

  private *writeMem(t: StoppedThread, body: string, binary: boolean): Nest<string> {
    const colon = body.indexOf(":");
    if (colon < 0) return "E01";
    const [a, l] = body.slice(0, colon).split(",");
    const addr = hexNum(a ?? ""), len = hexNum(l ?? "");
    const data = body.slice(colon + 1);
    const bytes = binary ? Uint8Array.from(Buffer.from(unescape(data), "latin1")) : fromHex(data);
    if (addr === null || len === null || bytes === null || bytes.length !== len) return "E01";
    if (len === 0) return "OK";
    // a write over an inserted breakpoint changes the byte it will restore, and keeps the int3
    const put = Uint8Array.from(bytes);
    for (const [at] of this.breakpoints) {
      if (at >= addr && at < addr + len) {
        this.breakpoints.set(at, put[at - addr]!);
        put[at - addr] = INT3;
      }
    }
    return (yield* t.write(addr, put)) ? "OK" : "E14";
  }

  private *breakpoint(t: StoppedThread, insert: boolean, body: string): Nest<string> {
    const [type, a] = body.split(",");
    if (type !== "0") return ""; // only software breakpoints
    const addr = hexNum(a ?? "");
    if (addr === null) return "E01";
    if (insert) {
      if (this.breakpoints.has(addr)) return "OK";
      const orig = yield* t.read(addr, 1);
      if (orig === null || orig.length < 1) return "E14";
      if (!(yield* t.write(addr, Uint8Array.of(INT3)))) return "E14";
      this.breakpoints.set(addr, orig[0]!);
      return "OK";
    }
    const orig = this.breakpoints.get(addr);
    if (orig === undefined) return "OK";
    this.breakpoints.delete(addr);
    return (yield* t.write(addr, Uint8Array.of(orig))) ? "OK" : "E14";
  }
}

/** A stop reply: signal `sig`, thread `tid`, and `extra` fields such as "swbreak:;". */
export const stopReply = (sig: number, tid: number, extra = ""): string => `T${hex2(sig)}thread:${tid.toString(16)};${extra}`;
