// The concrete kernel's dispatch table: registry row name -> handler, merged from the chapter files.
// A test checks that every row of spec/kernel-api/registry.ts has a handler here.
import { K_COND_HANDLERS } from "./cond.js";
import { K_HARNESS_HANDLERS } from "./harness.js";
import { K_IPC_HANDLERS } from "./ipc.js";
import type { KHandler } from "./kctx.js";
import { K_MAPPING_HANDLERS } from "./mapping.js";
import { K_MUTEX_HANDLERS } from "./mutex.js";
import { K_PORT_HANDLERS } from "./port.js";
import { K_PSET_HANDLERS } from "./pset.js";
import { K_REF_HANDLERS } from "./ref.js";
import { K_REGION_HANDLERS } from "./region.js";
import { K_TASK_HANDLERS } from "./task.js";
import { K_THREAD_HANDLERS } from "./thread.js";

export const KERNEL_HANDLERS: Readonly<Record<string, KHandler>> = {
  ...K_THREAD_HANDLERS, ...K_TASK_HANDLERS, ...K_REGION_HANDLERS, ...K_MAPPING_HANDLERS, ...K_PORT_HANDLERS,
  ...K_PSET_HANDLERS, ...K_IPC_HANDLERS, ...K_MUTEX_HANDLERS, ...K_COND_HANDLERS, ...K_REF_HANDLERS, ...K_HARNESS_HANDLERS,
};
