// The tracer's events and their three output formats: JSON lines for machines (one object per event),
// strace-like text for people, and the Chrome trace-event format (complete "X" events; a run opens in
// Perfetto). Times are the kernel's virtual time (deterministic): one unit is 10 ns of the guest's clock
// (impl/nesters/stack.ts), so a virtual microsecond is 100 units.
// Above: the tracer nester, cli/run.ts, tests. Below: nothing.

/** One traced exchange: a protocol request and its reply, or a Linux system call (layer "linux"). */
export interface TraceEvent {
  /** Virtual time when the request arrived, and how long until its reply was ready (kernel time units). */
  readonly t: number;
  readonly dur: number;
  /** The guest process (Linux events; protocol traffic of the nesters below has none). */
  readonly pid?: number;
  /** "FileSystem", "FileDescription", "Memory", "Parent", "Process", "unknown" or "linux". */
  readonly layer: string;
  /** The method or system call name ("open", "openat"); for Linux also "fault", "trap", "exit". */
  readonly call: string;
  /** The port the request came through ("FileDescription#12"); protocol events only. */
  readonly target?: string;
  /** Decoded request fields (protocol) or the call's arguments (linux: raw words and their decoding). */
  readonly args: Record<string, unknown>;
  /** Status (0 or an errno name) and decoded reply fields; linux: the return value. */
  readonly result: Record<string, unknown>;
  /** The strace-like rendering of a Linux event's arguments and result (the tracer decodes them with the guest's memory at hand). */
  readonly text?: string;
}

export type TraceFormat = "text" | "jsonl" | "chrome";

export const UNITS_PER_US = 100;

/** A byte string for people: C escapes, at most `max` bytes shown, then `...` and the length. */
export const quoteBytes = (b: Uint8Array, max = 32): string => {
  let s = '"';
  for (const c of b.subarray(0, max)) {
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += "\\\\";
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x09) s += "\\t";
    else if (c === 0x0d) s += "\\r";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\${c.toString(8)}`;
  }
  s += '"';
  return b.length > max ? `${s}... <${b.length} bytes>` : s;
};

const value = (v: unknown): string => {
  if (typeof v === "number") return v > 0xffff ? `0x${v.toString(16)}` : String(v);
  if (typeof v === "string") return v.startsWith('"') ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  return String(v);
};

const fields = (o: Record<string, unknown>): string =>
  Object.entries(o).map(([k, v]) => `${k}=${k === "flags" && typeof v === "number" ? `0x${v.toString(16)}` : value(v)}`).join(", ");

/** One event as a line of strace-like text (no newline). */
export const textLine = (e: TraceEvent): string => {
  if (e.layer === "linux") return `[pid ${e.pid ?? "?"}] ${e.text ?? e.call}`;
  const { status, refs, ...rep } = e.result as { status?: unknown; refs?: unknown };
  const who = e.target !== undefined && !e.target.startsWith(`${e.layer}#`) ? `${e.target}:` : e.target !== undefined && e.layer === "FileDescription" ? `${e.target}.` : "";
  const head = who.endsWith(".") ? `${who}${e.call}` : `${who}${e.layer}.${e.call}`;
  let s = `${head}(${fields(e.args)}) = ${String(status)}`;
  if (Object.keys(rep).length > 0) s += ` {${fields(rep)}}`;
  if (Array.isArray(refs) && refs.length > 0) s += ` [${refs.join(", ")}]`;
  return s;
};

/** One event as a JSON line (no newline). */
export const jsonLine = (e: TraceEvent): string => JSON.stringify(e);

/** All events as one Chrome trace-event JSON document (pid = process, tid = layer). */
export const chromeTrace = (events: readonly TraceEvent[]): string => {
  const layers = new Map<string, number>();
  const tid = (l: string): number => {
    if (!layers.has(l)) layers.set(l, layers.size + 1);
    return layers.get(l)!;
  };
  const traceEvents: Record<string, unknown>[] = events.map((e) => ({
    name: e.layer === "linux" ? e.call : `${e.layer}.${e.call}`, cat: e.layer, ph: "X",
    ts: e.t / UNITS_PER_US, dur: Math.max(e.dur, 1) / UNITS_PER_US, pid: e.pid ?? 0, tid: tid(e.layer),
    args: { ...(e.target !== undefined ? { target: e.target } : {}), ...(e.text !== undefined ? { text: e.text } : { args: e.args }), result: e.result },
  }));
  const pids = [...new Set(events.map((e) => e.pid ?? 0))].sort((a, b) => a - b);
  for (const p of pids) traceEvents.push({ name: "process_name", ph: "M", pid: p, tid: 0, args: { name: p === 0 ? "nesters" : `pid ${p}` } });
  for (const p of pids) for (const [l, t] of layers) traceEvents.push({ name: "thread_name", ph: "M", pid: p, tid: t, args: { name: l } });
  return JSON.stringify({ traceEvents, displayTimeUnit: "ns", otherData: { clock: "fluke virtual time (1 unit = 10 ns)" } });
};

/** A sink writing `format` through `write` (chrome: collected, written by the returned `end`). */
export const formatSink = (format: TraceFormat, write: (s: string) => void): { sink: (e: TraceEvent) => void; end: () => void } => {
  if (format === "chrome") {
    const all: TraceEvent[] = [];
    return { sink: (e) => void all.push(e), end: () => write(chromeTrace(all) + "\n") };
  }
  const f = format === "text" ? textLine : jsonLine;
  return { sink: (e) => write(f(e) + "\n"), end: () => undefined };
};
