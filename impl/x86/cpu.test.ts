// Unit tests of the CPU run loop and its kernel-facing API (impl/x86/cpu.ts): precise faults,
// traps, budget, single-step, breakpoints, self-modifying code, state get/set, CPUID/RDTSC,
// segment descriptors for FS/GS, and the x87 glue.
import { describe, expect, it } from "vitest";
import { PERM_R } from "./tlb.js";
import { CODE, DATA, STACK_TOP, machine, runCode } from "./testing.js";

const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, ESI = 6, EDI = 7;

describe("execution", () => {
  it("runs a loop and counts retired instructions", () => {
    const m = machine();
    // mov eax,5; mov ecx,10; l: add eax,ecx; dec ecx; jnz l
    const r = runCode(m, [0xb8, 5, 0, 0, 0, 0xb9, 10, 0, 0, 0, 0x01, 0xc8, 0x49, 0x75, 0xfb]);
    expect(r.kind).toBe("trap");
    expect(r.vector).toBe(3);
    expect(m.cpu.r32[EAX]).toBe(60);
    expect(m.cpu.retired).toBe(2 + 30 + 1);
    expect(m.cpu.eip).toBe(CODE + 16);
  });
  it("INT 0x80 stops as a trap with EIP after the instruction", () => {
    const m = machine();
    const r = runCode(m, [0xb8, 4, 0, 0, 0, 0xcd, 0x80]);
    expect([r.kind, r.vector]).toEqual(["trap", 0x80]);
    expect(m.cpu.eip).toBe(CODE + 7);
  });
  it("INTO traps only with OF set", () => {
    const m = machine();
    // mov al,0x7f; add al,1 (OF=1); into
    const r = runCode(m, [0xb0, 0x7f, 0x04, 1, 0xce]);
    expect([r.kind, r.vector]).toEqual(["trap", 4]);
    const m2 = machine();
    expect(runCode(m2, [0x30, 0xc0, 0xce]).vector).toBe(3);
  });
  it("#DE on divide by zero and on quotient overflow, EIP at the instruction", () => {
    const m = machine();
    const r = runCode(m, [0x31, 0xc9, 0xf7, 0xf1]);
    expect([r.kind, r.vector]).toEqual(["fault", 0]);
    expect(m.cpu.eip).toBe(CODE + 2);
    const m2 = machine();
    // mov edx,2; mov ecx,1; div ecx -> quotient does not fit
    expect(runCode(m2, [0xba, 2, 0, 0, 0, 0xb9, 1, 0, 0, 0, 0xf7, 0xf1]).vector).toBe(0);
  });
  it("HLT, CLI and IN raise #GP(0); UD2 raises #UD", () => {
    for (const code of [[0xf4], [0xfa], [0xe4, 0x60], [0x0f, 0x20, 0xc0]]) {
      const m = machine();
      const r = runCode(m, code);
      expect([r.kind, r.vector, r.errorCode]).toEqual(["fault", 13, 0]);
      expect(m.cpu.eip).toBe(CODE);
    }
    expect(runCode(machine(), [0x0f, 0x0b]).vector).toBe(6);
  });
  it("CPUID reports a family-6 part with FPU TSC CX8 CMOV and leaf-2 descriptors", () => {
    const m = machine();
    runCode(m, [0xb8, 1, 0, 0, 0, 0x0f, 0xa2]);
    expect((m.cpu.r32[EAX] >> 8) & 0xf).toBe(6);
    expect(m.cpu.r32[EDX]).toBe(0x8111);
    const m2 = machine();
    runCode(m2, [0xb8, 2, 0, 0, 0, 0x0f, 0xa2]);
    expect(m2.cpu.r32[EAX] & 0xff).toBe(1);
    expect(m2.cpu.r32[EDX]).not.toBe(0);
  });
  it("RDTSC returns the retired-instruction count (virtual time)", () => {
    const m = machine();
    runCode(m, [0x90, 0x90, 0x90, 0x0f, 0x31]);
    expect(m.cpu.r32[EAX]).toBe(3);
    expect(m.cpu.r32[EDX]).toBe(0);
  });
});

