// Byte layouts of the i386 kernel structures the process manager copies to and from a guest:
// struct stat64 (stat64/lstat64/fstat64/fstatat64), the older struct stat (stat/lstat/fstat
// 106/107/108, with Linux's EOVERFLOW rules), struct statx, the linux_dirent64 and linux_dirent
// records of getdents64/getdents, struct new_utsname, the kernel's struct termios and struct winsize,
// the time structures (32- and 64-bit), rlimit/rlimit64, iovec arrays, struct user_desc of
// set_thread_area, sysinfo, tms, rusage and statfs64. Little-endian, into or from a Uint8Array;
// 64-bit fields take JavaScript numbers (exact up to 2^53). The offsets are committed here as data;
// linux-structs.test.ts checks them against the host's UAPI headers compiled with `gcc -m32`.
// The smaller structures live in linux-misc-structs.ts and are re-exported from here.
// Above: the process manager's system-call handlers. Below: linux-misc-structs.ts, linux-errno.ts.
import { ERRNO } from "./linux-errno.js";
import { fail, ok, type Result } from "./result.js";
import { put64, viewOf } from "./linux-misc-structs.js";

const putString = (b: Uint8Array, off: number, s: string | Uint8Array, max: number): void => {
  const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
  b.set(bytes.subarray(0, max), off);
};


// ---- stat ------------------------------------------------------------------------------------

export interface Timespec { readonly sec: number; readonly nsec: number }

/** What a stat call reports about a file, before encoding. `dev`/`rdev` are Linux-encoded (see makeDev). */
export interface StatInput {
  readonly dev: number; readonly ino: number; readonly mode: number; readonly nlink: number;
  readonly uid: number; readonly gid: number; readonly rdev: number; readonly size: number;
  readonly blksize: number; readonly blocks: number;
  readonly atime: Timespec; readonly mtime: Timespec; readonly ctime: Timespec;
  /** Only statx reports a birth time, and only when given. */
  readonly btime?: Timespec;
}

/** Linux's new_encode_dev / glibc's makedev for 12-bit majors and 20-bit minors. */
export const makeDev = (major: number, minor: number): number =>
  ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0;
export const devMajor = (dev: number): number => (dev >>> 8) & 0xfff;
export const devMinor = (dev: number): number => (dev & 0xff) | ((dev >>> 12) & 0xfff00);

/** struct stat64 (asm/stat.h, i386, packed): 96 bytes. */
export const STAT64 = Object.freeze({
  size: 96, st_dev: 0, __st_ino: 12, st_mode: 16, st_nlink: 20, st_uid: 24, st_gid: 28, st_rdev: 32,
  st_size: 44, st_blksize: 52, st_blocks: 56, st_atime: 64, st_atime_nsec: 68, st_mtime: 72,
  st_mtime_nsec: 76, st_ctime: 80, st_ctime_nsec: 84, st_ino: 88,
});

export const encodeStat64 = (s: StatInput): Uint8Array => {
  const b = new Uint8Array(STAT64.size), v = viewOf(b), L = STAT64;
  put64(v, L.st_dev, s.dev);
  v.setUint32(L.__st_ino, s.ino >>> 0, true);
  v.setUint32(L.st_mode, s.mode >>> 0, true);
  v.setUint32(L.st_nlink, s.nlink >>> 0, true);
  v.setUint32(L.st_uid, s.uid >>> 0, true);
  v.setUint32(L.st_gid, s.gid >>> 0, true);
  put64(v, L.st_rdev, s.rdev);
  put64(v, L.st_size, s.size);
  v.setUint32(L.st_blksize, s.blksize >>> 0, true);
  put64(v, L.st_blocks, s.blocks);
  for (const [t, sec, nsec] of [[s.atime, L.st_atime, L.st_atime_nsec], [s.mtime, L.st_mtime, L.st_mtime_nsec], [s.ctime, L.st_ctime, L.st_ctime_nsec]] as const) {
    v.setUint32(sec, t.sec >>> 0, true);
    v.setUint32(nsec, t.nsec >>> 0, true);
  }
  put64(v, L.st_ino, s.ino);
  return b;
};

/** struct stat (asm/stat.h, i386): 64 bytes, 16-bit mode/nlink/uid/gid, 32-bit size. */
export const STAT = Object.freeze({
  size: 64, st_dev: 0, st_ino: 4, st_mode: 8, st_nlink: 10, st_uid: 12, st_gid: 14, st_rdev: 16, st_size: 20,
  st_blksize: 24, st_blocks: 28, st_atime: 32, st_atime_nsec: 36, st_mtime: 40, st_mtime_nsec: 44,
  st_ctime: 48, st_ctime_nsec: 52,
});
/** The id a 16-bit uid/gid field shows for an id that does not fit (overflowuid/overflowgid). */
export const OVERFLOW_ID = 65534;

