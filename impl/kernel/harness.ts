// Chapter "harness" of the concrete kernel: the two harness actions of spec/kernel-api/harness.ts
// (harness.md), a thread's load and store through its task's address space, so the conformance suite can
// drive memory exactly as it drives the model (model/harness.ts). A refused page faults before any byte
// moves; object blocks read as zeros and swallow stores, invalidating the object (kmemory.ts).
// Above: handlers.ts. Below: kmemory.ts.
import { ok, type KHandler } from "./kctx.js";
import { readTask, writeTask } from "./kmemory.js";

const harness_mem_read: KHandler = (ctx, a: { addr: number; len: number }) =>
  ok({ bytes: Array.from(readTask(ctx.k, ctx.task, a.addr, a.len)) });

const harness_mem_write: KHandler = (ctx, a: { addr: number; bytes: number[] }) => {
  writeTask(ctx.k, ctx.task, a.addr, Uint8Array.from(a.bytes));
  return ok();
};

export const K_HARNESS_HANDLERS: Readonly<Record<string, KHandler>> = { harness_mem_read, harness_mem_write };
