// The framing layer of the GDB remote serial protocol: a packet is `$data#cc`, cc the sum of the data
// bytes modulo 256 in two hex digits; `}` escapes `#`, `$`, `}` and `*` (the next byte XOR 0x20);
// `c*n` repeats c (n - 29) more times (run-length encoding, n printable); `+` / `-` acknowledge a
// packet or ask for it again; a lone 0x03 outside a packet is an interrupt (Ctrl-C). PacketReader takes
// bytes as they arrive and gives events; nothing it is fed can make it throw. Hex helpers for the
// packets' fields are here too. Strings are latin1: one character per byte.
// Above: session.ts. Below: nothing.

/** Largest packet data accepted (and advertised as PacketSize); longer packets are dropped. */
export const MAX_PACKET = 0x4000;

export type PacketEvent =
  | { readonly kind: "packet"; readonly data: string }
  /** A packet whose checksum did not match (answered with `-`), or one longer than MAX_PACKET. */
  | { readonly kind: "bad"; readonly why: "checksum" | "too long" }
  | { readonly kind: "ack" }
  | { readonly kind: "nak" }
  | { readonly kind: "interrupt" };

export const checksum = (data: string): number => {
  let s = 0;
  for (let i = 0; i < data.length; i++) s = (s + (data.charCodeAt(i) & 0xff)) & 0xff;
  return s;
};

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, "0");

/** Escape the bytes the framing reserves. */
export const escape = (data: string): string => data.replace(/[#$}*]/g, (c) => `}${String.fromCharCode(c.charCodeAt(0) ^ 0x20)}`);

/** Undo `escape` (a trailing lone `}` is dropped). */
export const unescape = (data: string): string => {
  let out = "";
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === "}") {
      if (i + 1 < data.length) out += String.fromCharCode(data.charCodeAt(++i) ^ 0x20);
    } else out += c;
  }
  return out;
};

/** Expand run-length encoding; null when malformed (a `*` first, or a count outside 3..97 repeats). */
export const expandRuns = (data: string): string | null => {
  if (!data.includes("*")) return data;
  let out = "";
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c !== "*") {
      out += c;
      continue;
    }
    if (out.length === 0 || i + 1 >= data.length) return null;
    const n = data.charCodeAt(++i) - 29;
    if (n < 3 || n > 97) return null;
    out += out[out.length - 1]!.repeat(n);
  }
  return out;
};

/** A whole packet on the wire: `$` escaped data `#` checksum. */
export const frame = (data: string): string => {
  const e = escape(data);
  return `$${e}#${hex2(checksum(e))}`;
};

/** Bytes to events. Data of a good packet is given as received (escapes are the command's business). */
export class PacketReader {
  private state: "idle" | "data" | "sum1" | "sum2" = "idle";
  private data = "";
  private sum = "";
  private tooLong = false;

  feed(bytes: Uint8Array | string): PacketEvent[] {
    const out: PacketEvent[] = [];
    const s = typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("latin1");
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      switch (this.state) {
        case "idle":
          if (c === "$") this.begin();
          else if (c === "+") out.push({ kind: "ack" });
          else if (c === "-") out.push({ kind: "nak" });
          else if (c === "\x03") out.push({ kind: "interrupt" });
          break; // anything else between packets is noise
        case "data":
          if (c === "#") this.state = "sum1";
          else if (c === "$") this.begin(); // a packet cut short: start again
          else if (this.data.length < MAX_PACKET) this.data += c;
          else this.tooLong = true;
          break;
        case "sum1":
          this.sum = c;
          this.state = "sum2";
          break;
        case "sum2": {
          this.state = "idle";
          const want = /^[0-9a-fA-F]{2}$/.test(this.sum + c) ? parseInt(this.sum + c, 16) : -1;
          if (this.tooLong) out.push({ kind: "bad", why: "too long" });
          else if (want !== checksum(this.data)) out.push({ kind: "bad", why: "checksum" });
          else {
            const x = expandRuns(this.data);
            out.push(x === null ? { kind: "bad", why: "checksum" } : { kind: "packet", data: x });
          }
          break;
        }
      }
    }
    return out;
  }

  private begin(): void {
    this.state = "data";
    this.data = "";
    this.tooLong = false;
  }
}

// ---- hex fields -------------------------------------------------------------------------------

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** Bytes of an even-length hex string; null if it is not one. */
export const fromHex = (s: string): Uint8Array | null =>
  s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s) ? new Uint8Array(Buffer.from(s, "hex")) : null;

/** A hex number (at most 8 digits: i386 addresses and lengths); null if malformed. */
export const hexNum = (s: string): number | null => (/^[0-9a-fA-F]{1,8}$/.test(s) ? parseInt(s, 16) : null);

/** A 32-bit value as 8 hex digits, little-endian byte order (the register encoding). */
export const le32 = (v: number): string => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return toHex(b);
};

/** Text as hex (console output packets, `O`). */
export const textHex = (s: string): string => Buffer.from(s, "utf8").toString("hex");
