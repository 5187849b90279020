// Generator of spec/kernel-api/fluke.h, the C header of the x86 trap ABI (spec/kernel-api/x86.md):
// the constants of common.ts, thread.ts and x86.ts, opaque object types sized and aligned as common.md
// says, the packed x86 IPC parameter block (offsets asserted), the state structs of every chapter (from the `state` argument of each *_set_state row), and one
// static inline stub per kernel call of the registry that enters the kernel at its entry point with
// its C parameters in registers. Run `npx tsx spec/gen-header.ts` after changing a registry row;
// spec/gen-header.test.ts checks that the committed header is up to date. Below: spec/kernel-api/.
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { z } from "zod";
import * as common from "./kernel-api/common.js";
import { KERNEL_CALLS } from "./kernel-api/registry.js";
import * as thread from "./kernel-api/thread.js";
import * as x86 from "./kernel-api/x86.js";

export const HEADER_PATH = fileURLToPath(new URL("./kernel-api/fluke.h", import.meta.url));
type CallDef = common.CallDef;
type Schema = z.ZodTypeAny;

// ---------------------------------------------------------------------------------------------
// Schema introspection (zod 4)

const def = (s: Schema): { type: string; innerType?: Schema; shape?: Record<string, Schema>; items?: Schema[] } =>
  (s as unknown as { _zod: { def: never } })._zod.def;
/** Strip nullable / optional / default wrappers. */
const bare = (s: Schema): Schema => {
  let cur = s;
  while (["nullable", "optional", "default"].includes(def(cur).type)) cur = def(cur).innerType!;
  return cur;
};
const fields = (s: Schema): [string, Schema][] => Object.entries(def(bare(s)).shape ?? {});

// ---------------------------------------------------------------------------------------------
// C types of parameters and fields

const OBJ = new Set<string>(common.OBJECT_TYPES);
const STRUCT_NAMES: Record<string, string> = {
  state: "", saved_state: "struct fluke_thread_saved_state", ipc_params: "fluke_ipc_params_t",
};

/** The C type of a scalar argument or result named `name` of a call in chapter `chapter`. */
const scalarType = (name: string, chapter: string): string => {
  const base = name.replace(/^(new_|old_|cur_)/, "");
  if (name === "old_addr" || name === "new_addr") return `fluke_${chapter}_t *`;
  if (OBJ.has(base) && base !== "ref") return `fluke_${base}_t *`;
  if (base === "ref" || /_ref$|^ref\d$|^destination$/.test(name)) return "fluke_ref_t *";
  if (name === "server_pset") return "fluke_pset_t *";
  if (name === "hash") return "integer_t";
  if (/handler$|_va$|eip$/.test(name)) return "oskit_addr_t";
  return "unsigned";
};

/** The C type of an argument (values that are records become pointers to them). */
const argType = (name: string, s: Schema, chapter: string): string => {
  const t = def(bare(s)).type;
  if (t === "object") return `${STRUCT_NAMES[name] || `struct fluke_${chapter}_${name}`} *`;
  if (t === "array" || t === "tuple") return "const unsigned *";
  return scalarType(name, chapter);
};

/** Results reported through the IPC parameter block rather than their own parameter (ipc.md). */
const IN_PARAMS_BLOCK = new Set(["words", "refs_received", "ipc_class"]);

interface CParam { readonly name: string; readonly type: string }
interface CSig { readonly ret: string; readonly retName: string | null; readonly params: CParam[] }

/** The C signature of a row (x86.md "Trap ABI": arguments, then result pointers; rules for state and in-out). */
export const cSignature = (c: CallDef): CSig => {
  const args = fields(c.args);
  const outs = fields(c.out).filter(([n]) => !(args.some(([a]) => a === "ipc_params") && IN_PARAMS_BLOCK.has(n)));
  const argNames = new Set(args.map(([n]) => n));
  const params: CParam[] = args.map(([n, s]) => ({ name: n, type: argType(n, s, c.chapter) }));
  const hashArg = params.find((p) => p.name === "hash" && outs.some(([o]) => o === "hash"));
  if (hashArg !== undefined) Object.assign(hashArg, { type: "integer_t *" });
  const only = outs.length === 1 ? outs[0]! : undefined;
  const single = c.returns.length === 1 && only !== undefined && !argNames.has(only[0]) && only[0] !== "flags" && def(bare(only[1])).type !== "object";
  if (single) return { ret: scalarType(only[0], c.chapter), retName: only[0], params };
  for (const [n, s] of outs) {
    if (argNames.has(n)) continue;
    const t = def(bare(s)).type === "object" ? argType(n, s, c.chapter) : `${scalarType(n, c.chapter)} *`;
    const p = { name: n, type: t.replace(/^const /, "") };
    if (n === "state") params.splice(1, 0, p);
    else params.push(n === "port_alias" ? { name: n, type: "void **" } : p);
  }
  return { ret: c.returns.length > 1 ? "fluke_error_t" : "void", retName: null, params };
};

