// The common protocols of the nesters (issue: "Common protocols"), each defined once: Parent (how a
// child finds its services), Process (children and programs), Memory (memory as regions, quotas),
// FileSystem (names) and FileDescription (an open file: one port per open file description). Every
// message carries words and references only, never an absolute name: an object is reached through the
// reference to its port, and the server tells its objects apart by the port's alias.
// Errors are positive Linux errno values in the reply's status word (protocol/define.ts).
// Above: libnest (servers), libc (clients), the nesters. Below: define.ts, codec.ts.
import type { Fields } from "./codec.js";
import { defineProtocol } from "./define.js";

/** The fields of a file's status (Linux's struct stat64 contents, times split into seconds and nanoseconds). */
export const STAT_FIELDS = [
  ["dev", "u64"], ["ino", "u64"], ["mode", "u32"], ["nlink", "u32"], ["uid", "u32"], ["gid", "u32"], ["rdev", "u64"],
  ["size", "u64"], ["blksize", "u32"], ["blocks", "u64"],
  ["atime_sec", "u64"], ["atime_nsec", "u32"], ["mtime_sec", "u64"], ["mtime_nsec", "u32"], ["ctime_sec", "u64"], ["ctime_nsec", "u32"],
] as const satisfies Fields;

const NONE = [] as const;

export const Parent = defineProtocol("Parent", 1, {
  get_process_service: { req: NONE, rep: NONE, refsOut: 1, outKinds: ["Process"], doc: "a reference to the Process port this child should use" },
  get_memory_service: { req: NONE, rep: NONE, refsOut: 1, outKinds: ["Memory"], doc: "a reference to the Memory port (a pool) this child draws from" },
  get_filesystem_service: { req: NONE, rep: NONE, refsOut: 1, outKinds: ["FileSystem"], doc: "a reference to the FileSystem port of this child's file tree" },
  get_console: { req: NONE, rep: NONE, refsOut: 3, outKinds: ["FileDescription", "FileDescription", "FileDescription"], doc: "FileDescription references for standard input, output and error" },
  child_exited: { req: [["status", "u32"]], rep: NONE, doc: "the child tells its parent it is done (a native nester's exit)" },
  wrap_keeper: {
    req: [["pid", "u32"]], rep: NONE, refsIn: 2, refsOut: 1, outKinds: ["keeper"],
    doc: "a process manager's new process `pid`: the references are the manager's keeper port for it and its task; the reply's is the port to install as the task's keeper instead (an interposer such as the tracer sees the exception traffic); ENOSYS from a parent that does not interpose",
  },
  offer_checkpoint: {
    req: NONE, rep: NONE, refsIn: 1,
    doc: "a process manager run under a checkpointer hands it the manager's Checkpoint port (ENOSYS from a parent that does not checkpoint)",
  },
});

export const Memory = defineProtocol("Memory", 2, {
  create_var_segment: {
    req: [["size", "u32"]], rep: [["segment", "u32"], ["size", "u32"]], refsOut: 1, outKinds: ["region"],
    doc: "a new zero-filled segment of `size` bytes (rounded up to pages), as a reference to a region over it; charged to this pool",
  },
  destroy_segment: { req: [["segment", "u32"]], rep: NONE, doc: "give a segment back: its region is destroyed, its pages return to the pool" },
  copy_segment: {
    req: [["segment", "u32"]], rep: [["segment", "u32"], ["size", "u32"]], refsIn: 1, refsOut: 1, outKinds: ["region"],
    doc: "a new segment holding a copy of `segment` (fork), charged to this pool; the reference sent is the source's region (proof of access)",
  },
  prefault: {
    req: [["segment", "u32"], ["offset", "u32"], ["length", "u32"], ["write", "u32"]], rep: NONE,
    doc: "make [offset, offset + length) of a segment present now (and private and writable if write), as a fault there would; for a holder that reads or writes the segment's memory itself",
  },
  create_sub_pool: { req: [["quota", "u32"]], rep: NONE, refsOut: 1, outKinds: ["Memory"], doc: "a new Memory port whose segments count against this pool and at most `quota` bytes" },
  get_quota: { req: NONE, rep: [["quota", "u32"], ["used", "u32"]], doc: "this pool's limit and what it has handed out" },
});

