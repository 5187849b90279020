// The file-system nester on a booted system: root -> memmgr -> fs nester (over the Debian 12 i386 guest
// root, fetched on first use) -> a test program that finds its services with the Parent protocol and
// uses FileSystem and FileDescription through kernel IPC. Checked against the host: file bytes, offsets,
// pread, seek (53-bit two's complement offsets), writes in /tmp, O_APPEND (at open and by set_flags),
// stat of /usr/bin/sort against the host lstat, readdir of / in small batches, close, the console (a
// recording Console with a fixed stdin), the refusals between the kinds of ports, the child's pool, and
// random requests on every port (seed printed, FLUKE_SEED replays).
import fc from "fast-check";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHUNK } from "../memmgr/paging.js";
import { describe, expect, it } from "vitest";
import { nativeHost } from "../../kernel/native-host.js";
import { boot } from "../boot.js";
import { invoke, must } from "../libc/client.js";
import { newRef, sys, type Nest, type NestEnv } from "../libnest/env.js";
import { guestRoot } from "../procmgr/guest-binaries.js";
import type { FieldKind } from "../protocol/codec.js";
import { FileDescription, FileSystem, Memory, Parent } from "../protocol/protocols.js";
import { fsNester, type Console } from "./server.js";
import { fuzzSeed, snapshotTree, stepClock } from "./test-support.js";
import { DT_DIR, O_APPEND, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_IFDIR, S_IFMT, S_IFREG, VFS_DEV } from "./vfs.js";

const MiB = 1 << 20;
const EPERM = 1, EBADF = 9, EINVAL = 22, ENOTTY = 25, ESPIPE = 29, EPIPE = 32, ENOSYS = 38;
const CHILD_QUOTA = 3 * MiB;

/** A Console that records what is written and serves a fixed standard input in pieces of at most `max`. */
class RecordingConsole implements Console {
  readonly writes: [number, string][] = [];
  private at = 0;
  constructor(private readonly stdin: string, private readonly term: { rows: number; cols: number } | null = null) {}
  write(fd: 1 | 2, bytes: Uint8Array): void {
    this.writes.push([fd, Buffer.from(bytes).toString("latin1")]);
  }
  read(max: number): Uint8Array {
    const part = this.stdin.slice(this.at, this.at + max);
    this.at += part.length;
    return new Uint8Array(Buffer.from(part, "latin1"));
  }
  terminal(fd: 0 | 1 | 2): { rows: number; cols: number } | null {
    return fd === 0 ? null : this.term;
  }
}

/** What the test program gets from its parent. */
interface Services {
  readonly env: NestEnv;
  readonly fs: number;
  /** stdin, stdout, stderr. */
  readonly con: readonly [number, number, number];
  readonly log: string[];
}

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
/** A signed offset as FileDescription.seek carries it: two's complement over 53 bits. */
const off53 = (n: number): number => (n < 0 ? 2 ** 53 + n : n);

const run = (body: (s: Services) => Nest<void>, console = new RecordingConsole("")): { log: string[]; crashed: string[]; console: RecordingConsole } => {
  const log: string[] = [];
  const root = guestRoot();
  const program = function* (env: NestEnv): Nest<void> {
    const fs = yield* newRef(env);
    yield* must(env.parent, Parent.methods.get_filesystem_service, {}, [], [fs]);
    const con = [yield* newRef(env), yield* newRef(env), yield* newRef(env)] as const;
    yield* must(env.parent, Parent.methods.get_console, {}, [], [...con]);
    yield* body({ env, fs, con, log });
    log.push("done");
  };
  const k = boot({
    poolBytes: 16 * MiB, childQuota: 8 * MiB,
    child: { name: "fs", program: (env) => fsNester(env, { root, console, now: stepClock(), childQuota: CHILD_QUOTA, child: { name: "test", program } }) },
  });
  k.sched.run();
  const crashed: string[] = [];
  for (const r of nativeHost(k).runners.values()) if (r.crashed !== null) crashed.push(String(r.crashed));
  return { log, crashed, console };
};

