// The guest-root fetcher's pure parts: .deb name parsing, apt confinement, lock verification.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aptOptions, parseDebName, sha256File, verifyLock, type Lock } from "./guest-root.js";

const dir = mkdtempSync(join(tmpdir(), "fluke-guest-root-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("guest root", () => {
  it("parses .deb names with escaped epochs", () => {
    expect(parseDebName("gawk_1%3a5.2.1-2_i386.deb")).toEqual({ package: "gawk", version: "1:5.2.1-2", arch: "i386" });
    expect(() => parseDebName("README")).toThrow(/not a .deb/);
  });
  it("confines apt-get to the private directory", () => {
    const opts = aptOptions(dir).filter((o) => o.startsWith("Dir::"));
    expect(opts.length).toBeGreaterThanOrEqual(6);
    for (const o of opts) expect(o.split("=")[1]!.startsWith(dir)).toBe(true);
  });
  it("accepts an intact lock and refuses a changed one", () => {
    mkdirSync(join(dir, "root", "lib"), { recursive: true });
    writeFileSync(join(dir, "root", "lib", "ld-linux.so.2"), "x");
    mkdirSync(join(dir, "cache", "archives"), { recursive: true });
    const deb = join(dir, "cache", "archives", "sed_4.9-1_i386.deb");
    writeFileSync(deb, "payload");
    const lock: Lock = { format: 1, packages: ["sed"], entries: [{ package: "sed", version: "4.9-1", arch: "i386", file: "sed_4.9-1_i386.deb", sha256: sha256File(deb) }] };
    expect(verifyLock(dir, lock, ["sed"])).toBeNull();
    expect(verifyLock(dir, lock, ["sed", "grep"])).toBe("package list changed");
    writeFileSync(deb, "tampered");
    expect(verifyLock(dir, lock, ["sed"])).toMatch(/changed/);
  });
});
