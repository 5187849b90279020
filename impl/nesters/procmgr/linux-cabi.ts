// Test support: the host C compiler as an oracle for the i386 ABI. `compileI386(source)` compiles C
// with `gcc -m32 -S` (no linking, no running: the machine need not execute 32-bit programs) and reads
// back the initial bytes of every global variable from the assembly, so `long long v = offsetof(...)`
// or a union initialised through a bit-field yields the i386 layout the kernel headers define. When
// gcc or its 32-bit support is missing it returns null and the tests say they were skipped.
// Above: the linux-*.test.ts files of this folder. Below: gcc and the host's /usr/include.
import { execFileSync } from "node:child_process";

let available: boolean | undefined;

/** The bytes of each global data symbol of the compiled source, or null when `gcc -m32 -S` fails. */
export const compileI386 = (source: string): Map<string, Uint8Array> | null => {
  if (available === false) return null;
  let asm: string;
  try {
    asm = execFileSync("gcc", ["-m32", "-S", "-O0", "-fno-common", "-w", "-o", "-", "-x", "c", "-"], { input: source, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    available = true;
  } catch (e) {
    if (available === undefined) {
      // Distinguish "no compiler" from "this source does not compile".
      try { execFileSync("gcc", ["-m32", "-S", "-o", "-", "-x", "c", "-"], { input: "int x = 1;\n", stdio: ["pipe", "pipe", "pipe"] }); available = true; } catch { available = false; return null; }
    }
    throw new Error(`gcc -m32 rejected the oracle source: ${String((e as { stderr?: unknown }).stderr ?? e)}`);
  }
  return parseDataSymbols(asm);
};

/** Global symbol → bytes, from `.byte/.value/.short/.long/.quad/.zero/.string/.ascii` directives after its label. */
export const parseDataSymbols = (asm: string): Map<string, Uint8Array> => {
  const out = new Map<string, Uint8Array>();
  let name: string | null = null, bytes: number[] = [];
  const flush = (): void => { if (name !== null) out.set(name, Uint8Array.from(bytes)); name = null; bytes = []; };
  const int = (s: string, n: number): void => {
    const v = /^-?\d+$/.test(s) ? BigInt(s) : 0n;
    for (let i = 0; i < n; i++) bytes.push(Number(BigInt.asUintN(8 * n, v) >> BigInt(8 * i)) & 0xff);
  };
  for (const raw of asm.split("\n")) {
    const line = raw.trim();
    const label = /^([A-Za-z_]\w*):$/.exec(line);
    if (label !== null) { flush(); name = label[1]!; continue; }
    if (name === null) continue;
    const d = /^\.(byte|value|short|long|quad|zero|string|ascii)\s+(.*)$/.exec(line);
    if (d === null) { flush(); continue; }
    const [, kind, arg] = d as unknown as [string, string, string];
    if (kind === "zero") bytes.push(...new Array<number>(Number(arg)).fill(0));
    else if (kind === "string" || kind === "ascii") {
      const s = JSON.parse(arg.replace(/\\(\d{3})/g, (_, o: string) => `\\u${Number.parseInt(o, 8).toString(16).padStart(4, "0")}`)) as string;
      for (const ch of s) bytes.push(ch.charCodeAt(0));
      if (kind === "string") bytes.push(0);
    } else int(arg.trim(), { byte: 1, value: 2, short: 2, long: 4, quad: 8 }[kind]!);
  }
  flush();
  return out;
};

/**
 * Evaluates integer constant expressions for i386 (sizeof, offsetof, #define values) after the
 * given headers (or raw lines starting with #) and prelude; null without gcc -m32. Values are signed 64-bit, as numbers.
 */
export const evalI386 = (includes: readonly string[], exprs: Readonly<Record<string, string>>, prelude = ""): Map<string, number> | null => {
  const names = Object.keys(exprs);
  const src = ["#include <stddef.h>", ...includes.map((h) => (h.startsWith("#") ? h : `#include <${h}>`)), prelude,
    ...names.map((n, i) => `long long __oracle_${i} = (long long)(${exprs[n]});`)].join("\n") + "\n";
  const syms = compileI386(src);
  if (syms === null) return null;
  return new Map(names.map((n, i) => {
    const b = syms.get(`__oracle_${i}`);
    if (b === undefined || b.length < 8) throw new Error(`oracle value ${n} missing from gcc output`);
    return [n, Number(new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true))];
  }));
};

/** Printed once by a test that could not consult gcc. */
export const skipNote = (what: string): void => {
  process.stdout.write(`[procmgr] ${what}: gcc -m32 unavailable here, C cross-check skipped (the committed layouts stand unchecked)\n`);
};
