// Initial stack: a hand-computed small case, the stack sort would get, and a property over random
// arguments and stack tops; each image is parsed back from its bytes alone (argc, every pointer and
// string, the auxv, AT_RANDOM, AT_PLATFORM, AT_EXECFN, alignment and Linux's placement order).
// Above: vitest. Below: initstack.ts, layout.ts, elf.ts, guest-binaries.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseElf } from "./elf.js";
import { readGuestBinary } from "./guest-binaries.js";
import { AT, CPUID_EDX, I386_HWCAP, MAX_ARG_STRLEN, PLATFORM, atRandomBytes, buildInitialStack, type InitialStack, type StackInput } from "./initstack.js";
import { STACK_TOP, planProcess } from "./layout.js";
import { ERRNO } from "./linux-errno.js";
import type { Result } from "./result.js";
import { fuzzSeed } from "./seed.js";

const must = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** What a guest sees at ESP, read from the bytes with no help from the builder. */
interface Parsed { argc: number; argv: number[]; envp: number[]; auxv: [number, number][]; end: number }

interface Reader { word: (a: number) => number; str: (a: number) => number[]; bytes: (a: number, n: number) => Uint8Array }

const parseStack = (image: Uint8Array, sp: number): Parsed & Reader => {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const word = (a: number): number => view.getUint32(a - sp, true);
  const bytes = (a: number, n: number): Uint8Array => image.subarray(a - sp, a - sp + n);
  /** The C string at a, as its bytes. */
  const str = (a: number): number[] => [...image.subarray(a - sp, image.indexOf(0, a - sp))];
  const argc = word(sp);
  let a = sp + 4;
  const list = (): number[] => { const out: number[] = []; for (let w = word(a); w !== 0; w = word((a += 4))) out.push(w); a += 4; return out; };
  const argv = list(), envp = list();
  const auxv: [number, number][] = [];
  for (;;) { const t = word(a), v = word(a + 4); a += 8; auxv.push([t, v]); if (t === AT.NULL) break; }
  return { argc, argv, envp, auxv, end: a, word, str, bytes };
};

const LINUX_AUXV_ORDER = [
  AT.HWCAP, AT.PAGESZ, AT.CLKTCK, AT.PHDR, AT.PHENT, AT.PHNUM, AT.BASE, AT.FLAGS, AT.ENTRY, AT.UID, AT.EUID, AT.GID, AT.EGID,
  AT.SECURE, AT.RANDOM, AT.HWCAP2, AT.EXECFN, AT.PLATFORM, AT.NULL,
];
const image = { phdr: 0x5655_5034, phent: 32, phnum: 11, base: 0xb7fc_b000, entry: 0x5655_a670 };
const input = (over: Partial<StackInput>): StackInput => ({ stackTop: STACK_TOP, argv: ["a"], envp: [], execfn: "/x", image, randomSeed: 7, ...over });

/** Every check that holds for any input: pointers, strings, order, alignment, auxv values. */
const checkStack = (inp: StackInput, st: InitialStack): void => {
  const p = parseStack(st.image, st.sp);
  const argv = inp.argv.length === 0 ? [""] : inp.argv;
  const enc = (s: string | Uint8Array): number[] => [...(typeof s === "string" ? new TextEncoder().encode(s) : s)];
  expect(st.sp % 16).toBe(0);
  expect(st.sp + st.image.length).toBe(inp.stackTop);
  expect(p.argc).toBe(argv.length);
  expect(p.argv.map(p.str)).toEqual(argv.map(enc));
  expect(p.envp.map(p.str)).toEqual(inp.envp.map(enc));
  expect(p.auxv.map(([t]) => t)).toEqual(LINUX_AUXV_ORDER);
  const aux = new Map(p.auxv);
  expect(p.str(aux.get(AT.EXECFN)!)).toEqual(enc(inp.execfn));
  expect(p.str(aux.get(AT.PLATFORM)!)).toEqual(enc(PLATFORM));
  expect([...p.bytes(aux.get(AT.RANDOM)!, 16)]).toEqual([...atRandomBytes(inp.randomSeed)]);
  const values = [AT.PHDR, AT.PHENT, AT.PHNUM, AT.BASE, AT.ENTRY, AT.HWCAP, AT.PAGESZ, AT.CLKTCK, AT.FLAGS, AT.SECURE, AT.HWCAP2, AT.UID].map((t) => aux.get(t));
  const im = inp.image;
  expect(values).toEqual([im.phdr, im.phent, im.phnum, im.base, im.entry, I386_HWCAP, 4096, 100, 0, 0, 0, 0]);
  // Linux's order upwards: tables, padding < 16, random, platform, padding < 16, argv strings, env strings, execfn, zero word.
  const random = aux.get(AT.RANDOM)!, platform = aux.get(AT.PLATFORM)!, execfn = aux.get(AT.EXECFN)!;
  expect(random - p.end).toBeGreaterThanOrEqual(0);
  expect(random - p.end).toBeLessThan(16);
  expect(platform).toBe(random + 16);
  const strings = [...p.argv, ...p.envp, execfn];
  expect(platform + PLATFORM.length + 1).toBe(strings[0]! - (strings[0]! % 16));
  for (let i = 1; i < strings.length; i++) expect(strings[i]).toBe(strings[i - 1]! + p.str(strings[i - 1]!).length + 1);
  expect(execfn + enc(inp.execfn).length + 1).toBe(inp.stackTop - 4);
  expect(p.word(inp.stackTop - 4)).toBe(0);
};

