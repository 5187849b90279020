// Checkpoints from the command line: the options `fluke run --nest checkpointer --image FILE` gives the
// stack (write each image to FILE, atomically; take one when FILE.request appears), `fluke checkpoint
// FILE` (ask the running system writing FILE for one now: it creates FILE.request and waits until the
// system has answered), and `fluke restore FILE` (check the image, then go on from it in this process,
// with this process's standard input, output and error as the console).
// Above: cli/main.ts, cli/run.ts. Below: impl/nesters/stack.ts, protocol/checkpoint-image.ts.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { encodeImage, type Image } from "../impl/nesters/protocol/checkpoint-image.js";
import type { NesterName, StackOptions } from "../impl/nesters/stack.js";

const requestFile = (image: string): string => `${image}.request`;
const failedFile = (image: string): string => `${image}.failed`;

/** The stack's checkpoint options for `fluke run --image FILE`. */
export const checkpointOptions = (image: string, at: number | null, then: "stop" | "continue"): NonNullable<StackOptions["checkpoint"]> => {
  let pending = false;
  return {
    at: at ?? undefined,
    then,
    requested: () => {
      if (!existsSync(requestFile(image))) return false;
      rmSync(requestFile(image), { force: true });
      pending = true;
      return true;
    },
    onImage: (img: Image) => {
      writeImage(image, img);
      rmSync(failedFile(image), { force: true });
      process.stderr.write(`fluke: checkpoint written to ${image} (virtual time ${img.time}, ${img.procmgr.procs.length} processes)\n`);
      pending = false;
    },
    onError: (m) => {
      process.stderr.write(`fluke: checkpoint failed: ${m}\n`);
      if (pending) writeFileSync(failedFile(image), `${m}\n`);
      pending = false;
    },
  };
};

/** Write the image next to its place, then rename it there: a reader never sees half an image. */
const writeImage = (path: string, img: Image): void => {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeImage(img));
  renameSync(tmp, path);
};

export const CHECKPOINT_HELP = `Usage: fluke checkpoint [--wait SECONDS] FILE

Asks the running system started with 'fluke run --nest checkpointer --image FILE -- ...' for a
checkpoint now: the image is written to FILE (replacing an older one). Waits until the system has
answered (default: 60 seconds). What the run does afterwards follows its --checkpoint-then (stop, the
default, or continue). Exit status: 0 when the image was written, 1 when the system refused or did
not answer in time.
`;

