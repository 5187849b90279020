// Test and bench support for IPC between x86 and native threads: the world of bench/ipc-programs.ts
// (a port set, a port with alias 7 and a reference to it, made by the boot thread) plus the program
// x86-tests/ipc.c loaded into the root task (code at 0x10000, results block at 0x18000, stack below
// 0x1f000) and run by an x86 thread in one of its modes, next to native threads; and a native server
// that answers idempotent calls with each word doubled and reliable RPCs with each word plus one.
// Above: x86-ipc.test.ts, bench/ipc-bench.ts. Below: x86-testkit.ts, x86-spawn.ts, native-host.ts.
import type { Outcome } from "../../spec/kernel-api/common.js";
import type { Kernel } from "./kernel.js";
import { readTask, writeTask } from "./kmemory.js";
import type { NativeProgram } from "./native.js";
import { PSET0, ipcWorld, params } from "./bench/ipc-programs.js";
import { compileX86Test } from "./x86-testkit.js";
import { loadElf32, spawnX86 } from "./x86-spawn.js";
import type { X86Thread } from "./x86-thread.js";

/** Fields of ipc.c's `struct results`, in order (arrays by their length). */
const LAYOUT: [string, number][] = [
  ["mode", 1], ["count", 1], ["done", 1], ["stage", 1], ["call_rc", 1], ["call_words", 11],
  ["cur_words", 1], ["cur_off", 1], ["tab_off", 1], ["bufs_left", 1], ["refs_left", 1],
  ["raw_eax", 1], ["raw_ecx", 1], ["raw_esi", 1], ["raw_edi", 1], ["rpc_rc", 1], ["rpc_words", 4], ["rpc_left", 1],
  ["bench_sum", 1], ["serve_rc", 8], ["serve_first", 8], ["alias", 1], ["unaligned_after", 1], ["ref_same", 1], ["ref_type", 1],
];
const RESULTS = 0x18000;
const WORDS = LAYOUT.reduce((n, [, w]) => n + w, 0);
export const DONE = 0xd0d0d0d0;
export const MODE = { client: 1, bench: 2, server: 3, badPointer: 4, refs: 5 } as const;

let image: Uint8Array | null = null;

const words = (o: Outcome): number[] => (o.kind === "return" ? ((o.out["words"] as number[] | undefined) ?? []) : []);

/** Native server of both classes: idempotent requests get each word doubled, reliable ones each word plus one. */
export function* mixedServer(log: string[] = []): NativeProgram {
  let o = yield { name: "fluke_ipc_setup_wait_receive", args: { pset: PSET0, ipc_params: params({ recv_words_max: 8 }) } };
  for (;;) {
    const cls = o.kind === "return" ? o.out["ipc_class"] : undefined;
    log.push(`${String(cls)} [${words(o).join(",")}]`);
    if (cls === "reliable") {
      const reply = words(o).map((x) => (x + 1) >>> 0);
      o = yield { name: "fluke_ipc_server_ack_send_wait_receive", args: { ipc_params: params({ send_words: reply, recv_words_max: 8 }) } };
    } else {
      const reply = words(o).map((x) => (x * 2) >>> 0);
      o = yield { name: "fluke_ipc_reply_wait_receive", args: { ipc_params: params({ send_words: reply, recv_words_max: 8 }) } };
    }
  }
}

/** The world with ipc.c loaded in the root task and an x86 thread about to run it in `mode` with `count`. */
export const x86IpcWorld = (mode: number, count = 0): { k: Kernel; x: X86Thread; results: () => Record<string, number[]> } => {
  const { k } = ipcWorld();
  const boot = (name: string, args: Record<string, unknown>): void => {
    const r = k.step(k.nameOf(k.bootThread), { name, args });
    if (r.outcome.kind !== "return" || r.outcome.rc !== "SUCCESS") throw new Error(`${name}: ${JSON.stringify(r.outcome)}`);
  };
  boot("fluke_port_create", { new_port: 0xb000 }); // the x86 thread's scheduler port
  image ??= compileX86Test("ipc");
  const entry = loadElf32(k, k.rootTask, image);
  const hdr = new Uint8Array(8);
  new DataView(hdr.buffer).setUint32(0, mode, true);
  new DataView(hdr.buffer).setUint32(4, count, true);
  writeTask(k, k.rootTask, RESULTS, hdr);
  const x = spawnX86(k, { task: k.nameOf(k.rootTask), at: 0xb200, scheduler: 0xb000, refs: [0xb100, 0xb110], eip: entry, esp: 0x1f000 });
  const results = (): Record<string, number[]> => {
    const b = readTask(k, k.rootTask, RESULTS, 4 * WORDS);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out: Record<string, number[]> = {};
    let i = 0;
    for (const [name, n] of LAYOUT) out[name] = Array.from({ length: n }, () => dv.getUint32(4 * i++, true));
    return out;
  };
  return { k, x, results };
};
