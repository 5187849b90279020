// Short-circuiting (the Fluke paper: a nester hands its child its own parent's references for the
// services it does not change, and calls on them skip its layer). A stack root → memmgr → fs → null →
// procmgr → init → readtest (impl/nesters/bench/programs/readtest.c: open, 4 KiB reads, close, rounds
// over the guest's libc) runs once with a fully interposing null layer and once with the layer passing
// FileSystem and FileDescription through unwrapped. The program's output is the same; the full layer
// forwards the file traffic (FileSystem.open, FileDescription.read and close) while the short-circuiting
// one forwards none of it but still the rest (Parent, Memory: it is there); the short-circuited run
// takes less virtual time (deterministic), and more than the stack without the layer.
// Above: the test runner. Below: boot.ts, fs/server.ts, null/null.ts, procmgr, init, bench/programs.ts.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { boot } from "../boot.js";
import { fsNester } from "../fs/server.js";
import { init } from "../init/init.js";
import type { ProxyCall } from "../libnest/proxy.js";
import { EPOCH_SEC } from "../procmgr/pm.js";
import { procmgr } from "../procmgr/procmgr.js";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { ENV, GUEST_DIR, buildProgram } from "../bench/programs.js";
import { nullNester, type ShortCircuitKind } from "./null.js";

const MiB = 1024 * 1024;
let root = "";
let readtest: Uint8Array;
beforeAll(() => {
  root = guestRoot();
  readtest = new Uint8Array(readFileSync(buildProgram("readtest")));
}, 600_000);

interface Outcome {
  readonly stdout: string;
  readonly status: number | null;
  readonly time: number;
  /** Exchanges the null layer forwarded, by protocol. */
  readonly forwarded: ReadonlyMap<string, number>;
}

/** readtest (16 KiB × 3 rounds) on root → memmgr → fs → [null] → procmgr → init; `layer` null: no null nester. */
const run = (layer: { shortCircuit: ShortCircuitKind[] } | null): Outcome => {
  const out: Buffer[] = [];
  const forwarded = new Map<string, number>();
  const observe = (c: ProxyCall): void => void forwarded.set(c.port.kind, (forwarded.get(c.port.kind) ?? 0) + 1);
  let status: number | null = null;
  const path = `${GUEST_DIR}/readtest`;
  const pm = {
    name: "procmgr",
    program: (pe: Parameters<typeof procmgr>[0]) => procmgr(pe, {
      seed: 1, processQuota: 256 * MiB, onExit: (s: number) => void (status = s),
      child: { name: "init", program: (ie) => init(ie, { path, argv: ["readtest", "16", "3"], envp: ENV, cwd: "/" }) },
    }),
  };
  const child = layer === null ? pm : { name: "null", program: (env: Parameters<typeof nullNester>[0]) => nullNester(env, { child: pm, shortCircuit: layer.shortCircuit, observe }) };
  const k = boot({
    poolBytes: 512 * MiB,
    child: {
      name: "fs",
      program: (env) => fsNester(env, {
        root, childQuota: 512 * MiB, files: [{ path, bytes: readtest, mode: 0o755 }],
        console: { write: (fd, b) => void (fd === 1 && out.push(Buffer.from(b))), read: () => new Uint8Array(0), terminal: () => null },
        now: () => ({ sec: EPOCH_SEC + Math.floor(k.sched.now / 1e8), nsec: (k.sched.now % 1e8) * 10 }),
        child,
      }),
    },
  });
  while (status === null && k.sched.now < 5e9) {
    if (k.sched.run(5_000_000) !== "limit") break;
  }
  return { stdout: Buffer.concat(out).toString("latin1"), status, time: k.sched.now, forwarded };
};

describe("a null nester short-circuiting FileSystem and FileDescription", () => {
  it("gives the same output, forwards none of the file traffic, and costs less than full interposition", () => {
    const none = run(null);
    const full = run({ shortCircuit: [] });
    const short = run({ shortCircuit: ["FileSystem", "FileDescription"] });
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/^readtest 16 KiB 3 rounds bytes 49152 checksum [0-9a-f]{8}\n$/);
    expect(full).toMatchObject({ stdout: none.stdout, status: 0 });
    expect(short).toMatchObject({ stdout: none.stdout, status: 0 });
    // The full layer is on the file path: 3 opens, at least 3 × 4 reads and 3 closes, and the console writes.
    expect(full.forwarded.get("FileSystem") ?? 0).toBeGreaterThanOrEqual(3);
    expect(full.forwarded.get("FileDescription") ?? 0).toBeGreaterThanOrEqual(3 * 4 + 3);
    // The short-circuiting layer is not, though it is still there (the process manager's Parent and Memory calls pass it).
    expect(short.forwarded.get("FileSystem") ?? 0).toBe(0);
    expect(short.forwarded.get("FileDescription") ?? 0).toBe(0);
    expect(short.forwarded.get("Parent") ?? 0).toBeGreaterThan(0);
    expect(short.forwarded.get("Memory") ?? 0).toBeGreaterThan(0);
    // Virtual time (deterministic): skipping the layer for files is cheaper; the layer still costs something.
    expect(short.time).toBeLessThan(full.time);
    expect(short.time).toBeGreaterThan(none.time);
  });

  it("short-circuiting Memory as well takes the memory traffic off the layer too", () => {
    const full = run({ shortCircuit: [] });
    const short = run({ shortCircuit: ["Memory", "FileSystem", "FileDescription"] });
    expect(short).toMatchObject({ stdout: full.stdout, status: 0 });
    expect(full.forwarded.get("Memory") ?? 0).toBeGreaterThan(0);
    expect(short.forwarded.get("Memory") ?? 0).toBe(0);
    expect(short.forwarded.get("FileSystem") ?? 0).toBe(0);
    expect(short.time).toBeLessThan(full.time);
  });
});
