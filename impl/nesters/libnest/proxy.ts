// A generic forwarding proxy of the common protocols (the basis of the tracer and of a `null` nester):
// for a reference to a real service port it makes a proxy port of its own (alias → target); a request
// arriving on a proxy port is forwarded unchanged with fluke_ipc_call (the same words, the references
// that came with it passed on), and the reply (words and references) goes back to the caller. Reply
// references that are services (the protocol definition's outKinds: FileSystem.open's FileDescription,
// Memory.create_sub_pool's Memory, Parent.get_*) are wrapped in new proxy ports, so later traffic on them
// passes here too; memory regions (and references of unknown kind) are passed on as they are. Unknown
// method ids are forwarded raw: a proxy never changes behaviour. Every exchange can be observed (with
// the virtual time before and after) and single requests answered locally (`local`).
// Also the keeper proxy: a port to install as a task's keeper whose exception messages (15 words,
// spec/kernel-api/x86.md) are forwarded to the real keeper, served by a native thread of its own; a
// hook may answer one itself or amend the keeper's reply (the debugger's breakpoints and stops).
// Above: the tracer, null and debugger nesters. Below: env.ts, serve.ts, protocol/define.ts, the kernel's IPC calls.
import { IPC_MAX_SEND_WORDS } from "../../../spec/kernel-api/ipc.js";
import { FLUKE_EXC_REPLY_SET_REGS } from "../../../spec/kernel-api/x86.js";
import { spawnNative } from "../../kernel/native-host.js";
import { STATUS_BADMSG, methodById, type Method, type RefKind } from "../protocol/define.js";
import { NestError, dropRef, keepRef, newRef, ok, sys, type Nest, type NestEnv } from "./env.js";
import { serve, type Meta, type Reply } from "./serve.js";
import { newPortSet, refTo, type PortSet } from "./ports.js";
import { invoke } from "../libc/client.js";
import { Parent } from "../protocol/protocols.js";

const EPIPE = 32;

/** One proxy port: what it stands for. */
export interface ProxyPort {
  readonly alias: number;
  /** The protocol its target speaks (from the definition that handed it out). */
  readonly kind: RefKind;
  /** The proxy's reference to the real port. */
  readonly target: number;
  /** The proxy's own port object. */
  readonly port: number;
  /** "FileDescription#12": for traces. */
  readonly label: string;
}

/** One forwarded (or locally answered) exchange. */
export interface ProxyCall {
  readonly port: ProxyPort;
  /** The method the request's id names, if any protocol defines it. */
  readonly method: Method | undefined;
  readonly words: readonly number[];
  readonly refsIn: number;
  /** Reply status (EPIPE when the target was gone) and the reply's fields (words after the status). */
  readonly status: number;
  readonly reply: readonly number[];
  /** The reply's references: the new proxy port of a service, or "region" / "raw" for ones passed on. */
  readonly out: readonly (ProxyPort | "region" | "raw")[];
  /** Virtual time (the kernel's clock) when the request arrived and when the reply was ready. */
  readonly start: number;
  readonly end: number;
}

export interface ProxyOptions {
  readonly observe?: (c: ProxyCall) => void;
  /** Answer a request here instead of forwarding it (null: forward). */
  readonly local?: (port: ProxyPort, words: readonly number[], meta: Meta) => Nest<Reply | null>;
  /** Which service kinds to interpose on (default: all); the others are handed on unwrapped. */
  readonly wraps?: (kind: RefKind) => boolean;
}

/** Receive slots for forwarded replies (Parent.get_console's three are the most). */
const REPLY_SLOTS = 3;

export class Proxy {
  readonly ports = new Map<number, ProxyPort>();
  private nextAlias = 1;
  private set: PortSet | null = null;
  private slots: number[] = [];

  constructor(readonly env: NestEnv, readonly opts: ProxyOptions = {}) {}

  /** Create the port set of the proxy ports (before wrap). */
  *start(): Nest<void> {
    const env = this.env;
    this.set = yield* newPortSet(env);
    for (let i = 0; i < REPLY_SLOTS; i++) this.slots.push(yield* newRef(env));
  }

  private started(): PortSet {
    if (this.set === null) throw new Error(`${this.env.name}: proxy used before start()`);
    return this.set;
  }

