// Test runner configuration: unit and property tests live beside the code they test (*.test.ts)
// or under conformance/. Seeds for fast-check come from FLUKE_SEED when set, so a failing run can
// be replayed exactly; every property test prints the seed it used.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["spec/**/*.test.ts", "model/**/*.test.ts", "impl/**/*.test.ts", "conformance/**/*.test.ts", "golden/**/*.test.ts", "cli/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["node_modules/**", ".cache/**", "coverage/**"],
    testTimeout: 120_000,
    pool: "forks",
  },
});
