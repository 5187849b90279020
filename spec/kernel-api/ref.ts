// Chapter "ref" (11, References) of the Fluke kernel API: one registry row per call. A reference object
// holds one link to another object (or nothing); it is how links are exported by get_state, imported by
// set_state, carried by IPC and compared. References have no simple state and no hash. The other
// chapters' `fluke_<type>_reference` calls bind a reference; their `*_get_state` and `*_set_state` read
// and write links through references (see ref.md for the rules they share). Below: common.ts.
import { z } from "zod";
import { Addr, FlukeType, Hash, NoOut, defineCall, type CallDef, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** The object-argument insanities every call on an existing reference can raise (published). */
const ON_REF = objectArgCodes("ref");
/** The insanities of a create or a move destination (published). */
const NEW_BLOCK = NEW_BLOCK_CODES;

const RefArgs = z.object({ ref: Addr.describe("fluke_ref_t *ref") });

export const fluke_ref_create = defineCall({
  name: "fluke_ref_create",
  chapter: "ref",
  trap: 160,
  summary: "Create a null reference object in the caller's memory at new_ref.",
  args: z.object({ new_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_ref_destroy = defineCall({
  name: "fluke_ref_destroy",
  chapter: "ref",
  trap: 161,
  summary: "Destroy a reference object; the object it points to is not affected.",
  args: RefArgs,
  out: NoOut,
  returns: ["SUCCESS"],
  // INVALID_OBJECT is published but cannot arise: destroy works on an invalid object (common.md decision 3).
  insanities: ["NOT_ALIGNED", "NO_OBJECT", "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_ref_copy = defineCall({
  name: "fluke_ref_copy",
  chapter: "ref",
  trap: 162,
  summary: "Make dst_ref point where src_ref points, dropping what dst_ref pointed to.",
  args: z.object({ src_ref: Addr, dst_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_REF,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_ref_compare = defineCall({
  name: "fluke_ref_compare",
  chapter: "ref",
  trap: 163,
  summary: "Tell whether two references point to the same object (two null references are equal).",
  args: z.object({ ref1: Addr, ref2: Addr }),
  out: z.object({ equal: z.boolean().describe("non-zero return value in C") }),
  returns: ["SUCCESS"],
  insanities: ON_REF,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_ref_hash = defineCall({
  name: "fluke_ref_hash",
  chapter: "ref",
  trap: 164,
  summary: "Return the hash of the object a reference points to (0 for a null reference).",
  args: RefArgs,
  out: z.object({ hash: Hash }),
  returns: ["SUCCESS"],
  insanities: ON_REF,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_ref_type = defineCall({
  name: "fluke_ref_type",
  chapter: "ref",
  trap: 165,
  summary: "Return the type of the object a reference points to, or FLUKE_NULL.",
  args: RefArgs,
  out: z.object({ type: FlukeType }),
  returns: ["SUCCESS"],
  insanities: ON_REF,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_ref_move = defineCall({
  name: "fluke_ref_move",
  chapter: "ref",
  trap: 166,
  summary: "Move a reference object to new_addr; it keeps its target.",
  args: z.object({ old_addr: Addr, new_addr: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_REF, "OBJECT_EXISTS"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_ref_check = defineCall({
  name: "fluke_ref_check",
  chapter: "ref",
  trap: 167,
  summary: "Null test (name ours): tell whether a reference points to an object.",
  args: RefArgs,
  out: z.object({ is_null: z.boolean() }),
  returns: ["SUCCESS"],
  insanities: ON_REF,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "ours",
});

export const REF_CALLS: readonly CallDef[] = [
  fluke_ref_create, fluke_ref_destroy, fluke_ref_copy, fluke_ref_compare, fluke_ref_hash, fluke_ref_type,
  fluke_ref_move, fluke_ref_check,
];