  /** A proxy port for the port behind `target` (a reference the proxy now owns); returns the entry and a new reference to the proxy port. */
  *wrap(target: number, kind: RefKind): Nest<{ entry: ProxyPort; ref: number }> {
    const env = this.env;
    const alias = this.nextAlias++;
    const port = yield* this.started().newPort(alias);
    const entry: ProxyPort = { alias, kind, target, port, label: `${kind}#${alias}` };
    this.ports.set(alias, entry);
    return { entry, ref: yield* refTo(env, port) };
  }

  /** Serve the proxy ports in this thread until the system ends. */
  *serve(): Nest<void> {
    yield* serve(this.env, this.started().pset, (w, meta) => this.handle(w, meta), 3);
  }

  *handle(words: readonly number[], meta: Meta): Nest<Reply> {
    const env = this.env;
    const entry = this.ports.get(meta.alias);
    if (entry === undefined) return { status: EPIPE, words: [], refs: [] }; // not one of ours (a closed proxy)
    const start = env.k.sched.now;
    const method = methodById(words[0] ?? 0);
    const local = this.opts.local === undefined ? null : yield* this.opts.local(entry, words, meta);
    if (local !== null) {
      this.opts.observe?.({ port: entry, method, words, refsIn: meta.refs.length, status: local.status, reply: local.words, out: local.refs.map(() => "raw" as const), start, end: env.k.sched.now });
      return local;
    }
    const o = yield* sys("fluke_ipc_call", {
      destination: entry.target,
      ipc_params: { send_words: [...words], send_refs: [...meta.refs], recv_words_max: IPC_MAX_SEND_WORDS, recv_refs: this.slots },
    });
    if (o.kind !== "return") throw new NestError(`${env.name}: forward`, o);
    let status: number, rep: number[], nrefs: number;
    if (o.rc === "IPC_CONNECT_INVALID_DEST") [status, rep, nrefs] = [EPIPE, [], 0];
    else {
      const w = (o.out["words"] as number[] | undefined) ?? [];
      [status, rep, nrefs] = [w.length === 0 ? STATUS_BADMSG : w[0]! >>> 0, w.slice(1), Math.min((o.out["refs_received"] as number | undefined) ?? 0, REPLY_SLOTS)];
    }
    const refs: number[] = [], drop: number[] = [], out: (ProxyPort | "region" | "raw")[] = [];
    for (let i = 0; i < nrefs; i++) {
      const kind = status === 0 ? method?.outKinds[i] : undefined;
      if (kind === undefined || kind === "region" || kind === "keeper" || this.opts.wraps?.(kind) === false) {
        refs.push(this.slots[i]!); // passed on as it is (the slot is not reused before the reply is sent)
        out.push(kind === "region" ? "region" : "raw");
        continue;
      }
      const target = yield* keepRef(env, this.slots[i]!);
      const { entry: e, ref } = yield* this.wrap(target, kind);
      refs.push(ref);
      drop.push(ref);
      out.push(e);
    }
    // A description closed for good (its server destroyed the port): the proxy port goes too. A port
    // that outlives close (the console) keeps its proxy.
    if (status === 0 && method?.protocol === "FileDescription" && method.name === "close") {
      const c = yield* ok("fluke_ref_check", { ref: entry.target });
      if (c["is_null"] === true) {
        this.ports.delete(entry.alias);
        yield* ok("fluke_port_destroy", { port: entry.port });
        env.alloc.release("port", entry.port);
        yield* dropRef(env, entry.target);
      }
    }
    this.opts.observe?.({ port: entry, method, words, refsIn: meta.refs.length, status, reply: rep, out, start, end: env.k.sched.now });
    return { status, words: rep, refs, drop };
  }
}

/** One exception forwarded by a keeper proxy: the 15-word message, the keeper's reply words, virtual times. */
export interface KeeperExchange {
  readonly words: readonly number[];
  /** The reply (status word first); [] when the keeper was gone. */
  readonly reply: readonly number[];
  readonly start: number;
  readonly end: number;
  /** The keeper's reply ends the serving of this task (not FLUKE_EXC_REPLY_SET_REGS: the process manager's `stop`; or the keeper is gone). */
  readonly last: boolean;
}

/** Sends a message of the hook's own to the real keeper (on behalf of the stopped thread); the reply words, [] when the keeper is gone. */
export type KeeperCall = (words: readonly number[]) => Nest<number[]>;

/** What `answer` decides: a reply to give the thread here (status word first), or the message to forward instead. */
export type KeeperAnswer = { readonly reply: readonly number[] } | { readonly forward: readonly number[] };

