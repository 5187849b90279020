// The committed JSON Schema export (spec/json/) is what `npm run spec:json` generates from the current
// zod schemas, and it covers every call of the registry. Regenerate with `npm run spec:json`.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED, JSON_DIR, buildSpecJson } from "./export-json.js";
import { ALL_CALLS } from "./kernel-api/registry.js";

const files = buildSpecJson();

describe("spec:json export", () => {
  it("covers every call of the registry exactly once", () => {
    const names: string[] = [];
    for (const body of files.values()) names.push(...Object.keys((JSON.parse(body) as { calls?: object }).calls ?? {}));
    expect(names.sort()).toEqual(ALL_CALLS.map((c) => c.name).sort());
  });
  it("marks every file as generated", () => {
    for (const body of files.values()) expect((JSON.parse(body) as { $comment: string }).$comment).toBe(GENERATED);
  });
  it("common.json carries the Outcome schema and every return and insanity code", () => {
    const c = JSON.parse(files.get("common.json")!) as { Outcome: object; return_codes: object; insanities: object };
    expect(c.Outcome).toHaveProperty("oneOf");
    expect(Object.keys(c.return_codes)).toContain("MUTEX_HELD");
    expect(Object.keys(c.insanities)).toContain("MUTEX_NOT_OWNER");
  });
  for (const [name, body] of files) {
    it(`committed spec/json/${name} is up to date (else run npm run spec:json)`, () => {
      const path = join(JSON_DIR, name);
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path, "utf8")).toBe(body);
    });
  }
});
