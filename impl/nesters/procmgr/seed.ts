// The seed of the property tests in this folder: FLUKE_SEED when set (to replay a failing run),
// else a fixed number, printed so every run says how to reproduce it. Above: the *.test.ts files
// here. Below: the environment.

const DEFAULT_SEED = 0x5eed_1996;

/** The fast-check seed for `what`, printed once per call. */
export const fuzzSeed = (what: string): number => {
  const env = process.env["FLUKE_SEED"];
  const parsed = env === undefined ? Number.NaN : Number.parseInt(env, 10);
  const seed = Number.isInteger(parsed) ? parsed : DEFAULT_SEED;
  process.stdout.write(`[procmgr] ${what}: fast-check seed ${seed} (replay with FLUKE_SEED=${seed})\n`);
  return seed;
};
