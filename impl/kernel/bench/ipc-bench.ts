// `npm run bench:ipc`: IPC speed of the concrete kernel with native threads (native-host.ts), each figure
// next to a plain TypeScript function doing the same message copy in the same run: idempotent call/reply
// round trips, reliable-RPC round trips, and reliable streaming (words per second). Median of 5 runs each,
// ratios printed; and an x86 client (x86-tests/ipc.c, built with gcc -m32) calling a native server.
// A benchmark, not a test: nothing here asserts speed. Above: package.json. Below: bench/ipc-programs.ts.
import { performance } from "node:perf_hooks";
import type { NativeProgram } from "../native.js";
import { nativeHost, spawnNative } from "../native-host.js";
import { MODE, x86IpcWorld } from "../x86-ipc-testkit.js";
import { THREAD, idemClient, idemServer, ipcWorld, relClient, relServer, streamClient, streamServer } from "./ipc-programs.js";

const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Seconds taken by `f`. */
const time = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
};

/** Run a native server and client to completion on a fresh kernel; fails loudly if the client did not finish. */
const runPair = (server: NativeProgram, client: NativeProgram): void => {
  const { k, host } = ipcWorld();
  host.tracing = false;
  spawnNative(k, k.rootTask, THREAD(1), server);
  const c = spawnNative(k, k.rootTask, THREAD(2), client);
  k.sched.run();
  if (!c.runner.done || c.runner.crashed !== null) throw new Error(`client did not finish: ${String(c.runner.crashed)}`);
};

/** The plain-function counterpart of one call/reply: copy the request in, compute, copy the reply out (truncated/padded). */
const plainCall = (server: (w: number[]) => number[], req: readonly number[], recvMax: number): number[] => {
  const inbox = req.slice(0, recvMax);
  const reply = server(inbox);
  const out = reply.slice(0, recvMax);
  while (out.length < 2) out.push(0);
  return out;
};

const REQ = [1, 2, 3, 4, 5, 6];

const idempotent = (n: number): { kernel: number; plain: number } => {
  const reqs = Array.from({ length: n }, () => REQ);
  const kernel = time(() => runPair(idemServer(n), idemClient(reqs, [])));
  let sink = 0;
  const plain = time(() => {
    for (const r of reqs) sink += plainCall((w) => w.map((x) => (x * 2) >>> 0), r, 8)[0]!;
  });
  if (sink !== 2 * n) throw new Error("plain idempotent copy broken");
  return { kernel: n / kernel, plain: n / plain };
};

const reliable = (n: number): { kernel: number; plain: number } => {
  const reqs = Array.from({ length: n }, () => REQ);
  const kernel = time(() => runPair(relServer(n), relClient(reqs, [])));
  let sink = 0;
  const plain = time(() => {
    for (const r of reqs) sink += plainCall((w) => w.map((x) => (x + 1) >>> 0), r, 8)[0]!;
  });
  if (sink !== 2 * n) throw new Error("plain reliable copy broken");
  return { kernel: n / kernel, plain: n / plain };
};

/** Streaming `chunks` chunks of `chunk` words per connection, `conns` connections; words per second. */
const streaming = (conns: number, chunks: number, chunk: number): { kernel: number; plain: number; rtt: number } => {
  const words = conns * chunks * chunk;
  const client = function* (): NativeProgram {
    for (let c = 0; c < conns; c++) yield* streamClient(chunks, chunk, []);
  };
  const kernel = time(() => runPair(streamServer(conns, chunk), client()));
  let sink = 0;
  const plain = time(() => {
    for (let c = 0; c < conns; c++) {
      const inbox: number[] = [];
      for (let i = 0; i < chunks; i++) for (let j = 0; j < chunk; j++) inbox.push(i * chunk + j);
      for (let off = 0; off < inbox.length; off += chunk) for (const x of inbox.slice(off, off + chunk)) sink = (sink + x) >>> 0;
    }
  });
  if (sink === 0.5) throw new Error("unreachable");
  return { kernel: words / kernel, plain: words / plain, rtt: conns / kernel };
};

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));

const report = (label: string, unit: string, samples: { kernel: number; plain: number }[]): void => {
  const k = median(samples.map((s) => s.kernel));
  const p = median(samples.map((s) => s.plain));
  console.log(`${label.padEnd(46)} kernel ${fmt(k).padStart(9)} ${unit}   plain TS ${fmt(p).padStart(9)} ${unit}   plain/kernel ${(p / k).toFixed(1)}x`);
};

/** x86 client (x86-tests/ipc.c, mode bench: n fluke_ipc_call of 2 words) and native idemServer; the plain side as `idempotent`. */
const x86Idempotent = (n: number): { kernel: number; plain: number } => {
  let sum = -1;
  const kernel = time(() => {
    const { k, results } = x86IpcWorld(MODE.bench, n);
    nativeHost(k).tracing = false;
    spawnNative(k, k.rootTask, THREAD(1), idemServer(n));
    k.sched.run();
    sum = results()["bench_sum"]![0]!;
  });
  if (sum !== (n * (n - 1) + 2 * n) >>> 0) throw new Error(`x86 client did not finish: sum ${sum}`);
  let sink = 0;
  const plain = time(() => {
    for (let i = 0; i < n; i++) sink += plainCall((w) => w.map((x) => (x * 2) >>> 0), [i, 1], 2)[1]!;
  });
  if (sink !== 2 * n) throw new Error("plain x86 idempotent copy broken");
  return { kernel: n / kernel, plain: n / plain };
};

const main = (): void => {
  const n = Number(process.env["BENCH_IPC_N"] ?? 20000);
  console.log(`bench:ipc — median of ${RUNS} runs after one warm-up run, ${n} round trips per run (BENCH_IPC_N to change), host clock outside the kernel only`);
  // One untimed run of each case first (JIT warm-up), then RUNS timed ones.
  const runs = <T>(f: () => T): T[] => [f(), ...Array.from({ length: RUNS }, f)].slice(1);
  report("native <-> native idempotent call/reply", "rt/s", runs(() => idempotent(n)));
  report("native <-> native reliable RPC (connect..ack)", "rt/s", runs(() => reliable(n)));
  const st = runs(() => streaming(Math.max(1, n / 100), 32, 16));
  report("native reliable streaming (16-word sends)", "words/s", st);
  console.log(`${"native reliable streaming, connections".padEnd(46)} kernel ${fmt(median(st.map((s) => s.rtt))).padStart(9)} rt/s (32 sends + over/ack each)`);
  report("x86 -> native idempotent call/reply", "rt/s", runs(() => x86Idempotent(n)));
};

main();
