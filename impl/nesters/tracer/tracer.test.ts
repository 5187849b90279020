// The tracer nester on the real stack (root → memmgr → fs → tracer → procmgr → init → program): a traced
// run of unmodified Debian programs gives byte-identical output and exit status to the untraced run (and
// to the recorded oracle), the trace holds the expected Linux calls and protocol exchanges, two traced
// runs give identical traces, each output format parses, and a guest that crashes leaves a trace ending
// with the fault and the exit. Above: vitest. Below: impl/nesters/stack.ts, tracer.ts, formats.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import type { StackResult } from "../stack.js";
import { nativeHost } from "../../kernel/native-host.js";
import { guestRoot } from "../procmgr/guest-binaries.js";
import { WORKLOADS, type Workload } from "../procmgr/workloads.js";
import { runWorkload } from "../procmgr/workload-run.js";
import { chromeTrace, jsonLine, textLine, type TraceEvent } from "./formats.js";

interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly result: StackResult;
  readonly events: TraceEvent[];
}

const run = (root: string, wl: Pick<Workload, "path" | "argv" | "env" | "stdin" | "files">, traced: boolean, extra: { path: string; bytes: Uint8Array; mode?: number }[] = []): Outcome => {
  const events: TraceEvent[] = [];
  const o = runWorkload(root, wl, { files: extra, trace: traced ? { sink: (e) => void events.push(e) } : undefined });
  return { stdout: o.stdout.toString("latin1"), stderr: o.stderr.toString("latin1"), result: o.result, events };
};

const wl = (name: string): Workload => {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w === undefined) throw new Error(`no workload ${name}`);
  return w;
};

let root = "";
beforeAll(() => {
  root = guestRoot();
}, 600_000);

const traced = new Map<string, Outcome>();

describe("a traced run behaves as the untraced run", () => {
  for (const name of ["echo", "sort-file", "bash-ls-sort-head"]) {
    test(`${name}: same stdout, stderr and status`, () => {
      const plain = run(root, wl(name), false);
      const t = run(root, wl(name), true);
      traced.set(name, t);
      expect(t.result.timedOut).toBe(false);
      expect({ status: t.result.status, stdout: t.stdout, stderr: t.stderr }).toEqual({ status: plain.result.status, stdout: plain.stdout, stderr: plain.stderr });
      expect(plain.stdout.length).toBeGreaterThan(0);
      expect(t.events.length).toBeGreaterThan(50);
    });
  }
});