/**
 * The old struct stat, with Linux's cp_new_stat rules: EOVERFLOW when the size exceeds 2^31-1, the
 * inode or a device number 32 bits, or nlink 16 bits; a uid/gid above 65535 shows as 65534.
 */
export const encodeOldStat = (s: StatInput): Result<Uint8Array> => {
  if (s.size > 0x7fff_ffff || s.ino > 0xffff_ffff || s.dev > 0xffff_ffff || s.rdev > 0xffff_ffff || s.nlink > 0xffff)
    return fail("stat-overflow", ERRNO.EOVERFLOW, "value does not fit struct stat");
  const b = new Uint8Array(STAT.size), v = viewOf(b), L = STAT;
  const id16 = (id: number): number => (id >>> 0 > 0xffff ? OVERFLOW_ID : id);
  v.setUint32(L.st_dev, s.dev, true);
  v.setUint32(L.st_ino, s.ino, true);
  v.setUint16(L.st_mode, s.mode & 0xffff, true);
  v.setUint16(L.st_nlink, s.nlink, true);
  v.setUint16(L.st_uid, id16(s.uid), true);
  v.setUint16(L.st_gid, id16(s.gid), true);
  v.setUint32(L.st_rdev, s.rdev, true);
  v.setUint32(L.st_size, s.size, true);
  v.setUint32(L.st_blksize, s.blksize >>> 0, true);
  v.setUint32(L.st_blocks, s.blocks >>> 0, true);
  for (const [t, sec, nsec] of [[s.atime, L.st_atime, L.st_atime_nsec], [s.mtime, L.st_mtime, L.st_mtime_nsec], [s.ctime, L.st_ctime, L.st_ctime_nsec]] as const) {
    v.setUint32(sec, t.sec >>> 0, true);
    v.setUint32(nsec, t.nsec >>> 0, true);
  }
  return ok(b);
};

/** stx_mask bits (linux/stat.h). */
export const STATX = Object.freeze({
  TYPE: 0x1, MODE: 0x2, NLINK: 0x4, UID: 0x8, GID: 0x10, ATIME: 0x20, MTIME: 0x40, CTIME: 0x80, INO: 0x100,
  SIZE: 0x200, BLOCKS: 0x400, BASIC_STATS: 0x7ff, BTIME: 0x800, MNT_ID: 0x1000,
});

/** struct statx (linux/stat.h): 256 bytes, the same on every architecture. */
export const STATX_LAYOUT = Object.freeze({
  size: 256, stx_mask: 0, stx_blksize: 4, stx_attributes: 8, stx_nlink: 16, stx_uid: 20, stx_gid: 24,
  stx_mode: 28, stx_ino: 32, stx_size: 40, stx_blocks: 48, stx_attributes_mask: 56, stx_atime: 64,
  stx_btime: 80, stx_ctime: 96, stx_mtime: 112, stx_rdev_major: 128, stx_rdev_minor: 132,
  stx_dev_major: 136, stx_dev_minor: 140, stx_mnt_id: 144,
  /** struct statx_timestamp: tv_sec s64, tv_nsec u32, reserved s32. */
  timestamp: 16,
});

/** struct statx; stx_mask is STATX_BASIC_STATS, plus STATX_BTIME when a birth time is given. */
export const encodeStatx = (s: StatInput): Uint8Array => {
  const b = new Uint8Array(STATX_LAYOUT.size), v = viewOf(b), L = STATX_LAYOUT;
  v.setUint32(L.stx_mask, STATX.BASIC_STATS | (s.btime !== undefined ? STATX.BTIME : 0), true);
  v.setUint32(L.stx_blksize, s.blksize >>> 0, true);
  v.setUint32(L.stx_nlink, s.nlink >>> 0, true);
  v.setUint32(L.stx_uid, s.uid >>> 0, true);
  v.setUint32(L.stx_gid, s.gid >>> 0, true);
  v.setUint16(L.stx_mode, s.mode & 0xffff, true);
  put64(v, L.stx_ino, s.ino);
  put64(v, L.stx_size, s.size);
  put64(v, L.stx_blocks, s.blocks);
  const ts = (off: number, t: Timespec): void => { put64(v, off, t.sec); v.setUint32(off + 8, t.nsec >>> 0, true); };
  ts(L.stx_atime, s.atime);
  if (s.btime !== undefined) ts(L.stx_btime, s.btime);
  ts(L.stx_ctime, s.ctime);
  ts(L.stx_mtime, s.mtime);
  v.setUint32(L.stx_rdev_major, devMajor(s.rdev), true);
  v.setUint32(L.stx_rdev_minor, devMinor(s.rdev), true);
  v.setUint32(L.stx_dev_major, devMajor(s.dev), true);
  v.setUint32(L.stx_dev_minor, devMinor(s.dev), true);
  return b;
};

