// Smoke test of `npm run bench:nesting`: one program in --quick mode with one run produces the three
// tables with its rows, a well-formed SVG figure (one wall and one virtual-time line over depths 0..4,
// axes, legend) and the JSON of the figures; the options are checked. Structure only, never times.
// Above: the test runner. Below: bench-nesting.ts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEPTHS, benchNesting, parseArgs, perLayer } from "./bench-nesting.js";
import { idleAnswer, idleGdb } from "./idle-gdb.js";

const dir = mkdtempSync(join(tmpdir(), "bench-nesting-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Tag names of an XML document in order, checking that every element is closed in order; throws if not. */
const wellFormed = (xml: string): string[] => {
  const stack: string[] = [], seen: string[] = [];
  const body = xml.trim();
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (close === "/") {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else {
      seen.push(name!);
      if (selfClose !== "/") stack.push(name!);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(", ")}`);
  // nothing but tags, text and whitespace: no stray "<"
  const text = body.replace(/<[^<>]*>/g, "");
  if (/[<>]/.test(text)) throw new Error("stray < or > in text");
  return seen;
};

describe("bench:nesting", () => {
  it("--quick --runs 1 --only matconn prints the tables and writes a well-formed figure", () => {
    const out: string[] = [], err: string[] = [];
    const code = benchNesting(["--quick", "--runs", "1", "--only", "matconn", "--out", dir], { out: (l) => void out.push(l), err: (l) => void err.push(l) });
    const text = out.join("\n");
    expect(code, text).toBe(0);
    expect(out[0]).toMatch(/^bench:nesting — .*matconn/);
    for (const h of [/^\(a\) absolute/m, /^\(b\) full interposition, wall time/m, /^\(b\) full interposition, virtual time/m, /^\(c\) realistic configurations/m]) expect(text).toMatch(h);
    const rows = out.filter((l) => l.startsWith("matconn "));
    expect(rows.length).toBe(4); // (a), (b) wall, (b) virtual, (c)
    expect(rows[0]).toMatch(/^matconn\s+1\s+(n\/a|[\d.]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+(n\/a|[\d.]+x)\s+\d+\s+yes$/);
    expect(rows[1]).toMatch(/^matconn(\s+[\d.]+x){4}(\s+-?[\d.]+%){8}\s+yes/);
    expect(rows[3]).toMatch(/^matconn\s+([\d.]+x \/ [\d.]+x|not available yet)/);
    expect(err.some((l) => l.includes("matconn: depth 4"))).toBe(true); // progress on stderr
    const svg = readFileSync(join(dir, "nesting.svg"), "utf8");
    const tags = wellFormed(svg);
    expect(tags[0]).toBe("svg");
    expect(tags.filter((t) => t === "polyline").length).toBe(2);
    expect(tags.filter((t) => t === "circle").length).toBe(2 * DEPTHS.length);
    expect(svg).toContain(">matconn wall</text>");
    expect(svg).toContain(">matconn virtual</text>");
    expect(svg).toContain(">nesting depth");
    const json = JSON.parse(readFileSync(join(dir, "nesting.json"), "utf8")) as { programs: { name: string; depths: { time: number }[]; virtual: { ratio: number[] } }[] };
    expect(json.programs.map((p) => p.name)).toEqual(["matconn"]);
    expect(json.programs[0]!.depths.length).toBe(DEPTHS.length);
    expect(json.programs[0]!.virtual.ratio[0]).toBe(1);
    // Each null layer is on the path: virtual time grows with the depth.
    const t = json.programs[0]!.depths.map((d) => d.time);
    for (let d = 1; d < t.length; d++) expect(t[d]!).toBeGreaterThan(t[d - 1]!);
  }, 300_000);

  it("options: --help tells them, bad ones are refused", () => {
    const out: string[] = [];
    expect(benchNesting(["--help"], { out: (l) => void out.push(l), err: () => {} })).toBe(0);
    for (const o of ["--runs", "--quick", "--only", "--out", "--help"]) expect(out.join("\n")).toContain(o);
    const err: string[] = [];
    expect(benchNesting(["--bogus"], { out: () => {}, err: (l) => void err.push(l) })).toBe(2);
    expect(benchNesting(["--only", "nosuch"], { out: () => {}, err: (l) => void err.push(l) })).toBe(2);
    expect(benchNesting(["--runs", "0"], { out: () => {}, err: (l) => void err.push(l) })).toBe(2);
    expect(err.length).toBe(3);
    expect(parseArgs(["--runs", "5", "--only", "cc1"])).toMatchObject({ runs: 5, only: "cc1", quick: false, out: "bench-results" });
  });

  it("per-layer slowdowns: geometric and incremental", () => {
    const s = perLayer([100, 110, 121, 133.1, 146.41]);
    expect(s.ratio.map((x) => Number(x.toFixed(4)))).toEqual([1, 1.1, 1.21, 1.331, 1.4641]);
    for (let d = 1; d <= 4; d++) expect(s.geo[d]).toBeCloseTo(0.1, 10);
    expect(s.inc.map((x) => Number(x.toFixed(4)))).toEqual([0, 0.1, 0.11, 0.121, 0.1331]);
  });

  it("the idle gdb asks for the stop reason, then continues every stop passing its signal", () => {
    const g = idleGdb();
    expect(Buffer.from(g.read(0)!).toString("latin1")).toBe("$?#3f");
    expect(g.read(0)!.length).toBe(0);
    g.write("+$T05thread:02;#00");
    expect(Buffer.from(g.read(0)!).toString("latin1")).toBe("$c#63");
    g.write("$S0b#00$OK#9a");
    expect(Buffer.from(g.read(0)!).toString("latin1")).toBe("$C0b#d5");
    expect(g.stops()).toBe(2);
    expect([idleAnswer("W00"), idleAnswer("OK"), idleAnswer("T0b")]).toEqual([null, null, "C0b"]);
    void g.close();
    expect(g.read(0)).toBeNull();
    expect(g.connected()).toBe(false);
  });
});
