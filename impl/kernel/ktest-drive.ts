// Test support: drives a Kernel the way the conformance suite does (Kernel.step by root-view thread
// name) behind the Drive interface of sync-scenarios.ts, and finds kernel objects by root address, so
// the chapter unit tests can script public calls and then look at the kernel's records. Test support
// only. Above: impl/kernel/*.test.ts. Below: kernel.ts, sync-scenarios.ts.
import { FLUKE_VM_MIN, type Outcome } from "../../spec/kernel-api/common.js";
import { Kernel } from "./kernel.js";
import type { KObj } from "./kobjects.js";
import { Env, type Drive } from "./sync-scenarios.js";

/** A Drive over a fresh Kernel, with the kernel exposed. */
export const kernelDrive = (opts: { objectLimit?: number } = {}): Drive & { readonly k: Kernel } => {
  const k = new Kernel(opts);
  let last: readonly { thread: number; outcome: Outcome }[] = [];
  return {
    k,
    call: (thread, name, args) => {
      const r = k.step(thread, { name, args });
      last = r.completions;
      return r.outcome;
    },
    completions: () => last,
  };
};

/** A kernel with the scenarios' standard objects (Env.setup), its Env, and object lookup by root address. */
export const kernelEnv = (): { k: Kernel; e: Env; at: <T extends KObj>(va: number) => T } => {
  const d = kernelDrive();
  const e = new Env(d).setup();
  return { k: d.k, e, at: <T extends KObj>(va: number) => d.k.objects.at(va - FLUKE_VM_MIN) as T };
};
