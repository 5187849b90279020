// The call tables of the chapter documents (spec/kernel-api/*.md) restate each registry row's trap number,
// provenance and insanity codes for readers. This module reads those tables so a test can hold them to
// the registry (spec/kernel-api/registry.ts), which is the source of truth. A table row is a markdown line
// "| `fluke_name(args)` | trap | provenance | returns | insanities |"; in the insanities column a chapter
// may use an abbreviation it defines (thread.md: OBJ, REF), expanded here.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { INSANITIES, type Insanity } from "./kernel-api/common.js";

export interface DocRow { readonly file: string; readonly name: string; readonly trap: number; readonly provenance: string; readonly insanities: readonly string[] }

const DIR = join(dirname(fileURLToPath(import.meta.url)), "kernel-api");

/** Abbreviations of the insanities column, by the object type of the row's chapter. */
const expand = (token: string, file: string): readonly string[] => {
  const type = file.replace(/\.md$/, "").toUpperCase();
  if (token === "OBJ") return ["NOT_ALIGNED", "NO_OBJECT", `NOT_${type}`, "INVALID_OBJECT"];
  if (token === "REF") return ["NOT_ALIGNED", "NO_OBJECT", "NOT_REF", "INVALID_OBJECT"];
  return [token];
};

/** The call names of a table row: `fluke_x` or a client/server pair "`fluke_ipc_client_x` / `server_x`". */
const namesOf = (col: string): string[] => {
  const names = [...col.matchAll(/`([a-z0-9_…]+)/g)].map((m) => m[1]!);
  const first = names[0];
  if (first === undefined || !/^(fluke|harness)_/.test(first)) return [];
  return names.map((n) => {
    if (n.startsWith("fluke_") || n.startsWith("harness_")) return n;
    if (n === "server_…") return first.replace("_client_", "_server_");
    return `fluke_ipc_${n}`;
  });
};

export const readDocRows = (): DocRow[] => {
  const out: DocRow[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".md")).sort()) {
    for (const line of readFileSync(join(DIR, file), "utf8").split("\n")) {
      const cols = line.split("|").map((c) => c.trim());
      const names = namesOf(cols[1] ?? "");
      const traps = (cols[2] ?? "").split("/").map((t) => t.trim());
      if (names.length === 0 || traps.length !== names.length || !traps.every((t) => /^\d+$/.test(t))) continue;
      const withProvenance = cols.length >= 7;
      const insCol = (withProvenance ? cols[5] : cols[4])!.replace(/reference codes/g, "REF");
      const tokens = (insCol.match(/[A-Z][A-Z_]+/g) ?? []).flatMap((t) => expand(t, file));
      names.forEach((name, i) => out.push({ file, name, trap: Number(traps[i]), provenance: withProvenance ? cols[3]!.replace(/\*/g, "") : "ours", insanities: tokens }));
    }
  }
  return out;
};

export const isInsanity = (t: string): t is Insanity => (INSANITIES as readonly string[]).includes(t);
