// Handler family: decimal arithmetic adjustments DAA DAS AAA AAS AAM AAD (Intel SDM pseudo-code,
// P6 behaviour: AAA/AAS adjust AX as a whole). Above: impl/x86/dispatch.ts. Below: the flags.
import * as M_flags from "./flags.js";
import * as M_arith from "./arith.js";
import * as M_exception from "./exception.js";
import type { Cpu } from "./cpu.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";
// imported bindings copied into module constants once (hot paths avoid live-binding getters)
const { AF, CF, PF, SF, ZF } = M_flags;
const { szp } = M_arith;
const { Vector } = M_exception;

const SZAPC = SF | ZF | AF | PF | CF;

const daa: Handler = (cpu) => {
  const oldAl = cpu.r8[0], oldCf = cpu.cf();
  let al = oldAl, cf = 0, af = 0;
  if ((al & 0xf) > 9 || cpu.af()) { cf = oldCf | (al + 6 > 0xff ? 1 : 0); al = (al + 6) & 0xff; af = 1; }
  if (oldAl > 0x99 || oldCf) { al = (al + 0x60) & 0xff; cf = 1; } else cf = 0;
  cpu.r8[0] = al;
  cpu.setFlagsEager(SZAPC, (cf ? CF : 0) | (af ? AF : 0) | szp(al, 1));
};

const das: Handler = (cpu) => {
  const oldAl = cpu.r8[0], oldCf = cpu.cf();
  let al = oldAl, cf = 0, af = 0;
  if ((al & 0xf) > 9 || cpu.af()) { cf = oldCf | (al < 6 ? 1 : 0); al = (al - 6) & 0xff; af = 1; }
  if (oldAl > 0x99 || oldCf) { al = (al - 0x60) & 0xff; cf = 1; }
  cpu.r8[0] = al;
  cpu.setFlagsEager(SZAPC, (cf ? CF : 0) | (af ? AF : 0) | szp(al, 1));
};

const aaa: Handler = (cpu) => {
  if ((cpu.r8[0] & 0xf) > 9 || cpu.af()) {
    cpu.r16[0] = cpu.r16[0] + 0x106;
    cpu.r8[0] &= 0xf;
    cpu.setFlagsEager(AF | CF, AF | CF);
  } else {
    cpu.r8[0] &= 0xf;
    cpu.setFlagsEager(AF | CF, 0);
  }
};

const aas: Handler = (cpu) => {
  if ((cpu.r8[0] & 0xf) > 9 || cpu.af()) {
    cpu.r16[0] = cpu.r16[0] - 6;
    cpu.r8[1] = cpu.r8[1] - 1;
    cpu.r8[0] &= 0xf;
    cpu.setFlagsEager(AF | CF, AF | CF);
  } else {
    cpu.r8[0] &= 0xf;
    cpu.setFlagsEager(AF | CF, 0);
  }
};

const aam: Handler = (cpu, i) => {
  const base = i.imm & 0xff;
  if (base === 0) cpu.raise(Vector.DE);
  const al = cpu.r8[0];
  cpu.r8[1] = Math.floor(al / base);
  cpu.r8[0] = al % base;
  cpu.setFlagsEager(SZAPC, szp(cpu.r8[0], 1));
};

const aad: Handler = (cpu, i) => {
  const al = (cpu.r8[0] + cpu.r8[1] * (i.imm & 0xff)) & 0xff;
  cpu.r16[0] = al;
  cpu.setFlagsEager(SZAPC, szp(al, 1));
};

export const HANDLERS: Record<string, (row: OpRow) => Handler> = {
  daa: () => daa, das: () => das, aaa: () => aaa, aas: () => aas, aam: () => aam, aad: () => aad,
};
