// i386 kernel structures and constants: hand-computed byte images (stat64, old stat, statx, dirent
// records, utsname, the console termios, winsize, the small structures), Linux's EOVERFLOW and
// EINVAL/EFAULT rules, fast-check properties of the dirent packers and user_desc, and a cross-check
// of every committed offset, size and constant against the host's UAPI headers compiled with
// `gcc -m32` (skipped, saying so, when the compiler cannot target i386).
// Above: vitest. Below: linux-structs.ts, linux-misc-structs.ts, linux-consts.ts, linux-cabi.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileI386, evalI386, skipNote } from "./linux-cabi.js";
import { ACCESS, AT_FDCWD, AT_FLAGS, CLOCK, CLONE, DT, F, FD_CLOEXEC, IOCTL, MAP, O, PROT, RLIMIT, S, SEEK, W, decodeCloneArgs, dtypeOfMode, waitStatus } from "./linux-consts.js";
import { ERRNO } from "./linux-errno.js";
import {
  DEFAULT_TERMIOS, DEFAULT_WINSIZE, DIRENT, DIRENT64, STAT, STAT64, STATFS64, STATX, STATX_LAYOUT, SYSINFO, TERMIOS, TERMIOS_FLAGS, USER_DESC, VCC,
  decodeIovecs, decodeKernelTimespec, decodeRlimit64, decodeTermios, decodeUserDesc, decodeWinsize, devMajor, devMinor, dirent64RecLen,
  encodeKernelTimespec, encodeOldStat, encodeRlimit, encodeRlimit64, encodeStat64, encodeStatx, encodeSysinfo, encodeTermios, encodeTimespec32,
  encodeUserDesc, encodeUtsname, encodeWinsize, isClearingUserDesc, makeDev, packDirents, packDirents64, rlim64ToRlim, rlimToRlim64, tlsSelector,
  type StatInput, type UserDesc,
} from "./linux-structs.js";
import { fuzzSeed } from "./seed.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

const FILE: StatInput = {
  dev: makeDev(8, 1), ino: 0x1_0000_0002, mode: S.IFREG | 0o644, nlink: 1, uid: 1000, gid: 100, rdev: 0,
  size: 0x1_2345_6789, blksize: 4096, blocks: 8, atime: { sec: 1_700_000_000, nsec: 5 }, mtime: { sec: 1_700_000_001, nsec: 6 },
  ctime: { sec: 1_700_000_002, nsec: 7 },
};

