// Harness actions (ours): the things a thread does that are not kernel calls but that the model and
// every implementation must agree on, so the conformance suite can drive them: reading and writing
// memory through the thread's task's address space. On x86 these are ordinary loads and stores; in the
// abstract model they are steps like any call. See harness.md.
import { z } from "zod";
import { Addr, Bytes, defineCall, type CallDef } from "./common.js";

/** Longest single harness access, in bytes. */
export const HARNESS_MAX_ACCESS = 4096;

export const harness_mem_read = defineCall({
  name: "harness_mem_read",
  chapter: "harness",
  trap: 200,
  summary: "Read bytes from the calling thread's task's address space, faulting like a load would.",
  args: z.object({ addr: Addr, len: z.number().int().min(1).max(HARNESS_MAX_ACCESS) }),
  out: z.object({ bytes: Bytes }),
  returns: ["SUCCESS"],
  insanities: [],
  blocking: false, // a refused access is a fault (the exception path), as for any call; it never waits
  restartable: true,
  thread: "current-only",
  provenance: "ours",
});

export const harness_mem_write = defineCall({
  name: "harness_mem_write",
  chapter: "harness",
  trap: 201,
  summary: "Write bytes into the calling thread's task's address space, faulting like a store would.",
  args: z.object({ addr: Addr, bytes: Bytes.min(1).max(HARNESS_MAX_ACCESS) }),
  out: z.object({}),
  returns: ["SUCCESS"],
  insanities: [],
  blocking: false, // a refused access is a fault (the exception path), as for any call; it never waits
  restartable: true,
  thread: "current-only",
  provenance: "ours",
});

export const HARNESS_CALLS: readonly CallDef[] = [harness_mem_read, harness_mem_write];
