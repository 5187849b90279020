// What the debugger's system tests share (gdb.test.ts, events.test.ts): gdb must be there (a clear
// failure, not a skip: CI installs it), the test programs in tests/ are built with gcc -m32 -g -O0
// -static, and `debugRun` runs a program under runStack with the debugger on a loopback port while a
// client process (gdb, or a raw protocol script) talks to it. The client's output goes to a file: this
// thread is busy running the system meanwhile, and a pipe nobody reads would soon block gdb, which
// writes its output a byte at a time. Timeouts here are only guards against a hang.
// Above: the tests. Below: stack.ts (runStack with `debug`), link.ts, gcc, gdb.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runStack } from "../stack.js";
import { listenDebug } from "./link.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const GUARD_MS = 40_000;

const made: string[] = [];
/** A fresh temporary directory, removed by `cleanup`. */
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "fluke-dbg-"));
  made.push(d);
  return d;
};
/** Remove the temporary directories (built programs, client output). */
export const cleanup = (): void => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
};

/** Fail (not skip) when gdb is missing. */
export const requireGdb = (): void => {
  const v = spawnSync("gdb", ["--version"], { encoding: "utf8" });
  if (v.error !== undefined || v.status !== 0) throw new Error("gdb is needed for the debugger tests and was not found: install it (apt-get install gdb)");
};

/** Build tests/<name>.c into a fresh temporary directory; the binary's host path. */
export const buildTestProgram = (name: string): string => {
  const out = join(tempDir(), name);
  try {
    execFileSync("gcc", ["-m32", "-g", "-O0", "-static", "-fno-pie", "-no-pie", "-o", out, join(HERE, "tests", `${name}.c`)], { stdio: "pipe" });
  } catch (e) {
    throw new Error(`cannot build tests/${name}.c: gcc -m32 is needed (install gcc-multilib)\n${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`);
  }
  return out;
};

/** The address of symbol `sym` in a host ELF file (nm). */
export const symbolAddress = (file: string, sym: string): number => {
  const line = execFileSync("nm", [file], { encoding: "utf8" }).split("\n").find((l) => l.endsWith(` ${sym}`));
  if (line === undefined) throw new Error(`${sym} not found in ${file}`);
  return parseInt(line.split(" ")[0]!, 16);
};

export interface DebugRun {
  /** The program's console output, its wait status. */
  readonly out: string;
  readonly status: number | null;
  /** The client's output and exit code. */
  readonly client: string;
  readonly clientCode: number | null;
  readonly logs: string[];
}

export interface DebugRunOptions {
  readonly root: string;
  readonly path: string;
  readonly argv: string[];
  readonly client: (port: number) => { readonly cmd: string; readonly args: string[] };
  readonly files?: { path: string; bytes: Uint8Array; mode: number }[];
  readonly nest?: ("null" | "tracer" | "debugger")[];
}

/** Run a program under the debugger while a client process talks to it. */
export const debugRun = async (o: DebugRunOptions): Promise<DebugRun> => {
  const link = await listenDebug(0);
  const c = o.client(link.port);
  const outFile = join(tempDir(), "client.txt");
  const fd = openSync(outFile, "w");
  const child = spawn(c.cmd, c.args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const ended = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  const out: Buffer[] = [], logs: string[] = [];
  let status: number | null = null;
  try {
    status = runStack({
      root: o.root, path: o.path, argv: o.argv, envp: ["LANG=C"], cwd: "/",
      console: { write: (_fd, b) => void out.push(Buffer.from(b)), read: () => new Uint8Array(0), terminal: () => null },
      files: o.files, maxTime: 5e9, log: (l) => void logs.push(l), nest: o.nest, trace: o.nest?.includes("tracer") === true ? { sink: () => {} } : undefined,
      debug: { link, idleMs: GUARD_MS },
    }).status;
  } finally {
    await link.close();
  }
  const guard = setTimeout(() => child.kill("SIGKILL"), GUARD_MS);
  const clientCode = await ended;
  clearTimeout(guard);
  return { out: Buffer.concat(out).toString(), status, client: readFileSync(outFile, "utf8"), clientCode, logs };
};

/** gdb -batch with these commands (PORT replaced by the debugger's port). */
export const gdb = (exs: string[]) => (port: number) => ({
  cmd: "gdb",
  args: ["-batch", "-nx", ...exs.flatMap((e) => ["-ex", e.replace("PORT", String(port))])],
});

/** A raw remote-protocol client (node) running `body`, with helpers pkt(data), step(name, send, regex) and `log`. */
export const rawClient = (body: string, ...args: string[]) => (port: number) => ({
  cmd: process.execPath,
  args: ["-e", `
const net = require("node:net");
const sum = (d) => [...d].reduce((a, c) => (a + c.charCodeAt(0)) & 255, 0);
const pkt = (d) => "$" + d + "#" + sum(d).toString(16).padStart(2, "0");
const argv = process.argv.slice(1);
const s = net.connect(Number(argv[0]), "127.0.0.1");
let buf = "", at = 0;
const log = [], waiters = [];
const check = () => { while (waiters.length > 0) { const [re, res] = waiters[0]; const m = re.exec(buf.slice(at)); if (m === null) return; at += m.index + m[0].length; waiters.shift(); res(m[0]); } };
s.on("data", (d) => { buf += d.toString("latin1"); check(); });
const want = (re) => new Promise((res) => { waiters.push([re, res]); check(); });
const step = async (name, send, re) => { s.write(send); log.push(name + " -> " + JSON.stringify(await want(re))); };
s.on("error", (e) => { console.log("error " + e.message); process.exit(1); });
s.on("connect", async () => { ${body}
  console.log(log.join("\\n"));
  s.end();
});
`, String(port), ...args],
});
