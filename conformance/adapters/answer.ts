// The suite's side of one exchange: check an answer line against the request it answers (same id, the
// answer schema of protocol.ts for that operation) and turn every way it can be wrong into an
// AdapterFault: not JSON (garbage), another id (out-of-order), an error answer (error), a shape the
// schema rejects (schema). Shared by the in-process and subprocess adapters. Below: protocol.ts.
import { ByeAnswer, CallAnswer, ErrorAnswer, ResetAnswer, type CallResult } from "../protocol.js";
import { AdapterFault, type ResetInfo, type SentCall } from "./adapter.js";

export type Op = "reset" | "call" | "bye";

const clip = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

/** Parse and check the answer to request `id`; throws AdapterFault. */
export function readAnswer(line: string, id: number, op: "reset", last: SentCall | null): ResetInfo;
export function readAnswer(line: string, id: number, op: "call", last: SentCall | null): CallResult;
export function readAnswer(line: string, id: number, op: "bye", last: SentCall | null): null;
export function readAnswer(line: string, id: number, op: Op, last: SentCall | null): ResetInfo | CallResult | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new AdapterFault("garbage", `answer to request ${id} is not JSON: ${JSON.stringify(clip(line))}`, last);
  }
  const got = (raw as { id?: unknown } | null)?.id;
  const err = ErrorAnswer.safeParse(raw);
  if (err.success && (got === id || got === null)) throw new AdapterFault("error", `request ${id} (${op}) answered with an error: ${err.data.error}`, last);
  if (got !== id) throw new AdapterFault("out-of-order", `expected the answer to request ${id}, got id ${JSON.stringify(got)}: ${clip(line)}`, last);
  const schema = op === "reset" ? ResetAnswer : op === "call" ? CallAnswer : ByeAnswer;
  const r = schema.safeParse(raw);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`).join("; ");
    throw new AdapterFault("schema", `answer to request ${id} (${op}) does not match the protocol: ${why}: ${clip(line)}`, last);
  }
  if (op === "reset") {
    const a = r.data as ResetAnswer;
    return { hashes: a.hashes ?? "model", limits: a.limits === true, ...(a.max_objects === undefined ? {} : { maxObjects: a.max_objects }) };
  }
  if (op === "bye") return null;
  const c = r.data as CallAnswer;
  return { outcome: c.outcome, completions: c.completions };
}
