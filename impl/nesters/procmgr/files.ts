// Open files as the process manager holds them: a file of the file-system nester (a reference to its
// FileDescription port, shared by dup and fork like Linux's open file description) or an end of a pipe
// (the manager's own: a bounded buffer between processes). read, write and close for both; a pipe read
// waits for data or for the last writer to go, a write waits for room and fails with EPIPE (and
// SIGPIPE) when no reader is left.
// Above: sys-file.ts, sys-proc.ts (fork, exec, exit). Below: the FileDescription protocol, pm.ts.
import { invoke } from "../libc/client.js";
import { dropRef, type Nest } from "../libnest/env.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import { FileDescription } from "../protocol/protocols.js";
import { ERRNO } from "./linux-errno.js";
import { SIG } from "./linux-signals.js";
import { broadcast, waitUntil, type PM, type Proc } from "./pm.js";
import { sigsetAdd, sigsetAndNot, sigsetIsEmpty } from "./linux-signals.js";

export const PIPE_CAPACITY = 65536;

export interface Remote {
  readonly kind: "remote";
  /** Reference (in the manager) to the FileDescription port. */
  readonly ref: number;
  refs: number;
  flags: number;
  /** The guest path it was opened with (for openat on a directory, fchdir). */
  readonly path: string;
  readonly isDir: boolean;
  /** Next directory entry index for getdents. */
  dirNext: number;
  /** One of the console's three ports (0, 1, 2: what init handed over), for a checkpoint's restore. */
  console?: number;
}

export interface Pipe {
  readonly chunks: Uint8Array[];
  bytes: number;
  readers: number;
  writers: number;
}

export interface PipeEnd {
  readonly kind: "pipe";
  readonly pipe: Pipe;
  readonly writeEnd: boolean;
  refs: number;
  flags: number;
}

export type OFile = Remote | PipeEnd;

/** A signal became pending that the process does not block (a blocking call gives up: EINTR). */
export const interrupted = (p: Proc): boolean => p.freezing === true || !sigsetIsEmpty(sigsetAndNot(p.pending, p.mask));

export const newPipe = (): [PipeEnd, PipeEnd] => {
  const pipe: Pipe = { chunks: [], bytes: 0, readers: 1, writers: 1 };
  return [{ kind: "pipe", pipe, writeEnd: false, refs: 1, flags: 0 }, { kind: "pipe", pipe, writeEnd: true, refs: 1, flags: 1 }];
};

/** Read up to `len` bytes; a negative number is -errno. */
export function* readFile(pm: PM, p: Proc, f: OFile, len: number): Nest<Uint8Array | number> {
  if (f.kind === "remote") {
    const r = yield* invoke(f.ref, FileDescription.methods.read, { length: Math.min(len, MAX_FIELD_BYTES) });
    return r.status === 0 ? r.rep!.data : -r.status;
  }
  if (f.writeEnd) return -ERRNO.EBADF;
  const pipe = f.pipe;
  if (pipe.bytes === 0 && pipe.writers > 0) {
    if ((f.flags & 0o4000) !== 0) return -ERRNO.EAGAIN;
    yield* waitUntil(pm, () => pipe.bytes > 0 || pipe.writers === 0 || interrupted(p));
    if (pipe.bytes === 0 && pipe.writers > 0) return -ERRNO.EINTR;
  }
  const n = Math.min(len, pipe.bytes);
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const c = pipe.chunks[0]!, take = Math.min(c.length, n - at);
    out.set(c.subarray(0, take), at);
    at += take;
    if (take === c.length) pipe.chunks.shift();
    else pipe.chunks[0] = c.subarray(take);
  }
  pipe.bytes -= n;
  if (n > 0) yield* broadcast(pm);
  return out;
}

/** Write all of `data` (a pipe may take it in parts, waiting for room); bytes written or -errno. */
export function* writeFile(pm: PM, p: Proc, f: OFile, data: Uint8Array): Nest<number> {
  if (f.kind === "remote") {
    let done = 0;
    while (done < data.length || data.length === 0) {
      const part = data.subarray(done, done + MAX_FIELD_BYTES);
      const r = yield* invoke(f.ref, FileDescription.methods.write, { data: part });
      if (r.status !== 0) return done > 0 ? done : -r.status;
      done += r.rep!.count;
      if (r.rep!.count < part.length || data.length === 0) break;
    }
    return done;
  }
  if (!f.writeEnd) return -ERRNO.EBADF;
  const pipe = f.pipe;
  let done = 0;
  while (done < data.length) {
    if (pipe.readers === 0) {
      p.pending = sigsetAdd(p.pending, SIG.PIPE);
      return done > 0 ? done : -ERRNO.EPIPE;
    }
    const room = PIPE_CAPACITY - pipe.bytes;
    if (room === 0) {
      if ((f.flags & 0o4000) !== 0) return done > 0 ? done : -ERRNO.EAGAIN;
      yield* waitUntil(pm, () => pipe.bytes < PIPE_CAPACITY || pipe.readers === 0 || interrupted(p));
      if (pipe.bytes >= PIPE_CAPACITY && pipe.readers > 0) return done > 0 ? done : -ERRNO.EINTR;
      continue;
    }
    const n = Math.min(room, data.length - done);
    pipe.chunks.push(data.slice(done, done + n));
    pipe.bytes += n;
    done += n;
    yield* broadcast(pm);
  }
  return done;
}

/** One holder lets go of `f`; the last one closes it. */
export function* closeFile(pm: PM, f: OFile): Nest<void> {
  if (--f.refs > 0) return;
  if (f.kind === "remote") {
    yield* invoke(f.ref, FileDescription.methods.close, {});
    yield* dropRef(pm.env, f.ref);
    return;
  }
  if (f.writeEnd) f.pipe.writers--;
  else f.pipe.readers--;
  yield* broadcast(pm);
}

/** Another holder of `f` (dup, fork). */
export const holdFile = (f: OFile): OFile => {
  f.refs++;
  return f;
};
