// Running one workload of workloads.ts on the full stack with a buffer console: its stdin fed from the
// workload, stdout and stderr collected, its input files placed under WL_DIR in the writable layer, the
// nesters' log kept. Shared by the workload tests, the tracer's and the null nester's tests and
// bench:nest. Above: those. Below: stack.ts.
import { runStack, type StackOptions, type StackResult } from "../stack.js";
import { DEFAULT_ENV, WL_DIR, type Workload } from "./workloads.js";

export interface WorkloadOutcome {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly result: StackResult;
  readonly log: readonly string[];
}

export const runWorkload = (
  root: string,
  wl: Pick<Workload, "path" | "argv" | "env" | "stdin" | "files">,
  opts: Partial<Pick<StackOptions, "nest" | "trace" | "maxTime" | "files">> = {},
): WorkloadOutcome => {
  const out: Buffer[] = [], err: Buffer[] = [], log: string[] = [];
  let stdin = Buffer.from(wl.stdin ?? "", "utf8");
  const result = runStack({
    root, path: wl.path, argv: wl.argv, envp: wl.env ?? DEFAULT_ENV, cwd: "/",
    console: {
      write: (fd, b) => void (fd === 1 ? out : err).push(Buffer.from(b)),
      read: (n) => {
        const chunk = stdin.subarray(0, n);
        stdin = stdin.subarray(chunk.length);
        return new Uint8Array(chunk);
      },
      terminal: () => null,
    },
    files: [...(wl.files ?? []).map((f) => ({ path: `${WL_DIR}/${f.path}`, bytes: new Uint8Array(Buffer.from(f.content, "utf8")) })), ...(opts.files ?? [])],
    maxTime: opts.maxTime ?? 5e9,
    nest: opts.nest,
    trace: opts.trace,
    log: (l) => void log.push(l),
  });
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), result, log };
};
