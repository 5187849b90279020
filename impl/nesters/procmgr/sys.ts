// The Linux i386 system-call personality's frame: what a handler gets (the manager, the process, the
// registers at the `int $0x80`, the six argument registers) and what it gives back (EAX, or a whole new
// register state for execve and sigreturn, or the end of the process), the shared argument helpers
// (strings and structs in guest memory, with EFAULT), and the table from call numbers to handlers,
// filled by the sys-*.ts files. A number the table lacks answers -ENOSYS and is reported once (glibc
// then falls back: statx to fstatat64, clone3 to clone, faccessat2 to faccessat).
// Above: procmgr.ts (the server loop). Below: pm.ts, guest-mem.ts, linux-syscalls.ts.
import type { Nest } from "../libnest/env.js";
import { ERRNO } from "./linux-errno.js";
import { syscallNumber } from "./linux-syscalls.js";
import type { PM, Proc, Regs } from "./pm.js";

export interface SysCtx {
  readonly pm: PM;
  readonly p: Proc;
  /** The registers at the trap; eip already past `int $0x80`. */
  readonly regs: Regs;
  /** ebx, ecx, edx, esi, edi, ebp. */
  readonly a: readonly number[];
}

export type SysResult = number | { readonly regs: Regs } | { readonly exit: number };
export type SysFn = (c: SysCtx) => Nest<SysResult>;

export const SYSCALLS = new Map<number, { readonly name: string; readonly fn: SysFn }>();

/** Register handlers by Linux name (the number comes from the i386 table). */
export const define = (handlers: Record<string, SysFn>): void => {
  for (const [name, fn] of Object.entries(handlers)) SYSCALLS.set(syscallNumber(name), { name, fn });
};

export const EFAULT = -ERRNO.EFAULT;

/** A guest C string argument (at most PATH_MAX bytes), or -EFAULT / -ENAMETOOLONG. */
export function* str(c: SysCtx, addr: number, max = 4096): Nest<string | number> {
  if (addr === 0) return EFAULT;
  const s = yield* c.p.space.cstring(addr, max + 1);
  if (s === null) return EFAULT;
  return s.length > max ? -ERRNO.ENAMETOOLONG : s;
}

/** Copy bytes out to the guest; 0 or -EFAULT. */
export function* put(c: SysCtx, addr: number, bytes: Uint8Array): Nest<number> {
  return (yield* c.p.space.write(addr, bytes)) ? 0 : EFAULT;
}

/** Bytes of the guest; null on EFAULT. */
export function* get(c: SysCtx, addr: number, len: number): Nest<Uint8Array | null> {
  return yield* c.p.space.read(addr, len);
}

export const u32le = (...ws: number[]): Uint8Array => {
  const b = new Uint8Array(ws.length * 4), v = new DataView(b.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return b;
};

/** Signed view of an argument register. */
export const s32 = (x: number): number => x | 0;
