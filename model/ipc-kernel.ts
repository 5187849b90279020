// Idempotent IPC calls that the kernel makes on a thread's behalf: a page fault to a region keeper, a
// synchronous exception to a task keeper. The thread blocks as a client of the keeper port; when the
// keeper replies, model/exceptions.ts resumes it. Owned by the IPC chapter of the model (placeholder:
// the thread blocks for good until the IPC chapter implements delivery).
import type { Ctx } from "./ctx.js";
import type { Oid, ThreadObj } from "./state.js";

export type KernelCallPurpose = "fault" | "exception";

/** Make `t` call `port` with message `words` (purpose says how the reply resumes it). */
export const ipcKernelCall = (ctx: Ctx, t: ThreadObj, port: Oid, words: number[], purpose: KernelCallPurpose): void => {
  void ctx; void port; void words; void purpose;
  t.wait = { kind: "exception" };
};
