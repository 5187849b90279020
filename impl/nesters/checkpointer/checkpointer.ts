// The checkpointer nester: it sits between its child (the process manager, with everything below it)
// and its parent's services, forwarding every protocol unchanged (libnest/proxy.ts) while it notes the
// names the child tree changes in the file tree. The process manager below it offers it a Checkpoint
// port (Parent.offer_checkpoint). A checkpoint is a native thread of the checkpointer, started by the
// host (an instruction count reached, or `fluke checkpoint`): it asks the manager to freeze and reads
// its encoded state (processes, files, pipes, memory, registers), reads the changed names' contents
// through its own FileSystem port, and hands the image (protocol/checkpoint-image.ts) to the host to
// write; then the run either stops or the manager thaws. In restore mode it first puts the recorded
// names back in the fresh file tree, then starts its child, which rebuilds the processes.
// Above: the stack (impl/nesters/stack.ts), cli (run, checkpoint, restore). Below: libnest, the
// Checkpoint and FileSystem protocols, checkpointer/files.ts, procmgr/checkpoint.ts (the other side).
import { spawnNative } from "../../kernel/native-host.js";
import { invoke, must } from "../libc/client.js";
import { keepRef, newRef, ok, type Nest, type NestEnv } from "../libnest/env.js";
import { spawnPooledChild } from "../libnest/ports.js";
import { closeWindow, openWindow } from "../libnest/window.js";
import { CHILD_AREA, CHILD_BASE, SPACE_BASE, SPACE_END } from "../libnest/spawn.js";
import { FLUKE_PROT_ALL, FLUKE_PROT_READ } from "../../../spec/kernel-api/common.js";

/** Where a native nester's first thread sits in its boot area (libnest/spawn.ts's layout). */
const FIRST_THREAD_OFF = 128;
import { Proxy } from "../libnest/proxy.js";
import { reply, type Meta, type Reply } from "../libnest/serve.js";
import { IMAGE_VERSION, type FileEntry, type Image } from "../protocol/checkpoint-image.js";
import { STATUS_BADMSG } from "../protocol/define.js";
import { Checkpoint, Parent } from "../protocol/protocols.js";
import { MAX_FIELD_BYTES } from "../protocol/codec.js";
import { captureFiles, changedNames, restoreFiles } from "./files.js";

/** How the run was set up, recorded in the image so `fluke restore` can build the same system. */
export type RunInfo = Omit<Image["run"], "initPid">;

/** The host's handle on a checkpointer: filled in by the nester. */
export interface CheckpointerControl {
  /** Start a checkpoint now; false if none can start (no process manager offered its port yet, or one is running). */
  request?: () => boolean;
}

export interface CheckpointerConfig {
  readonly child: { readonly name: string; readonly program: (env: NestEnv) => Nest<void> };
  readonly run: RunInfo;
  /** After the image is handed over: stop (the frozen system stays frozen; the host ends the run) or let the processes go on. */
  readonly then: "stop" | "continue";
  readonly control: CheckpointerControl;
  /** The image of a checkpoint (the host writes it), or why none could be taken. */
  readonly onImage: (img: Image) => void;
  readonly onError: (message: string) => void;
  /** Restore mode: the names to put back before the child starts. */
  readonly restoreFiles?: readonly FileEntry[];
}

