// The registry: every call of the Fluke kernel API (and our harness actions), one row each, in chapter
// order. Kernel dispatch, the x86 trap ABI, the C header, the tracer's output, the JSON export and the
// conformance commands are derived from this list. Below: the chapter files.
import type { CallDef } from "./common.js";
import { COND_CALLS } from "./cond.js";
import { HARNESS_CALLS } from "./harness.js";
import { IPC_CALLS } from "./ipc.js";
import { MAPPING_CALLS } from "./mapping.js";
import { MUTEX_CALLS } from "./mutex.js";
import { PORT_CALLS } from "./port.js";
import { PSET_CALLS } from "./pset.js";
import { REF_CALLS } from "./ref.js";
import { REGION_CALLS } from "./region.js";
import { TASK_CALLS } from "./task.js";
import { THREAD_CALLS } from "./thread.js";
import { X86_CALLS } from "./x86.js";

/** Kernel calls of the published API (and ours where marked), in chapter order. */
export const KERNEL_CALLS: readonly CallDef[] = [
  ...THREAD_CALLS, ...TASK_CALLS, ...REGION_CALLS, ...MAPPING_CALLS, ...PORT_CALLS, ...PSET_CALLS,
  ...IPC_CALLS, ...MUTEX_CALLS, ...COND_CALLS, ...REF_CALLS, ...X86_CALLS,
];

/** Everything a thread can be asked to do in the model: kernel calls plus harness actions. */
export const ALL_CALLS: readonly CallDef[] = [...KERNEL_CALLS, ...HARNESS_CALLS];

export const CALLS_BY_NAME: ReadonlyMap<string, CallDef> = new Map(ALL_CALLS.map((c) => [c.name, c]));