describe("procmgr linux-structs: hand-computed layouts", () => {
  it("encodes struct stat64 field by field", () => {
    const b = encodeStat64(FILE), v = dv(b);
    expect(b.length).toBe(96);
    expect(hex(b.subarray(0, 8))).toBe("0108000000000000"); // dev 8:1 = 0x801
    expect(hex(b.subarray(8, 12))).toBe("00000000"); // __pad0
    expect(v.getUint32(12, true)).toBe(2); // __st_ino: the low 32 bits
    expect(v.getUint32(16, true)).toBe(0o100644);
    expect([v.getUint32(20, true), v.getUint32(24, true), v.getUint32(28, true)]).toEqual([1, 1000, 100]);
    expect(hex(b.subarray(44, 52))).toBe("8967452301000000"); // st_size 0x123456789
    expect(v.getUint32(52, true)).toBe(4096);
    expect(hex(b.subarray(56, 64))).toBe("0800000000000000");
    expect([64, 68, 72, 76, 80, 84].map((o) => v.getUint32(o, true))).toEqual([1_700_000_000, 5, 1_700_000_001, 6, 1_700_000_002, 7]);
    expect(hex(b.subarray(88, 96))).toBe("0200000001000000"); // st_ino 0x100000002
  });
  it("encodes the old struct stat with Linux's overflow rules", () => {
    const small = { ...FILE, ino: 77, size: 1234, uid: 70_000 };
    const r = encodeOldStat(small);
    if (!r.ok) throw new Error(r.error.message);
    const v = dv(r.value);
    expect(r.value.length).toBe(64);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint16(8, true), v.getUint16(10, true)]).toEqual([0x801, 77, 0o100644, 1]);
    expect([v.getUint16(12, true), v.getUint16(14, true)]).toEqual([65534, 100]); // uid too big: overflowuid
    expect([v.getUint32(20, true), v.getUint32(24, true), v.getUint32(28, true), v.getUint32(32, true), v.getUint32(52, true)]).toEqual([1234, 4096, 8, 1_700_000_000, 7]);
    for (const bad of [{ size: 0x8000_0000 }, { ino: 2 ** 32 }, { nlink: 65536 }]) {
      const e = encodeOldStat({ ...small, ...bad });
      expect(e.ok ? 0 : e.error.errno).toBe(ERRNO.EOVERFLOW);
    }
  });
  it("encodes struct statx with its mask and split device numbers", () => {
    const dev = makeDev(0x123, 0x45678);
    expect([devMajor(dev), devMinor(dev)]).toEqual([0x123, 0x45678]);
    const b = encodeStatx({ ...FILE, dev, rdev: makeDev(4, 1) }), v = dv(b);
    expect(b.length).toBe(256);
    expect(v.getUint32(0, true)).toBe(STATX.BASIC_STATS);
    expect([v.getUint32(4, true), v.getUint32(16, true), v.getUint32(20, true), v.getUint32(24, true), v.getUint16(28, true)]).toEqual([4096, 1, 1000, 100, 0o100644]);
    expect(hex(b.subarray(32, 48))).toBe("0200000001000000" + "8967452301000000");
    expect(hex(b.subarray(64, 80))).toBe(hex(encodeKernelTimespec({ sec: 1_700_000_000, nsec: 5 })));
    expect(hex(b.subarray(80, 96))).toBe("00".repeat(16)); // no btime
    expect([128, 132, 136, 140].map((o) => v.getUint32(o, true))).toEqual([4, 1, 0x123, 0x45678]);
    const withB = dv(encodeStatx({ ...FILE, btime: { sec: 9, nsec: 1 } }));
    expect(withB.getUint32(0, true)).toBe(STATX.BASIC_STATS | STATX.BTIME);
    expect(withB.getUint32(80, true)).toBe(9);
  });
  it("packs linux_dirent64 records, 8-aligned, stopping at the first that does not fit", () => {
    const es = [{ ino: 2, off: 1, type: DT.DIR, name: "." }, { ino: 1, off: 2, type: DT.DIR, name: ".." }, { ino: 12, off: 3, type: DT.REG, name: "hello" }];
    const all = packDirents64(es, 4096);
    expect(all.consumed).toBe(3);
    expect(all.bytes.length).toBe(24 + 24 + 32);
    expect(hex(all.bytes.subarray(0, 24))).toBe("0200000000000000" + "0100000000000000" + "1800" + "04" + "2e00" + "000000");
    expect(hex(all.bytes.subarray(48, 80))).toBe("0c00000000000000" + "0300000000000000" + "2000" + "08" + Buffer.from("hello").toString("hex") + "00".repeat(8));
    expect(packDirents64(es, 79).consumed).toBe(2);
    expect(packDirents64(es, 23)).toEqual({ bytes: new Uint8Array(0), consumed: 0 }); // caller: EINVAL
  });
  it("packs old linux_dirent records with d_type in the last byte and EOVERFLOW for big inodes", () => {
    const r = packDirents([{ ino: 5, off: 9, type: DT.LNK, name: "ab" }], 100);
    expect(hex(r.bytes)).toBe("05000000" + "09000000" + "1000" + "616200" + "0000" + "0a"); // 10+2+2=14 -> 16
    const big = packDirents([{ ino: 5, off: 1, type: 8, name: "a" }, { ino: 2 ** 32, off: 2, type: 8, name: "b" }], 100);
    expect([big.consumed, big.errno]).toEqual([1, ERRNO.EOVERFLOW]);
  });
  it("encodes new_utsname as six 65-byte fields", () => {
    const b = encodeUtsname({ sysname: "Linux", nodename: "fluke", release: "6.1.0", version: "#1 SMP", machine: "i686", domainname: "x".repeat(80) });
    expect(b.length).toBe(390);
    expect(Buffer.from(b.subarray(0, 6)).toString("latin1")).toBe("Linux\0");
    expect(Buffer.from(b.subarray(260, 265)).toString("latin1")).toBe("i686\0");
    expect(b[325 + 63]).toBe(0x78);
    expect(b[325 + 64]).toBe(0);
  });
  it("gives Linux's console termios and a 24x80 winsize", () => {
    const b = encodeTermios(DEFAULT_TERMIOS);
    expect(hex(b)).toBe("00050000" + "05000000" + "bf040000" + "3b8a0000" + "00" + "031c7f150400010011131a00120f1716000000");
    expect(decodeTermios(b)).toEqual({ ...DEFAULT_TERMIOS, cc: [...DEFAULT_TERMIOS.cc] });
    expect(DEFAULT_TERMIOS.cc[VCC.VMIN]).toBe(1);
    expect(hex(encodeWinsize(DEFAULT_WINSIZE))).toBe("1800500000000000");
    expect(decodeWinsize(encodeWinsize({ rows: 50, cols: 132, xpixel: 1, ypixel: 2 }))).toEqual({ rows: 50, cols: 132, xpixel: 1, ypixel: 2 });
  });
  it("encodes the time, limit and system structures", () => {
    expect(hex(encodeTimespec32({ sec: -1, nsec: 999_999_999 }))).toBe("ffffffff" + "ffc99a3b");
    const kts = encodeKernelTimespec({ sec: 2 ** 33 + 1, nsec: 7 });
    expect(hex(kts)).toBe("0100000002000000" + "0700000000000000");
    kts[12] = 0xff; // the high half of tv_nsec is ignored on i386
    expect(decodeKernelTimespec(kts)).toEqual({ sec: 2 ** 33 + 1, nsec: 7 });
    expect(hex(encodeRlimit({ cur: 8 << 20, max: 0xffff_ffff }))).toBe("00008000" + "ffffffff");
    const r64 = { cur: 1024n, max: 0xffff_ffff_ffff_ffffn };
    expect(decodeRlimit64(encodeRlimit64(r64))).toEqual(r64);
    expect([rlim64ToRlim(r64.max), rlim64ToRlim(5n), rlimToRlim64(0xffff_ffff), rlimToRlim64(7)]).toEqual([0xffff_ffff, 5, r64.max, 7n]);
    const si = dv(encodeSysinfo({ uptime: 10, loads: [1, 2, 3], totalram: 100, freeram: 50, sharedram: 0, bufferram: 0, totalswap: 0, freeswap: 0, procs: 3, totalhigh: 0, freehigh: 0, memUnit: 4096 }));
    expect([si.getUint32(0, true), si.getUint32(12, true), si.getUint32(16, true), si.getUint16(40, true), si.getUint32(52, true)]).toEqual([10, 3, 100, 3, 4096]);
  });
  it("decodes iovec arrays with Linux's EINVAL/EFAULT rules and the MAX_RW_COUNT cut", () => {
    const mem = new Map<number, number>([[0x1000, 0x2000], [0x1004, 10], [0x1008, 0x3000], [0x100c, 0x7fff_fff0]]);
    const rd = (a: number): number | undefined => mem.get(a);
    const r = decodeIovecs(rd, 0x1000, 2);
    expect(r.ok && r.value).toEqual([{ base: 0x2000, len: 10 }, { base: 0x3000, len: 0x7fff_f000 - 10 }]);
    const errno = (x: ReturnType<typeof decodeIovecs>): number => (x.ok ? 0 : x.error.errno);
    expect(errno(decodeIovecs(rd, 0x1000, 3))).toBe(ERRNO.EFAULT);
    expect(errno(decodeIovecs(rd, 0x1000, 1025))).toBe(ERRNO.EINVAL);
    mem.set(0x1004, 0x8000_0000);
    expect(errno(decodeIovecs(rd, 0x1000, 1))).toBe(ERRNO.EINVAL);
    expect(decodeIovecs(rd, 0, 0)).toEqual({ ok: true, value: [] });
  });
  it("encodes struct user_desc as glibc's TLS setup passes it", () => {
    const d: UserDesc = { entryNumber: 0xffff_ffff, baseAddr: 0xb7d0_0740, limit: 0xfffff, seg32bit: true, contents: 0, readExecOnly: false, limitInPages: true, segNotPresent: false, useable: true };
    expect(hex(encodeUserDesc(d))).toBe("ffffffff" + "4007d0b7" + "ffff0f00" + "51000000");
    expect(decodeUserDesc(encodeUserDesc(d))).toEqual(d);
    expect(tlsSelector(6)).toBe(0x33);
    expect(isClearingUserDesc({ ...d, baseAddr: 0, limit: 0, seg32bit: false, limitInPages: false, useable: false, readExecOnly: true, segNotPresent: true })).toBe(true);
    expect(isClearingUserDesc(d)).toBe(false);
  });
  it("decodes clone's i386 argument order and builds wait statuses", () => {
    const a = decodeCloneArgs(CLONE.VM | CLONE.VFORK | 17, 0xbf00_0000, 0, 0, 0x1234);
    expect(a).toEqual({ flags: CLONE.VM | CLONE.VFORK, exitSignal: 17, stack: 0xbf00_0000, parentTid: 0, tls: 0, childTid: 0x1234 });
    expect([waitStatus.exited(3), waitStatus.signaled(9, true), waitStatus.stopped(19), waitStatus.continued]).toEqual([0x300, 0x89, 0x137f, 0xffff]);
    expect(dtypeOfMode(S.IFDIR | 0o755)).toBe(DT.DIR);
    expect(dtypeOfMode(S.IFLNK)).toBe(DT.LNK);
  });
});

