// The debugger nester against the real gdb (host `gdb`, which CI installs; without it these tests fail
// with a message saying so): a small C program built with gcc -m32 -g runs under runStack with the
// debugger on a loopback port while `gdb -batch` drives it (break main, next, set var, step, registers,
// x87, memory, finish, continue to the end); a stripped Debian binary from the guest root is stopped at
// its ELF entry and single-stepped; `fluke run --debug=0` works from the command line; and a raw client
// sends malformed packets, after which the program still finishes. Assertions are on gdb's output and the program's.
// Above: the test runner. Below: test-harness.ts (runStack with the debugger, gdb, gcc).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { PIE_BASE } from "../procmgr/layout.js";
import { GUARD_MS, buildTestProgram, cleanup, debugRun, gdb, rawClient, requireGdb } from "./test-harness.js";

let root = "";
let prog = "";

beforeAll(() => {
  requireGdb();
  root = guestRoot();
  prog = buildTestProgram("square");
}, 300_000);
afterAll(cleanup);

describe("debugger nester with the real gdb", () => {
  it("breaks at main, steps, shows registers and x87, changes a variable, runs to the end", async () => {
    const s = await debugRun({
      root, path: "/tmp/square", argv: ["square"], files: [{ path: "/tmp/square", bytes: new Uint8Array(readFileSync(prog)), mode: 0o755 }],
      client: gdb([
        "set architecture i386", `file ${prog}`, "set confirm off", "target remote 127.0.0.1:PORT", "info registers eip",
        "break main", "continue", "next", "set var x = 42", "print x", "next", "step", "info registers",
        "p $st0", "info float", "x/4xw $esp", "finish", "continue",
      ]),
    });
    const g = s.client;
    expect(g, g).toMatch(/eip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <_start>/); // held at its first instruction
    expect(g).toMatch(/Breakpoint 1, main \(\) at .*square\.c:\d+/);
    expect(g).toMatch(/\$1 = 42/);
    expect(g).toMatch(/square \(v=42\) at .*square\.c/); // `step` went into square with the changed x
    expect(g).toMatch(/eip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <square\+\d+>/);
    expect(g).toMatch(/esp\s+0x(bf|b[0-9a-f])[0-9a-f]{6}/);
    expect(g).toMatch(/cs\s+0x73/);
    expect(g).toMatch(/\$2 = 0/); // st0 is readable (the x87 stack is empty here)
    expect(g).toMatch(/R7: Empty\s+0x4003a800000000000000/); // 21.0, the last value d had on the x87 stack
    expect(g).toMatch(/Control Word:\s+0x037f/);
    expect(g).toMatch(/0x[0-9a-f]+:\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+0x0000002a\s+0x[0-9a-f]{8}/); // x on the stack
    expect(g).toMatch(/Value returned is \$3 = 1764/); // finish
    expect(g).toMatch(/\[Inferior 1 \(.*\) exited normally\]/);
    expect(s.out).toBe("x=42 d=21 y=1764\n");
    expect(s.status).toBe(0);
  }, 60_000);

  it("stops a stripped Debian binary at its ELF entry and single-steps it", async () => {
    const elf = readFileSync(join(root, "bin/echo"));
    const type = elf.readUInt16LE(16), entry = elf.readUInt32LE(24);
    const at = (type === 3 ? PIE_BASE + entry : entry) >>> 0;
    const hex = `0x${at.toString(16)}`;
    const s = await debugRun({
      root, path: "/bin/echo", argv: ["echo", "hello", "nested"],
      client: gdb(["set architecture i386", "target remote 127.0.0.1:PORT", `break *${hex}`, "continue", "info registers eip", "stepi", "info registers eip", "continue"]),
    });
    const g = s.client;
    expect(g, g).toMatch(new RegExp(`Breakpoint 1, ${hex} in \\?\\? \\(\\)`));
    const eips = [...g.matchAll(/eip\s+(0x[0-9a-f]+)/g)].map((m) => Number(m[1]));
    expect(eips[0]).toBe(at);
    expect(eips[1]).toBeGreaterThan(at);
    expect(eips[1]).toBeLessThan(at + 16);
    expect(g).toMatch(/exited normally/);
    expect(s.out).toBe("hello nested\n");
  }, 60_000);

  it("works from the command line: fluke run --debug=0", async () => {
    const bin = fileURLToPath(new URL("../../../bin/fluke.mjs", import.meta.url));
    const fluke = spawn(process.execPath, [bin, "run", "--no-bind", "--debug=0", "--", "/bin/echo", "from", "cli"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    fluke.stdout.on("data", (d: Buffer) => void (out += d.toString()));
    const port = await new Promise<number>((res, rej) => {
      fluke.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m !== null) res(Number(m[1]));
      });
      fluke.on("close", () => rej(new Error(`fluke ended before listening: ${err}`)));
    });
    const flukeEnded = new Promise<number | null>((res) => fluke.on("close", (c) => res(c)));
    const g = spawnSync("gdb", ["-batch", "-nx", "-ex", "set architecture i386", "-ex", `target remote 127.0.0.1:${port}`, "-ex", "stepi", "-ex", "continue"], { encoding: "utf8", timeout: GUARD_MS });
    const guard = setTimeout(() => fluke.kill("SIGKILL"), GUARD_MS);
    const code = await flukeEnded;
    clearTimeout(guard);
    expect(g.stdout + g.stderr).toMatch(/exited normally/);
    expect(out).toBe("from cli\n");
    expect(code).toBe(0);
  }, 60_000);

  it("survives malformed packets, then runs the program to its end", async () => {
    const s = await debugRun({
      root, path: "/bin/echo", argv: ["echo", "still", "here"],
      client: rawClient(`
        await step("bad checksum", "$qSupported#00", /-/);
        await step("garbage then unknown", "hello world" + pkt("qFooBar"), /\\+\\$#00/);
        await step("bad hex", pkt("mzz,4"), /\\$E01#a6/);
        await step("bad register", pkt("pzz"), /\\$E01#a6/);
        await step("truncated then good", "$m1000" + pkt("?"), /\\$T05[^#]*#[0-9a-f]{2}/);
        await step("huge", "$" + "A".repeat(100000) + "#00", /\\$E01#a6/);
        await step("bad write", pkt("M1000,4:zz"), /\\$E01#a6/);
        await step("unmapped read", pkt("m10,4"), /\\$E14#aa/);
        await step("registers", pkt("g"), /\\$[0-9a-fx]{100,}#[0-9a-f]{2}/);
        await step("nak retransmits", "-", /\\$[0-9a-fx]{100,}#[0-9a-f]{2}/);
        await step("continue", pkt("c"), /\\$W00#b7/);`),
    });
    expect(s.clientCode, s.client).toBe(0);
    expect(s.client).toMatch(/unmapped read -> "\$E14#aa"/);
    expect(s.client).toMatch(/continue -> "\$W00#b7"/);
    expect(s.out).toBe("still here\n");
    expect(s.status).toBe(0);
  }, 60_000);
});
