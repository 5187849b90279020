// Copying a model state so that a call can be attempted on a draft and dropped if it fails. Object
// records are copied deeply (records, arrays and the maps and sets chapters keep in them); memory pages
// are shared because they are never mutated in place (model/memory.ts replaces a page when it writes it).
// A hand-written copy: structuredClone was the model's main cost (about six times slower).
import type { ModelState, Obj } from "./state.js";

const copy = (v: unknown): unknown => {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(copy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copy(x)]));
  if (v instanceof Set) return new Set([...v].map(copy));
  if (Object.getPrototypeOf(v) !== Object.prototype) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = copy((v as Record<string, unknown>)[k]);
  return out;
};

export const cloneState = (s: ModelState): ModelState => ({
  ...s,
  pages: new Map(s.pages),
  objects: new Map([...s.objects].map(([k, o]) => [k, copy(o) as Obj])),
});
