// The conformance adapter protocol (conformance/PROTOCOL.md) as zod schemas: one JSON object per line,
// requests from the suite on the adapter's stdin, responses on its stdout. Both ends validate with these
// schemas, and a call's arguments are validated against its registry row (spec/kernel-api/registry.ts),
// so a message that does not match is a protocol error, never a kernel result. Above: the adapters
// (conformance/adapters/), the example adapter, the conform runner. Below: spec/kernel-api/common.ts.
import { z } from "zod";
import { Outcome, Word } from "../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../spec/kernel-api/registry.js";

export const PROTOCOL_VERSION = 1;

const Id = z.number().int().min(0);

/** `max_objects` (optional): the fresh system holds at most that many kernel objects (creates beyond: NO_MEMORY). */
export const ResetRequest = z.object({ id: Id, op: z.literal("reset"), pages: z.number().int().min(1).max(65536), max_objects: z.number().int().min(1).optional() }).strict();
export const CallRequest = z.object({
  id: Id, op: z.literal("call"), thread: Word, name: z.string(), args: z.record(z.string(), z.unknown()),
}).strict();
export const ByeRequest = z.object({ id: Id, op: z.literal("bye") }).strict();
export const Request = z.discriminatedUnion("op", [ResetRequest, CallRequest, ByeRequest]);
export type Request = z.infer<typeof Request>;

/** How implementation-chosen hashes are compared: as-is ("model"), or up to a consistent renaming. */
export const HashMode = z.enum(["model", "implementation"]);
export type HashMode = z.infer<typeof HashMode>;

/**
 * `limits: true`: the adapter honours a reset's `max_objects` (the suite sends one only to such an
 * adapter); `max_objects`: the limit now in force, echoed from the request.
 */
export const ResetAnswer = z.object({
  id: Id, ok: z.literal(true), protocol: z.literal(PROTOCOL_VERSION).optional(), hashes: HashMode.optional(),
  limits: z.boolean().optional(), max_objects: z.number().int().min(1).optional(),
}).strict();
export const Completion = z.object({ thread: Word, outcome: Outcome }).strict();
export const CallAnswer = z.object({ id: Id, outcome: Outcome, completions: z.array(Completion) }).strict();
export const ByeAnswer = z.object({ id: Id, ok: z.literal(true) }).strict();
export const ErrorAnswer = z.object({ id: z.union([Id, z.null()]), error: z.string() }).strict();
export type ResetAnswer = z.infer<typeof ResetAnswer>;
export type CallAnswer = z.infer<typeof CallAnswer>;

/** One call's result as the suite compares it. */
export interface CallResult {
  readonly outcome: Outcome;
  readonly completions: readonly { readonly thread: number; readonly outcome: Outcome }[];
}

/** Parse a request line; returns the request or an error text (with the id when it could be read). */
export const parseRequest = (line: string): { ok: true; req: Request } | { ok: false; id: number | null; error: string } => {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: "request is not JSON" };
  }
  const id = typeof (raw as { id?: unknown })?.id === "number" ? (raw as { id: number }).id : null;
  const r = Request.safeParse(raw);
  if (!r.success) return { ok: false, id, error: `malformed request: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  if (r.data.op === "call") {
    const row = CALLS_BY_NAME.get(r.data.name);
    if (row === undefined) return { ok: false, id, error: `unknown call ${r.data.name}` };
    const a = row.args.safeParse(r.data.args);
    if (!a.success) return { ok: false, id, error: `bad arguments for ${r.data.name}: ${a.error.issues.map((i) => i.path.join(".")).join(", ")}` };
  }
  return { ok: true, req: r.data };
};
