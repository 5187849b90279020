// Checkpoint and restore: a run stopped by the checkpointer at a virtual time, its image written to bytes,
// read back, and the run continued in a fresh system from it: the output printed before the checkpoint
// followed by the restored run's output equals an uninterrupted run's, byte for byte, with the same exit
// status; for sort reading a file and sort reading its standard input (the rest of the input goes to the
// restored run), and a bash pipeline (processes, pipes with bytes in them, a shell in wait4). Checkpoints
// at several points of each run. Bad images are refused before anything runs.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { runStack, type StackOptions } from "../stack.js";
import { decodeImage, encodeImage, ImageError, type Image } from "../protocol/checkpoint-image.js";

let root = "";
beforeAll(() => {
  root = guestRoot();
}, 600_000);

const WORDS = Array.from({ length: 3000 }, (_, i) => `${((i * 7919) % 3001).toString(36)}-line ${i % 97}`).join("\n") + "\n";
const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

interface Job {
  readonly path: string;
  readonly argv: readonly string[];
  readonly stdin?: string;
  readonly files?: StackOptions["files"];
}

/** A console over buffers: what was read is gone from `stdin`. */
const bufferConsole = (stdin: Buffer) => {
  const out: Buffer[] = [];
  const state = { rest: stdin };
  const console: StackOptions["console"] = {
    write: (fd, b) => void (fd === 1 ? out : out).push(Buffer.from(b)),
    read: (n) => {
      const c = state.rest.subarray(0, n);
      state.rest = state.rest.subarray(c.length);
      return new Uint8Array(c);
    },
    terminal: () => null,
  };
  return { console, out, state };
};

const base = (j: Job, c: StackOptions["console"]): StackOptions => ({
  root, path: j.path, argv: j.argv, envp: ["PATH=/usr/bin:/bin", "LANG=C"], cwd: "/", console: c, files: j.files, maxTime: 3e9,
});

const plain = (j: Job) => {
  const c = bufferConsole(Buffer.from(j.stdin ?? ""));
  const r = runStack(base(j, c.console));
  return { out: Buffer.concat(c.out).toString("latin1"), status: r.status, time: r.time };
};

/** Run until virtual time `at`, checkpoint, restore from the image's bytes with the unread input. */
const checkpointed = (j: Job, at: number) => {
  const c = bufferConsole(Buffer.from(j.stdin ?? ""));
  let bytes: Buffer | null = null;
  const errors: string[] = [];
  const r1 = runStack({ ...base(j, c.console), nest: ["checkpointer"], checkpoint: { at, onImage: (img) => void (bytes = encodeImage(img)), onError: (m) => void errors.push(m) } });
  expect(errors).toEqual([]);
  const before = Buffer.concat(c.out).toString("latin1");
  if (!r1.checkpointed) return { before, after: "", status: r1.status, image: null as Buffer | null, ended: true };
  const img = decodeImage(bytes!);
  const c2 = bufferConsole(c.state.rest);
  const r2 = runStack({ ...base(j, c2.console), nest: ["checkpointer"], restore: img });
  return { before, after: Buffer.concat(c2.out).toString("latin1"), status: r2.status, image: bytes as Buffer | null, ended: false };
};

const cases: { name: string; job: Job }[] = [
  { name: "sort reading a file", job: { path: "/usr/bin/sort", argv: ["sort", "/tmp/words.txt"], files: [{ path: "/tmp/words.txt", bytes: enc(WORDS) }] } },
  { name: "sort reading its standard input", job: { path: "/usr/bin/sort", argv: ["sort", "-r"], stdin: WORDS } },
  {
    name: "a bash pipeline",
    job: { path: "/bin/bash", argv: ["bash", "-c", "cat /tmp/words.txt | sort | uniq -c | sort -rn | head -5; echo done"], files: [{ path: "/tmp/words.txt", bytes: enc(WORDS) }] },
  },
];

describe("checkpoint and restore give byte-identical continuations", () => {
  for (const { name, job } of cases) {
    it(name, () => {
      const whole = plain(job);
      expect(whole.status).toBe(0);
      let restored = 0;
      for (const frac of [0.2, 0.5, 0.8]) {
        const at = Math.floor(whole.time * frac);
        const r = checkpointed(job, at);
        expect({ out: r.before + r.after, status: r.status }, `checkpoint at ${at} of ${whole.time}`).toEqual({ out: whole.out, status: whole.status });
        if (!r.ended) restored++;
      }
      expect(restored).toBeGreaterThan(0);
    });
  }
});

describe("a checkpoint that lets the run go on", () => {
  it("changes nothing the program sees, and its image restores to the same rest", () => {
    const job = cases[2]!.job;
    const whole = plain(job);
    const c = bufferConsole(Buffer.alloc(0));
    let img: Image | null = null;
    let printedBefore = -1;
    const at = Math.floor(whole.time * 0.5);
    const r = runStack({
      ...base(job, c.console), nest: ["null", "checkpointer"],
      checkpoint: { at, then: "continue", onImage: (i) => { img = decodeImage(encodeImage(i)); printedBefore = Buffer.concat(c.out).length; } },
    });
    expect(r.checkpointed).toBe(false);
    expect({ out: Buffer.concat(c.out).toString("latin1"), status: r.status }).toEqual({ out: whole.out, status: whole.status });
    expect(img).not.toBeNull();
    const c2 = bufferConsole(Buffer.alloc(0));
    const r2 = runStack({ ...base(job, c2.console), nest: ["null", "checkpointer"], restore: img! });
    expect(Buffer.concat(c.out).subarray(0, printedBefore).toString("latin1") + Buffer.concat(c2.out).toString("latin1")).toBe(whole.out);
    expect(r2.status).toBe(whole.status);
  });
});