describe("the trace's contents", () => {
  const lines = (name: string): string[] => (traced.get(name) ?? run(root, wl(name), true)).events.map(textLine);

  test("echo hello: Linux calls with decoded arguments, protocol calls with decoded fields", () => {
    const l = lines("echo");
    expect(l).toContain('[pid 2] openat(AT_FDCWD, "/lib/i386-linux-gnu/libc.so.6", O_RDONLY|O_LARGEFILE|O_CLOEXEC) = 3');
    expect(l).toContain('[pid 2] write(1, "hello\\n", 6) = 6');
    expect(l).toContain("[pid 2] exit_group(0) = ?");
    const linux = l.filter((x) => x.startsWith("[pid"));
    expect(linux[linux.length - 1]).toBe("[pid 2] +++ exited with 0 +++");
    expect(l.some((x) => /^\[pid 2\] read\(3, "\\177ELF.*= 512$/.test(x))).toBe(true);
    expect(l.some((x) => x.startsWith('FileSystem.open(cwd="/", path="/lib/i386-linux-gnu/libc.so.6", flags=0x8000, mode=0, umask=18) = 0 {kind=32768} [FileDescription#'))).toBe(true);
    expect(l.some((x) => /^FileDescription#\d+\.read\(length=512\) = 0 \{data="\\177ELF/.test(x))).toBe(true);
    expect(l.some((x) => /^FileDescription#\d+\.pread\(/.test(x))).toBe(true);
    expect(l.some((x) => /^FileDescription#\d+\.map\(.*\[region\]$/.test(x))).toBe(true);
    expect(l.some((x) => /^Memory\.create_var_segment\(size=.*\[region\]$/.test(x))).toBe(true);
    expect(l.some((x) => /^FileDescription#\d+\.write\(data="hello\\n"\) = 0 \{count=6\}$/.test(x))).toBe(true);
    expect(l.some((x) => x.startsWith("Parent.wrap_keeper(pid=2) = 0"))).toBe(true);
    expect(l.some((x) => x.startsWith("FileSystem.access(") && x.endsWith("= ENOENT"))).toBe(true);
    // The Process protocol between init and the process manager (the second tracer, below the process manager).
    expect(l).toContain("Process.create_child() = 0 {child=2}");
    expect(l.some((x) => x.startsWith('Process.exec(child=2, path="/bin/echo"') && x.endsWith("= 0"))).toBe(true);
    expect(l.some((x) => x.startsWith("Process.wait(child=2) = 0"))).toBe(true);
    expect(l).toContain("Process.exit(status=0) = 0");
  });

  test("a pipeline: several processes, each with its pid, fork and execve seen", () => {
    const ev = (traced.get("bash-ls-sort-head") ?? run(root, wl("bash-ls-sort-head"), true)).events;
    const pids = new Set(ev.filter((e) => e.layer === "linux").map((e) => e.pid));
    expect(pids.size).toBeGreaterThanOrEqual(4);
    const calls = new Set(ev.filter((e) => e.layer === "linux").map((e) => e.call));
    for (const c of ["execve", "pipe2", "wait4", "exit_group"]) expect([...calls], c).toContain(c);
    expect(ev.some((e) => e.layer === "linux" && e.call === "execve" && (e.text ?? "").includes('"/usr/bin/sort"'))).toBe(true);
    // every process that made calls ended
    for (const p of pids) expect(ev.some((e) => e.pid === p && e.call === "exit"), `pid ${p}`).toBe(true);
  });

  test("after a pipeline, every per-process thread of the process manager and the tracer has ended", () => {
    const o = traced.get("bash-ls-sort-head") ?? run(root, wl("bash-ls-sort-head"), true);
    const host = nativeHost(o.result.kernel);
    const left: string[] = [];
    for (const r of host.runners.values()) {
      const label = host.labelOf(r);
      if (r.crashed !== null) left.push(`${label} crashed: ${r.crashed.message}`);
      else if (!r.done && /:\d+$/.test(label)) left.push(`${label} still there`);
    }
    // A process's exit is answered before the process manager lets go of the process (a parent's wait4
    // used to reap it mid-exit and its keeper reply was lost, leaving these threads behind).
    expect(left).toEqual([]);
  });
});

describe("determinism", () => {
  test("two traced runs give identical traces", () => {
    const a = traced.get("bash-ls-sort-head") ?? run(root, wl("bash-ls-sort-head"), true);
    const b = run(root, wl("bash-ls-sort-head"), true);
    expect(b.events.map(jsonLine)).toEqual(a.events.map(jsonLine));
    expect(b.result.time).toBe(a.result.time);
  });
});

describe("output formats", () => {
  test("JSON lines, text and Chrome trace events", () => {
    const ev = (traced.get("sort-file") ?? run(root, wl("sort-file"), true)).events;
    for (const e of ev) {
      const o = JSON.parse(jsonLine(e)) as Record<string, unknown>;
      expect(typeof o["t"]).toBe("number");
      expect(typeof o["layer"]).toBe("string");
      expect(typeof o["call"]).toBe("string");
      expect(o["args"]).toBeTypeOf("object");
      expect(o["result"]).toBeTypeOf("object");
      expect(textLine(e)).not.toContain("\n");
    }
    const c = JSON.parse(chromeTrace(ev)) as { traceEvents: Record<string, unknown>[] };
    const xs = c.traceEvents.filter((e) => e["ph"] === "X");
    expect(xs.length).toBe(ev.length);
    for (const e of xs) {
      for (const k of ["name", "ts", "dur", "pid", "tid"]) expect(e[k], k).toBeDefined();
      expect(typeof e["ts"]).toBe("number");
      expect(e["dur"] as number).toBeGreaterThan(0);
    }
    const ts = xs.map((e) => e["ts"] as number);
    expect(ts.every((t) => Number.isFinite(t) && t >= 0)).toBe(true);
  });
});

describe("a guest that crashes", () => {
  const HERE = dirname(fileURLToPath(import.meta.url));
  /** tests/NAME.c of the process manager, built with gcc -m32 into its git-ignored build folder. */
  const build = (name: string): Uint8Array => {
    const src = join(HERE, `../procmgr/tests/${name}.c`), bin = join(HERE, `../procmgr/tests/build/${name}`);
    if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
      mkdirSync(dirname(bin), { recursive: true });
      execFileSync("gcc", ["-m32", "-static", "-O1", "-Wall", "-o", bin, src], { stdio: "pipe" });
    }
    return new Uint8Array(readFileSync(bin));
  };

  test("a child killed by a signal while running its own code: no keeper thread is left behind", () => {
    const files = [{ path: "/tmp/t/killbusy", bytes: build("killbusy"), mode: 0o755 }];
    const t = run(root, { path: "/tmp/t/killbusy", argv: ["killbusy"], env: ["LANG=C"] }, true, files);
    expect(t.result.status).toBe(0);
    expect(t.stdout).toBe("waited 1 signaled 1 sig 9\nchild got 10\nchild exit 7\n");
    const host = nativeHost(t.result.kernel);
    const left = [...host.runners.values()].filter((r) => !r.done && /:\d+$/.test(host.labelOf(r))).map((r) => host.labelOf(r));
    expect(left).toEqual([]);
  });

  test("SIGSEGV: same status as untraced; the trace ends with the fault and the exit", () => {
    const bytes = build("faults");
    const prog = { path: "/tmp/t/faults", argv: ["faults", "null"], env: ["LANG=C"] };
    const files = [{ path: "/tmp/t/faults", bytes, mode: 0o755 }];
    const plain = run(root, prog, false, files);
    const t = run(root, prog, true, files);
    expect(t.result.status).toBe(plain.result.status);
    expect((t.result.status ?? 0) & 0x7f).toBe(11);
    expect({ out: t.stdout, err: t.stderr }).toEqual({ out: plain.stdout, err: plain.stderr });
    const l = t.events.filter((e) => e.layer === "linux").map(textLine);
    expect(l[l.length - 2]).toMatch(/^\[pid 2\] --- SIGSEGV \{si_addr=0x0\} \(read fault at eip 0x[0-9a-f]+\) ---$/);
    expect(l[l.length - 1]).toBe("[pid 2] +++ killed by SIGSEGV +++");
  });
});
