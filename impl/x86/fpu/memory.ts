// The memory port through which the x87 reads and writes its operands. The integer CPU in
// impl/x86 (the layer above) implements it over its software TLB; probeWrite throws the CPU's
// page-fault signal so that a faulting store leaves the FPU state untouched.

export interface FpuMemory {
  read8(a: number): number;
  read16(a: number): number;
  read32(a: number): number;
  write8(a: number, v: number): void;
  write16(a: number, v: number): void;
  write32(a: number, v: number): void;
  /** Throws the CPU's page-fault signal if [a, a+len) is not writable. */
  probeWrite(a: number, len: number): void;
}

export function readBytes(mem: FpuMemory, a: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = mem.read8((a + i) >>> 0) & 0xff;
  return out;
}

export function writeBytes(mem: FpuMemory, a: number, bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i++) mem.write8((a + i) >>> 0, bytes[i]! & 0xff);
}

export function read64(mem: FpuMemory, a: number): bigint {
  const lo = BigInt(mem.read32(a >>> 0) >>> 0);
  const hi = BigInt(mem.read32((a + 4) >>> 0) >>> 0);
  return (hi << 32n) | lo;
}

export function write64(mem: FpuMemory, a: number, v: bigint): void {
  mem.write32(a >>> 0, Number(v & 0xffffffffn));
  mem.write32((a + 4) >>> 0, Number((v >> 32n) & 0xffffffffn));
}
