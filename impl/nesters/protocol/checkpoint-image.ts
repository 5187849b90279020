// The checkpoint image (ours, version 1): what the checkpointer nester writes and `fluke restore` reads.
// On disk: a first line "FLUKE-CHECKPOINT <version>", a second line with the SHA-256 (hex) of the
// compressed body, then the body: gzip of one JSON object, validated with the zod schema below on the
// way in and on the way out. A truncated file, a body whose hash differs, an unknown version or a
// document the schema refuses are all refused with a message that says which, before anything runs.
// The document: how the run was set up (`run`), the file tree changes the child tree made (`files`,
// captured by the checkpointer through the FileSystem protocol), the process manager's state
// (`procmgr`: processes, open files, pipes, signal state, registers and the CPU's hidden state, the
// memory layout) and the memory's pages, stored once per distinct content (`pages`, by SHA-1) and
// referred to by hash, so shared libraries and memory shared copy-on-write after fork are stored once.
// Above: checkpointer/, procmgr/checkpoint.ts, cli (restore). Below: zod, node:zlib, node:crypto.
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";

export const IMAGE_MAGIC = "FLUKE-CHECKPOINT";
export const IMAGE_VERSION = 1;

const u32 = z.number().int().min(0).max(0xffff_ffff);
const nat = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const hash = z.string().regex(/^[0-9a-f]{40}$/);

export const SigSetSchema = z.object({ lo: u32, hi: u32 });
export const SigactionSchema = z.object({ handler: u32, flags: u32, restorer: u32, mask: SigSetSchema });
export const RegsSchema = z.object({ eax: u32, ebx: u32, ecx: u32, edx: u32, esi: u32, edi: u32, ebp: u32, esp: u32, eip: u32, eflags: u32 });
const SegSchema = z.object({ selector: z.number().int().min(0).max(0xffff), base: u32, limit: u32 });
export const CpuHiddenSchema = z.object({
  descriptors: z.array(z.object({ base: u32, limit: u32, code: z.boolean().optional() }).nullable()).max(64),
  segs: z.array(SegSchema).length(6),
  fpu: z.object({
    regs: z.array(z.string().regex(/^[0-9a-f]{20}$/)).length(8),
    cw: u32, sw: u32, tw: u32, fip: u32, fcs: u32, fdp: u32, fds: u32, fop: u32,
  }),
});

export const VmaSchema = z.object({
  start: u32, end: z.number().int().min(0).max(0x1_0000_0000), prot: z.number().int().min(0).max(7),
  /** Pages that are not all zero: offset from start (a multiple of 4096) and the content's hash. */
  pages: z.array(z.tuple([u32, hash])),
}).refine((v) => v.start % 4096 === 0 && v.end % 4096 === 0 && v.end > v.start, "an area must be whole pages, start below end")
  .refine((v) => v.pages.every(([off]) => off % 4096 === 0 && off < v.end - v.start), "a page offset must be a page inside its area");

export const FileSchema = z.discriminatedUnion("kind", [
  z.object({
    id: nat, kind: z.literal("remote"), path: z.string(), flags: u32, isDir: z.boolean(), dirNext: nat,
    offset: nat, console: z.number().int().min(0).max(2).optional(),
  }),
  z.object({ id: nat, kind: z.literal("pipe"), pipe: nat, writeEnd: z.boolean(), flags: u32 }),
]);

export const PipeSchema = z.object({ id: nat, readers: nat, writers: nat, data: b64 });

export const ProcSchema = z.object({
  pid: nat, ppid: nat, pgid: nat, sid: nat, state: z.enum(["running", "zombie"]), status: u32,
  cwd: z.string(), umask: u32, exe: z.string(), tidAddress: u32, syscalls: nat,
  actions: z.array(SigactionSchema).length(65), mask: SigSetSchema, pending: SigSetSchema,
  brk: z.object({ base: u32, cur: u32, end: u32 }),
  fds: z.array(z.object({ fd: nat, file: nat, cloexec: z.boolean() })),
  /** Running processes: where the thread goes on (a system call it was blocked in is made again). */
  regs: RegsSchema.nullable(),
  /** The thread object's address in the manager's memory (for the checkpointer's kernel census), 0 if none. */
  thread: u32,
  /** How a running process was held: stopped running its own code, or inside its exception call. */
  held: z.enum(["stopped", "in-call"]).nullable(),
  cpu: CpuHiddenSchema.nullable(),
  vmas: z.array(VmaSchema),
}).refine((p) => p.vmas.every((v, i) => i === 0 || p.vmas[i - 1]!.end <= v.start), "areas must be in address order without overlaps")
  .refine((p) => p.fds.every((d) => d.fd < 65536), "descriptor numbers must be below 65536");

