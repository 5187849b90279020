// The concrete kernel's deterministic scheduler: one host thread runs every Fluke thread in turn from a
// FIFO run queue. Virtual time advances by retired x86 instructions and by a fixed cost per kernel
// operation, never by the host clock, so the same inputs give the same interleaving. A thread runs for
// at most one quantum of virtual time, then goes to the back of the queue (preemption by budget).
// Whose CPU time a thread runs on (CPU inheritance, fluke_thread_schedule) is decided by the kernel's
// thread chapter through `runnable`. Above: impl/kernel/kernel.ts. Below: impl/kernel/native.ts and the
// x86 thread runner.

/** Virtual-time cost of one kernel operation (a call, an IPC transfer step), in instruction units. */
export const KERNEL_OP_COST = 50;
/** Default quantum in virtual-time units (retired instructions). */
export const DEFAULT_QUANTUM = 100_000;

/** Something the scheduler can run: a native thread or an x86 thread. */
export interface Schedulable {
  /** Run for at most `budget` units; return the units used. Must use at least 1 unless it cannot run. */
  runSlice(budget: number): number;
  /** Can it run now (not blocked, not stopped, has a task and CPU time)? */
  runnable(): boolean;
}

export class Scheduler<T extends Schedulable = Schedulable> {
  /** Virtual time since boot. */
  now = 0;
  private readonly queue: T[] = [];
  private readonly queued = new Set<T>();

  constructor(readonly quantum = DEFAULT_QUANTUM) {}

  /** Put `t` at the back of the run queue if it is not there already. */
  ready(t: T): void {
    if (this.queued.has(t)) return;
    this.queued.add(t);
    this.queue.push(t);
  }

  /** Remove `t` from the run queue (destroyed, stopped). */
  unready(t: T): void {
    if (!this.queued.delete(t)) return;
    this.queue.splice(this.queue.indexOf(t), 1);
  }

  get idle(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Run threads until the queue is empty or `limit` units of virtual time have passed. Returns the
   * reason it stopped.
   */
  run(limit = Number.POSITIVE_INFINITY): "idle" | "limit" {
    const end = this.now + limit;
    while (this.queue.length > 0) {
      if (this.now >= end) return "limit";
      const t = this.queue.shift()!;
      this.queued.delete(t);
      if (!t.runnable()) continue;
      const used = t.runSlice(Math.min(this.quantum, end - this.now));
      this.now += Math.max(used, 1);
      if (t.runnable()) this.ready(t);
    }
    return "idle";
  }
}
