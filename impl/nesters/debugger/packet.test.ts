// The remote-protocol framing (packet.ts) and the command layer (session.ts) without a system: checksums,
// escaping, run-length expansion, the byte-stream reader fed whole, byte by byte and with hostile input
// (fast-check), and a session driven by a scripted link over a fake stopped thread: acks, `-` on a bad
// checksum, retransmission on `-`, empty replies to unknown packets, E01 on bad fields, registers,
// memory with breakpoints shown as the original bytes, and the resumptions.
// Above: the test runner. Below: packet.ts, session.ts, registers.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Nest } from "../libnest/env.js";
import type { DebugLink } from "./link.js";
import { MAX_PACKET, PacketReader, checksum, escape, expandRuns, frame, fromHex, hexNum, unescape } from "./packet.js";
import { GdbSession, stopReply, type Resume, type StoppedThread } from "./session.js";
import { TARGET_XML } from "./registers.js";

const seed = process.env["FLUKE_SEED"] === undefined ? Date.now() % 1e9 : Number(process.env["FLUKE_SEED"]);

describe("packet framing", () => {
  it("checksums, frames and escapes as the protocol says", () => {
    expect(checksum("OK")).toBe(0x9a);
    expect(frame("OK")).toBe("$OK#9a");
    expect(frame("")).toBe("$#00");
    expect(escape("a#b$c}d*e")).toBe("a}\x03b}\x04c}]d}\x0ae");
    expect(unescape(escape("a#b$c}d*e"))).toBe("a#b$c}d*e");
    expect(frame("#")).toBe(`$}\x03#${(0x7d + 0x03).toString(16)}`);
  });

  it("expands run-length encoding and refuses malformed runs", () => {
    expect(expandRuns("0* ")).toBe("0000"); // ' ' = 32: 3 more
    expect(expandRuns("x*!y")).toBe("xxxxxy"); // '!' = 33: 4 more
    expect(expandRuns("*a")).toBeNull();
    expect(expandRuns("a*")).toBeNull();
    expect(expandRuns("a*\x01")).toBeNull();
  });

  it("reads packets, acks, naks and interrupts from a byte stream, split anywhere", () => {
    const rle = `$0* #${checksum("0* ").toString(16)}`; // run-length encoded: not escaped on the wire
    const wire = `+${frame("qSupported:x+")}-\x03${frame("m1000,4")}junk${rle}`;
    const want = [
      { kind: "ack" }, { kind: "packet", data: "qSupported:x+" }, { kind: "nak" }, { kind: "interrupt" },
      { kind: "packet", data: "m1000,4" }, { kind: "packet", data: "0000" },
    ];
    expect(new PacketReader().feed(wire)).toEqual(want);
    const r = new PacketReader();
    expect([...wire].flatMap((c) => r.feed(c))).toEqual(want);
  });

  it("reports bad checksums, bad checksum digits, and over-long packets, then goes on", () => {
    const r = new PacketReader();
    expect(r.feed("$OK#00")).toEqual([{ kind: "bad", why: "checksum" }]);
    expect(r.feed("$OK#zz")).toEqual([{ kind: "bad", why: "checksum" }]);
    expect(r.feed(`$${"A".repeat(MAX_PACKET + 10)}#00`)).toEqual([{ kind: "bad", why: "too long" }]);
    expect(r.feed("$m10$OK#9a")).toEqual([{ kind: "packet", data: "OK" }]); // a cut-short packet restarts
  });

  it("never throws on arbitrary bytes, and a good packet after them is still read", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }), (junk, data) => {
        const r = new PacketReader();
        r.feed(junk);
        // whatever state the junk left, a `$` restarts and the packet comes through whole
        const clean = data.replace(/[^\x20-\x7e]/g, "");
        const evs = r.feed(frame(clean));
        return evs.some((e) => e.kind === "packet" && unescape(e.data) === clean);
      }),
      { seed, numRuns: 300 },
    );
  });

  it("hex fields", () => {
    expect(hexNum("ffffffff")).toBe(0xffffffff);
    expect(hexNum("")).toBeNull();
    expect(hexNum("123456789")).toBeNull();
    expect(hexNum("zz")).toBeNull();
    expect(fromHex("0aff")).toEqual(Uint8Array.of(10, 255));
    expect(fromHex("abc")).toBeNull();
    expect(fromHex("zz")).toBeNull();
  });
});

/** A link that plays `input` chunks and records what is written. */
const scripted = (input: string[]): DebugLink & { out: string[] } => {
  const out: string[] = [];
  return {
    port: 0, out, onBetweenSlices: null,
    read: () => (input.length === 0 ? null : Uint8Array.from(Buffer.from(input.shift()!, "latin1"))),
    connected: () => true,
    write: (b) => void out.push(b),
    betweenSlices: () => {},
    close: async () => {},
  };
};

/** Run a Nest generator that makes no kernel calls. */
const runNest = <T>(g: Nest<T>): T => {
  const r = g.next();
  if (r.done !== true) throw new Error("unexpected kernel call");
  return r.value;
};