export interface KeeperProxyHooks {
  /** Before forwarding (the thread is stopped in its exception: its memory is stable). */
  readonly before?: (words: readonly number[]) => Nest<void>;
  readonly after?: (x: KeeperExchange) => Nest<void>;
  /**
   * Asked first (the debugger): answer the exception here, or forward another message in its place; null
   * forwards it as it came. The thread stays stopped while this runs. A local reply that is not
   * FLUKE_EXC_REPLY_SET_REGS ends the serving of the task, as a keeper's would.
   */
  readonly answer?: (words: readonly number[], call: KeeperCall) => Nest<KeeperAnswer | null>;
  /** After forwarding (and `after`): replace the keeper's reply (null: keep it). Not asked when the reply ended the serving. */
  readonly amend?: (x: KeeperExchange, call: KeeperCall) => Nest<readonly number[] | null>;
}

/**
 * A keeper proxy: a port (in a port set of its own) to install as a task's keeper, and a native thread
 * of this nester serving it, which forwards each exception message to `keeper` (a reference the proxy
 * owns) and returns the reply. One thread per keeper: a call that blocks in the real keeper (wait4, a
 * pipe read) blocks only this task's traffic. The thread ends when the keeper's reply ends the
 * serving (the process is gone). Returns a new reference to the proxy port.
 */
export function* spawnKeeperProxy(env: NestEnv, keeper: number, label: string, hooks: KeeperProxyHooks = {}): Nest<number> {
  const { pset, newPort, release } = yield* newPortSet(env);
  const port = yield* newPort(1);
  yield* release();
  const ref = yield* refTo(env, port);
  function* call(words: readonly number[]): Nest<number[]> {
    const o = yield* sys("fluke_ipc_call", {
      destination: keeper,
      ipc_params: { send_words: [...words], send_refs: [], recv_words_max: IPC_MAX_SEND_WORDS, recv_refs: [] },
    });
    if (o.kind !== "return") throw new NestError(`${env.name}: keeper forward`, o);
    return o.rc === "IPC_CONNECT_INVALID_DEST" ? [] : ((o.out["words"] as number[] | undefined) ?? []).map((w) => w >>> 0);
  }
  // Anything but a register-setting reply ends it: the process manager answers `stop` (status 0)
  // when the process is gone; no reply at all means the keeper is gone.
  const isLast = (reply: readonly number[]): boolean => reply.length === 0 || reply[0] !== FLUKE_EXC_REPLY_SET_REGS;
  function* finish(reply: readonly number[]): Nest<Reply> {
    if (isLast(reply)) {
      yield* ok("fluke_port_destroy", { port });
      env.alloc.release("port", port);
      return { status: 0, words: [], refs: [], stop: true };
    }
    return { status: reply[0]!, words: reply.slice(1), refs: [] };
  }
  function* handle(original: readonly number[]): Nest<Reply> {
    const start = env.k.sched.now;
    let words = original;
    if (hooks.answer !== undefined) {
      const a = yield* hooks.answer(original, call);
      if (a !== null && "reply" in a) return yield* finish(a.reply);
      if (a !== null) words = a.forward;
    }
    if (hooks.before !== undefined) yield* hooks.before(words);
    let reply = yield* call(words);
    const last = isLast(reply);
    const x: KeeperExchange = { words, reply, start, end: env.k.sched.now, last };
    if (hooks.after !== undefined) yield* hooks.after(x);
    if (!last && hooks.amend !== undefined) reply = [...((yield* hooks.amend(x, call)) ?? reply)];
    return yield* finish(reply);
  }
  spawnNative(env.k, env.task, env.alloc.alloc("thread"), serve(env, pset, (w) => handle(w), 0), { label });
  return ref;
}

/**
 * Offer keeper proxy `proxyRef` (for process `pid`, task `taskRef`) to this nester's own parent to wrap
 * in turn, so stacked interposers all see the guest's exceptions (outermost first). Returns the port the
 * guest should use: the parent's wrapper, or `proxyRef` when the parent does not interpose (ENOSYS).
 */
export function* wrapKeeperUp(env: NestEnv, proxyRef: number, pid: number, taskRef: number): Nest<number> {
  if (env.parent === 0) return proxyRef;
  const w = yield* newRef(env);
  const r = yield* invoke(env.parent, Parent.methods.wrap_keeper, { pid }, [proxyRef, taskRef], [w]);
  if (r.status !== 0) {
    yield* dropRef(env, w);
    return proxyRef;
  }
  yield* dropRef(env, proxyRef);
  return w;
}
