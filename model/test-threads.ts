// Test fixture for the model's tests: extra threads placed straight into a booted state, in the root
// task, running on the boot thread's time (so they can act without the thread chapter's calls). Used by
// model/mutex.test.ts, cond.test.ts, ref.test.ts and properties.test.ts. Not used by the model itself.
import { OBJECT_SIZE } from "../spec/kernel-api/common.js";
import { newThread } from "./boot.js";
import { paddrOfRootVa } from "./memory.js";
import type { ModelState, ThreadName } from "./state.js";
import type { Outcome } from "../spec/kernel-api/common.js";
import type { Driver } from "./testkit.js";

/** Root address of the n-th extra thread (n >= 1), in a page of its own above the boot objects. */
export const extraThreadVa = (n: number): ThreadName => 0x2000 + n * OBJECT_SIZE.thread;

/** Return `s` with `count` extra threads added (pure: `s` is not changed). */
export const withThreads = (s: ModelState, count: number): ModelState => {
  const objects = new Map(s.objects);
  let nextOid = s.nextOid;
  for (let n = 1; n <= count; n++) {
    const t = newThread(nextOid++, paddrOfRootVa(extraThreadVa(n)), 0x7000 + n);
    t.task = s.rootTask;
    t.thread_va = extraThreadVa(n);
    t.donor = s.rootThread;
    objects.set(t.oid, t);
  }
  return { ...s, objects, nextOid };
};

/** Add `count` extra threads to a driver's state; returns their names. */
export const addThreads = (d: Driver, count: number): ThreadName[] => {
  d.s = withThreads(d.s, count);
  return Array.from({ length: count }, (_, i) => extraThreadVa(i + 1));
};

/** Mark the object at root address `va` invalid, as a user write into its block would (decision 3). */
export const invalidate = (d: Driver, va: number): void => {
  const s = { ...d.s, objects: new Map(d.s.objects) };
  for (const [k, o] of s.objects) if (o.paddr === paddrOfRootVa(va)) s.objects.set(k, { ...o, invalid: true });
  d.s = s;
};

/** Run one call on a copy of the driver's state and return its outcome; `d` keeps its state. */
export const probe = (d: Driver, name: string, args: Record<string, unknown>, thread?: ThreadName): Outcome => {
  const copy = Object.create(Object.getPrototypeOf(d) as object) as Driver;
  Object.assign(copy, { s: d.s, log: [], blockedIn: new Map(d.blockedIn) });
  return thread === undefined ? copy.call(name, args) : copy.call(name, args, thread);
};
