// Copying a model state so that a call can be attempted on a draft and dropped if it fails. Object
// records are copied one level deep (their arrays and nested records too); memory pages are shared
// because they are never mutated in place (model/memory.ts replaces a page when it writes it).
import type { ModelState, Obj } from "./state.js";

const cloneObj = (o: Obj): Obj => structuredClone(o);

export const cloneState = (s: ModelState): ModelState => ({
  ...s,
  pages: new Map(s.pages),
  objects: new Map([...s.objects].map(([k, o]) => [k, cloneObj(o)])),
});