// ---------------------------------------------------------------------------------------------
// The x86 IPC parameter block (x86.md "IPC parameter block"): byte offsets of the published packed
// layout (digest §12.3). impl/kernel/x86-ipc-abi.ts reads and updates blocks with these.

export const IPC_BLOCK = {
  send_buf_count: 0, send_ref_count: 1, recv_buf_count: 2, recv_ref_count: 3,
  send_buf: 4, send_buf_tab: 12, send_ref_tab: 16, recv_buf: 20, recv_buf_tab: 28, recv_ref_tab: 32,
} as const;
export const IPC_BLOCK_BYTES = 36;
/** struct fluke_ipc_buf: words at 0, buf at 4. */
export const IPC_BUF_BYTES = 8;

// ---------------------------------------------------------------------------------------------
// Sections of the header

const hex = (n: number): string => `0x${n.toString(16).toUpperCase()}`;
const define = (name: string, v: number): string => `#define ${name.padEnd(40)} ${v < 16 ? String(v) : hex(v)}`;

const constants = (): string[] => [
  ...Object.entries({ FLUKE_VM_MIN: common.FLUKE_VM_MIN, FLUKE_VM_MAX: common.FLUKE_VM_MAX, FLUKE_ENTRY_MIN: common.FLUKE_ENTRY_MIN,
    FLUKE_ENTRY_MAX: common.FLUKE_ENTRY_MAX, FLUKE_ENTRY_STRIDE: x86.FLUKE_ENTRY_STRIDE, FLUKE_PAGE_SIZE: common.PAGE_SIZE,
    FLUKE_MIN_MSG_SIZE: common.FLUKE_MIN_MSG_SIZE, FLUKE_MAX_CHAIN: common.FLUKE_MAX_CHAIN }).map(([k, v]) => define(k, v)),
  "",
  ...Object.entries({ NONE: 0, READ: common.FLUKE_PROT_READ, WRITE: common.FLUKE_PROT_WRITE, EXEC: common.FLUKE_PROT_EXEC,
    CREATE_OB: common.FLUKE_PROT_CREATE_OB, ALL: common.FLUKE_PROT_ALL }).map(([k, v]) => define(`FLUKE_PROT_${k}`, v)),
  "",
  ...Object.entries(common.FLUKE_TYPE_VALUE).map(([k, v]) => define(`FLUKE_${k === "null" ? "NULL" : `TYPE_${k.toUpperCase()}`}`, v)),
  "",
  ...Object.entries({ FLUKE_THREAD_STOPPED: common.FLUKE_THREAD_STOPPED, FLUKE_THREAD_EXCEPTION_ENABLE: common.FLUKE_THREAD_EXCEPTION_ENABLE,
    FLUKE_THREAD_INTERRUPT_PENDING: thread.FLUKE_THREAD_INTERRUPT_PENDING, FLUKE_THREAD_EXCEPTION_WAIT: thread.FLUKE_THREAD_EXCEPTION_WAIT,
    FLUKE_THREAD_CLIENT_ALERT_PENDING: thread.FLUKE_THREAD_CLIENT_ALERT_PENDING, FLUKE_THREAD_SERVER_ALERT_PENDING: thread.FLUKE_THREAD_SERVER_ALERT_PENDING,
    FLUKE_THREAD_SERVER_SENDER: common.FLUKE_THREAD_SERVER_SENDER, FLUKE_THREAD_CLIENT_SENDER: common.FLUKE_THREAD_CLIENT_SENDER,
    FLUKE_MUTEX_INHERIT_PRI: common.FLUKE_MUTEX_INHERIT_PRI, FLUKE_MUTEX_PRI_CEILING: common.FLUKE_MUTEX_PRI_CEILING,
    FLUKE_MUTEX_MULTITASK: common.FLUKE_MUTEX_MULTITASK, FLUKE_COND_MULTITASK: common.FLUKE_COND_MULTITASK }).map(([k, v]) => define(k, v)),
  "",
  ...common.RETURN_CODES.map((rc) => define(`FLUKE_${rc}`, common.returnCodeValue(rc))),
  "",
  ...common.INSANITIES.map((c) => define(`FLUKE_INSANITY_${c}`, common.insanityValue(c))),
  "",
  ...Object.entries({ FLUKE_EXC_INSANITY_BASE: x86.FLUKE_EXC_INSANITY_BASE, FLUKE_EXC_FAULT_BASE: x86.FLUKE_EXC_FAULT_BASE,
    FLUKE_EXC_TRAP_BASE: x86.FLUKE_EXC_TRAP_BASE, FLUKE_EXC_INTERRUPT: x86.FLUKE_EXC_INTERRUPT,
    FLUKE_EXC_CLIENT_ALERT: x86.FLUKE_EXC_CLIENT_ALERT, FLUKE_EXC_SERVER_ALERT: x86.FLUKE_EXC_SERVER_ALERT,
    FLUKE_EXC_MSG_CODE: x86.FLUKE_EXC_MSG_CODE, FLUKE_EXC_MSG_ADDR: x86.FLUKE_EXC_MSG_ADDR, FLUKE_EXC_MSG_THREAD: x86.FLUKE_EXC_MSG_THREAD,
    FLUKE_EXC_MSG_REGS: x86.FLUKE_EXC_MSG_REGS, FLUKE_EXC_MSG_TRAP: x86.FLUKE_EXC_MSG_TRAP,
    FLUKE_EXC_MSG_REGION_OFFSET: x86.FLUKE_EXC_MSG_REGION_OFFSET, FLUKE_EXC_MSG_WORDS: x86.FLUKE_EXC_MSG_WORDS,
    FLUKE_EXC_REPLY_RETRY: x86.FLUKE_EXC_REPLY_RETRY, FLUKE_EXC_REPLY_SET_REGS: x86.FLUKE_EXC_REPLY_SET_REGS,
    FLUKE_EXC_REPLY_SET_REGS_WORDS: x86.FLUKE_EXC_REPLY_SET_REGS_WORDS }).map(([k, v]) => define(k, v)),
];