export const FileSystem = defineProtocol("FileSystem", 3, {
  open: {
    req: [["cwd", "str"], ["path", "str"], ["flags", "u32"], ["mode", "u32"], ["umask", "u32"]], rep: [["kind", "u32"]], refsOut: 1, outKinds: ["FileDescription"],
    doc: "open a file: a reference to a new FileDescription port (Linux open flags; kind is the S_IFMT bits of the file)",
  },
  stat: { req: [["cwd", "str"], ["path", "str"], ["follow", "u32"]], rep: STAT_FIELDS, doc: "status of a name (follow: 1 = stat, 0 = lstat)" },
  access: { req: [["cwd", "str"], ["path", "str"], ["mode", "u32"]], rep: NONE, doc: "whether a name exists (and is executable for mode & 1)" },
  mkdir: { req: [["cwd", "str"], ["path", "str"], ["mode", "u32"], ["umask", "u32"]], rep: NONE, doc: "make a directory" },
  rmdir: { req: [["cwd", "str"], ["path", "str"]], rep: NONE, doc: "remove an empty directory" },
  unlink: { req: [["cwd", "str"], ["path", "str"]], rep: NONE, doc: "remove a name" },
  rename: { req: [["cwd", "str"], ["from", "str"], ["to", "str"]], rep: NONE, doc: "rename, replacing the target as Linux does" },
  link: { req: [["cwd", "str"], ["from", "str"], ["to", "str"]], rep: NONE, doc: "a new hard link" },
  symlink: { req: [["target", "str"], ["cwd", "str"], ["path", "str"]], rep: NONE, doc: "a new symbolic link" },
  readlink: { req: [["cwd", "str"], ["path", "str"]], rep: [["target", "str"]], doc: "the target of a symbolic link" },
  chmod: { req: [["cwd", "str"], ["path", "str"], ["mode", "u32"]], rep: NONE, doc: "change permission bits" },
  chown: { req: [["cwd", "str"], ["path", "str"], ["uid", "u32"], ["gid", "u32"], ["follow", "u32"]], rep: NONE, doc: "change owner (0xffffffff: unchanged)" },
  utime: {
    req: [["cwd", "str"], ["path", "str"], ["atime_sec", "u64"], ["atime_nsec", "u32"], ["mtime_sec", "u64"], ["mtime_nsec", "u32"], ["follow", "u32"]], rep: NONE,
    doc: "set times (nsec 0x3fffffff: now, 0x3ffffffe: unchanged, as utimensat's UTIME_NOW/UTIME_OMIT)",
  },
  mknod: {
    req: [["cwd", "str"], ["path", "str"], ["mode", "u32"], ["umask", "u32"], ["dev", "u32"]], rep: NONE,
    doc: "make a fifo, socket or device node (mode carries the S_IFMT type; a regular file for type 0)",
  },
});

export const FileDescription = defineProtocol("FileDescription", 4, {
  read: { req: [["length", "u32"]], rep: [["data", "bytes"]], doc: "read at the description's offset and advance it (empty at end of file)" },
  pread: { req: [["offset", "u64"], ["length", "u32"]], rep: [["data", "bytes"]], doc: "read at an offset, leaving the description's offset alone" },
  write: { req: [["data", "bytes"]], rep: [["count", "u32"]], doc: "write at the offset (at the end with O_APPEND) and advance it" },
  pwrite: { req: [["offset", "u64"], ["data", "bytes"]], rep: [["count", "u32"]], doc: "write at an offset" },
  seek: { req: [["offset", "u64"], ["whence", "u32"]], rep: [["offset", "u64"]], doc: "move the offset (offset is a signed 64-bit value in two's complement over 53 bits: see libc)" },
  stat: { req: NONE, rep: STAT_FIELDS, doc: "status of the open file" },
  set_size: { req: [["size", "u64"]], rep: NONE, doc: "truncate or extend" },
  readdir: { req: [["index", "u32"], ["max", "u32"]], rep: [["entries", "bytes"], ["next", "u32"]], doc: "directory entries from `index`: records of ino u64, type u8, name length u8, name bytes" },
  get_flags: { req: NONE, rep: [["flags", "u32"]], doc: "the open flags (O_ACCMODE, O_APPEND, O_NONBLOCK ...)" },
  set_flags: { req: [["flags", "u32"]], rep: NONE, doc: "set O_APPEND / O_NONBLOCK" },
  is_terminal: { req: NONE, rep: [["rows", "u32"], ["cols", "u32"]], doc: "success if the file is a terminal (with its size), ENOTTY otherwise" },
  map: { req: [["offset", "u64"], ["length", "u32"]], rep: [["size", "u32"]], refsOut: 1, outKinds: ["region"], doc: "a region holding the file's bytes from offset (read-only, shared)" },
  close: { req: NONE, rep: NONE, doc: "the last holder lets go: the description and its port go away" },
});

export const Process = defineProtocol("Process", 5, {
  create_child: { req: NONE, rep: [["child", "u32"]], doc: "a new, empty child process" },
  exec: {
    req: [["child", "u32"], ["path", "str"], ["argv", "str"], ["envp", "str"], ["cwd", "str"]], rep: NONE, refsIn: 3,
    doc: "load a program into a child and start it (argv and envp NUL-separated; the three references are its stdin, stdout, stderr)",
  },
  wait: { req: [["child", "u32"]], rep: [["status", "u32"]], doc: "wait for a child to end: its Linux wait status" },
  exit: { req: [["status", "u32"]], rep: NONE, doc: "end the calling process" },
  kill: { req: [["child", "u32"], ["signal", "u32"]], rep: NONE, doc: "send a signal to a child" },
});

/**
 * What a checkpointer asks of the process manager below it (impl/nesters/checkpointer/): stop every
 * process at a point it can be restarted from, hand over the manager's state (processes, files, pipes,
 * signals, memory, registers: protocol/checkpoint-image.ts's ProcmgrState, as JSON), and let them go on.
 */
export const Checkpoint = defineProtocol("Checkpoint", 6, {
  freeze: {
    req: NONE, rep: [["size", "u32"]],
    doc: "stop every process (a blocked call gives up and is restarted later) and encode the manager's state: its size in bytes",
  },
  read_state: { req: [["offset", "u32"], ["length", "u32"]], rep: [["data", "bytes"]], doc: "bytes of the state encoded by the last freeze" },
  thaw: { req: NONE, rep: NONE, doc: "let the frozen processes go on" },
});