const fakeThread = (): StoppedThread & { mem: Uint8Array } => {
  const mem = new Uint8Array(0x100).map((_, i) => i);
  const base = 0x1000;
  return {
    pid: 2, mem,
    view: { regs: [1, 2, 3, 4, 5, 6, 7, 0x1ff0, base + 0x10, 0x202], selectors: [0x73, 0x7b, 0x7b, 0x7b, 0, 0x33], fpu: null },
    *read(addr, len) {
      if (addr < base || addr >= base + mem.length) return null;
      return mem.slice(addr - base, Math.min(addr - base + len, mem.length));
    },
    *write(addr, bytes) {
      if (addr < base || addr + bytes.length > base + mem.length) return false;
      mem.set(bytes, addr - base);
      return true;
    },
  };
};

/** Replies (packet data) in what the session wrote, acks dropped. */
const replies = (out: string[]): string[] => out.filter((s) => s.startsWith("$")).map((s) => unescape(s.slice(1, s.lastIndexOf("#"))));

describe("session", () => {
  it("answers queries, registers, memory and breakpoints, and survives malformed packets", () => {
    const t = fakeThread();
    const link = scripted([
      "$qSupported#00", // bad checksum
      frame("qSupported:swbreak+"), frame("vMustReplyEmpty"), frame("?"), frame("qC"), frame("qfThreadInfo"), frame("qsThreadInfo"),
      frame("qAttached"), frame("g"), frame("p8"), frame("pzz"), frame("p99"), frame("P0=2a000000"), frame("P0=zz"),
      frame("m1000,4"), frame("mzz,4"), frame("m0,4"), frame("M1002,2:abcd"), frame("M1002,2:zz"), frame("M1002,3:abcd"),
      frame("Z0,1010,1"), frame("m1010,1"), frame("Z1,1010,1"), frame("Z0,9999,1"), "-",
      frame("qXfer:features:read:target.xml:0,20"), frame("qFooBar"), frame("vCont?"), frame("vCont;s:2"),
    ]);
    const s = new GdbSession(link);
    const r: Resume = runNest(s.stopped(t, stopReply(5, 2)));
    expect(r).toEqual({ kind: "step", sig: 0 });
    expect(link.out[0]).toBe("-");
    const rep = replies(link.out);
    expect(rep.slice(0, 7)).toEqual([
      "PacketSize=4000;qXfer:features:read+;swbreak+;QStartNoAckMode+;vContSupported+", "", "T05thread:2;", "QC2", "m2", "l", "1",
    ]);
    expect(rep[7]!.slice(0, 16)).toBe("0100000003000000"); // eax, ecx
    expect(rep[7]!.length).toBe(16 * 8 + 8 * 20 + 8 * 8);
    expect(rep[7]!.slice(16 * 8, 16 * 8 + 20)).toBe("x".repeat(20)); // st0 unavailable without an FPU
    expect(rep.slice(8, 13)).toEqual(["10100000", "E01", "E01", "OK", "E01"]);
    expect(t.view.regs[0]).toBe(42);
    expect(rep.slice(13, 19)).toEqual(["00010203", "E01", "E14", "OK", "E01", "E01"]);
    expect(t.mem[2]).toBe(0xab);
    expect(rep.slice(19, 23)).toEqual(["OK", "10", "", "E14"]); // breakpoint read back shows the original byte
    expect(t.mem[0x10]).toBe(0xcc);
    expect(rep[23]).toBe("E14"); // retransmitted after "-"
    expect(rep[24]).toBe(`m${TARGET_XML.slice(0, 0x20)}`);
    expect(rep.slice(25, 27)).toEqual(["", "vCont;c;C;s;S"]);
    expect(s.breakpoints.get(0x1010)).toBe(0x10);
  });

  it("continues with a signal, detaches removing its breakpoints, and treats a closed link as a detach", () => {
    const t = fakeThread();
    const link = scripted([frame("Z0,1020,1"), frame("C0b")]);
    const s = new GdbSession(link);
    expect(runNest(s.stopped(t, stopReply(11, 2)))).toEqual({ kind: "continue", sig: 11 });
    expect(s.state).toBe("running");
    const d = new GdbSession(scripted([frame("Z0,1030,1"), frame("D")]));
    expect(runNest(d.stopped(t, "T05"))).toEqual({ kind: "detach" });
    expect(t.mem[0x30]).toBe(0x30); // the int3 is gone again
    const gone = new GdbSession(scripted([frame("Z0,1040,1")]));
    expect(runNest(gone.stopped(t, "T05"))).toEqual({ kind: "detach" });
    expect(t.mem[0x40]).toBe(0x40);
    expect(gone.active).toBe(false);
  });

  it("kills on k and vKill, and stops acking after QStartNoAckMode", () => {
    const t = fakeThread();
    const link = scripted([frame("QStartNoAckMode"), frame("g"), frame("vKill;2")]);
    expect(runNest(new GdbSession(link).stopped(t, "T05"))).toEqual({ kind: "kill" });
    expect(link.out.filter((o) => o === "+").length).toBe(1); // only QStartNoAckMode itself was acked
    expect(runNest(new GdbSession(scripted([frame("k")])).stopped(t, "T05"))).toEqual({ kind: "kill" });
  });
});
