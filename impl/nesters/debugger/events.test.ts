// The debugger nester's events with the real gdb and a raw client: a guest SIGSEGV stops the program
// and is passed on when gdb continues (the process dies of it); a forked child runs undebugged through
// a function that has one of gdb's breakpoints (its copy of the int3 is taken back) while gdb sees the
// parent hit it; an interrupt (0x03) stops a program spinning in a loop without system calls, and a
// memory write ends the loop; a gdb that goes away leaves its int3 bytes to be taken back; the
// debugger works stacked with the null and tracer nesters.
// Above: the test runner. Below: test-harness.ts, tests/events.c.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { buildTestProgram, cleanup, debugRun, gdb, rawClient, requireGdb, symbolAddress } from "./test-harness.js";

let root = "";
let prog = "";
let files: { path: string; bytes: Uint8Array; mode: number }[] = [];

beforeAll(() => {
  requireGdb();
  root = guestRoot();
  prog = buildTestProgram("events");
  files = [{ path: "/tmp/events", bytes: new Uint8Array(readFileSync(prog)), mode: 0o755 }];
}, 300_000);
afterAll(cleanup);

const start = (): string[] => ["set architecture i386", `file ${prog}`, "set confirm off", "target remote 127.0.0.1:PORT"];

describe("debugger events", () => {
  it("reports a SIGSEGV and passes it on", async () => {
    const s = await debugRun({ root, path: "/tmp/events", argv: ["events", "segv"], files, client: gdb([...start(), "continue", "info registers eip", "continue"]) });
    const g = s.client;
    expect(g, g).toMatch(/Program received signal SIGSEGV, Segmentation fault\.\s+main \(argc=2, .*events\.c:\d+/);
    expect(g).toMatch(/Program terminated with signal SIGSEGV/);
    expect(s.status! & 0x7f).toBe(11);
  }, 60_000);

  it("lets a forked child run through an inherited breakpoint; the parent stops there", async () => {
    const s = await debugRun({
      root, path: "/tmp/events", argv: ["events", "fork"], files, nest: ["null", "debugger", "tracer"],
      client: gdb([...start(), "break report", "continue", "print who", "continue"]),
    });
    const g = s.client;
    expect(g, g).toMatch(/process \d+ made process \d+; it runs undebugged/);
    expect(g).toMatch(/Breakpoint 1, report \(who=0x[0-9a-f]+ "parent", v=7\)/);
    expect(g).toMatch(/exited with code 03/);
    expect(s.out).toBe("child 7\nparent 7\n");
    expect(s.status).toBe(3 << 8);
  }, 60_000);

  it("lets the program finish when gdb goes away with a breakpoint inserted", async () => {
    const report = symbolAddress(prog, "report").toString(16);
    const s = await debugRun({
      root, path: "/tmp/events", argv: ["events", "fork"], files,
      client: rawClient(`
        await step("start", pkt("QStartNoAckMode"), /\\$OK#9a/);
        await step("break", pkt("Z0," + argv[1] + ",1"), /\\$OK#9a/);
        s.write(pkt("c"));`, report),
    });
    expect(s.clientCode, s.client).toBe(0);
    expect(s.out).toBe("child 7\nparent 7\n");
    expect(s.status).toBe(3 << 8);
  }, 60_000);

  it("stops a spinning program on an interrupt; a memory write ends the loop", async () => {
    const spin = symbolAddress(prog, "spin").toString(16);
    const s = await debugRun({
      root, path: "/tmp/events", argv: ["events", "loop"], files, nest: ["debugger", "null"],
      client: rawClient(`
        await step("start", pkt("QStartNoAckMode"), /\\$OK#9a/);
        await step("continue", pkt("c"), /^$/);
        await step("interrupt", "\\x03", /\\$T02[^#]*#[0-9a-f]{2}/);
        await step("clear spin", pkt("M" + argv[1] + ",4:00000000"), /\\$OK#9a/);
        await step("read spin", pkt("m" + argv[1] + ",4"), /\\$00000000#80/);
        await step("continue", pkt("c"), /\\$W03#ba/);`, spin),
    });
    expect(s.clientCode, s.client).toBe(0);
    expect(s.client).toMatch(/interrupt -> "\$T02/);
    expect(s.out).toBe("spun 0\n");
    expect(s.status).toBe(3 << 8);
  }, 60_000);
});
