// Unit tests of the differential tester's own parts that decide what is compared (no oracle needed):
// the oracle record decoding (protocol.ts), the comparer's inconclusive rule (compare.ts), the
// generator's 16-bit-addressing encodings (generator.ts), the random-encoding filter
// (random-cases.ts) and the oracle batching (oracle.ts).
import { describe, expect, it } from "vitest";
import { Cpu } from "../cpu.js";
import { Insn } from "../insn.js";
import { decode } from "../decoder.js";
import { PERM_R, PERM_X } from "../tlb.js";
import { compareOutcome } from "./compare.js";
import { generate, type Rng } from "./generator.js";
import { batches } from "./oracle.js";
import { OUT_SIZE, decodeOutcome, type Case, type Outcome } from "./protocol.js";
import { randomCode } from "./random-cases.js";

/** an oracle record: signal, error code, cr2, si_code */
function record(signo: number, err: number, cr2: number, siCode: number): Buffer {
  const b = Buffer.alloc(OUT_SIZE);
  b.writeUInt32LE(0xc00fff, 4 * 9);
  b.writeUInt32LE(err, 4 * 11);
  b.writeUInt32LE(cr2, 4 * 12);
  b.writeUInt32LE(signo, 4 * 13);
  b.writeUInt32LE(siCode, 4 * 15);
  return b;
}

describe("oracle record decoding", () => {
  it("a #GP(selector) with TI set is not a #PF although bit 2 of its error code is set", () => {
    // POP ES of 0xfa1c under qemu-i386: SIGSEGV, err 0xfa1c, si_code SI_KERNEL, stale cr2
    const o = decodeOutcome(record(11, 0xfa1c, 0xc01000, 0x80), 0);
    expect([o.signo, o.pf, o.cr2]).toEqual([11, 0, 0]);
  });
  it("a user-mode #PF is decoded with its kind and address", () => {
    expect([decodeOutcome(record(11, 6, 0xa01000, 1), 0).pf, decodeOutcome(record(11, 6, 0xa01000, 1), 0).cr2]).toEqual([2, 0xa01000]);
    expect(decodeOutcome(record(11, 7, 0x809524d, 2), 0).pf).toBe(2);
    expect(decodeOutcome(record(11, 4, 0xc01000, 1), 0).pf).toBe(1);
  });
});

function outcome(over: Partial<Outcome>): Outcome {
  return {
    regs: [0, 0, 0, 0, 0xb00f80, 0, 0, 0], eflags: 0x202, eip: 0xc00ff9, signo: 11, pf: 1, cr2: 0, dirty: 0,
    data: new Uint8Array(256), stack: new Uint8Array(256), ...over,
  };
}

describe("comparer", () => {
  const c: Case = { group: "random", name: "random", undef: 0xfff, regs: [], eflags: 0x202, code: [0x81, 0x52, 0x79, 0x14, 0xb5, 0xb7, 0xf7], dataSeed: 0, stackSeed: 0 };
  it("a fault of this CPU outside the test pages that the oracle reports differently is inconclusive", () => {
    // ADC on the oracle's own read-only text: write fault there, page not present here
    expect(compareOutcome(c, outcome({ pf: 2, cr2: 0x809524d }), outcome({ pf: 1, cr2: 0x809524d }))).toEqual([]);
    // CMPSD: ES:EDI is mapped in the oracle (qemu's guest stack), so it faults on DS:ESI instead
    expect(compareOutcome(c, outcome({ cr2: 0xc5524e7d }), outcome({ cr2: 0x406d6947 }))).toEqual([]);
  });
  it("a timeout on either side is inconclusive (this CPU's per-case budget, or the oracle's timer)", () => {
    // LOOPNE to itself with a large ECX: qemu finishes and faults on the next page, this CPU hits its budget
    const faulted = outcome({ signo: 11, pf: 1, cr2: 0xc01000, eip: 0xc01000 });
    expect(compareOutcome(c, faulted, outcome({ signo: 14, pf: 0, eip: 0xc00ffe }))).toEqual([]);
    expect(compareOutcome(c, outcome({ signo: 14, pf: 0 }), faulted)).toEqual([]);
  });
  it("a different fault inside the test pages is still a mismatch", () => {
    expect(compareOutcome(c, outcome({ pf: 2, cr2: 0xa01000 }), outcome({ pf: 1, cr2: 0xa01000 }))).toEqual(["#PF 2@0xa01000 != 1@0xa01000"]);
    expect(compareOutcome(c, outcome({ pf: 1, cr2: 0x406d6947 }), outcome({ pf: 1, cr2: 0xa01000 }))).toHaveLength(1);
  });
});

describe("generator", () => {
  it("a 16-bit-addressing memory operand carries exactly its displacement (one instruction per case)", () => {
    const cpu = new Cpu(), page = new Uint8Array(4096);
    cpu.mapPage(1, page, 0, PERM_R | PERM_X);
    let checked = 0;
    for (const c of generate(105, 6)) {
      if (c.group === "pairs" || c.group === "random" || c.group === "string" || c.name.startsWith("popf")) continue;
      const at = c.code.findIndex((b) => b !== 0x66 && b !== 0x26 && b !== 0x2e && b !== 0x36 && b !== 0x3e && b !== 0xf0);
      if (c.code[at] !== 0x67) continue;
      page.fill(0);
      page.set(c.code);
      const i = new Insn();
      decode(cpu, 0x1000, i);
      expect([c.name, i.len]).toEqual([c.name, c.code.length]);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});

/** an Rng replaying scripted choices: chance() answers, pick() takes the listed value, int() bytes */
function scripted(chances: boolean[], pickValue: number, ints: number[]): Rng {
  let c = 0, k = 0;
  return {
    chance: () => chances[c++] ?? false,
    pick: <T>(a: readonly T[]) => a.find((v) => v === (pickValue as unknown as T)) as T,
    int: () => ints[k++] ?? 0,
    next: () => 0,
  } as unknown as Rng;
}

describe("random encodings", () => {
  // 66 0F AC/A4 modrm imm8: one 0x66 prefix, then a two-byte opcode
  const code = (op: number, imm: number): number[] | null => randomCode(scripted([true, false, true], 0x66, [op, 0xcb, imm]));
  it("16-bit SHLD/SHRD by an immediate above 16 are left out (undefined result)", () => {
    expect(code(0xac, 0xd8)).toBeNull();
    expect(code(0xa4, 0x11)).toBeNull();
  });
  it("16-bit SHLD/SHRD by an immediate up to 16 are kept", () => {
    expect(code(0xac, 0x10)).toEqual([0x66, 0x0f, 0xac, 0xcb, 0x10]);
    expect(code(0xa4, 0x2f)).toEqual([0x66, 0x0f, 0xa4, 0xcb, 0x2f]);
  });
});

describe("oracle batches", () => {
  it("never mix groups and respect the size", () => {
    const cases = ["a", "a", "a", "b", "c", "c", "c", "c", "c"].map((group, n) => ({ group, n }));
    const b = batches(cases, 3);
    expect(b.map((x) => x.map((y) => y.n))).toEqual([[0, 1, 2], [3], [4, 5, 6], [7, 8]]);
    for (const x of b) expect(new Set(x.map((y) => y.group)).size).toBe(1);
  });
});
