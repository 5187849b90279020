// The process manager's part of a checkpoint (the Checkpoint protocol its checkpointer parent calls):
// freezing every process at a point it can go on from, encoding the manager's state, thawing, and
// building a manager's state again from an image in a fresh system (restore).
// Freezing: each process is marked; a system call blocked in the manager (a pipe read or write, wait4,
// pause, sigsuspend) gives up as a signal would make it, and is made again later (its registers are
// put back on the `int $0x80`, EAX still the call number), unless a real signal is pending; a call that
// completes does so and the process is held before its registers go back (procmgr.ts `park`); a process
// running its own code is stopped with fluke_thread_get_state. A process whose exception is on its way
// through an interposer is waited for. Once every live process is held, the state is only data: the
// process table with each process's registers, CPU hidden state, memory layout and pages (read through
// the manager's own view of each segment), file descriptors, open files (a file of the file-system
// nester as its path, flags and offset, asked with seek), pipes with the bytes in them, signal state.
// Restoring makes each process again (its pool, task, keeper and server thread, as at fork), maps fresh
// memory with the recorded bytes, reopens files and seeks, refills pipes, then starts every thread.
// Above: procmgr.ts. Below: proc-state.ts, guest-mem.ts, files.ts, x86-bridge.ts, protocol/checkpoint-image.ts.
import { FLUKE_THREAD_STOPPED } from "../../../spec/kernel-api/common.js";
import { invoke } from "../libc/client.js";
import { dropRef, keepRef, newRef, ok, type Nest } from "../libnest/env.js";
import { FileDescription, FileSystem } from "../protocol/protocols.js";
import { pageHash, type ProcmgrState, type ProcState } from "../protocol/checkpoint-image.js";
import type { OFile, Pipe, PipeEnd, Remote } from "./files.js";
import { O } from "./linux-consts.js";
import { broadcast, newActions, REG_NAMES, waitUntil, type PM, type Proc, type Regs } from "./pm.js";
import { newProcess, startThread } from "./proc-state.js";
import { GuestSpace } from "./guest-mem.js";
import { exportHidden, importHidden, inKeeperCall } from "./x86-bridge.js";

const PAGE = 4096;
const NO_LINKS = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
/** Rounds of letting other threads run while a process's exception is in an interposer's hands. */
const FREEZE_ROUNDS = 200;
/** Cheap kernel calls per round: more than one quantum's worth (100,000 units at 50 a call). */
const SPIN_CALLS = 2100;

export class CheckpointError extends Error {}

/** Hold process `p` (frozen) until it is thawed: the registers it goes on with. Called by the exception loop. */
export function* park(pm: PM, p: Proc, regs: Regs): Nest<Regs> {
  p.frozen = regs;
  yield* broadcast(pm);
  yield* waitUntil(pm, () => p.freezing !== true);
  const r = p.frozen ?? regs;
  p.frozen = undefined;
  return r;
}

const live = (pm: PM): Proc[] => [...pm.procs.values()].filter((p) => p.state !== "zombie");

/** Freeze every process; throws CheckpointError if one cannot be held. */
export function* freezeAll(pm: PM): Nest<void> {
  for (const p of live(pm)) p.freezing = true;
  yield* broadcast(pm);
  for (let round = 0; ; round++) {
    let waiting = false, inManager = false;
    for (const p of live(pm)) {
      p.freezing = true; // made since (a fork served while freezing)
      if (p.frozen !== undefined) continue;
      if (p.state === "exiting" || p.thread === 0 || p.kthread === null) {
        waiting = true;
        continue;
      }
      if (p.inManager) {
        waiting = inManager = true;
        continue;
      }
      if (inKeeperCall(p.kthread)) {
        waiting = true; // on its way to the manager or back, through an interposer
        continue;
      }
      const out = yield* ok("fluke_thread_get_state", { thread: p.thread, ...NO_LINKS });
      const state = out["state"] as Record<string, unknown> & { pending_call: unknown };
      if (state.pending_call !== null) throw new CheckpointError(`pid ${p.pid} is inside a Fluke call of its own: not supported`);
      const regs = {} as Regs;
      for (const n of REG_NAMES) regs[n] = (state[n] as number) >>> 0;
      p.stopped = state;
      p.frozen = regs;
    }
    if (!waiting) return;
    if (round >= FREEZE_ROUNDS) throw new CheckpointError("processes could not be frozen (an exception stayed in an interposer)");
    if (inManager) {
      // It is being served: it parks (and broadcasts) when its call gives up or completes.
      const progress = (): string => live(pm).map((p) => `${p.pid}${p.state}${p.frozen === undefined ? "" : "f"}`).join();
      const before = progress();
      yield* waitUntil(pm, () => progress() !== before);
    } else {
      for (let i = 0; i < SPIN_CALLS; i++) yield* ok("fluke_ref_check", { ref: pm.cpuRef });
    }
  }
}