describe("a checkpoint that fails", () => {
  it("is reported, and the run goes on to the same output", () => {
    const job = cases[0]!.job;
    const whole = plain(job);
    const c = bufferConsole(Buffer.alloc(0));
    const errors: string[] = [];
    const r = runStack({
      ...base(job, c.console), nest: ["checkpointer"],
      checkpoint: { at: Math.floor(whole.time / 2), onImage: () => { throw new Error("no space left on the device"); }, onError: (m) => void errors.push(m) },
    });
    expect(errors).toEqual(["no space left on the device"]);
    expect(r.checkpointed).toBe(false);
    expect({ out: Buffer.concat(c.out).toString("latin1"), status: r.status }).toEqual({ out: whole.out, status: whole.status });
  });
});

describe("bad images are refused", () => {
  let good: Buffer;
  beforeAll(() => {
    const j = cases[0]!.job;
    const r = checkpointed(j, 2_000_000);
    good = r.image!;
  });
  const refuse = (b: Uint8Array, msg: RegExp) => {
    expect(() => decodeImage(b)).toThrow(ImageError);
    expect(() => decodeImage(b)).toThrow(msg);
  };
  it("the good one reads back", () => {
    const img: Image = decodeImage(good);
    expect(img.procmgr.procs.length).toBeGreaterThan(0);
    // The kernel census: the manager's objects found by fluke_region_search, each live process's thread among them.
    const running = img.procmgr.procs.filter((p) => p.state === "running").map((p) => p.pid);
    expect(img.kernel.threads.map((t) => t.pid)).toEqual(running);
    for (const t of ["thread", "task", "port", "pset", "mapping", "ref", "mutex", "cond"]) expect(img.kernel.objects[t] ?? 0, t).toBeGreaterThan(0);
  });
  it("truncated", () => {
    for (const n of [0, 5, 20, 90, good.length >> 1, good.length - 1]) expect(() => decodeImage(good.subarray(0, n)), `cut at ${n}`).toThrow(ImageError);
  });
  it("corrupted", () => {
    const b = Buffer.from(good);
    b[b.length >> 1] ^= 0x40;
    refuse(b, /corrupted/);
  });
  it("wrong version", () => {
    refuse(Buffer.concat([Buffer.from("FLUKE-CHECKPOINT 2"), good.subarray(good.indexOf(10))]), /version 2 is not supported/);
  });
  it("a restore that cannot be done (a file gone) stops with the reason, running nothing", () => {
    const img = decodeImage(good);
    img.procmgr.files.push({ id: 999, kind: "remote", path: "/no/such/file", flags: 0, isDir: false, dirNext: 0, offset: 0 });
    img.procmgr.procs.find((p) => p.state === "running")!.fds.push({ fd: 9, file: 999, cloexec: false });
    const c = bufferConsole(Buffer.alloc(0));
    const log: string[] = [];
    const r = runStack({ ...base(cases[0]!.job, c.console), nest: ["checkpointer"], restore: img, log: (l) => void log.push(l) });
    expect(r.status).toBeNull();
    expect(Buffer.concat(c.out).length).toBe(0);
    expect(log.join("\n")).toMatch(/the restore failed: cannot open \/no\/such\/file again/);
  });
  it("not an image", () => refuse(Buffer.from("hello\n"), /not a fluke checkpoint/));
  it("a well-formed file whose document breaks the rules (a checksum does not make it trusted)", () => {
    const img = decodeImage(good);
    const p = img.procmgr.procs.find((x) => x.vmas.length > 1)!;
    const bad = (f: (i: Image) => void): Uint8Array => {
      const copy = JSON.parse(JSON.stringify(img)) as Image;
      f(copy);
      // encodeImage validates too: build the file by hand, as a hostile writer would.
      const body = gzipSync(Buffer.from(JSON.stringify(copy)));
      return Buffer.concat([Buffer.from(`FLUKE-CHECKPOINT 1\n${createHash("sha256").update(body).digest("hex")}\n`), body]);
    };
    const at = img.procmgr.procs.indexOf(p);
    refuse(bad((i) => void (i.procmgr.procs[at]!.vmas[0]!.end = i.procmgr.procs[at]!.vmas[0]!.start)), /malformed.*whole pages/);
    refuse(bad((i) => void (i.procmgr.procs[at]!.vmas[1]!.start = 0)), /malformed.*address order/);
    refuse(bad((i) => void (i.procmgr.procs[at]!.vmas[0]!.pages.push([0, "0".repeat(40)]))), /page .* is missing/);
    refuse(bad((i) => void ((i as { version: number }).version = 1.5)), /malformed: version/);
    refuse(bad((i) => void delete (i as Partial<Image>).procmgr), /malformed: procmgr/);
  });
});
