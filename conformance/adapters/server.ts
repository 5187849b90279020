// The adapter side of the protocol for a System (systems.ts): one request line in, one answer line out.
// Used by the built-in in-process adapters and by the example adapter script, so every adapter answers
// through the same validation: a malformed request or a call the system refuses becomes an error answer.
// Above: in-process.ts, conformance/examples/. Below: protocol.ts, systems.ts.
import { parseRequest, PROTOCOL_VERSION, type HashMode } from "../protocol.js";
import type { System } from "./systems.js";

export interface Served { readonly answer: string; readonly bye: boolean }

/** Answer one request line. */
export const serveLine = (sys: System, line: string, hashes: HashMode = "model"): Served => {
  const p = parseRequest(line);
  if (!p.ok) return { answer: JSON.stringify({ id: p.id, error: p.error }), bye: false };
  const req = p.req;
  try {
    if (req.op === "reset") {
      sys.reset(req.pages, req.max_objects);
      const limit = req.max_objects === undefined ? {} : { max_objects: req.max_objects };
      return { answer: JSON.stringify({ id: req.id, ok: true, protocol: PROTOCOL_VERSION, hashes, limits: true, ...limit }), bye: false };
    }
    if (req.op === "bye") return { answer: JSON.stringify({ id: req.id, ok: true }), bye: true };
    const r = sys.call(req.thread, req.name, req.args);
    return { answer: JSON.stringify({ id: req.id, outcome: r.outcome, completions: r.completions }), bye: false };
  } catch (e) {
    return { answer: JSON.stringify({ id: req.id, error: e instanceof Error ? e.message : String(e) }), bye: false };
  }
};
