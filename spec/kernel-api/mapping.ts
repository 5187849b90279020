// Chapter "mapping" (5) of the Fluke kernel API: the exported state of a mapping and one registry row
// per call. A mapping makes part of a region's memory visible in a task at a chosen address, with a
// requested protection that the region's ceiling (and every ceiling above it) caps. Mappings of one task
// never overlap. Mappings cannot be referenced. Links: the region mapped and the task it maps into.
// See mapping.md. Below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, Prot, Word, defineCall, type CallDef, type Insanity, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_mapping_state (published). Links: region_ref (the region), task_ref (the target task). */
export const MappingState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
  region_off: Word.describe("offset in the region where the mapping starts; page-aligned (ours)"),
  start_va: Addr.describe("start of the mapping in the target task; page-aligned (ours)"),
  size: Word.describe("bytes; page-aligned (ours); 0 = an empty mapping"),
  prot: Prot.describe("requested access; capped by the region's ceiling"),
});
export type MappingState = z.infer<typeof MappingState>;

/** Codes of a mapping argument, in the checking order of common.md (NOT_ALIGNED: ours, for every object argument). */
const ON_MAPPING = objectArgCodes("mapping");
const NEW_BLOCK = NEW_BLOCK_CODES;
const RegionRef = Addr.describe("fluke_ref_t *region_ref; 0 = do not read or change the link");
const TaskRef = Addr.describe("fluke_ref_t *task_ref; 0 = do not read or change the link");

const row = <A extends z.ZodTypeAny, O extends z.ZodTypeAny>(
  name: string, trap: number, summary: string, args: A, out: O, insanities: readonly Insanity[],
  returns: CallDef["returns"] = ["SUCCESS"],
): CallDef<A, O> => defineCall({
  name, chapter: "mapping", trap, summary, args, out, returns, insanities,
  blocking: false, restartable: true, thread: "any", provenance: "published",
});

export const fluke_mapping_create = row("fluke_mapping_create", 50,
  "Create an empty mapping (no region, no task, size 0, no rights) at new_mapping.",
  z.object({ new_mapping: Addr }), NoOut, NEW_BLOCK, ["SUCCESS", "NO_MEMORY"]);

export const fluke_mapping_create_hash = row("fluke_mapping_create_hash", 51,
  "Create an empty mapping with the given hash (0: the implementation chooses); returns the hash used.",
  z.object({ new_mapping: Addr, hash: Hash }), z.object({ hash: Hash }), NEW_BLOCK, ["SUCCESS", "NO_MEMORY"]);

export const fluke_mapping_destroy = row("fluke_mapping_destroy", 52,
  "Destroy the mapping; its range (and everything derived from it) can no longer be reached.",
  z.object({ mapping: Addr }), NoOut, ["NO_OBJECT", "NOT_ALIGNED", "NOT_MAPPING"]); // destroy works on an invalid object (decision 3)

export const fluke_mapping_get_state = row("fluke_mapping_get_state", 53,
  "Export the mapping's offset, extent and protection; bind region_ref and task_ref (if given) to its links.",
  z.object({ mapping: Addr, region_ref: RegionRef, task_ref: TaskRef }), z.object({ state: MappingState }),
  [...ON_MAPPING, "NOT_REF"]);

export const fluke_mapping_set_state = row("fluke_mapping_set_state", 54,
  "Import offset, extent and protection (state non-null; hash ignored) and the region and task links (refs given).",
  z.object({ mapping: Addr, state: MappingState.nullable(), region_ref: RegionRef, task_ref: TaskRef }), NoOut,
  [...ON_MAPPING, "NOT_REF", "NOT_REGION_REF", "NOT_TASK_REF", "INVALID_PROT", "INVALID_ADDRESS", "ADDRESS_OVERLAP"]);

export const fluke_mapping_move = row("fluke_mapping_move", 55,
  "Move the mapping object to new_addr; the memory it maps stays mapped.",
  z.object({ old_addr: Addr, new_addr: Addr }), NoOut, [...ON_MAPPING, "OBJECT_EXISTS"]);

export const fluke_mapping_protect = row("fluke_mapping_protect", 56,
  "Change the mapping's requested access; seen through it by everything derived from it (ours).",
  z.object({ mapping: Addr, prot: Prot }), NoOut, [...ON_MAPPING, "INVALID_PROT"]);

export const MAPPING_CALLS: readonly CallDef[] = [
  fluke_mapping_create, fluke_mapping_create_hash, fluke_mapping_destroy, fluke_mapping_get_state,
  fluke_mapping_set_state, fluke_mapping_move, fluke_mapping_protect,
];