export const RESTORE_HELP = `Usage: fluke restore [options] FILE

Goes on from the checkpoint image FILE in this process: the file tree changes, processes, open files,
pipes and memory recorded in it are rebuilt on the guest root and settings the image names, and the
program continues; this process's standard input, output and error are its console. A truncated,
corrupted or wrong-version image is refused before anything runs (exit status 125).

Options:
  --timeout SECONDS   stop after this much host time (exit status 124)
  --max-time UNITS    stop after this much more virtual time (exit status 124)
  --image FILE2       take further checkpoints into FILE2 ('fluke checkpoint FILE2')
  --verbose           print the nesters' diagnostics
  -h, --help          this text

Exit status: the program's; 128+N if signal N ended it; 124 on a timeout; 125 if fluke failed.
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const checkpointMain = async (args: string[]): Promise<number> => {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(CHECKPOINT_HELP);
    return 0;
  }
  let wait = 60, file: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--wait") {
      const n = Number(args[++i]);
      if (!Number.isFinite(n) || n <= 0) return usage("checkpoint", "--wait needs a number of seconds > 0");
      wait = n;
    } else if (a.startsWith("-")) return usage("checkpoint", `unknown option ${a}`);
    else if (file === null) file = resolve(a);
    else return usage("checkpoint", "one image file only");
  }
  if (file === null) return usage("checkpoint", "no image file given");
  const before = existsSync(file) ? statSync(file).mtimeMs : -1;
  rmSync(failedFile(file), { force: true });
  writeFileSync(requestFile(file), `${process.pid}\n`);
  const deadline = Date.now() + wait * 1000;
  while (Date.now() < deadline) {
    await sleep(50);
    if (existsSync(failedFile(file))) {
      process.stderr.write(`fluke checkpoint: refused: ${readFileSync(failedFile(file), "utf8").trim()}\n`);
      rmSync(failedFile(file), { force: true });
      return 1;
    }
    if (!existsSync(requestFile(file)) && existsSync(file) && statSync(file).mtimeMs !== before) {
      process.stdout.write(`checkpoint written to ${file}\n`);
      return 0;
    }
  }
  rmSync(requestFile(file), { force: true });
  process.stderr.write(`fluke checkpoint: no answer in ${wait} s (is 'fluke run --nest checkpointer --image ${file}' running?)\n`);
  return 1;
};

const usage = (cmd: string, msg: string): number => {
  process.stderr.write(`fluke ${cmd}: ${msg}\nTry 'fluke ${cmd} --help'.\n`);
  return 2;
};

export const restoreMain = async (args: string[]): Promise<number> => {
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    process.stdout.write(RESTORE_HELP);
    return args.length === 0 ? 2 : 0;
  }
  let file: string | null = null, timeout: number | null = null, maxTime: number | null = null, verbose = false, next: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--timeout" || a === "--max-time") {
      const n = Number(args[++i]);
      if (!Number.isFinite(n) || n < 0) return usage("restore", `${a} needs a number >= 0`);
      if (a === "--timeout") timeout = n;
      else maxTime = n;
    } else if (a === "--image") {
      const v = args[++i];
      if (v === undefined) return usage("restore", "--image needs a file");
      next = resolve(v);
    } else if (a === "--verbose") verbose = true;
    else if (a.startsWith("-")) return usage("restore", `unknown option ${a}`);
    else if (file === null) file = resolve(a);
    else return usage("restore", "one image file only");
  }
  if (file === null) return usage("restore", "no image file given");
  const { decodeImage, ImageError } = await import("../impl/nesters/protocol/checkpoint-image.js");
  let img: Image;
  try {
    img = decodeImage(readFileSync(file));
  } catch (e) {
    const why = e instanceof ImageError ? e.message : `cannot read ${file}: ${(e as Error).message}`;
    process.stderr.write(`fluke restore: ${why}; nothing was run\n`);
    return 125;
  }
  if (!existsSync(img.run.root) || !statSync(img.run.root).isDirectory()) {
    process.stderr.write(`fluke restore: the image's guest root ${img.run.root} is not a directory here; nothing was run\n`);
    return 125;
  }
  const { runStack, NESTER_NAMES } = await import("../impl/nesters/stack.js");
  const { hostConsole, exitCode } = await import("./run.js");
  // The tracer needs a trace file of its own: a restored run goes on without it.
  const nest = img.run.nest.filter((n) => n !== "tracer" && (NESTER_NAMES as readonly string[]).includes(n)) as NesterName[];
  const deadline = timeout === null ? null : Date.now() + timeout * 1000;
  let stoppedByClock = false;
  let r;
  try {
    r = runStack({
      root: img.run.root, path: "", argv: [], envp: [], console: hostConsole(), binds: img.run.binds,
      memBytes: img.run.memBytes, processQuota: img.run.processQuota, seed: img.run.seed, nest, restore: img,
      maxTime: maxTime === null ? undefined : img.time + maxTime,
      checkpoint: next === null ? undefined : checkpointOptions(next, null, "stop"),
      log: (line) => {
        if (verbose || line.startsWith("fluke:") || line.includes("checkpoint")) process.stderr.write(`${line}\n`);
      },
      shouldStop: () => {
        if (deadline !== null && Date.now() > deadline) stoppedByClock = true;
        return stoppedByClock;
      },
    });
  } catch (e) {
    process.stderr.write(`fluke restore: ${(e as Error).message}\n`);
    return 125;
  }
  if (r.checkpointed) {
    process.stderr.write(`fluke restore: checkpoint written to ${next}; the run stopped\n`);
    return 0;
  }
  if (r.timedOut || stoppedByClock) {
    process.stderr.write("fluke restore: stopped (timeout)\n");
    return 124;
  }
  return exitCode("restore", r.status);
};
