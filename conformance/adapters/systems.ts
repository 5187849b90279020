// The two systems the suite ships, behind the protocol's two operations (reset, call): the abstract model
// (model/step.ts, state kept between calls) and the concrete kernel (impl/kernel/kernel.ts). A harness
// mistake on either side (HarnessError, KernelCallError) is thrown as a plain error, which the protocol
// server turns into an error answer. Above: server.ts. Below: model/, impl/kernel/.
import { boot } from "../../model/boot.js";
import type { ModelState } from "../../model/state.js";
import { step } from "../../model/step.js";
import { Kernel } from "../../impl/kernel/kernel.js";
import type { CallResult } from "../protocol.js";

export interface System {
  /** A fresh system; `maxObjects`: at most that many kernel objects (creates beyond return NO_MEMORY). */
  reset(pages: number, maxObjects?: number): void;
  call(thread: number, name: string, args: Record<string, unknown>): CallResult;
}

export const modelSystem = (): System => {
  let s: ModelState = boot();
  return {
    reset: (pages, maxObjects) => { s = boot({ pages, ...(maxObjects === undefined ? {} : { objectLimit: maxObjects }) }); },
    call: (thread, name, args) => {
      const r = step(s, thread, { name, args });
      s = r.state;
      return { outcome: r.outcome, completions: r.completions };
    },
  };
};

export const implSystem = (): System => {
  let k = new Kernel();
  return {
    reset: (pages, maxObjects) => { k = new Kernel({ pages, ...(maxObjects === undefined ? {} : { objectLimit: maxObjects }) }); },
    call: (thread, name, args) => k.step(thread, { name, args }),
  };
};
