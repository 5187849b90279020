// The get_state / set_state round trip, checked on any model state for every object that has state
// (every chapter whose registry has a fluke_<type>_get_state and _set_state row, found by name): an
// inspector thread exports the object's state and links into fresh references, imports them back with
// set_state, and exports again; the record and the links must come back the same. Used by
// model/properties.test.ts at the end of each random sequence. Below: model/step.ts, the registry.
import { z } from "zod";
import { OBJECT_SIZE, OBJECT_TYPES, type ObjectType, type Outcome } from "../spec/kernel-api/common.js";
import { CALLS_BY_NAME } from "../spec/kernel-api/registry.js";
import { paddrOfRootVa, rootVa } from "./memory.js";
import { objectAtPhys } from "./objects.js";
import type { ModelState, ThreadName } from "./state.js";
import { step } from "./step.js";

/** Where the inspector creates its reference objects (root view; above the property tests' play window). */
const SCRATCH = 0xa000;

interface Pair { readonly type: ObjectType; readonly objKey: string; readonly refKeys: readonly string[] }

/** The state-bearing types: object key and reference slots from each get_state row's argument schema. */
const PAIRS: readonly Pair[] = OBJECT_TYPES.flatMap((type) => {
  const get = CALLS_BY_NAME.get(`fluke_${type}_get_state`);
  if (get === undefined || !CALLS_BY_NAME.has(`fluke_${type}_set_state`) || !(get.args instanceof z.ZodObject)) return [];
  const keys = Object.keys(get.args.shape);
  return [{ type, objKey: keys[0]!, refKeys: keys.slice(1) }];
});

const ret = (o: Outcome): Record<string, unknown> | null => (o.kind === "return" && o.rc === "SUCCESS" ? o.out : null);

/** Targets of the scratch references, as Oids (null for null or dangling). */
const targets = (s: ModelState, vas: readonly number[]): (number | null)[] => vas.map((va) => {
  const r = objectAtPhys(s, paddrOfRootVa(va));
  return r?.type === "ref" && r.target !== null && s.objects.has(r.target) ? r.target : null;
});

/**
 * Round-trip every object with state through `inspector` (a runnable thread of the root task). Returns
 * the violations found and how many objects were checked; objects the inspector may not export (e.g.
 * itself: CURRENT_THREAD) are skipped.
 */
export const checkRoundTrips = (s0: ModelState, inspector: ThreadName): { violations: string[]; checked: number } => {
  let s = s0;
  const violations: string[] = [];
  let checked = 0;
  const refs = Array.from({ length: 8 }, (_, i) => SCRATCH + i * OBJECT_SIZE.ref);
  for (const va of refs) s = step(s, inspector, { name: "fluke_ref_create", args: { new_ref: va } }).state;
  if (targets(s, refs).length !== refs.length || refs.some((va) => objectAtPhys(s, paddrOfRootVa(va))?.type !== "ref")) {
    return { violations, checked };
  }
  for (const p of PAIRS) {
    for (const o of [...s.objects.values()].filter((x) => x.type === p.type)) {
      const slots = Object.fromEntries(p.refKeys.map((k, i) => [k, refs[i]!]));
      const args = { [p.objKey]: rootVa(o.paddr), ...slots };
      const g1 = step(s, inspector, { name: `fluke_${p.type}_get_state`, args });
      const out1 = ret(g1.outcome);
      if (out1 === null) continue;
      const t1 = targets(g1.state, refs.slice(0, p.refKeys.length));
      const set = step(g1.state, inspector, { name: `fluke_${p.type}_set_state`, args: { ...args, state: out1["state"] } });
      const g2 = ret(set.outcome) === null ? null : step(set.state, inspector, { name: `fluke_${p.type}_get_state`, args });
      const out2 = g2 === null ? null : ret(g2.outcome);
      checked++;
      const what = `${p.type} ${o.oid}`;
      if (out2 === null) violations.push(`${what}: set_state or the second get_state failed: ${JSON.stringify(set.outcome)}`);
      else if (JSON.stringify(out2["state"]) !== JSON.stringify(out1["state"])) violations.push(`${what}: state changed by the round trip`);
      else if (JSON.stringify(targets(g2!.state, refs.slice(0, p.refKeys.length))) !== JSON.stringify(t1)) violations.push(`${what}: links changed by the round trip`);
    }
  }
  return { violations, checked };
};