export function* checkpointer(env: NestEnv, cfg: CheckpointerConfig): Nest<void> {
  env.memory = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_memory_service, {}, [], [env.memory]);
  const fs = yield* newRef(env);
  yield* must(env.parent, Parent.methods.get_filesystem_service, {}, [], [fs]);
  if (cfg.restoreFiles !== undefined) yield* restoreFiles(env, fs, cfg.restoreFiles);

  const changed = new Set<string>();
  let manager = 0, busy = false;
  const OFFER = Parent.methods.offer_checkpoint;
  const px = new Proxy(env, {
    observe: (c) => {
      for (const n of changedNames(c)) changed.add(n);
    },
    local: function* (port, words, meta: Meta): Nest<Reply | null> {
      if (port.kind !== "Parent" || words[0] !== OFFER.id) return null;
      if (meta.refs.length < 1) return { status: STATUS_BADMSG, words: [], refs: [] };
      manager = yield* keepRef(env, meta.refs[0]!);
      return reply(OFFER, {});
    },
  });

  function* take(): Nest<void> {
    try {
      const f = yield* invoke(manager, Checkpoint.methods.freeze, {});
      if (f.status !== 0) {
        cfg.onError(`the process manager could not freeze its processes (errno ${f.status})`);
        return;
      }
      const parts: Uint8Array[] = [];
      for (let at = 0; at < f.rep!.size;) {
        const r = yield* must(manager, Checkpoint.methods.read_state, { offset: at, length: MAX_FIELD_BYTES });
        if (r.data.length === 0) throw new Error("the process manager's state ended early");
        parts.push(r.data.slice());
        at += r.data.length;
      }
      const st = JSON.parse(Buffer.concat(parts).toString("utf8")) as { procmgr: Image["procmgr"]; pages: Image["pages"] };
      const files = yield* captureFiles(env, fs, changed);
      const initPid = st.procmgr.roots.find((pid) => st.procmgr.procs.some((p) => p.pid === pid)) ?? 0;
      const kernel = yield* census(st.procmgr);
      cfg.onImage({
        format: "fluke-checkpoint", version: IMAGE_VERSION, time: env.k.sched.now, run: { ...cfg.run, initPid },
        files, procmgr: st.procmgr, kernel, pages: st.pages,
      });
      if (cfg.then === "continue") yield* must(manager, Checkpoint.methods.thaw, {});
    } catch (e) {
      // No image: whatever `then` says, the processes go on (thawing an unfrozen manager does nothing).
      cfg.onError((e as Error).message);
      yield* invoke(manager, Checkpoint.methods.thaw, {});
    } finally {
      busy = false;
    }
  }

  /**
   * The kernel's view of the frozen child tree, with the API alone. A region over a task's space and
   * fluke_region_search find the objects in the memory that task maps: its own boot area and the boot
   * areas of its native children (a native nester's first thread sits 128 bytes into its area, its self
   * reference at 0). Starting at the child task, each child area found is entered through a window onto
   * it and the self reference it holds, down to the area holding every thread the process manager names.
   * Through a window onto that one, each stopped guest thread is exported with fluke_thread_get_state, and
   * its registers must be the ones the manager recorded. Objects are counted by type over the whole tree.
   */
  function* census(st: Image["procmgr"]): Nest<Image["kernel"]> {
    const objects: Record<string, number> = {};
    const held = st.procs.filter((p) => p.state === "running" && p.held !== null);
    const none = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };
    const regionOver = function* (taskRef: number, start: number, size: number, prot: number): Nest<number> {
      const region = env.alloc.alloc("region");
      yield* ok("fluke_region_create", { new_region: region });
      yield* ok("fluke_region_set_state", { region, state: { hash: 0, start_va: start, size, prot }, task_ref: taskRef, keeper_ref: 0 });
      return region;
    };
    const dropRegion = function* (region: number): Nest<void> {
      yield* ok("fluke_region_destroy", { region });
      env.alloc.release("region", region);
    };
    /** Run `f` with a boot area of task `taskRef` (at `base` there) mapped here; its address here. */
    const withWindow = function* <T>(taskRef: number, base: number, f: (va: number) => Nest<T>): Nest<T> {
      const w = yield* openWindow(env, taskRef, base, CHILD_AREA, FLUKE_PROT_ALL);
      if (w === null) throw new Error("no room for a census window");
      try {
        return yield* f(w.va);
      } finally {
        yield* closeWindow(env, w);
      }
    };
    const threadsOut: Image["kernel"]["threads"] = [];
    const check = function* (va: number): Nest<void> {
      for (const p of held) {
        if (p.held === "stopped") {
          const s = (yield* ok("fluke_thread_get_state", { thread: va + (p.thread - CHILD_BASE), ...none }))["state"] as Record<string, number>;
          for (const [name, v] of Object.entries(p.regs ?? {})) {
            if (s[name]! >>> 0 !== v) throw new Error(`pid ${p.pid}: ${name} is 0x${(s[name]! >>> 0).toString(16)} in the kernel, 0x${v.toString(16)} in the manager's record`);
          }
        }
        threadsOut.push({ pid: p.pid, state: p.held! });
      }
    };
    /** Search [start, SPACE_END) of task `taskRef` and below; true once the manager's area was checked. */
    const visit = function* (taskRef: number, start: number, depth: number): Nest<boolean> {
      const span = SPACE_END - start;
      const region = yield* regionOver(taskRef, start, span, FLUKE_PROT_READ);
      const threads = new Set<number>();
      for (let off = 0; off < span;) {
        const out = yield* ok("fluke_region_search", { region, offset: off, size: span - off, obarray_size: 256 });
        for (const f of out["obarray"] as { ob: number; type: string }[]) {
          objects[f.type] = (objects[f.type] ?? 0) + 1;
          if (f.type === "thread") threads.add(f.ob);
        }
        const next = out["offset"] as number;
        if (next <= off) break;
        off = next;
      }
      yield* dropRegion(region);
      const areas = [...threads].map((t) => t - FIRST_THREAD_OFF).filter((b) => b % 4096 === 0);
      const manager = areas.find((b) => held.every((p) => threads.has(b + (p.thread - CHILD_BASE))));
      if (manager !== undefined) {
        yield* withWindow(taskRef, manager, check);
        return true;
      }
      if (depth >= 8) return false;
      for (const b of areas.filter((a) => a >= SPACE_BASE)) {
        // A native child's area: its self reference (offset 0) names its task; go on below it.
        const found = yield* withWindow(taskRef, b, function* (va) {
          return yield* visit(va, SPACE_BASE, depth + 1);
        });
        if (found) return true;
      }
      return false;
    };
    if (!(yield* visit(child.taskRef, CHILD_BASE, 0))) throw new Error("the process manager's threads are not among the objects fluke_region_search found");
    return { objects, threads: threadsOut };
  }

  cfg.control.request = () => {
    if (manager === 0 || busy) return false;
    busy = true;
    spawnNative(env.k, env.task, env.alloc.alloc("thread"), take(), { label: `${env.name}:checkpoint` });
    return true;
  };

  yield* px.start();
  const { ref: parentRef } = yield* px.wrap(yield* keepRef(env, env.parent), "Parent");
  const child = yield* spawnPooledChild(env, parentRef, cfg.child);
  yield* px.serve();
}