describe("procmgr linux-structs: properties", () => {
  const name = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => a.map((x) => (x === 0 || x === 0x2f ? 0x61 : x)));
  const entry = fc.record({ ino: fc.nat(), off: fc.nat(), type: fc.constantFrom(...Object.values(DT)), name });
  it("packDirents64 fills the buffer maximally with records that parse back", () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 20 }), fc.nat({ max: 4000 }), (es, size) => {
      const { bytes, consumed } = packDirents64(es, size), v = dv(bytes);
      expect(bytes.length).toBeLessThanOrEqual(size);
      let at = 0;
      for (let i = 0; i < consumed; i++) {
        const len = v.getUint16(at + DIRENT64.d_reclen, true), e = es[i]!;
        expect(len % 8).toBe(0);
        expect(v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32).toBe(e.ino);
        expect(bytes[at + DIRENT64.d_type]).toBe(e.type);
        expect([...bytes.subarray(at + 19, at + 19 + e.name.length)]).toEqual([...e.name]);
        expect(bytes[at + 19 + e.name.length]).toBe(0);
        at += len;
      }
      expect(at).toBe(bytes.length);
      if (consumed < es.length) expect(at + dirent64RecLen(es[consumed]!.name.length)).toBeGreaterThan(size);
    }), { seed: fuzzSeed("packDirents64"), numRuns: 300 });
  });
  it("packDirents records parse back with d_type last", () => {
    fc.assert(fc.property(fc.array(entry.map((e) => ({ ...e, ino: e.ino % 2 ** 32 })), { maxLength: 20 }), fc.nat({ max: 4000 }), (es, size) => {
      const { bytes, consumed } = packDirents(es, size), v = dv(bytes);
      let at = 0;
      for (let i = 0; i < consumed; i++) {
        const len = v.getUint16(at + DIRENT.d_reclen, true);
        expect([len % 4, v.getUint32(at, true), bytes[at + len - 1]]).toEqual([0, es[i]!.ino, es[i]!.type]);
        at += len;
      }
      expect(at).toBe(bytes.length);
    }), { seed: fuzzSeed("packDirents"), numRuns: 200 });
  });
  it("user_desc round-trips through its bytes", () => {
    const desc = fc.record({ entryNumber: fc.nat({ max: 0xffff_ffff }), baseAddr: fc.nat({ max: 0xffff_ffff }), limit: fc.nat({ max: 0xffff_ffff }), seg32bit: fc.boolean(), contents: fc.nat({ max: 3 }), readExecOnly: fc.boolean(), limitInPages: fc.boolean(), segNotPresent: fc.boolean(), useable: fc.boolean() });
    fc.assert(fc.property(desc, (d) => { expect(decodeUserDesc(encodeUserDesc(d))).toEqual(d); }), { seed: fuzzSeed("user_desc"), numRuns: 200 });
  });
});

