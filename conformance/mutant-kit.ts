// Mutation testing of the conformance suite: the seeded bugs of conformance/mutants.json, each an exact
// text replacement in one file of impl/kernel/, are applied to a throw-away copy of the kernel (impl/kernel/
// and spec/ copied under os.tmpdir() with their relative paths kept; impl/x86/ and node_modules linked,
// never written), the copy's Kernel is loaded in-process and served through the ordinary in-process
// adapter, and a bounded conform campaign runs against it. The repository's sources are never touched,
// and the conformance code itself is the repository's own. Above: mutate.ts, mutants.test.ts.
// Below: conform-campaign.ts, adapters/in-process.ts.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { InProcessAdapter } from "./adapters/in-process.js";
import type { System } from "./adapters/systems.js";
import { randomCalls, runCampaign, type CampaignResult } from "./conform-campaign.js";

/** The repository root (this file lives in conformance/). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const Mutant = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  file: z.string().regex(/^impl\/kernel\/[a-z0-9-]+\.ts$/),
  find: z.string().min(1),
  replace: z.string(),
  description: z.string().min(1),
});
export type Mutant = z.infer<typeof Mutant>;

export const loadMutants = (path = join(REPO, "conformance", "mutants.json")): Mutant[] =>
  z.object({ mutants: z.array(Mutant) }).parse(JSON.parse(readFileSync(path, "utf8"))).mutants;

/** How many times `find` occurs in `text` (non-overlapping). */
export const occurrences = (text: string, find: string): number => {
  let n = 0;
  for (let i = text.indexOf(find); i >= 0; i = text.indexOf(find, i + find.length)) n++;
  return n;
};

/** Why `m` does not apply exactly once to `root`'s source (null when it does). */
export const checkMutant = (m: Mutant, root = REPO): string | null => {
  const path = join(root, m.file);
  if (!existsSync(path)) return `${m.id}: no file ${m.file}`;
  const n = occurrences(readFileSync(path, "utf8"), m.find);
  if (n !== 1) return `${m.id}: the find text occurs ${n} times in ${m.file}, not once`;
  if (m.find === m.replace) return `${m.id}: the replacement changes nothing`;
  return null;
};

/** A copy of the kernel with `m` applied, under os.tmpdir(); `dispose` removes it. */
export interface MutantCopy { readonly dir: string; dispose(): void }

export const copyWithMutant = (m: Mutant | null): MutantCopy => {
  const dir = mkdtempSync(join(tmpdir(), `fluke-mutant-${m?.id ?? "none"}-`));
  const skip = (src: string): boolean => !src.endsWith(".test.ts");
  cpSync(join(REPO, "impl", "kernel"), join(dir, "impl", "kernel"), { recursive: true, filter: skip });
  cpSync(join(REPO, "spec"), join(dir, "spec"), { recursive: true, filter: skip });
  symlinkSync(join(REPO, "impl", "x86"), join(dir, "impl", "x86"), "junction");
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "junction");
  if (m !== null) {
    const why = checkMutant(m);
    if (why !== null) throw new Error(why);
    const path = join(dir, m.file);
    const text = readFileSync(path, "utf8");
    const at = text.indexOf(m.find);
    writeFileSync(path, text.slice(0, at) + m.replace + text.slice(at + m.find.length));
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
};

interface KernelLike { step(thread: number, call: { name: string; args: Record<string, unknown> }): ReturnType<System["call"]> }
type KernelClass = new (o?: { pages?: number; objectLimit?: number }) => KernelLike;

/** The System (adapters/systems.ts) of the kernel in copy `dir`, like implSystem but on the copy. */
export const copySystem = async (dir: string): Promise<System> => {
  const mod = (await import(pathToFileURL(join(dir, "impl", "kernel", "kernel.ts")).href)) as { Kernel: KernelClass };
  const K = mod.Kernel;
  let k = new K();
  return {
    reset: (pages, maxObjects) => { k = new K({ pages, ...(maxObjects === undefined ? {} : { objectLimit: maxObjects }) }); },
    call: (thread, name, args) => k.step(thread, { name, args }),
  };
};

export interface MutantOutcome {
  readonly id: string;
  /** killed: a disagreement; crashed: the mutated kernel threw or answered garbage; survived: all agreed. */
  readonly verdict: "killed" | "crashed" | "survived";
  /** Calls checked until the campaign stopped (all of them for a survivor). */
  readonly calls: number;
  readonly runs: number;
  /** Random calls in the (shrunk, for a disagreement) counterexample; null for a survivor. */
  readonly shrunk: number | null;
  readonly ms: number;
  readonly result: CampaignResult;
}

export interface MutantCampaign { readonly runs: number; readonly maxCommands: number; readonly seed: number; readonly pages?: number }

/** Run a bounded campaign against the kernel of copy `dir` (already mutated). */
export const campaignOnCopy = async (id: string, dir: string, o: MutantCampaign): Promise<MutantOutcome> => {
  const t0 = performance.now();
  const adapter = new InProcessAdapter(`mutant ${id}`, await copySystem(dir));
  try {
    const result = await runCampaign(adapter, o);
    const f = result.failed;
    const verdict = f === null ? "survived" : f.run.failure.kind === "disagreement" ? "killed" : "crashed";
    return { id, verdict, calls: result.calls, runs: result.runsDone, shrunk: f === null ? null : randomCalls(f.run.steps), ms: performance.now() - t0, result };
  } finally {
    await adapter.close();
  }
};

/** Copy, mutate, campaign, clean up. */
export const runMutant = async (m: Mutant, o: MutantCampaign): Promise<MutantOutcome> => {
  const copy = copyWithMutant(m);
  try {
    return await campaignOnCopy(m.id, copy.dir, o);
  } finally {
    copy.dispose();
  }
};
