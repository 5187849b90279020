// The x86 trap ABI of spec/kernel-api/x86.md on the concrete kernel: turning the registers and memory of
// an x86 thread that called an entry point into the abstract call of the registry (C parameters in eax,
// ebx, ecx, edx, esi, edi, ebp in the order spec/gen-header.ts's cSignature gives; records, tuples and
// in-out hashes read through their pointers), and writing a call's results back (status or single value
// in eax, other results through their pointers). IPC parameter blocks go through x86-ipc-abi.ts; the IPC
// calls return their status in eax bits 16-23. Above: x86-thread.ts. Below: x86-ipc-abi.ts, kmemory.ts,
// spec/gen-header.ts (cSignature), spec/kernel-api/registry.ts.
import type { z } from "zod";
import { FLUKE_TYPE_VALUE, returnCodeValue, type CallDef, type FlukeType, type Outcome } from "../../spec/kernel-api/common.js";
import { CALLS_BY_NAME, KERNEL_CALLS } from "../../spec/kernel-api/registry.js";
import { entryPoint, X86_ARG_REGISTERS } from "../../spec/kernel-api/x86.js";
import { cSignature } from "../../spec/gen-header.js";
import type { Kernel } from "./kernel.js";
import type { KCall, KRegs, KTask } from "./kobjects.js";
import { readTask, translateSpans, writeTask } from "./kmemory.js";
import { BadX86Call, checkIpcWritable, decodeIpcParams, ipcReceives, writeIpcResults } from "./x86-ipc-abi.js";

export { BadX86Call, X86Insane } from "./x86-ipc-abi.js";

type Schema = z.ZodTypeAny;
interface Def { type: string; innerType?: Schema; shape?: Record<string, Schema>; items?: Schema[]; entries?: Record<string, string> }
const def = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const bare = (s: Schema): Schema => {
  let cur = s;
  while (["nullable", "optional", "default"].includes(def(cur).type)) cur = def(cur).innerType!;
  return cur;
};
const fieldsOf = (s: Schema): [string, Schema][] => Object.entries(def(bare(s)).shape ?? {});

/** The word for an enum value: fluke_type_t values for object types, else the option's index. */
const enumWord = (v: string, s: Schema): number => {
  if (v in FLUKE_TYPE_VALUE) return FLUKE_TYPE_VALUE[v as FlukeType];
  return Object.values(def(bare(s)).entries ?? {}).indexOf(v);
};

/** The enum value a register holds (inverse of enumWord), or the raw number for the parser to refuse. */
const enumValue = (n: number, s: Schema): unknown => Object.values(def(bare(s)).entries ?? {}).find((v) => enumWord(v, s) === n) ?? n;

/** One C parameter: its name, the register value, and how it travels. */
interface Param {
  readonly name: string;
  readonly value: number;
  readonly isArg: boolean;
  readonly schema: Schema;
}

const BY_TRAP = new Map<number, CallDef>(KERNEL_CALLS.map((c) => [c.trap, c]));

/** The registry row for trap number `trap`, if any. */
export const rowOfTrap = (trap: number): CallDef | undefined => BY_TRAP.get(trap);

/** Words a record or tuple schema occupies in memory (nested records have no C form and take none). */
export const wordsOf = (s: Schema): number => {
  const d = def(bare(s));
  if (d.type === "tuple") return d.items!.length;
  if (d.type !== "object") return d.type === "number" || d.type === "boolean" ? 1 : 0;
  return fieldsOf(s).reduce((n, [, f]) => n + (["number", "tuple"].includes(def(bare(f)).type) ? wordsOf(f) : 0), 0);
};

const readWords = (k: Kernel, task: KTask, va: number, n: number): number[] => {
  const b = readTask(k, task, va, 4 * n);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => dv.getUint32(4 * i, true));
};

/** Read the record of schema `s` at `va` (fields without a C form become null). */
const readRecord = (k: Kernel, task: KTask, va: number, s: Schema): Record<string, unknown> => {
  const words = readWords(k, task, va, wordsOf(s));
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const [name, f] of fieldsOf(s)) {
    const t = def(bare(f)).type;
    if (t === "number") out[name] = words[i++];
    else if (t === "tuple") out[name] = words.slice(i, (i += wordsOf(f)));
    else out[name] = null;
  }
  return out;
};

/** The C parameters of `row` with the values of the thread's registers. */
const paramsOf = (row: CallDef, regs: KRegs): Param[] => {
  const args = new Map(fieldsOf(row.args));
  const outs = new Map(fieldsOf(row.out));
  return cSignature(row).params.map((p, i) => {
    const reg = X86_ARG_REGISTERS[i];
    if (reg === undefined) throw new BadX86Call(`${row.name}: more than seven parameters`);
    const isArg = args.has(p.name);
    return { name: p.name, value: regs[reg] >>> 0, isArg, schema: (isArg ? args.get(p.name) : outs.get(p.name))! };
  });
};

/** The value of one argument parameter, read through its pointer when it is a record, tuple or in-out hash. */
const argValue = (k: Kernel, task: KTask, p: Param, inOut: boolean): unknown => {
  const t = def(bare(p.schema)).type;
  if (t === "object") return p.value === 0 ? null : readRecord(k, task, p.value, p.schema);
  if (t === "tuple") return readWords(k, task, p.value, wordsOf(p.schema));
  if (t === "array") throw new BadX86Call(`${p.name}: arrays are not decoded yet`);
  if (t === "enum") return enumValue(p.value, p.schema);
  return inOut ? readWords(k, task, p.value, 1)[0] : p.value;
};

