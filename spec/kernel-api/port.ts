// Chapter "port" (6) of the Fluke kernel API: the exported state of a port and one registry row per
// call. A port is an IPC endpoint: clients name it through references, and it delivers to the server
// threads waiting on the port set it is attached to. Simple state: hash and alias; one link: the port
// set (pset_ref). See port.md. Above: registry.ts. Below: common.ts.
import { z } from "zod";
import { Addr, Hash, NoOut, Word, defineCall, type CallDef, NEW_BLOCK_CODES, objectArgCodes } from "./common.js";

/** struct fluke_port_state (published). Link: pset_ref (the port set the port is attached to). */
export const PortState = z.object({
  hash: Hash.describe("object hash value; ignored by set_state"),
  alias: Word.describe("value handed back to the server as port_alias when an invocation arrives through this port"),
});
export type PortState = z.infer<typeof PortState>;

/** Codes of a port argument, in the checking order of common.md. */
const ON_PORT = objectArgCodes("port");
const NEW_BLOCK = NEW_BLOCK_CODES;
const PsetRef = Addr.describe("fluke_ref_t *pset_ref; 0 = do not read or change the link");

export const fluke_port_create = defineCall({
  name: "fluke_port_create",
  chapter: "port",
  trap: 60,
  summary: "Create a port (alias 0, in no port set) at new_port; nothing can be received on it until it joins a set.",
  args: z.object({ new_port: Addr }),
  out: NoOut,
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_port_create_hash = defineCall({
  name: "fluke_port_create_hash",
  chapter: "port",
  trap: 61,
  summary: "Create a port with the given hash (0: the implementation chooses); returns the hash used.",
  args: z.object({ new_port: Addr, hash: Hash }),
  out: z.object({ hash: Hash }),
  returns: ["SUCCESS", "NO_MEMORY"],
  insanities: NEW_BLOCK,
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_port_destroy = defineCall({
  name: "fluke_port_destroy",
  chapter: "port",
  trap: 62,
  summary: "Destroy a port: references to it become null; IPC waiting on it and every later IPC to it fail (INVALID_DEST / IPC_CONNECT_INVALID_DEST).",
  args: z.object({ port: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: ON_PORT.filter((c) => c !== "INVALID_OBJECT"), // destroy works on an invalid object (common.md decision 3)
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const fluke_port_get_state = defineCall({
  name: "fluke_port_get_state",
  chapter: "port",
  trap: 63,
  summary: "Export the port's hash and alias; bind pset_ref (if given) to its port set or null.",
  args: z.object({ port: Addr, pset_ref: PsetRef }),
  out: z.object({ state: PortState }),
  returns: ["SUCCESS"],
  insanities: [...ON_PORT, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_port_set_state = defineCall({
  name: "fluke_port_set_state",
  chapter: "port",
  trap: 64,
  summary: "Import the port's alias (state null: keep it; the hash is ignored) and, if pset_ref is given, attach it to that port set (null: detach).",
  args: z.object({ port: Addr, state: PortState.nullable(), pset_ref: PsetRef }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_PORT, "NOT_REF", "NOT_PSET_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_port_move = defineCall({
  name: "fluke_port_move",
  chapter: "port",
  trap: 65,
  summary: "Move the port object to new_addr; references to it, its port set and waiting clients are kept.",
  args: z.object({ old_addr: Addr, new_addr: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_PORT, "OBJECT_EXISTS"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "inferred",
});

export const fluke_port_reference = defineCall({
  name: "fluke_port_reference",
  chapter: "port",
  trap: 66,
  summary: "Bind the reference new_port_ref to the port (an IPC destination, a keeper or scheduler link).",
  args: z.object({ port: Addr, new_port_ref: Addr }),
  out: NoOut,
  returns: ["SUCCESS"],
  insanities: [...ON_PORT, "NOT_REF"],
  blocking: false,
  restartable: true,
  thread: "any",
  provenance: "published",
});

export const PORT_CALLS: readonly CallDef[] = [
  fluke_port_create, fluke_port_create_hash, fluke_port_destroy, fluke_port_get_state, fluke_port_set_state,
  fluke_port_move, fluke_port_reference,
];
