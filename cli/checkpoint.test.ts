// `fluke run --nest checkpointer`, `fluke checkpoint` and `fluke restore` as a user runs them (bin/fluke.mjs
// in child processes, a scratch directory as the working directory): a checkpoint at a virtual time and
// its restore in a fresh host process continue sort's output byte for byte; a checkpoint asked for by
// `fluke checkpoint` on a running system stops it and the restore finishes the work; bad images are
// refused with a message and exit status 125 before anything runs; the option errors say what is wrong.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestRoot } from "../impl/nesters/procmgr/guest-binaries.js";

const FLUKE = resolve("bin/fluke.mjs");
let dir = "";
beforeAll(() => {
  guestRoot();
  dir = mkdtempSync(join(tmpdir(), "fluke-ckpt-"));
  const lines = Array.from({ length: 2000 }, (_, i) => `${(i * 7919) % 2003}`);
  writeFileSync(join(dir, "in.txt"), lines.join("\n") + "\n");
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fluke = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [FLUKE, ...args], { cwd: dir, encoding: "latin1", input, timeout: 300_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

describe("fluke run --nest checkpointer / fluke restore", () => {
  it("a checkpoint at a virtual time, restored in a fresh process, continues sort byte for byte", () => {
    const whole = fluke(["run", "--", "sort", "-n", "in.txt"]);
    expect(whole.status).toBe(0);
    const first = fluke(["run", "--nest", "checkpointer", "--image", "a.img", "--checkpoint-at", "3000000", "--", "sort", "-n", "in.txt"]);
    expect(first.status, first.err).toBe(0);
    expect(first.err).toMatch(/checkpoint written to .*a\.img/);
    const rest = fluke(["restore", "a.img"]);
    expect(rest.status, rest.err).toBe(0);
    expect(first.out + rest.out).toBe(whole.out);
    expect(whole.out.split("\n")[0]).toBe("0");
  }, 600_000);

  it("fluke checkpoint asks a running system for an image; the restore finishes the work", async () => {
    const script = "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo counted $i";
    const child = spawn(process.execPath, [FLUKE, "run", "--no-bind", "--nest", "checkpointer", "--image", join(dir, "b.img"), "--", "bash", "-c", script], { cwd: dir });
    let out = "", err = "";
    child.stdout.on("data", (b: Buffer) => void (out += b.toString("latin1")));
    child.stderr.on("data", (b: Buffer) => void (err += b.toString("latin1")));
    const ended = new Promise<number | null>((res) => child.on("exit", (c) => res(c)));
    const asked = await new Promise<{ status: number | null; out: string }>((res) => {
      const c = spawn(process.execPath, [FLUKE, "checkpoint", "--wait", "240", join(dir, "b.img")], { cwd: dir });
      let o = "";
      c.stdout.on("data", (b: Buffer) => void (o += b.toString("latin1")));
      c.on("exit", (s) => res({ status: s, out: o }));
    });
    expect(asked.status).toBe(0);
    expect(asked.out).toMatch(/checkpoint written to/);
    expect(await ended, err).toBe(0);
    expect(out).toBe("");
    const rest = fluke(["restore", "b.img"]);
    expect(rest.status, rest.err).toBe(0);
    expect(rest.out).toBe("counted 3000\n");
  }, 600_000);

  it("refuses bad images before running anything", () => {
    writeFileSync(join(dir, "junk.img"), "hello\n");
    let r = fluke(["restore", "junk.img"]);
    expect(r.status).toBe(125);
    expect(r.err).toMatch(/not a fluke checkpoint image .*; nothing was run/);
    const good = readFileSync(join(dir, "a.img"));
    writeFileSync(join(dir, "cut.img"), good.subarray(0, good.length - 100));
    r = fluke(["restore", "cut.img"]);
    expect(r.status).toBe(125);
    expect(r.err).toMatch(/truncated or corrupted/);
    r = fluke(["restore", "missing.img"]);
    expect(r.status).toBe(125);
    expect(r.err).toMatch(/cannot read/);
    expect(r.out).toBe("");
  });

  it("says what is wrong with the options", () => {
    expect(fluke(["run", "--image", "x.img", "--", "true"]).err).toMatch(/need --nest checkpointer/);
    expect(fluke(["run", "--nest", "checkpointer", "--", "true"]).err).toMatch(/needs --image FILE/);
    expect(fluke(["run", "--nest", "checkpointer", "--image", "x", "--checkpoint-at", "-5", "--", "true"]).err).toMatch(/--checkpoint-at needs/);
    expect(fluke(["restore"]).status).toBe(2);
    expect(fluke(["checkpoint"]).status).toBe(2);
    expect(fluke(["restore", "--help"]).out).toMatch(/Usage: fluke restore/);
  });
});