/** [our value, C expression] pairs for every committed layout and constant. */
const offsets = (layout: Readonly<Record<string, number>>, struct: string, skip: readonly string[] = []): [string, number, string][] =>
  Object.entries(layout).filter(([k]) => !skip.includes(k)).map(([k, v]) => [`${struct}.${k}`, v, k === "size" ? `sizeof(${struct})` : `offsetof(${struct}, ${k})`]);
const consts = (table: Readonly<Record<string, number>>, prefix: string, skip: readonly string[] = []): [string, number, string][] =>
  Object.entries(table).filter(([k]) => !skip.includes(k)).map(([k, v]) => [prefix + k, v, prefix + k]);

const check = (what: string, includes: readonly string[], rows: readonly [string, number, string][], prelude = ""): void => {
  const got = evalI386(includes, Object.fromEntries(rows.map(([n, , e]) => [n, e])), prelude);
  if (got === null) { skipNote(what); return; }
  const wrong = rows.filter(([n, v]) => got.get(n) !== v).map(([n, v]) => `${n}: ours ${v}, headers ${got.get(n)}`);
  expect(wrong).toEqual([]);
  process.stdout.write(`[procmgr] ${what}: ${rows.length} values agree with the host's headers (gcc -m32)\n`);
};

describe("procmgr linux-structs: the host's i386 headers agree", () => {
  it("struct stat64, stat, statx, termios, winsize, sysinfo, statfs64", () => {
    check("struct layouts", ["asm/stat.h", "linux/stat.h", "asm/termbits.h", "asm/termios.h", "asm/ioctls.h", "linux/sysinfo.h", "asm/statfs.h", "asm/ldt.h"], [
      ...offsets(STAT64, "struct stat64"),
      ...offsets(STAT, "struct stat"),
      ...offsets(STATX_LAYOUT, "struct statx", ["timestamp"]),
      ["statx_timestamp", STATX_LAYOUT.timestamp, "sizeof(struct statx_timestamp)"],
      ...consts(STATX, "STATX_", ["BASIC_STATS"]), ["STATX_BASIC_STATS", STATX.BASIC_STATS, "STATX_BASIC_STATS"],
      ...offsets(TERMIOS, "struct termios"), ["NCCS", 19, "NCCS"],
      ...consts(TERMIOS_FLAGS, ""), ...consts(VCC, ""),
      ["winsize", 8, "sizeof(struct winsize)"], ["ws_col", 2, "offsetof(struct winsize, ws_col)"],
      ...offsets(SYSINFO, "struct sysinfo"),
      ...offsets(STATFS64, "struct statfs64"),
      ["user_desc", USER_DESC.size, "sizeof(struct user_desc)"], ["user_desc.limit", USER_DESC.limit, "offsetof(struct user_desc, limit)"],
      ["user_desc.base_addr", USER_DESC.base_addr, "offsetof(struct user_desc, base_addr)"],
    ]);
  });
  it("user_desc bit-field positions", () => {
    const bits: [keyof UserDesc, number, string][] = [["seg32bit", USER_DESC.SEG_32BIT, "seg_32bit = 1"], ["contents", 2 << USER_DESC.CONTENTS_SHIFT, "contents = 2"],
      ["readExecOnly", USER_DESC.READ_EXEC_ONLY, "read_exec_only = 1"], ["limitInPages", USER_DESC.LIMIT_IN_PAGES, "limit_in_pages = 1"],
      ["segNotPresent", USER_DESC.SEG_NOT_PRESENT, "seg_not_present = 1"], ["useable", USER_DESC.USEABLE, "useable = 1"]];
    const prelude = "union ud { struct user_desc d; unsigned w[4]; };\n" + bits.map(([k, , init]) => `union ud ud_${k} = { .d = { .${init} } };`).join("\n") + "\n";
    const got = evalI386(["asm/ldt.h"], { size: "sizeof(union ud)" }, prelude);
    if (got === null) { skipNote("user_desc bits"); return; }
    expect(got.get("size")).toBe(16);
    const src = ["#include <asm/ldt.h>", prelude].join("\n");
    // Bit-fields are not constant expressions: the flag word is read from each union's initialiser in the assembly.
    const syms = compileI386(src)!;
    for (const [k, v] of bits) {
      const b = syms.get(`ud_${k}`)!;
      expect(new DataView(b.buffer, b.byteOffset).getUint32(12, true), k).toBe(v);
    }
    process.stdout.write(`[procmgr] user_desc bits: ${bits.length} bit positions agree with asm/ldt.h (gcc -m32)\n`);
  });
  it("linux_dirent64 matches glibc's struct dirent64, and the DT_ values", () => {
    check("dirent64 and DT_*", ["#define _GNU_SOURCE", "dirent.h"], [
      ["d_ino", DIRENT64.d_ino, "offsetof(struct dirent64, d_ino)"], ["d_off", DIRENT64.d_off, "offsetof(struct dirent64, d_off)"],
      ["d_reclen", DIRENT64.d_reclen, "offsetof(struct dirent64, d_reclen)"], ["d_type", DIRENT64.d_type, "offsetof(struct dirent64, d_type)"],
      ["d_name", DIRENT64.d_name, "offsetof(struct dirent64, d_name)"], ...consts(DT, "DT_"),
    ]);
  });
  it("open, fcntl, at, mmap, clone, wait, ioctl, clock, seek and mode constants", () => {
    check("constants", ["asm/fcntl.h", "linux/fcntl.h", "linux/mman.h", "linux/sched.h", "linux/wait.h", "asm/ioctls.h", "linux/time.h", "linux/fs.h", "linux/stat.h", "asm/resource.h"], [
      ...consts(O, "O_", ["RDONLY", "ASYNC"]), ["O_RDONLY", O.RDONLY, "O_RDONLY"], ["FASYNC", O.ASYNC, "FASYNC"],
      ...consts(F, "F_", ["SETOWN_EX", "GETOWN_EX"]), ["FD_CLOEXEC", FD_CLOEXEC, "FD_CLOEXEC"], ["AT_FDCWD", AT_FDCWD, "AT_FDCWD"],
      ...consts(AT_FLAGS, "AT_"), ...consts(PROT, "PROT_"), ...consts(MAP, "MAP_", ["FIXED_NOREPLACE", "SYNC", "SHARED_VALIDATE"]),
      ["MAP_FIXED_NOREPLACE", MAP.FIXED_NOREPLACE, "0x100000"],
      ...consts(CLONE, "CLONE_", ["CSIGNAL"]), ["CSIGNAL", CLONE.CSIGNAL, "CSIGNAL"],
      ...consts(W, "W", ["NOTHREAD", "ALL", "CLONE"]), ["__WALL", W.ALL, "__WALL"], ["__WCLONE", W.CLONE, "(int)__WCLONE"], ["__WNOTHREAD", W.NOTHREAD, "__WNOTHREAD"],
      ...consts(IOCTL, "", ["TCGETS2", "TCSETS2", "TIOCGPTN", "TIOCSPTLCK"]),
      ...consts(CLOCK, "CLOCK_"), ...consts(SEEK, "SEEK_", ["DATA", "HOLE"]),
      ...consts(RLIMIT, "RLIMIT_"),
    ].map(([n, v, e]) => [n, v, `(unsigned)(${e})`] as [string, number, string]).map(([n, v, e]) => [n, v >>> 0, e] as [string, number, string]));
  });
  it("ioctl numbers built with _IOR/_IOW and the access/mode bits", () => {
    check("ioctl/stat constants", ["asm/termbits.h", "asm/ioctls.h", "linux/stat.h", "unistd.h"], [
      ["TCGETS2", IOCTL.TCGETS2, "(unsigned)TCGETS2"], ["TCSETS2", IOCTL.TCSETS2, "(unsigned)TCSETS2"],
      ["TIOCGPTN", IOCTL.TIOCGPTN, "(unsigned)TIOCGPTN"], ["TIOCSPTLCK", IOCTL.TIOCSPTLCK, "(unsigned)TIOCSPTLCK"],
      ...consts(S, "S_"), ...consts(ACCESS, ""),
    ]);
  });
});
