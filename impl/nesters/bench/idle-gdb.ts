// An attached but idle gdb, for the benchmark's debugger configuration: a DebugLink (debugger/link.ts)
// that is connected from the start and answers in process, as gdb does when its user only typed
// `continue` with `handle all nostop pass`: it asks for the stop reason ("?") when the program is held
// at its first exception, and answers every stop reply with a continue that passes the signal on
// (`c` for the initial SIGTRAP, `C<sig>` otherwise). No breakpoints, no memory reads: what is measured
// is the debugger nester with a session open. Synchronous: the answers are queued when the stop reply is
// written, so reads never wait. Above: bench-nesting.ts. Below: the DebugLink interface.
import type { DebugLink } from "../debugger/link.js";

const packet = (data: string): string => {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum + data.charCodeAt(i)) & 0xff;
  return `$${data}#${sum.toString(16).padStart(2, "0")}`;
};

/** The continue an idle gdb sends for a stop reply ("T05...", "S0b"), or null for other packets. */
export const idleAnswer = (data: string): string | null => {
  if (!/^[TS][0-9a-fA-F]{2}/.test(data)) return null;
  const sig = parseInt(data.slice(1, 3), 16);
  return sig === 5 || sig === 0 ? "c" : `C${sig.toString(16).padStart(2, "0")}`;
};

export interface IdleGdb extends DebugLink {
  /** Stop replies answered (the first exception and every signal passed on). */
  readonly stops: () => number;
}

export const idleGdb = (): IdleGdb => {
  let pending = packet("?");
  let stops = 0, closed = false;
  const link: IdleGdb = {
    port: 0,
    read: () => {
      if (closed) return null;
      const b = Buffer.from(pending, "latin1");
      pending = "";
      return new Uint8Array(b);
    },
    connected: () => !closed,
    write: (bytes: string) => {
      for (const m of bytes.matchAll(/\$([^#]*)#[0-9a-fA-F]{2}/g)) {
        const a = idleAnswer(m[1]!);
        if (a !== null) {
          stops++;
          pending += packet(a);
        }
      }
    },
    betweenSlices: () => link.onBetweenSlices?.(),
    onBetweenSlices: null,
    close: async () => void (closed = true),
    stops: () => stops,
  };
  return link;
};
