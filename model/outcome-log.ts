// Recording which outcomes the model's tests reach, for scripts/spec-coverage.ts. When the environment
// variable FLUKE_RECORD_OUTCOMES names a file, every distinct (call, outcome kind, return code or
// insanity code) seen by model/testkit.ts's Driver is appended to it as one JSON line. Off otherwise.
// Above: model/testkit.ts. Below: spec/kernel-api/common.ts for the outcome shape.
import { appendFileSync } from "node:fs";
import type { Outcome } from "../spec/kernel-api/common.js";

export interface OutcomeRecord { readonly call: string; readonly kind: Outcome["kind"]; readonly rc?: string; readonly code?: string }

const file = process.env["FLUKE_RECORD_OUTCOMES"];
const seen = new Set<string>();

/** Append the outcome of `call` to the recording file, once per distinct record. */
export const recordOutcome = (call: string, o: Outcome): void => {
  if (file === undefined || file === "") return;
  const rec: OutcomeRecord = {
    call, kind: o.kind,
    ...(o.kind === "return" ? { rc: o.rc } : {}),
    ...(o.kind === "insanity" ? { code: o.code } : {}),
  };
  const line = JSON.stringify(rec);
  if (seen.has(line)) return;
  seen.add(line);
  appendFileSync(file, line + "\n");
};