describe("precise faults", () => {
  it("a store to a read-only page faults with nothing changed", () => {
    const m = machine();
    m.cpu.mapPage(DATA >>> 12, m.data, 0, PERM_R);
    m.cpu.r32[EBX] = DATA + 8;
    m.cpu.r32[EAX] = 5;
    m.data[8] = 7;
    // stc; add [ebx],eax
    const r = runCode(m, [0xf9, 0x01, 0x03]);
    expect([r.kind, r.vector, r.access, r.address, r.errorCode]).toEqual(["fault", 14, "write", DATA + 8, 7]);
    expect(m.cpu.eip).toBe(CODE + 1);
    expect(m.cpu.getEflags() & 1).toBe(1);
    expect(m.data[8]).toBe(7);
  });
  it("a split store whose second page is missing writes nothing", () => {
    const m = machine();
    m.cpu.unmapPage((DATA >>> 12) + 1);
    m.cpu.r32[EBX] = DATA + 4094;
    m.cpu.r32[EAX] = -1;
    const r = runCode(m, [0x89, 0x03]);
    expect([r.vector, r.access, r.address, r.errorCode]).toEqual([14, "write", DATA + 4096, 6]);
    expect([m.data[4094], m.data[4095]]).toEqual([0, 0]);
  });
  it("a split read faults at the first byte of the missing page", () => {
    const m = machine();
    m.cpu.unmapPage((DATA >>> 12) + 1);
    m.cpu.r32[EBX] = DATA + 4093;
    const r = runCode(m, [0x8b, 0x03]);
    expect([r.vector, r.access, r.address, r.errorCode]).toEqual([14, "read", DATA + 4096, 4]);
  });
  it("PUSH onto an unmapped page leaves ESP unchanged", () => {
    const m = machine();
    m.cpu.r32[ESP] = STACK_TOP - 8192;
    const r = runCode(m, [0x50]);
    expect([r.vector, r.address]).toEqual([14, STACK_TOP - 8196]);
    expect(m.cpu.r32[ESP]).toBe(STACK_TOP - 8192);
  });
  it("REP MOVSB faulting mid-way leaves a restartable state", () => {
    const m = machine();
    m.cpu.unmapPage((DATA >>> 12) + 1);
    m.data.set([1, 2, 3, 4, 5, 6, 7, 8], 100);
    m.cpu.r32[ESI] = DATA + 100;
    m.cpu.r32[EDI] = DATA + 4092;
    m.cpu.r32[ECX] = 8;
    const r = runCode(m, [0xf3, 0xa4]);
    expect([r.vector, r.address]).toEqual([14, DATA + 4096]);
    expect(m.cpu.eip).toBe(CODE);
    expect([m.cpu.r32[ECX], m.cpu.r32[ESI], m.cpu.r32[EDI]]).toEqual([4, DATA + 104, DATA + 4096]);
    expect(Array.from(m.data.subarray(4092, 4096))).toEqual([1, 2, 3, 4]);
  });
  it("read-modify-writes of a read-only page report a write fault (the forms seen in difftest)", () => {
    // adc dword [edx+0x79],imm32; bts [ebx],eax; btc [ebx],eax; xor [ecx+0x6a],ecx; not byte [ebx]
    const forms: [number[], number][] = [
      [[0x81, 0x52, 0x79, 0x14, 0xb5, 0xb7, 0xf7], EDX], [[0x0f, 0xab, 0x03], EBX], [[0x0f, 0xbb, 0x03], EBX],
      [[0x31, 0x49, 0x6a], ECX], [[0xf6, 0x13], EBX],
    ];
    for (const [code, base] of forms) {
      const m = machine();
      m.cpu.mapPage(DATA >>> 12, m.data, 0, PERM_R);
      m.cpu.r32[EAX] = 3;
      m.cpu.r32[base] = base === EDX ? DATA + 0x100 - 0x79 : base === ECX ? DATA + 0x100 - 0x6a : DATA + 0x100;
      const want = m.cpu.r32[base] >>> 0;
      m.data[0x100] = 0x5a;
      const r = runCode(m, code);
      expect([r.kind, r.vector, r.access, r.address, r.errorCode]).toEqual(["fault", 14, "write", DATA + 0x100, 7]);
      expect([m.cpu.eip, m.cpu.r32[base] >>> 0, m.data[0x100]]).toEqual([CODE, want, 0x5a]);
    }
  });
  it("a jump into unmapped memory faults on the fetch at the target", () => {
    const m = machine();
    const r = runCode(m, [0xe9, 0, 0, 0, 0x10]);
    expect([r.vector, r.access, r.address]).toEqual([14, "exec", CODE + 5 + 0x10000000]);
    expect(m.cpu.eip).toBe(CODE + 5 + 0x10000000);
  });
});

