// Fuzzing process start: random bytes, and real ELF headers (sort, ld.so, a synthetic ET_EXEC) with
// random bytes and words overwritten and random truncations, go through parseElf, then planProcess and
// buildInitialStack when parsing succeeds. No input may make any of them throw; a refusal must be
// ENOEXEC from the parser; an accepted file must satisfy everything the parser promises, and an
// accepted plan must stay inside user space with the program and interpreter apart.
// Above: vitest. Below: elf.ts, layout.ts, initstack.ts, guest-binaries.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLUKE_VM_MIN } from "../../../spec/kernel-api/common.js";
import { ELF_HEADER_SIZE, PHDR_SIZE, USER_LIMIT, parseElf, type ElfFile } from "./elf.js";
import { readGuestBinary } from "./guest-binaries.js";
import { buildInitialStack } from "./initstack.js";
import { STACK_TOP, planProcess } from "./layout.js";
import { ERRNO } from "./linux-errno.js";
import { fuzzSeed } from "./seed.js";
import { baselineElf, buildElf } from "./test-elf.js";

const INTERESTING = [0, 1, 2, 3, 4, 0x20, 0x34, 0xfff, 0x1000, 0x1001, 0x7fff_ffff, 0x8000_0000, 0xbfff_f000, 0xc000_0000, 0xffff_ffff, 0xffff_f000];

/** What the parser promises about a file it accepts. */
const checkAccepted = (file: Uint8Array, elf: ElfFile): void => {
  elf.loads.forEach((p, i) => {
    expect(p.filesz).toBeLessThanOrEqual(p.memsz);
    expect(p.vaddr + p.memsz).toBeLessThanOrEqual(USER_LIMIT);
    expect(p.offset + p.filesz).toBeLessThanOrEqual(file.length);
    if (i > 0) expect(p.vaddr).toBeGreaterThanOrEqual(elf.loads[i - 1]!.vaddr + elf.loads[i - 1]!.memsz);
  });
  expect(elf.loads.some((p) => p.vaddr <= elf.entry && elf.entry < p.vaddr + p.memsz)).toBe(true);
  if (elf.interp !== null) expect(elf.interp.length > 0 && !elf.interp.includes("\0")).toBe(true);
};

/** Parse, and if accepted plan and build a stack; assert the outcome is well-formed. Throws only via expect. */
const exercise = (file: Uint8Array, interp: ElfFile): void => {
  const r = parseElf(file);
  if (!r.ok) {
    expect(r.error.errno).toBe(ERRNO.ENOEXEC);
    expect(r.error.message.startsWith("ELF: ")).toBe(true);
    return;
  }
  checkAccepted(file, r.value);
  const plan = planProcess(r.value, r.value.interp === null ? null : interp);
  if (!plan.ok) {
    expect(plan.error.message.length).toBeGreaterThan(0);
    return;
  }
  const images = [plan.value.program, ...(plan.value.interp === null ? [] : [plan.value.interp])];
  for (const im of images) expect([im.start >= FLUKE_VM_MIN, im.end <= USER_LIMIT]).toEqual([true, true]);
  if (images.length === 2) expect(images[0]!.end <= images[1]!.start || images[1]!.end <= images[0]!.start).toBe(true);
  const st = buildInitialStack({ stackTop: STACK_TOP, argv: ["prog"], envp: [], execfn: "/prog", image: plan.value.auxv, randomSeed: 1 });
  expect(st.ok).toBe(true);
};

/** Overwrites of bytes and little-endian words inside the first `span` bytes, then maybe a truncation. */
const mutation = (span: number) => fc.record({
  bytes: fc.array(fc.tuple(fc.nat(span - 1), fc.nat(255)), { maxLength: 6 }),
  words: fc.array(fc.tuple(fc.nat(span - 4), fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(0xffff_ffff))), { maxLength: 4 }),
  cut: fc.option(fc.nat(0x2_0000), { freq: 4 }),
});

const mutate = (base: Uint8Array, m: { bytes: [number, number][]; words: [number, number][]; cut: number | null }): Uint8Array => {
  const b = base.slice();
  const view = new DataView(b.buffer);
  for (const [at, v] of m.bytes) b[at] = v;
  for (const [at, v] of m.words) view.setUint32(at, v >>> 0, true);
  return m.cut === null ? b : b.subarray(0, Math.min(m.cut, b.length));
};

describe("procmgr elf fuzz", () => {
  const sort = readGuestBinary("sort"), ldsoBytes = readGuestBinary("ldso");
  const ldso = parseElf(ldsoBytes);
  if (!ldso.ok) throw new Error(ldso.error.message);
  const headerSpan = (b: Uint8Array): number => ELF_HEADER_SIZE + new DataView(b.buffer, b.byteOffset).getUint16(44, true) * PHDR_SIZE;

  it("never throws on random bytes, with or without a valid identification", () => {
    const seed = fuzzSeed("elf random bytes");
    const ident = fc.uint8Array({ maxLength: 700 }).map((b) => {
      const o = new Uint8Array(Math.max(b.length, 16));
      o.set(b);
      o.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
      return o;
    });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 700 }), ident), (b) => exercise(b, ldso.value)), { seed, numRuns: 400 });
  });
  for (const [name, base] of [["sort", sort], ["ld.so", ldsoBytes], ["synthetic ET_EXEC", buildElf(baselineElf())]] as const) {
    it(`never throws on mutated headers of ${name}`, () => {
      const seed = fuzzSeed(`elf mutations of ${name}`);
      fc.assert(fc.property(mutation(headerSpan(base)), (m) => exercise(mutate(base, m), ldso.value)), { seed, numRuns: 400 });
    });
  }
  it("never throws when the interpreter is the mutated file", () => {
    const seed = fuzzSeed("elf mutated interpreter");
    const program = parseElf(sort);
    if (!program.ok) throw new Error(program.error.message);
    fc.assert(fc.property(mutation(headerSpan(ldsoBytes)), (m) => {
      const r = parseElf(mutate(ldsoBytes, m));
      if (!r.ok) return;
      const plan = planProcess(program.value, r.value);
      if (plan.ok) expect(plan.value.entry).toBe(plan.value.interp!.entry);
    }), { seed, numRuns: 300 });
  });
});
