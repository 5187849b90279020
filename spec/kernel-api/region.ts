// Chapter "region" (4) of the Fluke kernel API: the exported state of a region and one registry row per
// call. A region names a contiguous range of one task's address space that other tasks may map; its
// protection is a ceiling on every access derived from it, at any depth; its keeper port hears of the
// faults its restrictions cause. Links: the task it is defined over and the keeper port. See region.md.
// Below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, ObjectType, Prot, Word, defineCall, type CallDef, type Insanity, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_region_state (published). Links: task_ref (the task it is over), keeper_ref (a port). */
export const RegionState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
  start_va: Addr.describe("start of the range in the region's task; page-aligned (ours)"),
  size: Word.describe("bytes; page-aligned (ours); 0 = an empty region"),
  prot: Prot.describe("ceiling (max_prot) on every access derived from the region"),
});
export type RegionState = z.infer<typeof RegionState>;

/** One found object of fluke_region_search (struct fluke_obspec, published). */
export const ObSpec = z.object({
  ob: Addr.describe("address of the object in the task the region is defined over"),
  type: ObjectType,
});
export type ObSpec = z.infer<typeof ObSpec>;

/** Codes of a region argument, in the checking order of common.md (NOT_ALIGNED: ours, for every object argument). */
const ON_REGION = objectArgCodes("region");
const NEW_BLOCK = NEW_BLOCK_CODES;
const TaskRef = Addr.describe("fluke_ref_t *task_ref; 0 = do not read or change the link");
const KeeperRef = Addr.describe("fluke_ref_t *keeper_ref; 0 = do not read or change the link");

const row = <A extends z.ZodTypeAny, O extends z.ZodTypeAny>(
  name: string, trap: number, summary: string, args: A, out: O, insanities: readonly Insanity[],
  provenance: "published" | "inferred" | "ours" = "published", returns: CallDef["returns"] = ["SUCCESS"],
): CallDef<A, O> => defineCall({
  name, chapter: "region", trap, summary, args, out, returns, insanities,
  blocking: false, restartable: true, thread: "any", provenance,
});

export const fluke_region_create = row("fluke_region_create", 40,
  "Create an empty region (over no task, size 0, no rights, no keeper) at new_region.",
  z.object({ new_region: Addr }), NoOut, NEW_BLOCK, "published", ["SUCCESS", "NO_MEMORY"]);

export const fluke_region_create_hash = row("fluke_region_create_hash", 41,
  "Create an empty region with the given hash (0: the implementation chooses); returns the hash used.",
  z.object({ new_region: Addr, hash: Hash }), z.object({ hash: Hash }), NEW_BLOCK, "published", ["SUCCESS", "NO_MEMORY"]);

export const fluke_region_destroy = row("fluke_region_destroy", 42,
  "Destroy the region; every mapping of it loses its region link, so everything derived from it faults.",
  z.object({ region: Addr }), NoOut, ["NO_OBJECT", "NOT_ALIGNED", "NOT_REGION"]); // destroy works on an invalid object (decision 3)

export const fluke_region_get_state = row("fluke_region_get_state", 43,
  "Export the region's extent and ceiling; bind task_ref and keeper_ref (if given) to its links.",
  z.object({ region: Addr, task_ref: TaskRef, keeper_ref: KeeperRef }), z.object({ state: RegionState }),
  [...ON_REGION, "NOT_REF"]);

export const fluke_region_set_state = row("fluke_region_set_state", 44,
  "Import the extent and ceiling (state non-null; hash ignored) and the task and keeper links (refs given).",
  z.object({ region: Addr, state: RegionState.nullable(), task_ref: TaskRef, keeper_ref: KeeperRef }), NoOut,
  [...ON_REGION, "NOT_REF", "NOT_TASK_REF", "NOT_PORT_REF", "INVALID_PROT", "INVALID_ADDRESS"]);

export const fluke_region_move = row("fluke_region_move", 45,
  "Move the region object to new_addr; mappings of it and references to it keep working.",
  z.object({ old_addr: Addr, new_addr: Addr }), NoOut, [...ON_REGION, "OBJECT_EXISTS"]);

export const fluke_region_protect = row("fluke_region_protect", 46,
  "Change the region's ceiling; it applies at once to every access derived from the region, at any depth.",
  z.object({ region: Addr, max_prot: Prot }), NoOut, [...ON_REGION, "INVALID_PROT"]);

export const fluke_region_reference = row("fluke_region_reference", 47,
  "Bind the reference new_region_ref to the region (a capability to map it).",
  z.object({ region: Addr, new_region_ref: Addr }), NoOut, [...ON_REGION, "NOT_REF"]);

export const fluke_region_search = row("fluke_region_search", 48,
  "List the active objects whose blocks start in [offset, offset+size) of the region, as addresses in its task.",
  z.object({
    region: Addr,
    offset: Word.describe("in: where to start, relative to the region's start"),
    size: Word.describe("bytes to search from offset"),
    obarray_size: Word.describe("in: number of elements the caller's obarray holds"),
  }),
  z.object({
    offset: Word.describe("out: offset + size if every object found fit, else just past the last one listed"),
    obarray: z.array(ObSpec).describe("the objects found, in address order"),
    obarray_size: Word.describe("out: elements of obarray left unused (0 when it filled up)"),
  }),
  ON_REGION);

export const REGION_CALLS: readonly CallDef[] = [
  fluke_region_create, fluke_region_create_hash, fluke_region_destroy, fluke_region_get_state,
  fluke_region_set_state, fluke_region_move, fluke_region_protect, fluke_region_reference, fluke_region_search,
];
