// Reader of the recorded x87 oracle vectors (impl/x86/fpu/vectors/x87-oracle-N.json.gz, written by
// run.ts --record in shards): turns each stored row back into a Case and the oracle's Outcome. Above: the
// replay test (vectors.test.ts); below: node:zlib and the case/outcome types.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { Case } from "./cases.js";
import type { Outcome } from "./emulate.js";

export const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "vectors");

/** The shard files of the recorded vectors, in order. */
export const vectorFiles = (dir = VECTOR_DIR): string[] =>
  readdirSync(dir).filter((f) => /^x87-oracle.*\.json\.gz$/.test(f)).sort().map((f) => join(dir, f));

type Row = [number, number, number, string, string, string, number, string, number];

const unhex = (s: string, n: number): number[] => {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; 2 * i < s.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
};

export interface Vector {
  c: Case;
  expected: Outcome;
}

export function loadVectors(files = vectorFiles()): Map<string, Vector[]> {
  const out = new Map<string, Vector[]>();
  for (const file of files) loadShard(file, out);
  return out;
}

function loadShard(file: string, out: Map<string, Vector[]>): void {
  const body = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { vectors: Record<string, Row[]> };
  for (const [key, rows] of Object.entries(body.vectors)) {
    out.set(
      key,
      rows.map(([op, modrm, eflags, img, mem, oimg, oef, omem, sig]) => ({
        c: { key, op, modrm, eflags, image: unhex(img, 108), mem: unhex(mem, 128) },
        expected: { image: unhex(oimg, 108), eflags: oef, mem: unhex(omem, 128), signal: sig },
      })),
    );
  }
}
