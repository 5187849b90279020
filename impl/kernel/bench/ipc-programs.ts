// Native IPC programs and their world, shared by the native-host tests and `npm run bench:ipc`: a kernel
// whose boot thread made (through the API only) a port set, a port attached to it and a reference to the
// port, and generator programs for an idempotent server and client (fluke_ipc_call / reply_wait_receive),
// a reliable-RPC server and client (connect_send_over_receive / server_ack_send_wait_receive), and a
// reliable streaming pair (connect_send, client_send..., over_receive; the server receives in chunks and
// answers with the sum and count of what arrived). Above: native-host.test.ts, bench/ipc-bench.ts.
// Below: native-host.ts, kernel.ts.
import type { Outcome } from "../../../spec/kernel-api/common.js";
import type { IpcParams } from "../../../spec/kernel-api/ipc.js";
import { Kernel } from "../kernel.js";
import type { NativeProgram } from "../native.js";
import { nativeHost, type KernelNativeHost } from "../native-host.js";

export const PSET0 = 0x9000;
export const PORT0 = 0x8000;
export const DEST = 0xa000; // reference to PORT0
export const PSET_REF = 0xa010;
export const THREAD = (i: number): number => 0x4000 + i * 128;

export const params = (p: Partial<IpcParams> = {}): IpcParams => ({
  send_words: [...(p.send_words ?? [])], send_refs: [...(p.send_refs ?? [])], recv_words_max: p.recv_words_max ?? 0, recv_refs: [...(p.recv_refs ?? [])],
});

const words = (o: Outcome): number[] => (o.kind === "return" ? ((o.out["words"] as number[] | undefined) ?? []) : []);
const code = (o: Outcome): string => (o.kind === "return" ? o.rc : o.kind === "insanity" ? `INS:${o.code}` : o.kind);

/** A kernel and its native host, with the port set, the port (alias 7) and the reference DEST made by the boot thread. */
export const ipcWorld = (opts: { quantum?: number } = {}): { k: Kernel; host: KernelNativeHost } => {
  const k = new Kernel();
  if (opts.quantum !== undefined) (k.sched as { quantum: number }).quantum = opts.quantum;
  const host = nativeHost(k);
  const boot = (name: string, args: Record<string, unknown>): void => {
    const o = host.callAs(k.bootThread, { name, args });
    if (o.kind !== "return" || o.rc !== "SUCCESS") throw new Error(`${name}: ${JSON.stringify(o)}`);
  };
  boot("fluke_pset_create", { new_pset: PSET0 });
  boot("fluke_port_create", { new_port: PORT0 });
  boot("fluke_ref_create", { new_ref: PSET_REF });
  boot("fluke_pset_reference", { pset: PSET0, new_pset_ref: PSET_REF });
  boot("fluke_port_set_state", { port: PORT0, state: { hash: 0, alias: 7 }, pset_ref: PSET_REF });
  boot("fluke_ref_create", { new_ref: DEST });
  boot("fluke_port_reference", { port: PORT0, new_port_ref: DEST });
  return { k, host };
};

/** Idempotent server: answers `n` calls with each word doubled, then waits for good. Logs what it served. */
export function* idemServer(n: number, log: string[] = []): NativeProgram {
  let o = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: params({ recv_words_max: 8 }) } };
  for (let i = 0; i < n; i++) {
    const w = words(o);
    log.push(`serve ${code(o)} [${w.join(",")}]`);
    o = yield { name: "fluke_ipc_reply_wait_receive", args: { ipc_params: params({ send_words: w.map((x) => (x * 2) >>> 0), recv_words_max: 8 }) } };
  }
}

/** Idempotent client: one fluke_ipc_call per request; records code and reply words. */
export function* idemClient(requests: readonly (readonly number[])[], results: string[]): NativeProgram {
  for (const r of requests) {
    const o = yield { name: "fluke_ipc_call", args: { destination: DEST, ipc_params: params({ send_words: [...r], recv_words_max: 8 }) } };
    results.push(`${code(o)} [${words(o).join(",")}]`);
  }
}

/** Reliable-RPC server: answers `n` connections with each word plus one. */
export function* relServer(n: number, log: string[] = []): NativeProgram {
  let o = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: params({ recv_words_max: 8 }) } };
  for (let i = 0; i < n; i++) {
    const w = words(o);
    log.push(`serve ${code(o)} ${o.kind === "return" ? String(o.out["ipc_class"]) : "-"} [${w.join(",")}]`);
    o = yield { name: "fluke_ipc_server_ack_send_wait_receive", args: { ipc_params: params({ send_words: w.map((x) => (x + 1) >>> 0), recv_words_max: 8 }) } };
  }
}

/** Reliable-RPC client: one connect_send_over_receive per request. */
export function* relClient(requests: readonly (readonly number[])[], results: string[]): NativeProgram {
  for (const r of requests) {
    const o = yield { name: "fluke_ipc_client_connect_send_over_receive", args: { destination: DEST, ipc_params: params({ send_words: [...r], recv_words_max: 8 }) } };
    results.push(`${code(o)} [${words(o).join(",")}]`);
  }
}

/** Streaming server: per connection, receive chunks until the client hands the turn over; reply [sum, count]. */
export function* streamServer(connections: number, chunk: number, log: string[] = []): NativeProgram {
  const recv = params({ recv_words_max: chunk });
  let o = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: recv } };
  for (let c = 0; c < connections; c++) {
    let sum = 0;
    let count = 0;
    for (;;) {
      for (const x of words(o)) sum = (sum + x) >>> 0;
      count += words(o).length;
      if (count > 0 && code(o) !== "SUCCESS" && code(o) !== "IPC_RECV_MORE_DATA") break;
      if (count > 0 && code(o) === "SUCCESS" && o.kind === "return" && o.out["ipc_class"] === undefined) break;
      o = yield { name: "fluke_ipc_server_receive", args: { ipc_params: recv } };
    }
    log.push(`stream ${count} words sum ${sum}`);
    o = yield { name: "fluke_ipc_server_ack_send_wait_receive", args: { ipc_params: params({ send_words: [sum, count], recv_words_max: chunk }) } };
  }
}

/** Streaming client: connect, send `chunks` chunks of `chunk` words, hand the turn over and take the reply. */
export function* streamClient(chunks: number, chunk: number, results: string[]): NativeProgram {
  const data = (i: number): number[] => Array.from({ length: chunk }, (_, j) => i * chunk + j);
  let o = yield { name: "fluke_ipc_client_connect_send", args: { destination: DEST, ipc_params: params({ send_words: data(0) }) } };
  for (let i = 1; i < chunks && code(o) === "SUCCESS"; i++) o = yield { name: "fluke_ipc_client_send", args: { ipc_params: params({ send_words: data(i) }) } };
  o = yield { name: "fluke_ipc_client_over_receive", args: { ipc_params: params({ recv_words_max: 2 }) } };
  results.push(`${code(o)} [${words(o).join(",")}]`);
}
