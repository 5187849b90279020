// The chapter documents' call tables agree with the registry: every call is documented once, with the
// registry's trap number, provenance and exactly its insanity codes. The registry is the source of truth;
// this keeps the prose from drifting away from it.
import { describe, expect, it } from "vitest";
import { isInsanity, readDocRows } from "./doc-tables.js";
import { ALL_CALLS, CALLS_BY_NAME } from "./kernel-api/registry.js";

describe("chapter documents", () => {
  const rows = readDocRows();
  it("document every call of the registry exactly once", () => {
    expect(rows.map((r) => r.name).sort()).toEqual(ALL_CALLS.map((c) => c.name).sort());
  });
  for (const r of rows) {
    it(`${r.file}: ${r.name} matches its registry row`, () => {
      const c = CALLS_BY_NAME.get(r.name);
      expect(c, "no registry row").toBeDefined();
      expect(r.trap).toBe(c!.trap);
      expect(r.provenance).toBe(c!.provenance);
      expect(r.insanities.filter((t) => !isInsanity(t)), "unknown codes in the table").toEqual([]);
      expect([...new Set(r.insanities)].sort()).toEqual([...c!.insanities].sort());
    });
  }
});
