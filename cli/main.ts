// The `fluke` command line: the user's door to the system. Subcommands are added as the parts they
// drive land; `fluke --help` lists exactly what exists.
import { argv, exit, stdout, stderr } from "node:process";

const HELP = `fluke: the Fluke nested-process microkernel in TypeScript

Usage:
  fluke run [options] -- PROGRAM [ARGS...]
                            run a Debian i386 program nested on the full stack ('fluke run --help')
  fluke checkpoint FILE      ask a running 'fluke run --nest checkpointer --image FILE' for a checkpoint
  fluke restore FILE        go on from a checkpoint image ('fluke restore --help')
  fluke spec [--json]       list the kernel calls of the spec (name, chapter, provenance)
  fluke conform [options]   check the kernel (or any adapter) against the model ('fluke conform --help')
  fluke --help              this text

Tracing, stacking and checkpoints are options of run: --trace=FILE, --nest NAME,..., --image FILE.
`;

const main = async (args: string[]): Promise<number> => {
  const [cmd, ...rest] = args;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    stdout.write(HELP);
    return 0;
  }
  if (cmd === "spec") {
    const { KERNEL_CALLS } = await import("../spec/kernel-api/registry.js");
    if (rest.includes("--json")) stdout.write(JSON.stringify(KERNEL_CALLS.map((c) => ({ name: c.name, chapter: c.chapter, provenance: c.provenance })), null, 2) + "\n");
    else for (const c of KERNEL_CALLS) stdout.write(`${c.name.padEnd(48)} ${c.chapter.padEnd(8)} ${c.provenance}\n`);
    return 0;
  }
  if (cmd === "run") {
    const { runMain } = await import("./run.js");
    return runMain(rest);
  }
  if (cmd === "checkpoint" || cmd === "restore") {
    const m = await import("./checkpoint.js");
    return cmd === "checkpoint" ? m.checkpointMain(rest) : m.restoreMain(rest);
  }
  if (cmd === "conform") {
    const { conformMain } = await import("../conformance/conform-cli.js");
    return conformMain(rest);
  }
  stderr.write(`fluke: unknown command '${cmd}'. Try 'fluke --help'.\n`);
  return 2;
};

exit(await main(argv.slice(2)));
