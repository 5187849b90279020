// Null nesters and tracers stacked in several orders, up to four layers between the program and the
// process manager, change nothing the program sees: matconn (impl/nesters/bench/programs/matconn.c:
// files opened, stat'ed, read and closed, pipes, arithmetic) prints the same line as without any layer,
// and every tracer in the stack still sees the guest's system calls and the file traffic.
// Above: the test runner. Below: stack.ts (runStack, through bench/programs.ts), the null and tracer nesters.
import { beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import type { NesterName } from "../stack.js";
import type { TraceEvent } from "../tracer/formats.js";
import { invocation, runFluke, setGuestRoot, type Invocation } from "../bench/programs.js";

let inv: Invocation;
let alone: { stdout: string; time: number };
beforeAll(() => {
  setGuestRoot(guestRoot());
  inv = invocation("matconn", ["1"]);
  const r = runFluke(inv);
  expect(r.status).toBe(0);
  alone = { stdout: r.stdout, time: r.time };
}, 600_000);

const ORDERS: NesterName[][] = [
  ["tracer", "null"],
  ["null", "tracer", "null"],
  ["tracer", "null", "null", "null"],
  ["null", "null", "null", "tracer"],
  ["null", "tracer", "null", "tracer"],
];

describe("null and tracer nesters stacked in any order", () => {
  it("the program alone prints its checksum line", () => {
    expect(alone.stdout).toMatch(/^matconn 1 rounds connections 24 checksum [0-9a-f]{8}\n$/);
  });

  for (const nest of ORDERS) {
    it(`[${nest.join(", ")}]: the same output, and the tracers see the guest and its files`, () => {
      const ev: TraceEvent[] = [];
      const r = runFluke(inv, { nest, trace: { sink: (e) => void ev.push(e) } });
      expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: alone.stdout, status: 0 });
      expect(r.time).toBeGreaterThan(alone.time); // the layers are on the path
      const tracers = nest.filter((n) => n === "tracer").length;
      // matconn opens /etc/debian_version 24 times and makes 24 pipes (glibc: pipe2): every tracer sees each.
      expect(ev.filter((e) => e.layer === "linux" && e.call === "pipe2").length).toBeGreaterThanOrEqual(24 * tracers);
      expect(ev.filter((e) => e.layer === "FileSystem" && e.call === "open").length).toBeGreaterThanOrEqual(24 * tracers);
      expect(ev.some((e) => e.layer === "linux" && e.call === "exit_group")).toBe(true);
    });
  }
});