const types = (): string[] => [
  "typedef int fluke_error_t;", "typedef int integer_t;", "typedef unsigned natural_t;", "typedef unsigned oskit_addr_t;",
  "typedef unsigned fluke_type_t;",
  ...common.OBJECT_TYPES.map((t) => {
    const n = common.OBJECT_SIZE[t];
    return `typedef struct fluke_${t} { unsigned _opaque[${n / 4}]; } __attribute__((aligned(${n}))) fluke_${t}_t;`;
  }),
  "",
  ...ipcBlock(),
];

/** The x86 IPC parameter block (x86.md "IPC parameter block": the published packed layout, offsets asserted). */
const ipcBlock = (): string[] => {
  const F = IPC_BLOCK;
  const fieldsC: [keyof typeof F, string][] = [
    ["send_buf_count", "unsigned char send_buf_count"], ["send_ref_count", "unsigned char send_ref_count"],
    ["recv_buf_count", "unsigned char recv_buf_count"], ["recv_ref_count", "unsigned char recv_ref_count"],
    ["send_buf", "struct fluke_ipc_buf send_buf"], ["send_buf_tab", "struct fluke_ipc_buf *send_buf_tab"],
    ["send_ref_tab", "fluke_ref_t **send_ref_tab"], ["recv_buf", "struct fluke_ipc_buf recv_buf"],
    ["recv_buf_tab", "struct fluke_ipc_buf *recv_buf_tab"], ["recv_ref_tab", "fluke_ref_t **recv_ref_tab"],
  ];
  return [
    "/* IPC buffer descriptor (published): a buffer of `words` IPC words at `buf`. */",
    "struct fluke_ipc_buf {", "\tunsigned words;", "\tvoid *buf;", "};", "typedef struct fluke_ipc_buf fluke_ipc_buf_t;", "",
    "/* The x86 IPC parameter block (published packed layout; receiving calls advance the recv part, x86.md). */",
    "typedef struct fluke_ipc_params {", ...fieldsC.map(([, d]) => `\t${d};`), "} __attribute__((packed)) fluke_ipc_params_t;",
    ...fieldsC.map(([f]) => `_Static_assert(__builtin_offsetof(fluke_ipc_params_t, ${f}) == ${F[f]}, "fluke_ipc_params_t.${f}");`),
    `_Static_assert(sizeof(fluke_ipc_params_t) == ${IPC_BLOCK_BYTES}, "fluke_ipc_params_t size");`,
    `_Static_assert(sizeof(struct fluke_ipc_buf) == ${IPC_BUF_BYTES}, "fluke_ipc_buf size");`,
  ];
};

/** A C declaration of `name` with type `type` ("unsigned x", "fluke_pset_t *x"). */
const cDecl = (type: string, name: string): string => `${type}${type.endsWith("*") ? "" : " "}${name}`;

