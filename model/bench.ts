// `npm run bench:model`: model steps per second on a random workload. The workload is the property
// tests' generator (model/prop-gen.ts: calls drawn from the registry's schemas, run by four threads) from
// a fixed seed (FLUKE_SEED overrides), in sequences of 40 steps from the start state. Reports steps per
// second for the whole mix and for the mutex/cond/ref band alone. A benchmark, not a test: nothing fails.
// Below: model/step.ts, model/prop-gen.ts.
import { rootVa } from "./memory.js";
import { CALL_INDEX_RANGE, genCall, prng, revive, startState } from "./prop-gen.js";
import type { ModelState, ThreadObj } from "./state.js";
import { HarnessError, step } from "./step.js";

const SEED = Number(process.env["FLUKE_SEED"] ?? 20260101);
const SECONDS = Number(process.env["FLUKE_BENCH_SECONDS"] ?? 3);

/** Run random sequences for about `seconds`; returns [steps, seconds]. */
const workload = (minCall: number, seconds: number): [number, number] => {
  const rnd = prng(SEED);
  const start = performance.now();
  let steps = 0;
  while (performance.now() - start < seconds * 1000) {
    let s = startState();
    for (let i = 0; i < 40; i++) {
      s = revive(s);
      const ts = [...s.objects.values()].filter((o): o is ThreadObj => o.type === "thread");
      const call = genCall(s, minCall + Math.floor(rnd() * (CALL_INDEX_RANGE - minCall)), Math.floor(rnd() * 0x7fff_ffff));
      const t = ts[Math.floor(rnd() * ts.length)]!;
      try {
        s = step(s, rootVa(t.paddr), call).state;
      } catch (e) {
        if (!(e instanceof HarnessError)) throw e;
      }
      steps++;
    }
  }
  return [steps, (performance.now() - start) / 1000];
};

const report = (label: string, [steps, secs]: [number, number]): void => {
  console.log(`${label}: ${Math.round(steps / secs)} steps/s (${steps} steps in ${secs.toFixed(2)} s)`);
};

console.log(`bench:model seed ${SEED}`);
report("model, whole registry mix", workload(0, SECONDS));
report("model, mutex/cond/ref band", workload(CALL_INDEX_RANGE / 2, SECONDS));
