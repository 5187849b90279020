// The two ways a call's decode phase stops in the model: an insanity (programming error, the call has
// no effect) or a memory fault (an address the caller cannot reach with the needed right). Handlers
// throw these; model/step.ts catches them, drops the draft state, and routes the exception. Below:
// spec/kernel-api/common.ts for the codes.
import type { FaultKind, Insanity } from "../spec/kernel-api/common.js";
import type { Oid } from "./state.js";

export class Insane extends Error {
  constructor(readonly code: Insanity) {
    super(`FLUKE_INSANITY_${code}`);
  }
}

/**
 * A refused access. `addr` is the address in the faulting thread's task; `region` is the region whose
 * restriction refused it (its keeper gets the fault first), or null when no region is involved (no
 * mapping at all: the fault goes straight to the thread's exception path). `regionOff` is the offset of
 * the access within `region` (from its start_va; word 14 of the keeper message, x86.md), 0 if none.
 */
export class MemFault extends Error {
  constructor(readonly addr: number, readonly access: FaultKind, readonly region: Oid | null, readonly regionOff = 0) {
    super(`fault ${access} at 0x${addr.toString(16)}`);
  }
}

export const insane = (code: Insanity): never => {
  throw new Insane(code);
};
