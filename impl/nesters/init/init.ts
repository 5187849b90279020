// The init nester: the first client of the process manager, and the reason the Process protocol
// exists. It asks its parent (the process manager) for the Process service and the console, creates a
// child process, execs the program in it with the console as standard input, output and error, waits
// for it, and reports its wait status with Process.exit. A program that cannot be started ends with
// the shell's convention: 127 (not found) or 126 (cannot execute).
// Above: the stack (impl/nesters/stack.ts). Below: the Parent and Process protocols, libc.
import { invoke, must } from "../libc/client.js";
import { newRef, type Nest, type NestEnv } from "../libnest/env.js";
import { Parent, Process } from "../protocol/protocols.js";

export interface InitConfig {
  readonly path: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  readonly cwd: string;
  /** Restored from a checkpoint: the program's process exists already (this pid); only wait for it. */
  readonly adopt?: number;
}

const ENOENT = 2;

export function* init(env: NestEnv, cfg: InitConfig): Nest<void> {
  const proc = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_process_service, {}, [], [proc]);
  const con = [yield* newRef(env), yield* newRef(env), yield* newRef(env)];
  yield* must(env.parent, Parent.methods.get_console, {}, [], con);
  if (cfg.adopt !== undefined) {
    const { status } = yield* must(proc, Process.methods.wait, { child: cfg.adopt });
    yield* must(proc, Process.methods.exit, { status });
    return;
  }
  const { child } = yield* must(proc, Process.methods.create_child, {});
  const r = yield* invoke(proc, Process.methods.exec, { child, path: cfg.path, argv: cfg.argv.join("\0"), envp: cfg.envp.join("\0"), cwd: cfg.cwd }, con);
  let status: number;
  if (r.status !== 0) status = (r.status === ENOENT ? 127 : 126) << 8;
  else status = (yield* must(proc, Process.methods.wait, { child })).status;
  yield* must(proc, Process.methods.exit, { status });
}
