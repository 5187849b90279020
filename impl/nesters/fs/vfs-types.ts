// The vocabulary of the file-system nester's core: the result type every Vfs call returns (a value or a
// positive Linux errno, never a thrown exception for bad input), the Linux i386 open flags, the st_mode
// and d_type numbers, the Stat record and the constants of our own (device numbers, limits). Above:
// vfs.ts and its helpers, and later the file-system nester's IPC server. Below: linux-errno.ts.
import { ERRNO } from "../procmgr/linux-errno.js";

export { ERRNO };

export type FsResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: number };

export const ok = <T>(value: T): FsResult<T> => ({ ok: true, value });
export const err = <T = never>(errno: number): FsResult<T> => ({ ok: false, errno });

/** Opaque and stable while the file exists (also after unlink, while a handle keeps it). */
export type NodeId = number;
/** An entry of the open-file table (Linux's open file description). */
export type Handle = number;

export interface Timespec { readonly sec: number; readonly nsec: number }

export interface Stat {
  readonly dev: number;
  readonly ino: number;
  /** Full st_mode: S_IFMT type bits and the permission bits. */
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize: number;
  /** In 512-byte units. */
  readonly blocks: number;
  readonly atime: Timespec;
  readonly mtime: Timespec;
  readonly ctime: Timespec;
}

export interface DirEntry { readonly name: string; readonly ino: number; readonly type: number }

// Linux i386 open(2) flags (asm-generic/fcntl.h: x86 uses the generic values).
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;

// st_mode (linux/stat.h).
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IXGRP = 0o0010;

// d_type (dirent.h): the S_IFMT bits shifted down by 12.
export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_DIR = 4;
export const DT_BLK = 6;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;
export const dtOfMode = (mode: number): number => (mode & S_IFMT) >>> 12;

// access(2) modes.
export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;

/** st_dev of every node (ours): the classic makedev(8, 1), "/dev/sda1", one file system for the guest. */
export const VFS_DEV = 0x801;
/** st_rdev of /dev/null and /dev/zero: makedev(1, 3) and makedev(1, 5), Linux's mem devices. */
export const RDEV_NULL = 0x103;
export const RDEV_ZERO = 0x105;
/** First inode number of nodes created in the upper layer (ours; counts up, deterministic). */
export const UPPER_INO_BASE = 0x4000_0000;
/** Linux's limits: NAME_MAX, PATH_MAX (with its NUL), MAXSYMLINKS. */
export const NAME_MAX = 255;
export const PATH_MAX = 4096;
export const MAXSYMLINKS = 40;
/** Largest upper-layer file (ours: the data lives in host memory); beyond it EFBIG. */
export const MAX_FILE_SIZE = 1 << 30;
/** Linux's MAX_RW_COUNT: the most one read or write transfers. */
export const MAX_RW_COUNT = 0x7fff_f000;
/** Most bytes one read of /dev/zero returns (ours; a short read, legal for a device). */
export const ZERO_READ_MAX = 1 << 20;
export const BLKSIZE = 4096;
