// Binds table rows (impl/x86/table.ts) to handler functions of the families by their
// "family.name" key; a row whose key has no handler is a build error caught by the unit tests.
// Above: impl/x86/decoder.ts. Below: the family files.
import { HANDLERS as arith } from "./arith.js";
import { HANDLERS as bcd } from "./bcd.js";
import { HANDLERS as bits } from "./bits.js";
import { HANDLERS as control } from "./control.js";
import { HANDLERS as misc } from "./misc.js";
import { HANDLERS as mov } from "./mov.js";
import { HANDLERS as segment } from "./segment.js";
import { HANDLERS as shift } from "./shift.js";
import { HANDLERS as stack } from "./stack.js";
import { HANDLERS as string } from "./string.js";
import { HANDLERS as muldiv } from "./muldiv.js";
import { HANDLERS as x87 } from "./x87-glue.js";
import type { Handler } from "./insn.js";
import type { OpRow } from "./table.js";

const FAMILIES: Record<string, Record<string, (row: OpRow) => Handler>> = {
  arith, bcd, bits, control, misc, mov, segment, shift, stack, string, muldiv, x87,
};

export function bindHandler(row: OpRow): Handler {
  const [family, name] = row.handler.split(".");
  const make = FAMILIES[family]?.[name];
  if (!make) throw new Error(`no handler ${row.handler} for ${row.mnemonic} ${row.operands}`);
  return make(row);
}
