// The debugger's host I/O: a loopback TCP port that gdb connects to. The run of the system is one
// synchronous loop on the host thread (stack.ts runStack), so the socket lives in a worker thread of its
// own: bytes from gdb go into a ring buffer in shared memory that the run reads without the event loop
// (waiting with Atomics.wait when the debugger has nothing to do but wait for gdb, which stops the
// whole deterministic system, as an all-stop debugger does), and bytes to gdb are posted to the worker.
// One connection at a time; a second connection is refused while the first is open.
// Above: debugger.ts (the session reads and writes), cli/run.ts and tests (open and close it), stack.ts
// (polls it between slices). Below: node:net, node:worker_threads.
import { Worker } from "node:worker_threads";

/** The byte stream to gdb as the debugger nester sees it. */
export interface DebugLink {
  /** The TCP port it listens on. */
  readonly port: number;
  /** Bytes from gdb, waiting up to `ms` for some (Infinity: until they come); empty on timeout; null once the connection is closed. */
  read(ms: number): Uint8Array | null;
  /** Whether gdb has connected (and not yet gone). */
  connected(): boolean;
  write(bytes: string): void;
  /** Called by the run loop between slices (the debugger hooks its interrupt check here). */
  betweenSlices(): void;
  onBetweenSlices: (() => void) | null;
  close(): Promise<void>;
}

const RING = 1 << 20;
// control words: 0 notify counter, 1 bytes written (total), 2 state (0 waiting, 1 connected, 2 closed)
const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const net = require("node:net");
const ctl = new Int32Array(workerData.sab, 0, 4), ring = new Uint8Array(workerData.sab, 16);
const RING = ring.length;
let sock = null, readTotal = 0, queue = [];
const bump = () => { Atomics.add(ctl, 0, 1); Atomics.notify(ctl, 0); };
const drain = () => {
  while (queue.length > 0) {
    const d = queue[0];
    let w = Atomics.load(ctl, 1);
    const room = RING - (w - Atomics.load(ctl, 3));
    if (room <= 0) { setTimeout(drain, 2); return; }
    const n = Math.min(room, d.length);
    for (let i = 0; i < n; i++) ring[(w + i) % RING] = d[i];
    Atomics.store(ctl, 1, w + n);
    if (n === d.length) queue.shift(); else queue[0] = d.subarray(n);
    bump();
  }
};
const server = net.createServer((s) => {
  if (sock !== null) { s.destroy(); return; }
  sock = s;
  s.setNoDelay(true);
  Atomics.store(ctl, 2, 1); bump();
  s.on("data", (d) => { queue.push(d); drain(); });
  s.on("error", () => {});
  s.on("close", () => { Atomics.store(ctl, 2, 2); bump(); });
});
server.on("error", (e) => parentPort.postMessage({ error: String(e && e.message) }));
server.listen(workerData.port, workerData.host, () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => {
  if (m.write !== undefined && sock !== null && !sock.destroyed) sock.write(Buffer.from(m.write, "latin1"));
  if (m.close) {
    server.close();
    if (sock !== null) sock.end(() => process.exit(0)); else process.exit(0);
    setTimeout(() => process.exit(0), 500);
  }
});
`;

/** Listen on `host:port` (port 0: any free port); resolves once listening. */
export const listenDebug = (port: number, host = "127.0.0.1"): Promise<DebugLink> =>
  new Promise((resolve, reject) => {
    const sab = new SharedArrayBuffer(16 + RING);
    const ctl = new Int32Array(sab, 0, 4), ring = new Uint8Array(sab, 16);
    const w = new Worker(WORKER, { eval: true, workerData: { sab, port, host } });
    let readTotal = 0;
    const exited = new Promise<void>((res) => w.once("exit", () => res()));
    w.once("error", reject);
    w.once("message", (m: { port?: number; error?: string }) => {
      if (m.port === undefined) {
        void w.terminate();
        reject(new Error(`debugger: cannot listen on ${host}:${port}: ${m.error ?? "?"}`));
        return;
      }
      w.unref(); // a run that ends without close() does not hang on the socket
      const take = (): Uint8Array => {
        const end = Atomics.load(ctl, 1), n = end - readTotal;
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = ring[(readTotal + i) % RING]!;
        readTotal = end;
        Atomics.store(ctl, 3, readTotal);
        return out;
      };
      const link: DebugLink = {
        port: m.port,
        read(ms: number): Uint8Array | null {
          const deadline = Date.now() + ms;
          for (;;) {
            const seen = Atomics.load(ctl, 0);
            if (Atomics.load(ctl, 1) > readTotal) return take();
            if (Atomics.load(ctl, 2) === 2) return null;
            const left = deadline - Date.now();
            if (left <= 0) return new Uint8Array(0);
            Atomics.wait(ctl, 0, seen, Number.isFinite(left) ? left : undefined);
          }
        },
        connected: () => Atomics.load(ctl, 2) === 1,
        write(bytes: string): void {
          w.postMessage({ write: bytes });
        },
        onBetweenSlices: null,
        betweenSlices(): void {
          link.onBetweenSlices?.();
        },
        async close(): Promise<void> {
          w.ref();
          w.postMessage({ close: true });
          await exited;
        },
      };
      resolve(link);
    });
  });