export const ProcmgrStateSchema = z.object({
  nextPid: nat, randomCounter: nat, reported: z.array(nat), roots: z.array(nat),
  files: z.array(FileSchema), pipes: z.array(PipeSchema), procs: z.array(ProcSchema),
});

export const FileEntrySchema = z.discriminatedUnion("kind", [
  z.object({ path: z.string(), kind: z.literal("absent") }),
  z.object({ path: z.string(), kind: z.literal("dir"), mode: u32 }),
  z.object({ path: z.string(), kind: z.literal("symlink"), target: z.string() }),
  z.object({ path: z.string(), kind: z.literal("file"), mode: u32, data: b64, mtime: z.tuple([nat, u32]) }),
]);

export const RunSchema = z.object({
  /** Host directory of the guest root, and the host directories shown in the guest. */
  root: z.string(),
  binds: z.array(z.object({ guest: z.string(), host: z.string() })),
  memBytes: nat, processQuota: nat, seed: z.number().int(),
  /** The interposing nesters of the run, outermost first (the checkpointer among them). */
  nest: z.array(z.string()),
  /** The pid init waits for (the program's first process). */
  initPid: nat,
});

export const ImageSchema = z.object({
  format: z.literal("fluke-checkpoint"),
  version: z.literal(IMAGE_VERSION),
  /** Virtual time when the checkpoint was taken; the restored kernel's clock goes on from it. */
  time: nat,
  run: RunSchema,
  files: z.array(FileEntrySchema),
  procmgr: ProcmgrStateSchema,
  /**
   * The kernel's view, taken by the checkpointer with the API alone: the objects found in the process
   * manager's memory with fluke_region_search, by type, and for each process's thread what
   * fluke_thread_get_state said ("stopped": its registers equal the manager's record; "in-call": held
   * inside its exception call to the manager, where the manager's record is the restart point).
   */
  kernel: z.object({
    objects: z.record(z.string(), nat),
    threads: z.array(z.object({ pid: nat, state: z.enum(["stopped", "in-call"]) })),
  }),
  pages: z.record(hash, b64),
});

export type Image = z.infer<typeof ImageSchema>;
export type ProcmgrState = z.infer<typeof ProcmgrStateSchema>;
export type ProcState = z.infer<typeof ProcSchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;
export type CpuHidden = z.infer<typeof CpuHiddenSchema>;

export class ImageError extends Error {}

export const pageHash = (b: Uint8Array): string => createHash("sha1").update(b).digest("hex");

/** The image as file bytes. */
export const encodeImage = (img: Image): Buffer => {
  const checked = ImageSchema.parse(img);
  const body = gzipSync(Buffer.from(JSON.stringify(checked)), { level: 6 });
  const sum = createHash("sha256").update(body).digest("hex");
  return Buffer.concat([Buffer.from(`${IMAGE_MAGIC} ${IMAGE_VERSION}\n${sum}\n`), body]);
};

/** The image in file bytes, or ImageError saying what is wrong with it. */
export const decodeImage = (bytes: Uint8Array): Image => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl1 = buf.indexOf(10);
  const head = nl1 < 0 ? buf.subarray(0, 64).toString("latin1") : buf.subarray(0, nl1).toString("latin1");
  if (!head.startsWith(IMAGE_MAGIC)) throw new ImageError("not a fluke checkpoint image (no FLUKE-CHECKPOINT header)");
  const m = /^FLUKE-CHECKPOINT (\d+)$/.exec(head);
  if (m === null || nl1 < 0) throw new ImageError("the image is truncated or corrupted (header)");
  const version = Number(m[1]);
  if (version !== IMAGE_VERSION) throw new ImageError(`image version ${version} is not supported (this fluke reads version ${IMAGE_VERSION})`);
  const nl2 = buf.indexOf(10, nl1 + 1);
  if (nl2 < 0) throw new ImageError("the image is truncated (no checksum line)");
  const sum = buf.subarray(nl1 + 1, nl2).toString("latin1");
  if (!/^[0-9a-f]{64}$/.test(sum)) throw new ImageError("the image is corrupted (malformed checksum line)");
  const body = buf.subarray(nl2 + 1);
  if (createHash("sha256").update(body).digest("hex") !== sum) throw new ImageError("the image is truncated or corrupted (checksum mismatch)");
  let doc: unknown;
  try {
    doc = JSON.parse(gunzipSync(body).toString("utf8"));
  } catch (e) {
    throw new ImageError(`the image body cannot be read: ${(e as Error).message}`);
  }
  const r = ImageSchema.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ImageError(`the image is malformed: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  for (const p of r.data.procmgr.procs) {
    for (const v of p.vmas) for (const [, h] of v.pages) if (!(h in r.data.pages)) throw new ImageError(`the image is malformed: page ${h} of pid ${p.pid} is missing`);
  }
  return r.data;
};
