// The model and the implementation share only the spec (../shared/STYLE.md, rule 4): no file under
// model/ imports from impl/, and no file under impl/ imports from model/ or conformance/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === "node_modules" || f === "build") return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });

const imports = (file: string): string[] => [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]!);

describe("layering", () => {
  it("model/ never imports impl/", () => {
    const bad = files("model").filter((f) => imports(f).some((i) => i.includes("/impl/") || i.startsWith("../impl")));
    expect(bad).toEqual([]);
  });
  it("impl/ never imports model/ or conformance/", () => {
    const bad = files("impl").filter((f) => imports(f).some((i) => /(^|\/)(model|conformance)\//.test(i)));
    expect(bad).toEqual([]);
  });
});