describe("kernel and debugger controls", () => {
  const loop = [0xb9, 100, 0, 0, 0, 0x49, 0x75, 0xfd];
  it("the budget preempts and a new run continues exactly", () => {
    const m = machine();
    expect(runCode(m, loop, 10).kind).toBe("budget");
    expect(m.cpu.retired).toBe(10);
    expect(m.cpu.run(1000).vector).toBe(3);
    expect(m.cpu.r32[ECX]).toBe(0);
    expect(m.cpu.retired).toBe(1 + 200 + 1);
  });
  it("a long REP yields to the budget and resumes to the same result", () => {
    const m = machine();
    m.cpu.r32[EDI] = DATA;
    m.cpu.r32[ECX] = 5000;
    m.cpu.r32[EAX] = 0x41;
    expect(runCode(m, [0xf3, 0xaa], 100).kind).toBe("budget");
    expect(m.cpu.eip).toBe(CODE);
    expect(m.cpu.r32[ECX]).toBeGreaterThan(0);
    let guard = 0;
    while (m.cpu.run(100).kind === "budget") guard++;
    expect(guard).toBeGreaterThan(10);
    expect(m.cpu.r32[ECX]).toBe(0);
    expect(m.data.subarray(0, 5000).every((b) => b === 0x41)).toBe(true);
    expect(m.data[5000]).toBe(0);
  });
  it("single-step stops after each instruction", () => {
    const m = machine();
    m.code.set([...loop, 0xcc]);
    m.cpu.singleStep = true;
    expect(m.cpu.run(100).kind).toBe("step");
    expect(m.cpu.eip).toBe(CODE + 5);
    expect(m.cpu.run(100).kind).toBe("step");
    expect(m.cpu.r32[ECX]).toBe(99);
  });
  it("a breakpoint stops before the address and resuming executes it", () => {
    const m = machine();
    m.code.set([...loop, 0xcc]);
    m.cpu.breakpoints.add(CODE + 6);
    const r = m.cpu.run(1000);
    expect([r.kind, r.address, m.cpu.eip, m.cpu.r32[ECX]]).toEqual(["breakpoint", CODE + 6, CODE + 6, 99]);
    expect(m.cpu.run(1000).kind).toBe("breakpoint");
    expect(m.cpu.r32[ECX]).toBe(98);
  });
  it("self-modifying code runs the new bytes", () => {
    const m = machine();
    // mov byte [CODE+12], 0x40 (inc eax replaces nop); mov eax,0 ; nop
    const r = runCode(m, [0xc6, 0x05, ...le(CODE + 12), 0x40, 0xb8, 0, 0, 0, 0, 0x90]);
    expect(r.vector).toBe(3);
    expect(m.cpu.r32[EAX]).toBe(1);
    // the same code again with the original bytes: the cache must see the restored nop
    m.code[12] = 0x90;
    m.cpu.invalidateCode();
    m.cpu.eip = CODE + 7;
    m.cpu.run(10);
    expect(m.cpu.r32[EAX]).toBe(0);
  });
  it("getState/setState round-trip the whole state", () => {
    const m = machine();
    runCode(m, [0xb8, 1, 2, 3, 4, 0xf9, 0xd9, 0xe8]); // mov eax; stc; fld1
    const s = m.cpu.getState();
    const m2 = machine();
    m2.cpu.setState(s);
    expect(m2.cpu.getState()).toEqual(s);
    expect(s.eax).toBe(0x04030201);
    expect(s.eflags & 1).toBe(1);
  });
});

