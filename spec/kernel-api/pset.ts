// Chapter "pset" (7) of the Fluke kernel API: the exported state of a port set and one registry row per
// call. A port set is where ports and server threads meet: ports are attached to it (port set_state),
// server threads wait on it (fluke_ipc_setup_wait_receive). Its only simple state is its hash; it has no
// links. See pset.md. Above: registry.ts. Below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, defineCall, type CallDef, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_pset_state (published). No links. */
export const PsetState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
});
export type PsetState = z.infer<typeof PsetState>;

/** Codes of a port-set argument, in the checking order of common.md. */
const ON_PSET = objectArgCodes("pset");
const NEW_BLOCK = NEW_BLOCK_CODES;

export const fluke_pset_create = defineCall({
  name: "fluke_pset_create",
  chapter: "pset",
  trap: 70,
  summary: "Create an empty port set at new_pset.",
  args: z.object({ new_pset: Addr }),
  out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_pset_create_hash = defineCall({
  name: "fluke_pset_create_hash",
  chapter: "pset",
  trap: 71,
  summary: "Create an empty port set with the given hash (0: the implementation chooses); returns the hash used.",
  args: z.object({ new_pset: Addr, hash: Hash }),
  out: z.object({ hash: Hash }),
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_pset_destroy = defineCall({
  name: "fluke_pset_destroy",
  chapter: "pset",
  trap: 72,
  summary: "Destroy a port set: its ports are in no set from then on; servers waiting on it stay blocked (ours).",
  args: z.object({ pset: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_PSET.filter((c) => c !== "INVALID_OBJECT"), // destroy works on an invalid object (common.md decision 3)
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_pset_get_state = defineCall({
  name: "fluke_pset_get_state",
  chapter: "pset",
  trap: 73,
  summary: "Export the port set's hash.",
  args: z.object({ pset: Addr }),
  out: z.object({ state: PsetState }),
  returns: ["SUCCESS"],
  insanities: ON_PSET,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_pset_set_state = defineCall({
  name: "fluke_pset_set_state",
  chapter: "pset",
  trap: 74,
  summary: "Import the port set's state: the hash is write-once, so this only checks its arguments.",
  args: z.object({ pset: Addr, state: PsetState.nullable() }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_PSET,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_pset_move = defineCall({
  name: "fluke_pset_move",
  chapter: "pset",
  trap: 75,
  summary: "Move the port set object to new_addr; its ports and waiting servers are kept.",
  args: z.object({ old_addr: Addr, new_addr: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_PSET, "OBJECT_EXISTS"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_pset_reference = defineCall({
  name: "fluke_pset_reference",
  chapter: "pset",
  trap: 76,
  summary: "Bind the reference new_pset_ref to the port set (used to attach ports to it).",
  args: z.object({ pset: Addr, new_pset_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_PSET, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const PSET_CALLS: readonly CallDef[] = [
  fluke_pset_create, fluke_pset_create_hash, fluke_pset_destroy, fluke_pset_get_state, fluke_pset_set_state,
  fluke_pset_move, fluke_pset_reference,
];
