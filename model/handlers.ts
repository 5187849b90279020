// The model's dispatch table: registry row name -> handler, merged from the chapter files. A test checks
// that every row of spec/kernel-api/registry.ts has a handler here.
import type { Handler } from "./ctx.js";
import { COND_HANDLERS } from "./cond.js";
import { HARNESS_HANDLERS } from "./harness.js";
import { IPC_HANDLERS } from "./ipc.js";
import { MAPPING_HANDLERS } from "./mapping.js";
import { MUTEX_HANDLERS } from "./mutex.js";
import { PORT_HANDLERS } from "./port.js";
import { PSET_HANDLERS } from "./pset.js";
import { REF_HANDLERS } from "./ref.js";
import { REGION_HANDLERS } from "./region.js";
import { TASK_HANDLERS } from "./task.js";
import { THREAD_HANDLERS } from "./thread.js";

export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...THREAD_HANDLERS, ...TASK_HANDLERS, ...REGION_HANDLERS, ...MAPPING_HANDLERS, ...PORT_HANDLERS,
  ...PSET_HANDLERS, ...IPC_HANDLERS, ...MUTEX_HANDLERS, ...COND_HANDLERS, ...REF_HANDLERS, ...HARNESS_HANDLERS,
};