/** Open `path`; the new FileDescription reference, or the errno as a negative number. */
function* open(s: Services, path: string, flags: number, mode = 0o644): Nest<number> {
  const ref = yield* newRef(s.env);
  const r = yield* invoke(s.fs, FileSystem.methods.open, { cwd: "/", path, flags, mode, umask: 0o022 }, [], [ref]);
  return r.status === 0 ? ref : -r.status;
}
function* read(fd: number, length: number): Nest<string> {
  return text((yield* must(fd, FileDescription.methods.read, { length })).data);
}
function* seek(fd: number, offset: number, whence: number): Nest<number> {
  const r = yield* invoke(fd, FileDescription.methods.seek, { offset: off53(offset), whence });
  return r.status === 0 ? r.rep!.offset : -r.status;
}
function* write(fd: number, data: string): Nest<number> {
  return (yield* must(fd, FileDescription.methods.write, { data: bytes(data) })).count;
}

describe("fs nester over the guest root", () => {
  const root = guestRoot();

  it("reads a real file: host bytes, advancing offsets, pread leaves the offset, seek SET/CUR/END", () => {
    const host = readFileSync(join(root, "etc/debian_version"), "latin1");
    expect(host.length).toBeGreaterThan(3);
    const { log, crashed } = run(function* (s) {
      const fd = yield* open(s, "/etc/debian_version", O_RDONLY);
      const kind = yield* invoke(s.fs, FileSystem.methods.open, { cwd: "/etc", path: "debian_version", flags: O_RDONLY, mode: 0, umask: 0 });
      s.log.push(`kind ${kind.status} ${(kind.rep!.kind & S_IFMT) === S_IFREG}`);
      const a = yield* read(fd, 2);
      const b = yield* read(fd, 1000);
      const c = yield* read(fd, 10);
      s.log.push(`read ${JSON.stringify(a + b)} eof ${JSON.stringify(c)}`);
      s.log.push(`pread ${JSON.stringify(text((yield* must(fd, FileDescription.methods.pread, { offset: 1, length: 3 })).data))}`);
      s.log.push(`pread past end ${(yield* must(fd, FileDescription.methods.pread, { offset: 1 << 20, length: 3 })).data.length}`);
      s.log.push(`offset after pread ${yield* seek(fd, 0, 1)}`);
      s.log.push(`set ${yield* seek(fd, 1, 0)} ${JSON.stringify(yield* read(fd, 2))}`);
      s.log.push(`cur ${yield* seek(fd, -2, 1)} ${JSON.stringify(yield* read(fd, 1))}`);
      s.log.push(`end ${yield* seek(fd, -3, 2)} ${JSON.stringify(yield* read(fd, 10))}`);
      s.log.push(`past end ${yield* seek(fd, 100, 2)} ${JSON.stringify(yield* read(fd, 10))}`);
      s.log.push(`negative set ${yield* seek(fd, -1, 0)}`);
      s.log.push(`before start ${yield* seek(fd, -(host.length + 1), 2)}`);
      s.log.push(`bad whence ${yield* seek(fd, 0, 3)}`);
      s.log.push(`unchanged ${yield* seek(fd, 0, 1)}`);
    });
    expect(crashed).toEqual([]);
    expect(log).toEqual([
      "kind 0 true",
      `read ${JSON.stringify(host)} eof ""`,
      `pread ${JSON.stringify(host.slice(1, 4))}`, "pread past end 0",
      `offset after pread ${host.length}`,
      `set 1 ${JSON.stringify(host.slice(1, 3))}`,
      `cur 1 ${JSON.stringify(host.slice(1, 2))}`,
      `end ${host.length - 3} ${JSON.stringify(host.slice(-3))}`,
      `past end ${host.length + 100} ""`,
      `negative set ${-EINVAL}`, `before start ${-EINVAL}`, `bad whence ${-EINVAL}`,
      `unchanged ${host.length + 100}`, "done",
    ]);
  });

  it("writes into /tmp and reads back; O_APPEND at open and by set_flags; the lower tree stays", () => {
    const { log, crashed } = run(function* (s) {
      const fd = yield* open(s, "/tmp/x", O_RDWR | O_CREAT | O_TRUNC);
      s.log.push(`write ${yield* write(fd, "abc")} ${yield* write(fd, "def")} at ${yield* seek(fd, 0, 1)}`);
      s.log.push(`pread ${text((yield* must(fd, FileDescription.methods.pread, { offset: 0, length: 100 })).data)}`);
      s.log.push(`pwrite ${(yield* must(fd, FileDescription.methods.pwrite, { offset: 1, data: bytes("B") })).count} at ${yield* seek(fd, 0, 1)}`);
      yield* seek(fd, 0, 0);
      s.log.push(`read ${yield* read(fd, 100)}`);
      const ap = yield* open(s, "/tmp/x", O_WRONLY | O_APPEND);
      yield* seek(ap, 0, 0);
      s.log.push(`append ${yield* write(ap, "ZZ")} at ${yield* seek(ap, 0, 1)}`);
      s.log.push(`flags ${((yield* must(ap, FileDescription.methods.get_flags, {})).flags & O_APPEND) !== 0}`);
      // fcntl(F_SETFL) turns O_APPEND on and off
      const w = yield* open(s, "/tmp/x", O_WRONLY);
      yield* must(w, FileDescription.methods.set_flags, { flags: O_APPEND });
      s.log.push(`set append ${yield* write(w, "Q")} at ${yield* seek(w, 0, 1)}`);
      yield* must(ap, FileDescription.methods.set_flags, { flags: 0 });
      yield* seek(ap, 0, 0);
      s.log.push(`cleared append ${yield* write(ap, "@")} at ${yield* seek(ap, 0, 1)}`);
      s.log.push(`content ${text((yield* must(fd, FileDescription.methods.pread, { offset: 0, length: 100 })).data)}`);
      const st = yield* must(fd, FileDescription.methods.stat, {});
      s.log.push(`size ${st.size} reg ${(st.mode & S_IFMT) === S_IFREG} mode ${(st.mode & 0o7777).toString(8)}`);
      // writing a lower file copies it up; a read-only description refuses writes
      const ro = yield* open(s, "/etc/debian_version", O_RDONLY);
      s.log.push(`ro write ${(yield* invoke(ro, FileDescription.methods.write, { data: bytes("x") })).status}`);
      const lw = yield* open(s, "/etc/debian_version", O_WRONLY | O_TRUNC);
      s.log.push(`lower write ${yield* write(lw, "overlay")}`);
      s.log.push(`lower read ${yield* read(ro, 100)}`);
    });
    expect(crashed).toEqual([]);
    expect(log).toEqual([
      "write 3 3 at 6", "pread abcdef", "pwrite 1 at 6", "read aBcdef",
      "append 2 at 8", "flags true", "set append 1 at 9", "cleared append 1 at 1", "content @BcdefZZQ",
      "size 9 reg true mode 644", `ro write ${EBADF}`, "lower write 7", "lower read overlay", "done",
    ]);
    expect(readFileSync(join(root, "etc/debian_version"), "latin1")).not.toBe("overlay");
  });

  it("stats /usr/bin/sort as the host's lstat, by name and through an open description", () => {
    const host = lstatSync(join(root, "usr/bin/sort"), { bigint: true });
    const { log, crashed } = run(function* (s) {
      const st = yield* must(s.fs, FileSystem.methods.stat, { cwd: "/usr", path: "bin/sort", follow: 0 });
      s.log.push(JSON.stringify(st));
      const fd = yield* open(s, "/usr/bin/sort", O_RDONLY);
      s.log.push(JSON.stringify(yield* must(fd, FileDescription.methods.stat, {})));
      const missing = yield* invoke(s.fs, FileSystem.methods.stat, { cwd: "/", path: "/no/such", follow: 1 });
      s.log.push(`missing ${missing.status}`);
    });
    expect(crashed).toEqual([]);
    const st = JSON.parse(log[0]!) as Record<string, number>;
    expect(st["dev"]).toBe(VFS_DEV);
    expect(st["ino"]).toBe(Number(host.ino));
    expect(st["mode"]).toBe(Number(host.mode));
    expect([st["nlink"], st["uid"], st["gid"], st["size"], st["blocks"]]).toEqual([host.nlink, host.uid, host.gid, host.size, host.blocks].map(Number));
    expect([st["mtime_sec"], st["mtime_nsec"]]).toEqual([Number(host.mtimeNs / 1_000_000_000n), Number(host.mtimeNs % 1_000_000_000n)]);
    expect([st["ctime_sec"], st["ctime_nsec"]]).toEqual([Number(host.ctimeNs / 1_000_000_000n), Number(host.ctimeNs % 1_000_000_000n)]);
    expect(log[1]).toBe(log[0]);
    expect(log.slice(2)).toEqual(["missing 2", "done"]);
  });

  it("lists / in small readdir batches as the host directory plus . and ..", () => {
    const hostNames = [".", "..", ...readdirSync(root).sort()];
    const { log, crashed } = run(function* (s) {
      const fd = yield* open(s, "/", O_RDONLY);
      const names: string[] = [];
      let index = 0, calls = 0, etcType = -1, dotIno = -1;
      for (;;) {
        const r = yield* must(fd, FileDescription.methods.readdir, { index, max: 3 });
        calls++;
        if (r.entries.length === 0) break;
        const b = Buffer.from(r.entries);
        let count = 0;
        for (let p = 0; p < b.length; count++) {
          const ino = b.readUInt32LE(p) + b.readUInt32LE(p + 4) * 2 ** 32, type = b[p + 8]!, len = b[p + 9]!;
          const name = b.subarray(p + 10, p + 10 + len).toString("latin1");
          if (name === "etc") etcType = type;
          if (name === ".") dotIno = ino;
          names.push(name);
          p += 10 + len;
        }
        if (count > 3 || r.next !== index + count) throw new Error(`batch of ${count}, next ${r.next} from ${index}`);
        index = r.next;
      }
      s.log.push(JSON.stringify(names), `calls ${calls}`, `etc ${etcType}`);
      const st = yield* must(s.fs, FileSystem.methods.stat, { cwd: "/", path: "/", follow: 1 });
      s.log.push(`dot ${dotIno === st.ino} ${(st.mode & S_IFMT) === S_IFDIR}`);
      const file = yield* open(s, "/etc/debian_version", O_RDONLY);
      s.log.push(`file readdir ${(yield* invoke(file, FileDescription.methods.readdir, { index: 0, max: 3 })).status}`);
    });
    expect(crashed).toEqual([]);
    expect(log).toEqual([JSON.stringify(hostNames), `calls ${Math.ceil(hostNames.length / 3) + 1}`, `etc ${DT_DIR}`, "dot true true", "file readdir 20", "done"]);
  });

  it("close destroys the description's port: later calls on the old reference get EPIPE", () => {
    const { log, crashed } = run(function* (s) {
      const fd = yield* open(s, "/etc/debian_version", O_RDONLY);
      s.log.push(`close ${(yield* invoke(fd, FileDescription.methods.close, {})).status}`);
      s.log.push(`read ${(yield* invoke(fd, FileDescription.methods.read, { length: 4 })).status}`);
      s.log.push(`close again ${(yield* invoke(fd, FileDescription.methods.close, {})).status}`);
      // the server is fine: another open works
      const fd2 = yield* open(s, "/etc/debian_version", O_RDONLY);
      s.log.push(`reopen ${(yield* read(fd2, 1)).length}`);
    });
    expect(crashed).toEqual([]);
    expect(log).toEqual(["close 0", `read ${EPIPE}`, `close again ${EPIPE}`, "reopen 1", "done"]);
  });

  it("serves the console: writes reach the Console, stdin reads its bytes then EOF, no terminal is ENOTTY", () => {
    const { log, crashed, console } = run(function* (s) {
      const [stdin, stdout, stderr] = s.con;
      s.log.push(`out ${yield* write(stdout, "hello\n")} err ${yield* write(stderr, "oops\n")}`);
      s.log.push(`in ${JSON.stringify(yield* read(stdin, 4))} ${JSON.stringify(yield* read(stdin, 100))} ${JSON.stringify(yield* read(stdin, 100))}`);
      s.log.push(`tty ${(yield* invoke(stdout, FileDescription.methods.is_terminal, {})).status}`);
      s.log.push(`write stdin ${(yield* invoke(stdin, FileDescription.methods.write, { data: bytes("x") })).status}`);
      s.log.push(`read stdout ${(yield* invoke(stdout, FileDescription.methods.read, { length: 1 })).status}`);
      s.log.push(`seek ${(yield* invoke(stdout, FileDescription.methods.seek, { offset: 0, whence: 0 })).status}`);
      const st = yield* must(stdout, FileDescription.methods.stat, {});
      s.log.push(`chr ${(st.mode & S_IFMT).toString(8)}`);
    }, new RecordingConsole("line one\nline two\n"));
    expect(crashed).toEqual([]);
    expect(log).toEqual([
      "out 6 err 5", `in "line" ${JSON.stringify(" one\nline two\n")} ""`, `tty ${ENOTTY}`,
      `write stdin ${EBADF}`, `read stdout ${EBADF}`, `seek ${ESPIPE}`, "chr 20000", "done",
    ]);
    expect(console.writes).toEqual([[1, "hello\n"], [2, "oops\n"]]);
  });

  it("reports the terminal size when the Console has one", () => {
    const { log } = run(function* (s) {
      const t = yield* invoke(s.con[1], FileDescription.methods.is_terminal, {});
      s.log.push(`${t.status} ${t.rep?.rows} ${t.rep?.cols}`);
      s.log.push(`stdin ${(yield* invoke(s.con[0], FileDescription.methods.is_terminal, {})).status}`);
    }, new RecordingConsole("", { rows: 24, cols: 80 }));
    expect(log).toEqual(["0 24 80", `stdin ${ENOTTY}`, "done"]);
  });

  it("refuses methods on the wrong kind of port and Parent methods from anyone but the child's port", () => {
    const { log, crashed } = run(function* (s) {
      const fd = yield* open(s, "/etc/debian_version", O_RDONLY);
      const st = (r: { status: number }) => r.status;
      s.log.push(`fs read ${st(yield* invoke(s.fs, FileDescription.methods.read, { length: 1 }))}`);
      s.log.push(`fs close ${st(yield* invoke(s.fs, FileDescription.methods.close, {}))}`);
      s.log.push(`fs seek ${st(yield* invoke(s.fs, FileDescription.methods.seek, { offset: 0, whence: 0 }))}`);
      s.log.push(`file open ${st(yield* invoke(fd, FileSystem.methods.open, { cwd: "/", path: "/etc/debian_version", flags: 0, mode: 0, umask: 0 }))}`);
      s.log.push(`file stat ${st(yield* invoke(fd, FileSystem.methods.stat, { cwd: "/", path: "/", follow: 1 }))}`);
      s.log.push(`console mkdir ${st(yield* invoke(s.con[1], FileSystem.methods.mkdir, { cwd: "/", path: "/tmp/d", mode: 0o755, umask: 0 }))}`);
      const slot = yield* newRef(s.env);
      for (const m of [Parent.methods.get_filesystem_service, Parent.methods.get_console, Parent.methods.get_memory_service]) {
        s.log.push(`fs ${m.name} ${st(yield* invoke(s.fs, m, {}, [], [slot]))} file ${st(yield* invoke(fd, m, {}, [], [slot]))}`);
      }
      s.log.push(`exited ${st(yield* invoke(s.env.parent, Parent.methods.child_exited, { status: 0 }))}`);
      s.log.push(`memory on fs ${st(yield* invoke(s.fs, Memory.methods.get_quota, {}))}`);
      // the file is still fine
      s.log.push(`still ${(yield* read(fd, 1)).length}`);
      // a missing directory for mkdir, then a real one
      s.log.push(`mkdir ${st(yield* invoke(s.fs, FileSystem.methods.mkdir, { cwd: "/", path: "/tmp/d", mode: 0o755, umask: 0 }))}`);
    });
    expect(crashed).toEqual([]);
    expect(log).toEqual([
      `fs read ${EBADF}`, `fs close ${EBADF}`, `fs seek ${EBADF}`, `file open ${EBADF}`, `file stat ${EBADF}`, `console mkdir ${EBADF}`,
      `fs get_filesystem_service ${EPERM} file ${EPERM}`, `fs get_console ${EPERM} file ${EPERM}`, `fs get_memory_service ${EPERM} file ${EPERM}`,
      `exited ${ENOSYS}`, `memory on fs ${ENOSYS}`, "still 1", "mkdir 0", "done",
    ]);
  });

  it("gives the child a sub-pool whose quota is childQuota", () => {
    const { log, crashed } = run(function* (s) {
      const mem = yield* newRef(s.env);
      yield* must(s.env.parent, Parent.methods.get_memory_service, {}, [], [mem]);
      const q = yield* must(mem, Memory.methods.get_quota, {});
      s.log.push(`quota ${q.quota} used ${q.used}`);
      const seg = yield* newRef(s.env);
      const r = yield* must(mem, Memory.methods.create_var_segment, { size: 5000 }, [], [seg]);
      const q2 = yield* must(mem, Memory.methods.get_quota, {});
      s.log.push(`segment ${r.size} used ${q2.used}`);
      s.log.push(`over ${(yield* invoke(mem, Memory.methods.create_var_segment, { size: CHILD_QUOTA }, [], [seg])).status}`);
    });
    expect(crashed).toEqual([]);
    // Segments come in whole 64 KiB chunks of the memory manager (memmgr/paging.ts CHUNK).
    expect(log).toEqual([`quota ${CHILD_QUOTA} used 0`, `segment ${CHUNK} used ${CHUNK}`, "over 12", "done"]);
  });

  it("survives hostile requests: random methods and arguments on every kind of port, then still answers", () => {
    const seed = fuzzSeed("fs server hostile requests");
    const methods = [...Object.values(FileSystem.methods), ...Object.values(FileDescription.methods), ...Object.values(Parent.methods), ...Object.values(Memory.methods)];
    const paths = ["/", "/tmp", "/tmp/a", "/tmp/a/b", "/etc/debian_version", "/usr/bin/sort", "..", "/dev/null", "/dev/zero", "x", "", "/etc/rmt", "\0", "a/../../b"];
    const field = (kind: FieldKind): fc.Arbitrary<unknown> => {
      switch (kind) {
        case "u32": return fc.oneof(fc.nat(8), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0o101, 0o1102, 0o2001, 0o200000, 0x3fffffff));
        case "i32": return fc.integer({ min: -0x80000000, max: 0x7fffffff });
        case "u64": return fc.oneof(fc.nat(5000), fc.maxSafeNat(), fc.constant(2 ** 53 - 1));
        case "str": return fc.oneof(fc.constantFrom(...paths), fc.string({ maxLength: 12 }).map((x) => x.replace(/[^\x00-\xff]/g, "?")));
        case "bytes": return fc.uint8Array({ maxLength: 40 });
        case "u32s": return fc.array(fc.nat(), { maxLength: 4 });
      }
    };
    const packet = fc.constantFrom(...methods).chain((m) => {
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, kind] of m.req.fields) rec[name] = field(kind);
      return fc.record({ words: fc.record(rec).map((v) => [m.id, ...m.req.encode(v as never)]), target: fc.nat(6), refs: fc.nat(3) });
    });
    const packets = fc.sample(fc.oneof({ weight: 5, arbitrary: packet }, { weight: 1, arbitrary: fc.record({ words: fc.array(fc.nat(), { maxLength: 12 }), target: fc.nat(6), refs: fc.nat(3) }) }), { seed, numRuns: 400 });
    const before = snapshotTree(join(root, "etc"));
    const { log, crashed } = run(function* (s) {
      const fd = yield* open(s, "/tmp", O_RDONLY);
      const file = yield* open(s, "/etc/debian_version", O_RDONLY);
      const targets = [s.fs, fd, file, ...s.con, s.env.parent];
      const slots = [yield* newRef(s.env), yield* newRef(s.env), yield* newRef(s.env)];
      let statuses = 0;
      for (const p of packets) {
        const o = yield* sys("fluke_ipc_call", { destination: targets[p.target]!, ipc_params: { send_words: p.words, send_refs: slots.slice(0, p.refs).map(() => s.fs), recv_words_max: 4096, recv_refs: slots } });
        if (o.kind === "return" && o.rc === "SUCCESS") statuses++;
      }
      s.log.push(`answered ${statuses > 0}`);
      const again = yield* open(s, "/etc/debian_version", O_RDONLY);
      s.log.push(`after ${JSON.stringify(yield* read(again, 100))}`);
      s.log.push(`stat ${(yield* invoke(s.fs, FileSystem.methods.stat, { cwd: "/", path: "/usr/bin/sort", follow: 0 })).status}`);
    });
    expect(crashed).toEqual([]);
    expect(log).toEqual(["answered true", `after ${JSON.stringify(readFileSync(join(root, "etc/debian_version"), "latin1"))}`, "stat 0", "done"]);
    expect(snapshotTree(join(root, "etc"))).toEqual(before);
  });
});