/** Let every frozen process go on. */
export function* thawAll(pm: PM): Nest<void> {
  for (const p of pm.procs.values()) {
    if (p.freezing !== true) continue;
    p.freezing = false;
    if (p.stopped !== undefined) {
      const s = p.stopped;
      p.stopped = undefined;
      p.frozen = undefined;
      if (p.thread !== 0) yield* ok("fluke_thread_set_state", { thread: p.thread, state: { ...s, flags: (s["flags"] as number) & ~FLUKE_THREAD_STOPPED }, ...NO_LINKS });
    }
  }
  yield* broadcast(pm);
}

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
const allZero = (b: Uint8Array): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
};

/** The state of a frozen manager, with the memory pages it refers to (by hash). */
export function* snapshot(pm: PM): Nest<{ procmgr: ProcmgrState; pages: Record<string, string> }> {
  const files = new Map<OFile, number>(), pipes = new Map<Pipe, number>();
  const pages: Record<string, string> = {};
  const fileOut: ProcmgrState["files"] = [], pipeOut: ProcmgrState["pipes"] = [];
  const fileId = function* (f: OFile): Nest<number> {
    const known = files.get(f);
    if (known !== undefined) return known;
    const id = files.size + 1;
    files.set(f, id);
    if (f.kind === "remote") {
      let offset = 0;
      if (f.console === undefined && !f.isDir) {
        const r = yield* invoke(f.ref, FileDescription.methods.seek, { offset: 0, whence: 1 });
        if (r.status === 0) offset = Number(r.rep!.offset);
      }
      fileOut.push({ id, kind: "remote", path: f.path, flags: f.flags >>> 0, isDir: f.isDir, dirNext: f.dirNext, offset, ...(f.console === undefined ? {} : { console: f.console }) });
    } else {
      let pid = pipes.get(f.pipe);
      if (pid === undefined) {
        pid = pipes.size + 1;
        pipes.set(f.pipe, pid);
        const data = new Uint8Array(f.pipe.bytes);
        let at = 0;
        for (const c of f.pipe.chunks) {
          data.set(c, at);
          at += c.length;
        }
        pipeOut.push({ id: pid, readers: f.pipe.readers, writers: f.pipe.writers, data: b64(data) });
      }
      fileOut.push({ id, kind: "pipe", pipe: pid, writeEnd: f.writeEnd, flags: f.flags >>> 0 });
    }
    return id;
  };
  const procs: ProcState[] = [];
  for (const p of [...pm.procs.values()].sort((a, b) => a.pid - b.pid)) {
    if (p.state === "exiting") throw new CheckpointError(`pid ${p.pid} is exiting`);
    const running = p.state === "running";
    const fds: ProcState["fds"] = [];
    for (const [fd, d] of [...p.fds].sort((a, b) => a[0] - b[0])) fds.push({ fd, file: yield* fileId(d.file), cloexec: d.cloexec });
    const vmas: ProcState["vmas"] = [];
    if (running) {
      for (const v of p.space.vmas) {
        const bytes = yield* p.space.peek(v.start, v.end - v.start);
        if (bytes === null) throw new CheckpointError(`pid ${p.pid}: memory at 0x${v.start.toString(16)} cannot be read`);
        const list: [number, string][] = [];
        for (let off = 0; off < bytes.length; off += PAGE) {
          const page = bytes.subarray(off, off + PAGE);
          if (allZero(page)) continue;
          const h = pageHash(page);
          if (!(h in pages)) pages[h] = b64(page);
          list.push([off, h]);
        }
        vmas.push({ start: v.start, end: v.end, prot: v.prot, pages: list });
      }
    }
    if (running && (p.frozen === undefined || p.kthread === null)) throw new CheckpointError(`pid ${p.pid} is not frozen`);
    procs.push({
      pid: p.pid, ppid: p.ppid, pgid: p.pgid, sid: p.sid, state: running ? "running" : "zombie", status: p.status >>> 0,
      cwd: p.cwd, umask: p.umask, exe: p.exe, tidAddress: p.tidAddress >>> 0, syscalls: p.syscalls,
      actions: p.actions.map((a) => ({ handler: a.handler >>> 0, flags: a.flags >>> 0, restorer: a.restorer >>> 0, mask: { ...a.mask } })),
      mask: { ...p.mask }, pending: { ...p.pending }, brk: { ...p.brk }, fds,
      regs: running ? { ...p.frozen! } : null, thread: running ? p.thread : 0, held: running ? (p.stopped !== undefined ? "stopped" : "in-call") : null, cpu: running ? exportHidden(p.kthread!) : null, vmas,
    });
  }
  return {
    procmgr: { nextPid: pm.nextPid, randomCounter: pm.randomCounter, reported: [...pm.reported].sort((a, b) => a - b), roots: [...pm.roots].sort((a, b) => a - b), files: fileOut, pipes: pipeOut, procs },
    pages,
  };
}

