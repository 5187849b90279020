// Chapter "x86" of the Fluke kernel API: the processor-specific part of a thread's state, the saved
// exception state, the register convention of exception handlers, the codes and message words of the
// synchronous-exception path, and the trap ABI by which x86 code enters the kernel. The thread chapter
// (thread.ts) embeds X86ThreadState in fluke_thread_state; the model (model/exceptions.ts), the kernel
// (impl/kernel/) and the C header generator (spec/gen-header.ts) read the constants below. See x86.md.
// Below: common.ts. The x86 chapter has no calls of its own (trap block 130-139 is unused).
import { z } from "zod";
import {
  Addr, FAULT_KINDS, FLUKE_ENTRY_MAX, FLUKE_ENTRY_MIN, insanityValue, Word, type CallDef, type FaultKind, type Insanity,
} from "./common.js";

// ---------------------------------------------------------------------------------------------
// Thread state, x86 part (published field list and order, <fluke/x86/thread.h>)

/** The ten general registers, in the published order. */
export const X86_REGISTERS = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip", "eflags"] as const;
export type X86Register = (typeof X86_REGISTERS)[number];

export const X86Registers = z.object({
  eax: Word, ebx: Word, ecx: Word, edx: Word, esi: Word, edi: Word, ebp: Word, esp: Word, eip: Word, eflags: Word,
});
export type X86Registers = z.infer<typeof X86Registers>;

/** The x86 part of struct fluke_thread_state (published fields; server_pset is a pointer in the thread's task). */
export const X86ThreadState = X86Registers.extend({
  min_msg: z.tuple([Word, Word]).describe("extra registers carrying the minimum IPC message"),
  trap_handler: Addr,
  interrupt_handler: Addr,
  client_alert_handler: Addr,
  server_alert_handler: Addr,
  saved_eax: Word,
  saved_ecx: Word,
  saved_edx: Word,
  saved_eip: Word,
  saved_eflags: Word,
  server_pset: Addr.describe("fluke_pset_t * in the thread's own task; 0 = no server port set"),
  server_esp: Word,
  server_oneway_eip: Addr,
  server_idempotent_eip: Addr,
  server_reliable_eip: Addr,
});
export type X86ThreadState = z.infer<typeof X86ThreadState>;

/** The registers an exception dispatch overwrites and return_from_exception reloads (ours: layout). */
export const SAVED_REGISTERS = ["eax", "ecx", "edx", "eip", "eflags"] as const;
export const X86SavedRegisters = z.object({ eax: Word, ecx: Word, edx: Word, eip: Word, eflags: Word });
export type X86SavedRegisters = z.infer<typeof X86SavedRegisters>;

// ---------------------------------------------------------------------------------------------
// Exception codes (ours). On handler entry ecx holds one; word 0 of a keeper message holds one.

export const FLUKE_EXC_INSANITY_BASE = 0x100; // + insanityValue(code)
export const FLUKE_EXC_FAULT_BASE = 0x200; // + index of the access kind in FAULT_KINDS
export const FLUKE_EXC_TRAP_BASE = 0x300; // + processor exception vector (0..255), incl. int n
export const FLUKE_EXC_INTERRUPT = 0x400;
export const FLUKE_EXC_CLIENT_ALERT = 0x401;
export const FLUKE_EXC_SERVER_ALERT = 0x402;

export const insanityExcCode = (c: Insanity): number => FLUKE_EXC_INSANITY_BASE + insanityValue(c);
export const faultExcCode = (k: FaultKind): number => FLUKE_EXC_FAULT_BASE + FAULT_KINDS.indexOf(k);
export const trapExcCode = (vector: number): number => FLUKE_EXC_TRAP_BASE + (vector & 0xff);

// ---------------------------------------------------------------------------------------------
// Keeper messages (ours): the idempotent call the kernel makes for a thread to a region keeper
// (page fault) or to its task's keeper (synchronous exception). Word offsets:

export const FLUKE_EXC_MSG_CODE = 0; // exception code (above)
export const FLUKE_EXC_MSG_ADDR = 1; // fault address, or the processor error code for traps, else 0
export const FLUKE_EXC_MSG_THREAD = 2; // thread_va of the thread (its own address for itself)
export const FLUKE_EXC_MSG_REGS = 3; // 10 words: eax ebx ecx edx esi edi ebp esp eip eflags
export const FLUKE_EXC_MSG_TRAP = 13; // trap number of the interrupted kernel call, 0 if none
export const FLUKE_EXC_MSG_REGION_OFFSET = 14; // region keeper: offset of the refused access in its region, else 0
export const FLUKE_EXC_MSG_WORDS = 15;

/** Reply word 0: what the keeper wants done (ours). */
export const FLUKE_EXC_REPLY_RETRY = 0; // resume unchanged: re-run the interrupted call, if any
export const FLUKE_EXC_REPLY_SET_REGS = 1; // words 1..10 = new eax..eflags; the interrupted call is dropped
export const FLUKE_EXC_REPLY_SET_REGS_WORDS = 11;

// ---------------------------------------------------------------------------------------------
// Trap ABI (ours): entry points and argument registers.

/** Distance between two entry points in the entry area. */
export const FLUKE_ENTRY_STRIDE = 16;
/** The address x86 code calls to make the kernel call with trap number `trap`. */
export const entryPoint = (trap: number): number => FLUKE_ENTRY_MIN + FLUKE_ENTRY_STRIDE * trap;
/** The trap number an eip in the entry area stands for, or null (not an entry point). */
export const trapAtEip = (eip: number): number | null =>
  eip >= FLUKE_ENTRY_MIN && eip < FLUKE_ENTRY_MAX && (eip - FLUKE_ENTRY_MIN) % FLUKE_ENTRY_STRIDE === 0
    ? (eip - FLUKE_ENTRY_MIN) / FLUKE_ENTRY_STRIDE
    : null;
/** C parameters of a call, in order, travel in these registers (at most seven). */
export const X86_ARG_REGISTERS = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"] as const;

export const X86_CALLS: readonly CallDef[] = [];
