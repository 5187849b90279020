// The nesting benchmark programs (programs.ts: memtest, appel2, readtest, matconn, cc1) at small sizes:
// each prints the same output on the Fluke stack at depth 0 and under a null nester as under qemu-i386
// on the same guest root (computed here: two qemu runs, which must agree, so the line is deterministic),
// and its summary line has the expected shape (the work was done: pages, faults, bytes, connections).
// Needs gcc -m32 (gcc-multilib) and qemu-i386 (qemu-user).
// Above: the test runner. Below: programs.ts, stack.ts, qemu-i386.
import { beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { PROGRAMS, invocation, runFluke, runQemu, setGuestRoot } from "./programs.js";

beforeAll(() => setGuestRoot(guestRoot()), 600_000);

/** What each program's output must look like at its "test" size. */
const SHAPE: Record<string, RegExp> = {
  memtest: /^memtest 2 MiB pages 512 words 32768 checksum [0-9a-f]{8}\n$/,
  appel2: /^appel2 200 faults 200 checksum [0-9a-f]{8}\n$/,
  readtest: /^readtest 64 KiB 4 rounds bytes 262144 checksum [0-9a-f]{8}\n$/,
  matconn: /^matconn 2 rounds connections 48 checksum [0-9a-f]{8}\n$/,
  cc1: /^\t\.file\t"loop\.i"\n[\s\S]*\tjmp\t\.L2\n[\s\S]*\.ident\t"GCC: \(Debian 12[^"]*"\n/,
};

describe("the benchmark programs give qemu-i386's output on the stack", () => {
  for (const p of PROGRAMS) {
    it(`${p.name} ${p.sizes.test.join(" ")}: depth 0 and one null nester`, () => {
      const inv = invocation(p.name, p.sizes.test);
      const q1 = runQemu(inv), q2 = runQemu(inv);
      expect(q1.status).toBe(0);
      expect(q2.stdout).toBe(q1.stdout);
      expect(q1.stdout).toMatch(SHAPE[p.name]!);
      for (const nest of [[], ["null"]] as const) {
        const r = runFluke(inv, { nest: [...nest], maxTime: 2e9 });
        expect({ nest, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ nest, status: 0, stdout: q1.stdout, stderr: "" });
      }
    }, 120_000);
  }
});