// ---- directory entries -----------------------------------------------------------------------

export interface DirentInput {
  readonly ino: number;
  /** d_off: the position to seek to for the entry after this one (the cookie telldir returns). */
  readonly off: number;
  /** DT_* value (dtypeOfMode). */
  readonly type: number;
  readonly name: string | Uint8Array;
}
export interface PackedDirents {
  /** The records, exactly as many bytes as they fill (what getdents returns in EAX). */
  readonly bytes: Uint8Array;
  /** How many entries were packed; the caller advances its position past them. */
  readonly consumed: number;
  /** Set when packing stopped at an entry Linux refuses: EOVERFLOW (old dirent, 64-bit inode). */
  readonly errno?: number;
}

const align = (n: number, a: number): number => (n + a - 1) & -a;
const nameBytes = (n: string | Uint8Array): Uint8Array => (typeof n === "string" ? new TextEncoder().encode(n) : n);

/** struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name NUL-terminated; records 8-aligned. */
export const DIRENT64 = Object.freeze({ d_ino: 0, d_off: 8, d_reclen: 16, d_type: 18, d_name: 19 });
export const dirent64RecLen = (nameLength: number): number => align(DIRENT64.d_name + nameLength + 1, 8);

/**
 * getdents64's buffer: as many whole records as fit in bufSize, in order. consumed === 0 with
 * entries left means even the first does not fit: Linux then fails the call with EINVAL (the
 * caller's business, as is returning 0 at the end of the directory).
 */
export const packDirents64 = (entries: readonly DirentInput[], bufSize: number): PackedDirents => {
  const recs = entries.map((e) => nameBytes(e.name));
  let total = 0, n = 0;
  while (n < entries.length && total + dirent64RecLen(recs[n]!.length) <= bufSize) total += dirent64RecLen(recs[n++]!.length);
  const b = new Uint8Array(total), v = viewOf(b);
  for (let i = 0, at = 0; i < n; i++) {
    const e = entries[i]!, name = recs[i]!, len = dirent64RecLen(name.length);
    put64(v, at + DIRENT64.d_ino, e.ino);
    put64(v, at + DIRENT64.d_off, e.off);
    v.setUint16(at + DIRENT64.d_reclen, len, true);
    b[at + DIRENT64.d_type] = e.type & 0xff;
    b.set(name, at + DIRENT64.d_name);
    at += len;
  }
  return { bytes: b, consumed: n };
};

/** struct linux_dirent (getdents 141): d_ino u32, d_off u32, d_reclen u16, d_name, NUL, ..., d_type in the last byte; 4-aligned. */
export const DIRENT = Object.freeze({ d_ino: 0, d_off: 4, d_reclen: 8, d_name: 10 });
export const direntRecLen = (nameLength: number): number => align(DIRENT.d_name + nameLength + 2, 4);

/** getdents' buffer; an inode above 32 bits stops packing with errno EOVERFLOW (an error only if nothing was packed, as in Linux). */
export const packDirents = (entries: readonly DirentInput[], bufSize: number): PackedDirents => {
  const parts: Uint8Array[] = [];
  let total = 0, n = 0, errno: number | undefined;
  for (; n < entries.length; n++) {
    const e = entries[n]!, name = nameBytes(e.name), len = direntRecLen(name.length);
    if (total + len > bufSize) break;
    if (e.ino > 0xffff_ffff) { errno = ERRNO.EOVERFLOW; break; }
    const r = new Uint8Array(len), v = viewOf(r);
    v.setUint32(DIRENT.d_ino, e.ino >>> 0, true);
    v.setUint32(DIRENT.d_off, e.off >>> 0, true);
    v.setUint16(DIRENT.d_reclen, len, true);
    r.set(name, DIRENT.d_name);
    r[len - 1] = e.type & 0xff;
    parts.push(r);
    total += len;
  }
  const b = new Uint8Array(total);
  parts.reduce((at, r) => (b.set(r, at), at + r.length), 0);
  return errno === undefined ? { bytes: b, consumed: n } : { bytes: b, consumed: n, errno };
};

// ---- uname, terminal -------------------------------------------------------------------------

export interface Utsname {
  readonly sysname: string; readonly nodename: string; readonly release: string;
  readonly version: string; readonly machine: string; readonly domainname: string;
}
/** struct new_utsname: six NUL-terminated fields of 65 bytes; longer strings are cut to 64 bytes. */
export const UTS_FIELD = 65;
export const encodeUtsname = (u: Utsname): Uint8Array => {
  const b = new Uint8Array(6 * UTS_FIELD);
  [u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname].forEach((s, i) => putString(b, i * UTS_FIELD, s, UTS_FIELD - 1));
  return b;
};