describe("procmgr initstack", () => {
  it("matches a hand-computed image for argv [\"a\"], no environment, execfn /x", () => {
    const st = must(buildInitialStack(input({})));
    expect([st.sp, st.argv[0], st.execfn, st.platform, st.random]).toEqual([0xbfff_ff30, 0xbfff_fff7, 0xbfff_fff9, 0xbfff_ffeb, 0xbfff_ffdb]);
    expect(st.image.length).toBe(0xd0);
    checkStack(input({}), st);
  });
  it("builds the stack sort gets from the planned image", () => {
    const sort = must(parseElf(readGuestBinary("sort")));
    const plan = must(planProcess(sort, must(parseElf(readGuestBinary("ldso")))));
    const envp = ["PATH=/usr/bin:/bin", "LANG=C", "HOME=/"];
    const inp = input({ argv: ["sort", "-n", "data.txt"], envp, execfn: "/usr/bin/sort", image: plan.auxv, randomSeed: 1996 });
    const st = must(buildInitialStack(inp));
    checkStack(inp, st);
    const aux = new Map(st.auxv);
    expect(aux.get(AT.ENTRY)).toBe(0x5655_5000 + sort.entry);
    expect(aux.has(AT.SYSINFO) || aux.has(AT.SYSINFO_EHDR)).toBe(false);
  });
  it("keeps every pointer and string right for random arguments, environments and stack tops", () => {
    const seed = fuzzSeed("initstack round trip");
    const text = fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => !s.includes("\0"));
    const bytes = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => b.map((x) => (x === 0 ? 1 : x)));
    const arb = fc.record({
      argv: fc.array(fc.oneof(text, bytes), { maxLength: 8 }),
      envp: fc.array(fc.oneof(text, bytes), { maxLength: 8 }),
      execfn: text,
      top: fc.integer({ min: 0x1000, max: 0xc000_0000 / 16 }).map((n) => n * 16),
      randomSeed: fc.integer({ min: 0, max: 0xffff_ffff }),
    });
    fc.assert(fc.property(arb, (r) => {
      const inp = input({ argv: r.argv, envp: r.envp, execfn: r.execfn, stackTop: r.top, randomSeed: r.randomSeed });
      checkStack(inp, must(buildInitialStack(inp)));
    }), { seed, numRuns: 200 });
  });
});

describe("procmgr initstack: limits, AT_RANDOM, AT_HWCAP", () => {
  it("gives an empty argv[0] when there are no arguments, as Linux 5.18+", () => {
    const st = must(buildInitialStack(input({ argv: [] })));
    expect(st.argv.length).toBe(1);
    checkStack(input({ argv: [] }), st);
  });
  it("refuses oversized and malformed arguments with Linux's errno", () => {
    const err = (inp: StackInput): [string, number] => { const r = buildInitialStack(inp); return r.ok ? ["ok", 0] : [r.error.code, r.error.errno]; };
    expect(err(input({ argv: ["x".repeat(MAX_ARG_STRLEN)] }))).toEqual(["arg-too-long", ERRNO.E2BIG]);
    expect(err(input({ argv: ["x".repeat(MAX_ARG_STRLEN - 1)] }))).toEqual(["ok", 0]);
    expect(err(input({ envp: Array.from({ length: 20 }, () => "y".repeat(120_000)) }))).toEqual(["args-too-big", ERRNO.E2BIG]);
    expect(err(input({ envp: Array.from({ length: 20 }, () => "y".repeat(120_000)), stackLimit: 64 << 20 }))).toEqual(["ok", 0]);
    const huge = Array.from({ length: 60 }, () => "z".repeat(120_000));
    expect(err(input({ envp: huge, stackLimit: 1 << 30 }))).toEqual(["args-too-big", ERRNO.E2BIG]);
    expect(err(input({ argv: ["a\0b"] }))).toEqual(["embedded-nul", ERRNO.EINVAL]);
    expect(err(input({ stackTop: 0xbfff_fff8 }))).toEqual(["bad-stack-top", ERRNO.EINVAL]);
  });
  it("derives AT_RANDOM deterministically from the seed", () => {
    expect([...atRandomBytes(42)]).toEqual([...atRandomBytes(42)]);
    const seen = new Set(Array.from({ length: 256 }, (_, i) => Buffer.from(atRandomBytes(i)).toString("hex")));
    expect(seen.size).toBe(256);
    expect(new Set(atRandomBytes(0)).size).toBeGreaterThan(8);
  });
  it("advertises a P6 with FPU, TSC, CX8 and CMOV and no MMX or SSE", () => {
    expect(I386_HWCAP).toBe(0x8111);
    expect(I386_HWCAP & (CPUID_EDX.MMX | CPUID_EDX.FXSR | CPUID_EDX.SSE | CPUID_EDX.SSE2)).toBe(0);
  });
});
