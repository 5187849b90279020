// The message codec of the common protocols: a message is a list of typed fields, encoded onto the
// words of a kernel IPC message (references travel beside the words, never inside them). Field kinds:
// u32, i32, u64 (two words, low first; a JS number up to 2^53), str (a byte string held as a latin1 JS
// string: a length word, then the bytes packed four to a word, little-endian), bytes (the same for a
// Uint8Array), u32s (a count word, then the words); a whole message is at most MAX_MESSAGE_WORDS
// words. Each message also has a zod schema built from its fields, so both sides validate what they
// send and what they receive; decoding never throws: a short or malformed message gives null. Above: protocol/define.ts. Below: zod, the IPC limits of the spec.
import { z } from "zod";
import { IPC_MAX_SEND_WORDS } from "../../../spec/kernel-api/ipc.js";

export type FieldKind = "u32" | "i32" | "u64" | "str" | "bytes" | "u32s";
export type Fields = readonly (readonly [string, FieldKind])[];

type FieldValue<K extends FieldKind> = K extends "str" ? string : K extends "bytes" ? Uint8Array : K extends "u32s" ? number[] : number;
/** The JS value of a message with fields F. */
export type MessageOf<F extends Fields> = { -readonly [I in F[number] as I[0]]: FieldValue<I[1]> };

/** Longest str/bytes/u32s field, in bytes (keeps one such field inside IPC_MAX_SEND_WORDS). */
export const MAX_FIELD_BYTES = 15 * 1024;
/**
 * Most words one message may encode to: an IPC message is [method id or status, ...fields] and the
 * kernel takes at most IPC_MAX_SEND_WORDS words (spec/kernel-api/ipc.ts), so a message of several long
 * fields is refused by its schema (a ZodError the sender can catch) instead of by the kernel's call
 * schema, which would end the sending thread.
 */
export const MAX_MESSAGE_WORDS = IPC_MAX_SEND_WORDS - 1;

const ZOD: Record<FieldKind, z.ZodType> = {
  u32: z.number().int().min(0).max(0xffffffff),
  i32: z.number().int().min(-0x80000000).max(0x7fffffff),
  u64: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  str: z.string().max(MAX_FIELD_BYTES).regex(/^[\x00-\xff]*$/, "a byte string (latin1)"),
  bytes: z.instanceof(Uint8Array).refine((b) => b.length <= MAX_FIELD_BYTES, "too long"),
  u32s: z.array(z.number().int().min(0).max(0xffffffff)).max(MAX_FIELD_BYTES / 4),
};

export interface Codec<F extends Fields> {
  readonly fields: F;
  readonly schema: z.ZodType<MessageOf<F>>;
  /** Words for `msg` (validated first; throws a ZodError on a bad value: a bug of the sender). */
  encode(msg: MessageOf<F>): number[];
  /** The message in `words` from index `at`, or null when it is short or malformed. */
  decode(words: readonly number[], at?: number): MessageOf<F> | null;
}

const packBytes = (out: number[], b: Uint8Array): void => {
  out.push(b.length);
  for (let i = 0; i < b.length; i += 4) out.push((b[i]! | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0);
};

/** n bytes unpacked from words[at..]; null when the words run out. */
const unpackBytes = (words: readonly number[], at: number, n: number): Uint8Array | null => {
  if (n > MAX_FIELD_BYTES || at + Math.ceil(n / 4) > words.length) return null;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (words[at + (i >> 2)]! >>> ((i & 3) * 8)) & 0xff;
  return b;
};

/** Words field value `v` of kind `kind` encodes to (0 for a value of the wrong type: the field's own check reports it). */
const fieldWords = (kind: FieldKind, v: unknown): number => {
  switch (kind) {
    case "u32": case "i32": return 1;
    case "u64": return 2;
    case "str": return typeof v === "string" ? 1 + Math.ceil(v.length / 4) : 0;
    case "bytes": return v instanceof Uint8Array ? 1 + Math.ceil(v.length / 4) : 0;
    case "u32s": return Array.isArray(v) ? 1 + v.length : 0;
  }
};

export const defineMessage = <const F extends Fields>(fields: F): Codec<F> => {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, kind] of fields) shape[name] = ZOD[kind];
  const schema = z.object(shape).strict().superRefine((m, ctx) => {
    let n = 0;
    for (const [name, kind] of fields) n += fieldWords(kind, (m as Record<string, unknown>)[name]);
    if (n > MAX_MESSAGE_WORDS) ctx.addIssue({ code: "custom", message: `message of ${n} words (at most ${MAX_MESSAGE_WORDS})` });
  }) as unknown as z.ZodType<MessageOf<F>>;
  return {
    fields,
    schema,
    encode(msg) {
      const m = schema.parse(msg) as Record<string, unknown>;
      const out: number[] = [];
      for (const [name, kind] of fields) {
        const v = m[name];
        switch (kind) {
          case "u32": out.push(v as number); break;
          case "i32": out.push((v as number) >>> 0); break;
          case "u64": out.push((v as number) % 0x1_0000_0000, Math.floor((v as number) / 0x1_0000_0000)); break;
          case "str": packBytes(out, Buffer.from(v as string, "latin1")); break;
          case "bytes": packBytes(out, v as Uint8Array); break;
          case "u32s": out.push((v as number[]).length, ...(v as number[])); break;
        }
      }
      return out;
    },
    decode(words, at = 0) {
      const m: Record<string, unknown> = {};
      let i = at;
      for (const [name, kind] of fields) {
        if (i >= words.length) return null;
        const w = words[i++]! >>> 0;
        switch (kind) {
          case "u32": m[name] = w; break;
          case "i32": m[name] = w | 0; break;
          case "u64": {
            if (i >= words.length) return null;
            const hi = words[i++]! >>> 0;
            if (hi > 0x1fffff) return null;
            m[name] = hi * 0x1_0000_0000 + w;
            break;
          }
          case "str": case "bytes": {
            const b = unpackBytes(words, i, w);
            if (b === null) return null;
            i += Math.ceil(w / 4);
            m[name] = kind === "str" ? Buffer.from(b).toString("latin1") : b;
            break;
          }
          case "u32s": {
            if (w > MAX_FIELD_BYTES / 4 || i + w > words.length) return null;
            m[name] = words.slice(i, i + w).map((x) => x >>> 0);
            i += w;
            break;
          }
        }
      }
      return m as MessageOf<F>;
    },
  };
};
