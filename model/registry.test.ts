// The registry (spec/kernel-api/registry.ts) and the model's dispatch table (model/handlers.ts) agree:
// every row has a handler and every handler a row; every row is well formed (valid codes, unique names
// and trap numbers, a trap inside its chapter's block, a schema for args and out).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CHAPTERS, INSANITIES, RETURN_CODES } from "../spec/kernel-api/common.js";
import { ALL_CALLS, CALLS_BY_NAME } from "../spec/kernel-api/registry.js";
import { HANDLERS } from "./handlers.js";

describe("registry and model handlers", () => {
  it("every registry row has a model handler", () => {
    expect(ALL_CALLS.filter((c) => HANDLERS[c.name] === undefined).map((c) => c.name)).toEqual([]);
  });
  it("every model handler has a registry row", () => {
    expect(Object.keys(HANDLERS).filter((n) => !CALLS_BY_NAME.has(n))).toEqual([]);
  });
  it("names are unique", () => {
    expect(CALLS_BY_NAME.size).toBe(ALL_CALLS.length);
  });
  it("trap numbers are unique", () => {
    const traps = ALL_CALLS.map((c) => c.trap);
    expect(traps.filter((t, i) => traps.indexOf(t) !== i)).toEqual([]);
  });
  it("trap numbers are words, and calls of one chapter use one block of ten", () => {
    for (const c of ALL_CALLS) expect(Number.isInteger(c.trap) && c.trap >= 0 && c.trap < 256, c.name).toBe(true);
    const blocks = new Map<number, string>();
    for (const c of ALL_CALLS) {
      const b = Math.floor(c.trap / 10);
      expect(blocks.get(b) ?? c.chapter, `${c.name} trap ${c.trap}`).toBe(c.chapter);
      blocks.set(b, c.chapter);
    }
  });
  it("every row's returns and insanities are valid, distinct codes", () => {
    for (const c of ALL_CALLS) {
      for (const rc of c.returns) expect(RETURN_CODES, c.name).toContain(rc);
      for (const code of c.insanities) expect(INSANITIES, c.name).toContain(code);
      expect(new Set(c.returns).size, c.name).toBe(c.returns.length);
      expect(new Set(c.insanities).size, c.name).toBe(c.insanities.length);
      expect(c.returns, c.name).toContain("SUCCESS");
    }
  });
  it("every row has a known chapter, a provenance, and zod schemas for args and out", () => {
    for (const c of ALL_CALLS) {
      expect(CHAPTERS, c.name).toContain(c.chapter);
      expect(["published", "inferred", "ours"], c.name).toContain(c.provenance);
      expect(c.args instanceof z.ZodType && c.out instanceof z.ZodType, c.name).toBe(true);
      expect(c.name.startsWith(c.chapter === "harness" ? "harness_" : "fluke_"), c.name).toBe(true);
    }
  });
});