/** Rebuild the state of a snapshot in a fresh manager; `start` starts a process's server thread. */
export function* restoreState(pm: PM, st: ProcmgrState, pages: Record<string, string>, start: (p: Proc) => void): Nest<void> {
  const env = pm.env;
  const pipes = new Map<number, Pipe>();
  for (const q of st.pipes) {
    const data = new Uint8Array(Buffer.from(q.data, "base64"));
    pipes.set(q.id, { chunks: data.length > 0 ? [data] : [], bytes: data.length, readers: q.readers, writers: q.writers });
  }
  const files = new Map<number, OFile>();
  for (const f of st.files) {
    if (f.kind === "pipe") {
      const pipe = pipes.get(f.pipe);
      if (pipe === undefined) throw new CheckpointError(`file ${f.id}: pipe ${f.pipe} is not in the image`);
      const e: PipeEnd = { kind: "pipe", pipe, writeEnd: f.writeEnd, refs: 0, flags: f.flags };
      files.set(f.id, e);
      continue;
    }
    let ref: number;
    if (f.console !== undefined) ref = yield* keepRef(env, pm.console[f.console]!);
    else {
      ref = yield* newRef(env);
      const flags = f.flags & ~(O.CREAT | O.EXCL | O.TRUNC | O.CLOEXEC);
      const r = yield* invoke(pm.fs, FileSystem.methods.open, { cwd: "/", path: f.path, flags, mode: 0, umask: 0 }, [], [ref]);
      if (r.status !== 0) {
        yield* dropRef(env, ref);
        throw new CheckpointError(`cannot open ${f.path} again (errno ${r.status})`);
      }
      if (!f.isDir && f.offset > 0) {
        const s = yield* invoke(ref, FileDescription.methods.seek, { offset: f.offset, whence: 0 });
        if (s.status !== 0) throw new CheckpointError(`cannot seek ${f.path} to ${f.offset} (errno ${s.status})`);
      }
    }
    const e: Remote = { kind: "remote", ref, refs: 0, flags: f.flags, path: f.path, isDir: f.isDir, dirNext: f.dirNext, ...(f.console === undefined ? {} : { console: f.console }) };
    files.set(f.id, e);
  }
  const made: { p: Proc; s: ProcState }[] = [];
  for (const s of [...st.procs].sort((a, b) => a.pid - b.pid)) {
    let p: Proc;
    if (s.state === "running") {
      pm.nextPid = s.pid;
      p = yield* newProcess(pm, null);
    } else {
      p = {
        pid: s.pid, ppid: 1, pgid: s.pgid, sid: s.sid, state: "zombie", status: s.status, task: 0, taskRef: yield* newRef(env), ktask: null,
        thread: 0, kthread: null, keeperPort: 0, pset: 0, memory: yield* newRef(env), space: new GuestSpace(env, 0, 0), brk: { ...s.brk },
        fds: new Map(), cwd: s.cwd, umask: s.umask, exe: s.exe, actions: newActions(), mask: s.mask, pending: s.pending, children: new Set(),
        tidAddress: 0, syscalls: s.syscalls, inManager: false, wrapped: false,
      };
      pm.procs.set(p.pid, p);
    }
    Object.assign(p, { ppid: s.ppid, pgid: s.pgid, sid: s.sid, cwd: s.cwd, umask: s.umask, exe: s.exe, tidAddress: s.tidAddress, syscalls: s.syscalls, brk: { ...s.brk } });
    p.actions = s.actions.map((a) => ({ ...a, mask: { ...a.mask } }));
    p.mask = { ...s.mask };
    p.pending = { ...s.pending };
    for (const d of s.fds) {
      const f = files.get(d.file);
      if (f === undefined) throw new CheckpointError(`pid ${s.pid} fd ${d.fd}: file ${d.file} is not in the image`);
      f.refs++;
      p.fds.set(d.fd, { file: f, cloexec: d.cloexec });
    }
    for (const v of s.vmas) {
      if ((yield* p.space.mapAnon(v.start, v.end - v.start, v.prot)) === null) throw new CheckpointError(`pid ${s.pid}: no memory for 0x${v.start.toString(16)}..0x${v.end.toString(16)}`);
      for (const [off, h] of v.pages) {
        const b = pages[h];
        if (b === undefined || !(yield* p.space.poke(v.start + off, new Uint8Array(Buffer.from(b, "base64"))))) throw new CheckpointError(`pid ${s.pid}: page at 0x${(v.start + off).toString(16)} cannot be written`);
      }
    }
    made.push({ p, s });
  }
  for (const { p } of made) pm.procs.get(p.ppid)?.children.add(p);
  pm.nextPid = st.nextPid;
  pm.randomCounter = st.randomCounter;
  for (const n of st.reported) pm.reported.add(n);
  for (const n of st.roots) pm.roots.add(n);
  // Every process exists with its memory and files: now their threads may run.
  for (const { p, s } of made) {
    if (s.state !== "running" || s.regs === null) continue;
    yield* startThread(pm, p, s.regs);
    if (s.cpu !== null) importHidden(p.kthread!, s.cpu);
    start(p);
  }
}