/** One C struct from a record schema; nested records (the abstract pending calls) have no C form. */
const struct = (name: string, s: Schema): string[] => {
  const lines = [`struct ${name} {`];
  for (const [f, fs] of fields(s)) {
    const d = def(bare(fs));
    if (d.type === "tuple") lines.push(`\tunsigned ${f}[${d.items!.length}];`);
    else if (d.type === "number") lines.push(`\t${cDecl(scalarType(f, "").replace("fluke__t *", "unsigned"), f)};`);
    else lines.push(`\t/* ${f}: abstract model only; on x86 it is register state (x86.md) */`);
  }
  return [...lines, "};", ""];
};

const structs = (): string[] => {
  const out: string[] = [];
  for (const c of KERNEL_CALLS) {
    const m = /^fluke_(\w+)_set_state$/.exec(c.name);
    const st = fields(c.args).find(([n]) => n === "state");
    if (m !== null && st !== undefined) out.push(...struct(`fluke_${m[1]}_state`, st[1]));
  }
  out.push(...struct("fluke_thread_saved_state", thread.ThreadSavedState));
  return out;
};

const REG_CONSTRAINT = ["+a", "+b", "+c", "+d", "+S", "+D"] as const;

/** The static inline stub of one call: parameters into eax..edi (ebp through the stack), call the entry point. */
const stub = (c: CallDef): string[] => {
  const sig = cSignature(c);
  if (sig.params.length > 7) throw new Error(`${c.name}: more than seven C parameters`);
  const proto = sig.params.length === 0 ? "void" : sig.params.map((p) => cDecl(p.type, p.name)).join(", ");
  const regs = sig.params.slice(0, 6);
  const body = [`\tunsigned ${["r0", ...regs.slice(1).map((_, i) => `r${i + 1}`)].join(", ")};`];
  body.push(`\tr0 = ${regs.length > 0 ? `(unsigned)${regs[0]!.name}` : "0"};`);
  regs.slice(1).forEach((p, i) => body.push(`\tr${i + 1} = (unsigned)${p.name};`));
  const outs = ["r0", ...regs.slice(1).map((_, i) => `r${i + 1}`)].map((r, i) => `"${REG_CONSTRAINT[i]}"(${r})`).join(", ");
  const entry = `"i"(${hex(x86.entryPoint(c.trap))})`;
  const seventh = sig.params[6];
  const asm = seventh === undefined
    ? `"call %P${regs.length || 1}"`
    : `"pushl %${regs.length + 1}\\n\\txchgl %%ebp, (%%esp)\\n\\tcall %P${regs.length}\\n\\tpopl %%ebp"`;
  const ins = [entry, ...(seventh === undefined ? [] : [`"g"((unsigned)${seventh.name})`])].join(", ");
  // IPC calls leave the other registers undefined (published); receiving ones set ecx, esi, edi (x86.md)
  const used = new Set(regs.map((_, i) => REG_CONSTRAINT[i]!.slice(1)));
  const clobber = c.chapter === "ipc" ? [["c", "ecx"], ["d", "edx"], ["S", "esi"], ["D", "edi"]].filter(([r]) => !used.has(r!)).map(([, n]) => `"${n}", `).join("") : "";
  body.push(`\t__asm__ volatile(${asm} : ${outs} : ${ins} : ${clobber}"memory", "cc");`);
  if (sig.ret === "fluke_error_t") body.push(c.chapter === "ipc" ? "\treturn (fluke_error_t)((r0 >> 16) & 0xff);" : "\treturn (fluke_error_t)r0;");
  else if (sig.ret !== "void") body.push(`\treturn (${sig.ret})r0;`);
  else body.push("\t(void)r0;");
  const space = sig.ret.endsWith("*") ? "" : " ";
  return [`/* trap ${c.trap}: ${c.summary} */`, `static inline ${sig.ret}${space}${c.name}(${proto})`, "{", ...body, "}", ""];
};

export const generateHeader = (): string =>
  [
    "/* generated by spec/gen-header.ts from spec/kernel-api/registry.ts - do not edit */",
    "/* The Fluke kernel API for i386 code: constants, object and state types, and one stub per kernel call.",
    " * Calls enter the kernel at FLUKE_ENTRY_MIN + 16 * trap with their C parameters in eax, ebx, ecx, edx,",
    " * esi, edi, ebp (spec/kernel-api/x86.md). */",
    "#ifndef FLUKE_H",
    "#define FLUKE_H",
    "",
    ...constants(),
    "",
    ...types(),
    "",
    ...structs(),
    ...KERNEL_CALLS.flatMap(stub),
    "#endif /* FLUKE_H */",
    "",
  ].join("\n");

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(HEADER_PATH, generateHeader());
  console.log(`wrote ${HEADER_PATH.replace(process.cwd() + "/", "")}`);
}
