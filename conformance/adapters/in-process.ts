// The built-in adapters `model` and `impl`: a System (systems.ts) served in-process through the same
// request and answer lines a subprocess adapter exchanges (server.ts, answer.ts), so they behave exactly
// like an external adapter would, JSON encoding and validation included. `openAdapter` picks a built-in
// or starts a subprocess for any other string. Above: the conform runner, cli. Below: systems.ts.
import type { HashMode } from "../protocol.js";
import { AdapterFault, type Adapter, type SentCall } from "./adapter.js";
import { readAnswer } from "./answer.js";
import { serveLine } from "./server.js";
import { SubprocessAdapter, type SubprocessOptions } from "./subprocess.js";
import { implSystem, modelSystem, type System } from "./systems.js";

export class InProcessAdapter implements Adapter {
  private id = 0;
  private last: SentCall | null = null;

  constructor(readonly label: string, private readonly sys: System, private readonly hashes: HashMode = "model") {}

  private exchange(req: Record<string, unknown>): string {
    try {
      return serveLine(this.sys, JSON.stringify(req), this.hashes).answer;
    } catch (e) {
      throw new AdapterFault("crash", `the ${this.label} adapter threw ${String(e)}`, this.last);
    }
  }

  reset(pages: number, maxObjects?: number) {
    const id = ++this.id;
    this.last = null;
    return Promise.resolve(readAnswer(this.exchange({ id, op: "reset", pages, ...(maxObjects === undefined ? {} : { max_objects: maxObjects }) }), id, "reset", null));
  }

  call(thread: number, name: string, args: Record<string, unknown>) {
    const id = ++this.id;
    this.last = { thread, name, args };
    return Promise.resolve(readAnswer(this.exchange({ id, op: "call", thread, name, args }), id, "call", this.last));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export const BUILT_IN = ["model", "impl"] as const;

/** The adapter `spec` names: "model", "impl", or a shell command that speaks the protocol. */
export const openAdapter = (spec: string, opts: SubprocessOptions = {}): Adapter => {
  if (spec === "model") return new InProcessAdapter("model", modelSystem());
  if (spec === "impl") return new InProcessAdapter("impl", implSystem());
  return new SubprocessAdapter(spec, opts);
};
