// The client for an external adapter (`fluke conform --adapter "<command>"`): starts the command through
// the shell, in a process group of its own, and exchanges one request and one answer line at a time over
// its stdin and stdout (conformance/PROTOCOL.md). Every call has a timeout; a process that exits, prints
// something that is not an answer, answers another id, or stays silent past the timeout is an
// AdapterFault naming the last call sent, and is killed, so the next reset starts a fresh process. Its
// stderr passes through to ours, the last lines kept for the report. Above: in-process.ts (openAdapter).
import { spawn, type ChildProcess } from "node:child_process";
import type { CallResult } from "../protocol.js";
import { AdapterFault, type Adapter, type ResetInfo, type SentCall } from "./adapter.js";
import { readAnswer, type Op } from "./answer.js";

export interface SubprocessOptions {
  /** Longest wait for one answer, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** Longest wait for the first answer of a freshly started process (default 30000). */
  readonly startTimeoutMs?: number;
  /** Pass the adapter's stderr through to ours (default true). */
  readonly passStderr?: boolean;
}

interface Waiter { resolve(line: string): void; reject(e: AdapterFault): void }

export class SubprocessAdapter implements Adapter {
  private proc: ChildProcess | null = null;
  private lines: string[] = [];
  private partial = "";
  private waiter: Waiter | null = null;
  private exited: string | null = null;
  private stderrTail = "";
  private id = 0;
  private last: SentCall | null = null;
  private readonly timeoutMs: number;
  private readonly startTimeoutMs: number;

  constructor(readonly label: string, private readonly opts: SubprocessOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.startTimeoutMs = Math.max(opts.startTimeoutMs ?? 30_000, this.timeoutMs);
  }

  private start(): void {
    const p = spawn(this.label, { shell: true, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    this.proc = p;
    this.lines = [];
    this.partial = "";
    this.exited = null;
    this.stderrTail = "";
    p.stdout!.setEncoding("utf8");
    const mine = (): boolean => this.proc === p; // events of a process already killed are ignored
    p.stdout!.on("data", (chunk: string) => { if (mine()) this.onData(chunk); });
    p.stderr!.setEncoding("utf8");
    p.stderr!.on("data", (chunk: string) => {
      if (!mine()) return;
      this.stderrTail = (this.stderrTail + chunk).slice(-1000);
      if (this.opts.passStderr !== false) process.stderr.write(chunk);
    });
    p.stdin!.on("error", () => { /* EPIPE when the adapter died; reported by the exit handler */ });
    p.on("error", (e) => { if (mine()) this.onExit(`could not be started: ${e.message}`); });
    p.on("exit", (code, signal) => { if (mine()) this.onExit(signal !== null ? `was killed by ${signal}` : `exited with status ${code}`); });
  }

  private onData(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop()!;
    for (const l of parts) if (l.trim() !== "") this.lines.push(l);
    this.wake();
  }

  private onExit(why: string): void {
    if (this.exited !== null) return;
    this.exited = why;
    if (this.partial.trim() !== "") this.lines.push(this.partial);
    this.partial = "";
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    if (w === null) return;
    const line = this.lines.shift();
    if (line !== undefined) {
      this.waiter = null;
      w.resolve(line);
    } else if (this.exited !== null) {
      this.waiter = null;
      w.reject(this.crashed());
    }
  }

  private crashed(): AdapterFault {
    const tail = this.stderrTail.trim();
    return new AdapterFault("crash", `the adapter process ${this.exited}${tail === "" ? "" : `; its last stderr: ${tail.split("\n").slice(-5).join(" | ")}`}`, this.last);
  }

  /** End the process group (the shell and what it started). */
  private kill(): void {
    const p = this.proc;
    this.proc = null;
    this.waiter = null;
    if (p === null || p.pid === undefined || this.exited !== null) return;
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {
      p.kill("SIGKILL");
    }
  }

  /** Send one request and wait for one answer line; any fault kills the process. */
  private async exchange(req: Record<string, unknown>, timeout: number): Promise<string> {
    const p = this.proc;
    if (p === null || this.exited !== null) throw this.crashed();
    p.stdin!.write(JSON.stringify(req) + "\n");
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<string>((resolve, reject) => {
        this.waiter = { resolve, reject };
        timer = setTimeout(() => {
          this.waiter = null;
          reject(new AdapterFault("timeout", `no answer to request ${String(req["id"])} (${String(req["op"])}) within ${timeout} ms`, this.last));
        }, timeout);
        this.wake();
      });
    } catch (e) {
      this.kill();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async request<T>(req: Record<string, unknown>, op: Op, read: (line: string, id: number) => T, timeout = this.timeoutMs): Promise<T> {
    const line = await this.exchange(req, timeout);
    try {
      return read(line, req["id"] as number);
    } catch (e) {
      this.kill();
      throw e;
    }
  }

  async reset(pages: number, maxObjects?: number): Promise<ResetInfo> {
    const fresh = this.proc === null || this.exited !== null;
    if (fresh) this.start();
    this.last = null;
    const id = ++this.id;
    return this.request({ id, op: "reset", pages, ...(maxObjects === undefined ? {} : { max_objects: maxObjects }) }, "reset", (l, i) => readAnswer(l, i, "reset", null), fresh ? this.startTimeoutMs : this.timeoutMs);
  }

  async call(thread: number, name: string, args: Record<string, unknown>): Promise<CallResult> {
    const id = ++this.id;
    this.last = { thread, name, args };
    return this.request({ id, op: "call", thread, name, args }, "call", (l, i) => readAnswer(l, i, "call", this.last));
  }

  async close(): Promise<void> {
    if (this.proc === null || this.exited !== null) return;
    const p = this.proc;
    try {
      await this.request({ id: ++this.id, op: "bye" }, "bye", (l, i) => readAnswer(l, i, "bye", this.last), Math.min(this.timeoutMs, 2000));
      p.stdin!.end();
      await new Promise<void>((resolve) => {
        if (this.exited !== null) return resolve();
        const t = setTimeout(resolve, 2000);
        p.once("exit", () => { clearTimeout(t); resolve(); });
      });
    } catch {
      /* a fault on bye: the process is killed below */
    }
    this.kill();
  }
}
