// Per-kernel indexes kept by the thread chapter of the concrete kernel: every live thread, the threads
// donating their time (fluke_thread_schedule), and creation serials. The model walks its object map in
// creation order wherever several threads or mutexes are finished in one step (releasing a destroyed
// thread's mutexes, ending donations); the kernel sorts the few objects concerned by serial instead, so
// completions come out in the same order. Above: thread-*.ts, sched.ts, exceptions.ts, mutex.ts.
// Below: kobjects.ts, kernel.ts.
import type { KThread } from "./kobjects.js";
import type { Kernel } from "./kernel.js";

interface ThreadIndex {
  /** Every live thread (the boot thread included). */
  readonly threads: Set<KThread>;
  /** Threads that may be blocked donating their time (checked lazily: wait.kind === "donating"). */
  readonly donors: Set<KThread>;
}

const indexes = new WeakMap<Kernel, ThreadIndex>();
const serials = new WeakMap<object, number>();
let nextSerial = 1;

/** The thread index of kernel `k` (created on first use, holding the boot thread). */
export const threadIndex = (k: Kernel): ThreadIndex => {
  let ix = indexes.get(k);
  if (ix === undefined) {
    ix = { threads: new Set([k.bootThread]), donors: new Set() };
    indexes.set(k, ix);
  }
  return ix;
};

/** Give `o` the next creation serial (every create of a thread or mutex calls this). */
export const stamp = <O extends object>(o: O): O => {
  serials.set(o, nextSerial++);
  return o;
};

/** Creation serial of `o` (0 for objects made at boot). */
export const serialOf = (o: object): number => serials.get(o) ?? 0;

/** `xs` in creation order (the model's object-map order). */
export const byCreation = <O extends object>(xs: Iterable<O>): O[] => [...xs].sort((a, b) => serialOf(a) - serialOf(b));
