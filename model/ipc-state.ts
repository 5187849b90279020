// Per-thread IPC progress in the abstract model: the server side a thread has set up, its current
// idempotent or one-way transaction, and its reliable connections. Owned by the IPC chapter of the
// model (model/ipc*.ts); model/state.ts embeds it in every thread. Placeholder shape: the IPC chapter
// refines it.
import type { Oid } from "./state.js";

export interface ThreadIpc {
  /** Port set this thread serves (fluke_ipc_setup_wait_receive), or null. */
  serverPset: Oid | null;
  /** Chapter-private details. */
  [key: string]: unknown;
}

export const emptyThreadIpc = (): ThreadIpc => ({ serverPset: null });
