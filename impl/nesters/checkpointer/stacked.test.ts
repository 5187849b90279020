// Stacking in any order up to depth 4: the four interposers (null, tracer, checkpointer, debugger with no
// gdb attached) in every rotation of one order and its reverse give the program's output unchanged; the
// tracer sees the guest's system calls wherever it sits; a checkpoint taken inside a depth-4 stack
// restores (into the same stack, the tracer left out as `fluke restore` does) to the same continuation.
import { beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { runStack, type NesterName, type StackOptions } from "../stack.js";
import { decodeImage, encodeImage, type Image } from "../protocol/checkpoint-image.js";
import type { TraceEvent } from "../tracer/formats.js";

let root = "";
beforeAll(() => {
  root = guestRoot();
}, 600_000);

const TEXT = Array.from({ length: 800 }, (_, i) => `${(i * 389) % 801} item`).join("\n") + "\n";

const run = (nest: NesterName[], extra: Partial<StackOptions> = {}) => {
  const out: Buffer[] = [];
  const events: TraceEvent[] = [];
  const r = runStack({
    root, path: "/bin/bash", argv: ["bash", "-c", "sort -n /tmp/t.txt | head -4; wc -l < /tmp/t.txt"], envp: ["PATH=/usr/bin:/bin"], cwd: "/",
    console: { write: (_fd, b) => void out.push(Buffer.from(b)), read: () => new Uint8Array(0), terminal: () => null },
    files: [{ path: "/tmp/t.txt", bytes: new Uint8Array(Buffer.from(TEXT)) }], maxTime: 3e9, nest,
    trace: nest.includes("tracer") ? { sink: (e) => void events.push(e) } : undefined, ...extra,
  });
  return { out: Buffer.concat(out).toString("latin1"), status: r.status, events, r };
};

const ORDER: NesterName[] = ["tracer", "null", "checkpointer", "debugger"];
const rotations = [0, 1, 2, 3].map((k) => [...ORDER.slice(k), ...ORDER.slice(0, k)]);
const orders = [...rotations, [...ORDER].reverse()];

describe("the interposers stack in any order up to depth 4", () => {
  let plain: { out: string; status: number | null };
  beforeAll(() => {
    const r = run([]);
    plain = { out: r.out, status: r.status };
  }, 600_000);

  for (const nest of orders) {
    it(`[${nest.join(", ")}] changes nothing the program sees`, () => {
      const r = run(nest);
      expect({ out: r.out, status: r.status }).toEqual(plain);
      expect(plain.out).toBe("0 item\n1 item\n2 item\n3 item\n800\n");
      expect(r.events.some((e) => e.layer === "linux" && e.call === "execve")).toBe(true);
    });
  }

  it("a checkpoint inside [null, checkpointer, debugger, null] restores to the same continuation", () => {
    const nest: NesterName[] = ["null", "checkpointer", "debugger", "null"];
    const whole = run(nest);
    let img: Image | null = null;
    const first = run(nest, { checkpoint: { at: Math.floor(whole.r.time / 2), onImage: (i) => void (img = decodeImage(encodeImage(i))) } });
    expect(first.r.checkpointed).toBe(true);
    const rest = run(nest, { restore: img! });
    expect({ out: first.out + rest.out, status: rest.status }).toEqual({ out: whole.out, status: whole.status });
  });
});