/** termios flag bits used by the console default (asm-generic/termbits.h, octal there). */
export const TERMIOS_FLAGS = Object.freeze({
  ICRNL: 0o400, IXON: 0o2000, OPOST: 0o1, ONLCR: 0o4, B38400: 0o17, CS8: 0o60, CREAD: 0o200, HUPCL: 0o2000,
  ISIG: 0o1, ICANON: 0o2, ECHO: 0o10, ECHOE: 0o20, ECHOK: 0o40, ECHONL: 0o100, NOFLSH: 0o200, TOSTOP: 0o400,
  ECHOCTL: 0o1000, ECHOPRT: 0o2000, ECHOKE: 0o4000, IEXTEN: 0o100000,
});
/** c_cc indexes. */
export const VCC = Object.freeze({
  VINTR: 0, VQUIT: 1, VERASE: 2, VKILL: 3, VEOF: 4, VTIME: 5, VMIN: 6, VSWTC: 7, VSTART: 8, VSTOP: 9,
  VSUSP: 10, VEOL: 11, VREPRINT: 12, VDISCARD: 13, VWERASE: 14, VLNEXT: 15, VEOL2: 16,
});
export const NCCS = 19;

export interface Termios {
  readonly iflag: number; readonly oflag: number; readonly cflag: number; readonly lflag: number;
  readonly line: number;
  /** NCCS (19) control characters. */
  readonly cc: readonly number[];
}
/** The kernel's struct termios (TCGETS/TCSETS*): four u32 flags, c_line, c_cc[19]; 36 bytes. */
export const TERMIOS = Object.freeze({ size: 36, c_iflag: 0, c_oflag: 4, c_cflag: 8, c_lflag: 12, c_line: 16, c_cc: 17 });

const T = TERMIOS_FLAGS;
/** Linux's tty_std_termios: what a fresh console line reports (INIT_C_CC: ^C ^\ DEL ^U ^D 0 1 0 ^Q ^S ^Z 0 ^R ^O ^W ^V 0). */
export const DEFAULT_TERMIOS: Termios = Object.freeze({
  iflag: T.ICRNL | T.IXON,
  oflag: T.OPOST | T.ONLCR,
  cflag: T.B38400 | T.CS8 | T.CREAD | T.HUPCL,
  lflag: T.ISIG | T.ICANON | T.ECHO | T.ECHOE | T.ECHOK | T.ECHOCTL | T.ECHOKE | T.IEXTEN,
  line: 0,
  cc: Object.freeze([0x03, 0x1c, 0x7f, 0x15, 0x04, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0]),
});

export const encodeTermios = (t: Termios): Uint8Array => {
  const b = new Uint8Array(TERMIOS.size), v = viewOf(b);
  v.setUint32(TERMIOS.c_iflag, t.iflag >>> 0, true);
  v.setUint32(TERMIOS.c_oflag, t.oflag >>> 0, true);
  v.setUint32(TERMIOS.c_cflag, t.cflag >>> 0, true);
  v.setUint32(TERMIOS.c_lflag, t.lflag >>> 0, true);
  b[TERMIOS.c_line] = t.line & 0xff;
  for (let i = 0; i < NCCS; i++) b[TERMIOS.c_cc + i] = (t.cc[i] ?? 0) & 0xff;
  return b;
};
/** Reads a struct termios from at least 36 bytes (the caller checks the length: EFAULT). */
export const decodeTermios = (b: Uint8Array, off = 0): Termios => {
  const v = viewOf(b);
  return {
    iflag: v.getUint32(off + TERMIOS.c_iflag, true), oflag: v.getUint32(off + TERMIOS.c_oflag, true),
    cflag: v.getUint32(off + TERMIOS.c_cflag, true), lflag: v.getUint32(off + TERMIOS.c_lflag, true),
    line: b[off + TERMIOS.c_line]!, cc: [...b.subarray(off + TERMIOS.c_cc, off + TERMIOS.c_cc + NCCS)],
  };
};

export interface Winsize { readonly rows: number; readonly cols: number; readonly xpixel: number; readonly ypixel: number }
export const WINSIZE_SIZE = 8;
export const DEFAULT_WINSIZE: Winsize = Object.freeze({ rows: 24, cols: 80, xpixel: 0, ypixel: 0 });
export const encodeWinsize = (w: Winsize): Uint8Array => {
  const b = new Uint8Array(WINSIZE_SIZE), v = viewOf(b);
  [w.rows, w.cols, w.xpixel, w.ypixel].forEach((x, i) => v.setUint16(i * 2, x & 0xffff, true));
  return b;
};
export const decodeWinsize = (b: Uint8Array, off = 0): Winsize => {
  const v = viewOf(b);
  return { rows: v.getUint16(off, true), cols: v.getUint16(off + 2, true), xpixel: v.getUint16(off + 4, true), ypixel: v.getUint16(off + 6, true) };
};

export * from "./linux-misc-structs.js";