describe("segments", () => {
  it("GS loads a TLS descriptor and GS-relative loads use its base", () => {
    const m = machine();
    m.cpu.setDescriptor(6, { base: DATA + 0x100, limit: 0xfffff });
    m.data[0x114] = 0x2a;
    // mov eax,0x33; mov gs,ax; mov eax,gs:[0x14]; mov cx,gs
    runCode(m, [0xb8, 0x33, 0, 0, 0, 0x8e, 0xe8, 0x65, 0xa1, 0x14, 0, 0, 0, 0x66, 0x8c, 0xe9]);
    expect(m.cpu.r32[EAX]).toBe(0x2a);
    expect(m.cpu.r32[ECX] & 0xffff).toBe(0x33);
    expect(m.cpu.getState().gs).toEqual({ selector: 0x33, base: DATA + 0x100, limit: 0xfffff });
  });
  it("loading a selector that is not present raises #GP(selector)", () => {
    const m = machine();
    const r = runCode(m, [0xb8, 0x3b, 0, 0, 0, 0x8e, 0xe8]);
    expect([r.kind, r.vector, r.errorCode]).toEqual(["fault", 13, 0x38]);
    expect(m.cpu.eip).toBe(CODE + 5);
  });
  it("using a null FS raises #GP(0); push/pop of segment registers work", () => {
    const m = machine();
    expect(runCode(m, [0x64, 0xa1, 0, 0, 0, 0]).vector).toBe(13);
    const m2 = machine();
    runCode(m2, [0x1e, 0x0f, 0xa9, 0x8c, 0xe8]); // push ds; pop gs; mov eax,gs
    expect(m2.cpu.r32[EAX] & 0xffff).toBe(0x7b);
  });
});

describe("x87 glue", () => {
  it("runs FPU code through the TLB and FNSTSW AX / FCOMI update the CPU", () => {
    const m = machine();
    m.cpu.r32[EBX] = DATA;
    // fld1; fld1; faddp; fst dword [ebx]; fld1; fcomip st1; fnstsw ax
    runCode(m, [0xd9, 0xe8, 0xd9, 0xe8, 0xde, 0xc1, 0xd9, 0x13, 0xd9, 0xe8, 0xdf, 0xf1, 0xdf, 0xe0]);
    expect(new DataView(m.data.buffer).getFloat32(0, true)).toBe(2);
    expect(m.cpu.getEflags() & 0x45).toBe(1); // 1 < 2: CF=1 ZF=0 PF=0
    expect((m.cpu.r32[EAX] >> 11) & 7).toBe(7); // TOP after 1 push left
  });
  it("an FPU store to a read-only page faults precisely", () => {
    const m = machine();
    m.cpu.mapPage(DATA >>> 12, m.data, 0, PERM_R);
    m.cpu.r32[EBX] = DATA;
    const r = runCode(m, [0xd9, 0xe8, 0xd9, 0x1b]); // fld1; fstp dword [ebx]
    expect([r.vector, r.access]).toEqual([14, "write"]);
    expect(m.cpu.eip).toBe(CODE + 2);
    expect((m.cpu.fpu.statusWord() >> 11) & 7).toBe(7); // still one value on the stack
  });
});

function le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

describe("address spaces", () => {
  it("switching TLBs switches translations even with equal generation counters", async () => {
    const { Tlb } = await import("./tlb.js");
    const m = machine();
    const a = new Tlb(), b = new Tlb();
    const fa = new Uint8Array(4096), fb = new Uint8Array(4096);
    fa[0] = 1; fb[0] = 2;
    for (const [t, f] of [[a, fa], [b, fb]] as const) {
      t.mapPage(CODE >>> 12, m.code, 0, 7);
      t.mapPage(DATA >>> 12, f, 0, 3);
    }
    m.code.set([0xa0, ...[DATA & 0xff, (DATA >>> 8) & 0xff, (DATA >>> 16) & 0xff, DATA >>> 24], 0xcc]);
    m.cpu.setTlb(a); m.cpu.eip = CODE; m.cpu.run(10);
    expect(m.cpu.r32[EAX] & 0xff).toBe(1);
    m.cpu.setTlb(b); m.cpu.eip = CODE; m.cpu.run(10);
    expect(m.cpu.r32[EAX] & 0xff).toBe(2);
  });
});

describe("trap flag", () => {
  it("POPF setting TF traps (#DB, vector 1) after the following instruction", () => {
    const m = machine();
    // pushf; or dword [esp],0x100; popf; nop; nop
    m.code.set([0x9c, 0x81, 0x0c, 0x24, 0, 1, 0, 0, 0x9d, 0x90, 0x90, 0xcc]);
    let r = m.cpu.run(100);
    while (r.kind === "budget") r = m.cpu.run(100);
    expect([r.kind, r.vector, m.cpu.eip]).toEqual(["trap", 1, CODE + 10]);
  });
});