/** The abstract call x86 code makes at entry point `trap` (throws KFault reading memory, BadX86Call). */
export const decodeX86Call = (k: Kernel, task: KTask, regs: KRegs, row: CallDef): KCall => {
  const outNames = new Set(fieldsOf(row.out).map(([n]) => n));
  const args: Record<string, unknown> = {};
  for (const p of paramsOf(row, regs)) {
    if (p.isArg) args[p.name] = p.name === "ipc_params" ? decodeIpcParams(k, task, p.value, row) : argValue(k, task, p, outNames.has(p.name));
  }
  const r = row.args.safeParse(args);
  if (!r.success) throw new BadX86Call(`${row.name}: ${r.error.message}`);
  return { name: row.name, args: r.data as Record<string, unknown> };
};

/** The result pointers of a call (out parameters travelling through memory), with their sizes in bytes. */
const outPointers = (row: CallDef, regs: KRegs): { p: Param; bytes: number }[] => {
  const sig = cSignature(row);
  const outNames = new Set(fieldsOf(row.out).map(([n]) => n));
  return paramsOf(row, regs)
    .filter((p) => outNames.has(p.name) && p.name !== sig.retName && p.value !== 0)
    .map((p) => ({ p, bytes: 4 * Math.max(1, wordsOf(p.schema)) }));
};

/** Check that every result pointer is writable (before the call, so a bad pointer faults without effect). */
export const checkOutPointers = (k: Kernel, task: KTask, row: CallDef, regs: KRegs): void => {
  for (const { p, bytes } of outPointers(row, regs)) translateSpans(k, task, p.value, bytes, "write");
  const block = ipcBlockOf(row, regs);
  if (block !== null) checkIpcWritable(k, task, block, row);
};

/** The address of the call's IPC parameter block, or null if it has none. */
const ipcBlockOf = (row: CallDef, regs: KRegs): number | null => paramsOf(row, regs).find((p) => p.name === "ipc_params")?.value ?? null;

/** The words of a result value: a number, a tuple, or a record (fields without a C form skipped). */
const resultWords = (v: unknown, s: Schema): number[] => {
  if (typeof v === "number") return [v >>> 0];
  if (typeof v === "boolean") return [v ? 1 : 0];
  if (typeof v === "string") return [enumWord(v, s) >>> 0];
  if (Array.isArray(v)) return v.map((x) => Number(x) >>> 0);
  if (v === null || typeof v !== "object") return Array.from({ length: Math.max(1, wordsOf(s)) }, () => 0);
  const rec = v as Record<string, unknown>;
  return fieldsOf(s).flatMap(([n, f]) => (["number", "tuple"].includes(def(bare(f)).type) ? resultWords(rec[n] ?? 0, f) : []));
};

/** Write a returned call's results: eax per the ABI, the rest through their pointers (skipping faulting ones). */
export const writeResults = (k: Kernel, task: KTask, row: CallDef, regs: KRegs, outcome: Outcome): void => {
  if (outcome.kind !== "return") return;
  const sig = cSignature(row);
  const out = outcome.out;
  for (const { p } of outPointers(row, regs)) {
    const words = resultWords(out[p.name], p.schema);
    const b = new Uint8Array(4 * words.length);
    const dv = new DataView(b.buffer);
    words.forEach((w, i) => dv.setUint32(4 * i, w, true));
    try {
      writeTask(k, task, p.value, b);
    } catch {
      // the pointer was checked when the call was made; a mapping removed while it blocked loses the result
    }
  }
  if (sig.retName !== null) regs.eax = resultWords(out[sig.retName] ?? 0, fieldsOf(row.out).find(([n]) => n === sig.retName)![1])[0]!;
  else if (sig.ret === "fluke_error_t" && row.chapter !== "ipc") regs.eax = returnCodeValue(outcome.rc);
  if (row.chapter !== "ipc") return;
  // IPC (published): bits 16-23 = status, 24-31 = 0; receiving calls put al/ah, ecx, esi, edi (x86-ipc-abi.ts)
  const block = ipcBlockOf(row, regs);
  regs.eax = 0;
  if (block !== null && ipcReceives(row)) {
    writeIpcResults(k, task, block, (out["words"] as number[] | undefined) ?? [], Number(out["refs_received"] ?? 0), regs);
  }
  regs.eax = ((regs.eax & 0xffff) | ((returnCodeValue(outcome.rc) & 0xff) << 16)) >>> 0;
};

/**
 * A blocked IPC call whose first part is done continues as another call (ipc.md "Blocking and the
 * atomic API": connect_send_over_receive as client_over_receive, a *wait_receive as wait_receive, ...).
 * Rewrite the registers to encode that call (x86.md: a call in progress is a register state): eip at its
 * entry point, its parameters (the same parameter block and port_alias pointer) in its registers. Returns
 * the new row, or null when nothing is to be rewritten (same call, not IPC, or a parameter it lacks).
 */
export const rewriteToContinuation = (row: CallDef, next: string, regs: KRegs): CallDef | null => {
  const to = CALLS_BY_NAME.get(next);
  if (to === undefined || to === row || row.chapter !== "ipc" || to.chapter !== "ipc") return null;
  const old = new Map(paramsOf(row, regs).map((p) => [p.name, p.value]));
  const values = cSignature(to).params.map((p) => old.get(p.name));
  if (values.some((v) => v === undefined)) return null;
  values.forEach((v, i) => void (regs[X86_ARG_REGISTERS[i]!] = v!));
  regs.eip = entryPoint(to.trap);
  return to;
};
