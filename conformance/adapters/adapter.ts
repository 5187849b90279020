// What the conform runner talks to: an Adapter boots a fresh system and performs calls, answering as the
// protocol does (conformance/PROTOCOL.md). The built-in adapters (in-process.ts) and the subprocess
// client (subprocess.ts) implement it; everything that goes wrong on the adapter's side is an
// AdapterFault, so the runner reports it as the adapter's, never as a disagreement with the model.
import type { CallResult, HashMode } from "../protocol.js";

/** The adapter's side went wrong (not a disagreement about the kernel API). */
export type FaultKind = "crash" | "garbage" | "timeout" | "out-of-order" | "error" | "schema";

/** One request the suite sent, for reports. */
export interface SentCall { readonly thread: number; readonly name: string; readonly args: Record<string, unknown> }

export class AdapterFault extends Error {
  constructor(readonly kind: FaultKind, readonly detail: string, readonly lastCall: SentCall | null) {
    super(`adapter fault (${kind}): ${detail}${lastCall === null ? "" : `\n  last call sent: ${lastCall.name} ${JSON.stringify(lastCall.args)} by thread 0x${lastCall.thread.toString(16)}`}`);
  }
}

export interface ResetInfo {
  readonly hashes: HashMode;
  /** The adapter honours an object limit at reset (protocol `limits`). */
  readonly limits?: boolean;
  /** The object limit in force after this reset (protocol `max_objects`, echoed), if any. */
  readonly maxObjects?: number;
}

export interface Adapter {
  /** What the user asked for ("model", "impl", or the command line). */
  readonly label: string;
  /** Boot a fresh system with `pages` pages of physical memory (and at most `maxObjects` kernel objects, if given). */
  reset(pages: number, maxObjects?: number): Promise<ResetInfo>;
  /** One call by the thread named by its root-view address. Throws AdapterFault. */
  call(thread: number, name: string, args: Record<string, unknown>): Promise<CallResult>;
  /** Say bye and release the adapter (a subprocess is ended). */
  close(): Promise<void>;
}
