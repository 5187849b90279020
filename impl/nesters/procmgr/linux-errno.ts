// Linux errno values as the i386 system-call ABI returns them (negated in EAX). The numbers are
// Linux's own (asm-generic/errno-base.h and asm-generic/errno.h, which x86 uses unchanged);
// linux-errno.test.ts checks every one against those headers when the machine has them, else
// against the committed snapshot linux-oracle.snapshot.txt. Above: the process manager's system-call
// handlers, result.ts users. Below: nothing.

/** errno-base.h: the classic Unix errors 1..34. */
const BASE = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENOTBLK: 15, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19,
  ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28,
  ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34,
} as const;

/** errno.h: the later errors the process manager and glibc's fallbacks need. */
const EXTENDED = {
  EDEADLK: 35, ENAMETOOLONG: 36, ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENODATA: 61,
  EOVERFLOW: 75, EILSEQ: 84, ENOTSOCK: 88, EOPNOTSUPP: 95, EAFNOSUPPORT: 97, ETIMEDOUT: 110, ECONNREFUSED: 111,
} as const;

/**
 * Aliases. Linux has a single "operation not supported" number: glibc defines ENOTSUP as EOPNOTSUPP
 * (the kernel's own ENOTSUPP, 524, never reaches user space). EWOULDBLOCK is EAGAIN in errno.h.
 */
const ALIASES = { ENOTSUP: EXTENDED.EOPNOTSUPP, EWOULDBLOCK: BASE.EAGAIN } as const;

export const ERRNO = Object.freeze({ ...BASE, ...EXTENDED, ...ALIASES });
export type ErrnoName = keyof typeof ERRNO;

/** Names defined by a header line of their own (the aliases are not: see ALIASES). */
export const ERRNO_HEADER_NAMES: readonly ErrnoName[] = Object.freeze([...Object.keys(BASE), ...Object.keys(EXTENDED)] as ErrnoName[]);

export const ERRNO_ALIASES: Readonly<Record<string, ErrnoName>> = Object.freeze({ ENOTSUP: "EOPNOTSUPP", EWOULDBLOCK: "EAGAIN" });

const BY_NUMBER = new Map<number, ErrnoName>(ERRNO_HEADER_NAMES.map((n) => [ERRNO[n], n]));

/** The canonical name of an errno number ("ENOENT"), or undefined. */
export const errnoName = (n: number): ErrnoName | undefined => BY_NUMBER.get(n);
