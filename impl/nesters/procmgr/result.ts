// The error values of process start: every check in the ELF parser, the image planner and the
// initial-stack builder ends in a `LoadError` carrying the Linux errno the process manager returns
// from execve (ENOEXEC for a malformed file, E2BIG for oversized arguments, ...), never in a thrown
// host exception. Above: elf.ts, layout.ts, initstack.ts and the process manager. Below: nothing.

/** A failed step of process start: a stable code for tests, a message for people, the errno for the guest. */
export interface LoadError {
  readonly code: string;
  readonly message: string;
  /** Positive Linux errno the execve call fails with. */
  readonly errno: number;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: LoadError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = <T = never>(code: string, errno: number, message: string): Result<T> => ({ ok: false, error: { code, errno, message } });

/** Hex for messages: 0x1234. */
export const hex = (n: number): string => "0x" + n.toString(16);
