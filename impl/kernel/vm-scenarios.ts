// Scripted scenarios for every code of the task, region, mapping and harness rows: for each return code
// and each insanity a row of spec/kernel-api lists (and a memory fault for each call with an address
// argument), a short script of public calls that reaches it. Written once against `VmDrive` (make a call
// as the boot thread, get its outcome), so the kernel's unit tests run them on impl/kernel alone and the
// conformance suite runs them on the model and the kernel in lockstep. Test support only.
// Above: impl/kernel/vm-codes.test.ts, conformance/kernel-vm-codes.test.ts. Below: spec/kernel-api.
import { FLUKE_VM_MIN, PAGE_SIZE, type Outcome } from "../../spec/kernel-api/common.js";

export interface VmDrive {
  call(name: string, args: Record<string, unknown>): Outcome;
}
export type VmDriveFactory = (opts: { readonly objectLimit?: number }) => VmDrive;

/** The code an outcome stands for: a return code, an insanity, or the outcome's kind ("fault"). */
export const codeOf = (o: Outcome): string => (o.kind === "return" ? o.rc : o.kind === "insanity" ? o.code : o.kind);

const ROOT = FLUKE_VM_MIN;
/** rt → T0, rr → R0, rp → P, rn null; TB, RB, MB are invalid (written over). */
export const V = {
  rt: 0x2000, rr: 0x2010, rp: 0x2020, rn: 0x2030,
  T0: 0x2100, TB: 0x2140, R0: 0x2200, RB: 0x2220, M0: 0x2300, MB: 0x2320, P: 0x2400,
  FREE: 0x2800, EMPTY: 0x2840, UNMAPPED: 0x5000_0000,
} as const;

const must = (d: VmDrive, name: string, args: Record<string, unknown>): void => {
  const o = d.call(name, args);
  if (codeOf(o) !== "SUCCESS") throw new Error(`setup: ${name} gave ${JSON.stringify(o)}`);
};

/** The standard world: root pages 8..15 exported by R0 and mapped into T0 at 0x1000_0000 by M0. */
export const setup = (d: VmDrive): void => {
  for (const r of [V.rt, V.rr, V.rp, V.rn]) must(d, "fluke_ref_create", { new_ref: r });
  for (const t of [V.T0, V.TB]) must(d, "fluke_task_create", { new_task: t });
  for (const r of [V.R0, V.RB]) must(d, "fluke_region_create", { new_region: r });
  for (const m of [V.M0, V.MB]) must(d, "fluke_mapping_create", { new_mapping: m });
  must(d, "fluke_port_create", { new_port: V.P });
  must(d, "fluke_task_reference", { task: ROOT, new_task_ref: V.rt });
  must(d, "fluke_region_set_state", { region: V.R0, state: { hash: 0, start_va: ROOT + 8 * PAGE_SIZE, size: 8 * PAGE_SIZE, prot: 15 }, task_ref: V.rt, keeper_ref: 0 });
  must(d, "fluke_task_reference", { task: V.T0, new_task_ref: V.rt });
  must(d, "fluke_region_reference", { region: V.R0, new_region_ref: V.rr });
  must(d, "fluke_port_reference", { port: V.P, new_port_ref: V.rp });
  must(d, "fluke_mapping_set_state", { mapping: V.M0, state: { hash: 0, region_off: 0, start_va: 0x1000_0000, size: 4 * PAGE_SIZE, prot: 15 }, region_ref: V.rr, task_ref: V.rt });
  for (const b of [V.TB, V.RB, V.MB]) must(d, "harness_mem_write", { addr: b + 4, bytes: [0xff] });
};

type Kind = "task" | "region" | "mapping";
const OBJ: Record<Kind, { ok: number; bad: number }> = { task: { ok: V.T0, bad: V.TB }, region: { ok: V.R0, bad: V.RB }, mapping: { ok: V.M0, bad: V.MB } };
const st = (start_va: number, size: number, prot = 15) => ({ hash: 0, start_va, size, prot });
const mst = (start_va: number, size: number, region_off = 0, prot = 15) => ({ hash: 0, region_off, start_va, size, prot });

/** Valid arguments of each row (on the standard world), its object argument, and its reference argument. */
const ROWS: Record<string, { kind: Kind; obj: string; ref?: string; args: Record<string, unknown> }> = {};
for (const k of ["task", "region", "mapping"] as const) {
  ROWS[`fluke_${k}_create`] = { kind: k, obj: `new_${k}`, args: { [`new_${k}`]: V.FREE } };
  ROWS[`fluke_${k}_create_hash`] = { kind: k, obj: `new_${k}`, args: { [`new_${k}`]: V.FREE, hash: 7 } };
  ROWS[`fluke_${k}_destroy`] = { kind: k, obj: k, args: { [k]: OBJ[k].ok } };
  ROWS[`fluke_${k}_move`] = { kind: k, obj: "old_addr", args: { old_addr: OBJ[k].ok, new_addr: V.FREE } };
}
Object.assign(ROWS, {
  fluke_task_get_state: { kind: "task", obj: "task", ref: "keeper_ref", args: { task: V.T0, keeper_ref: V.rn } },
  fluke_task_set_state: { kind: "task", obj: "task", ref: "keeper_ref", args: { task: V.T0, state: { hash: 1 }, keeper_ref: V.rp } },
  fluke_task_reference: { kind: "task", obj: "task", ref: "new_task_ref", args: { task: V.T0, new_task_ref: V.rn } },
  fluke_region_get_state: { kind: "region", obj: "region", ref: "task_ref", args: { region: V.R0, task_ref: V.rn, keeper_ref: 0 } },
  fluke_region_set_state: { kind: "region", obj: "region", ref: "task_ref", args: { region: V.R0, state: st(0x1000_0000, PAGE_SIZE), task_ref: V.rt, keeper_ref: V.rp } },
  fluke_region_protect: { kind: "region", obj: "region", args: { region: V.R0, max_prot: 1 } },
  fluke_region_reference: { kind: "region", obj: "region", ref: "new_region_ref", args: { region: V.R0, new_region_ref: V.rn } },
  fluke_region_search: { kind: "region", obj: "region", args: { region: V.R0, offset: 0, size: 8 * PAGE_SIZE, obarray_size: 2 } },
  fluke_mapping_get_state: { kind: "mapping", obj: "mapping", ref: "region_ref", args: { mapping: V.M0, region_ref: V.rn, task_ref: 0 } },
  fluke_mapping_set_state: { kind: "mapping", obj: "mapping", ref: "region_ref", args: { mapping: V.M0, state: mst(0x1000_4000, PAGE_SIZE), region_ref: V.rr, task_ref: V.rt } },
  fluke_mapping_protect: { kind: "mapping", obj: "mapping", args: { mapping: V.M0, prot: 1 } },
});

export interface VmScenario {
  readonly objectLimit?: number;
  /** Runs the scenario on a fresh drive; returns the outcome of its last call. */
  readonly run: (d: VmDrive) => Outcome;
}

const call = (name: string, args: Record<string, unknown>, objectLimit?: number): VmScenario => ({
  ...(objectLimit === undefined ? {} : { objectLimit }),
  run: (d) => (setup(d), d.call(name, args)),
});

/** The generic codes of an object argument, a reference argument and a new block. */
const genericScenarios = (name: string, out: Map<string, VmScenario>): void => {
  const r = ROWS[name]!;
  const w = (over: Record<string, unknown>) => ({ ...r.args, ...over });
  const isNew = r.obj.startsWith("new_");
  const k = r.kind;
  out.set(`${name}:SUCCESS`, call(name, r.args));
  out.set(`${name}:fault`, call(name, w({ [r.obj]: V.UNMAPPED })));
  out.set(`${name}:NOT_ALIGNED`, call(name, w({ [r.obj]: (isNew ? V.FREE : OBJ[k].ok) + 8 })));
  if (isNew) {
    out.set(`${name}:OBJECT_EXISTS`, call(name, w({ [r.obj]: V.M0 })));
    out.set(`${name}:NO_MEMORY`, call(name, r.args, 13)); // setup leaves 13 objects
    return;
  }
  out.set(`${name}:NO_OBJECT`, call(name, w({ [r.obj]: V.EMPTY })));
  out.set(`${name}:NOT_${k.toUpperCase()}`, call(name, w({ [r.obj]: V.rt })));
  // destroy works on an invalid object (decision 3): only the root task's destroy is INVALID_OBJECT
  if (name === "fluke_task_destroy") out.set(`${name}:INVALID_OBJECT`, call(name, w({ [r.obj]: ROOT })));
  else if (!name.endsWith("_destroy")) out.set(`${name}:INVALID_OBJECT`, call(name, w({ [r.obj]: OBJ[k].bad })));
  if (name.endsWith("_move")) out.set(`${name}:OBJECT_EXISTS`, call(name, w({ new_addr: OBJ[k].ok })));
  if (r.ref !== undefined) out.set(`${name}:NOT_REF`, call(name, w({ [r.ref]: V.P })));
};

/** The value codes and kind-of-reference codes, row by row. */
const valueScenarios = (out: Map<string, VmScenario>): void => {
  const rs = ROWS["fluke_region_set_state"]!.args;
  const ms = ROWS["fluke_mapping_set_state"]!.args;
  out.set("fluke_task_set_state:NOT_PORT_REF", call("fluke_task_set_state", { task: V.T0, state: null, keeper_ref: V.rt }));
  out.set("fluke_region_set_state:NOT_TASK_REF", call("fluke_region_set_state", { ...rs, task_ref: V.rp }));
  out.set("fluke_region_set_state:NOT_PORT_REF", call("fluke_region_set_state", { ...rs, keeper_ref: V.rr }));
  out.set("fluke_region_set_state:INVALID_PROT", call("fluke_region_set_state", { ...rs, state: st(0x1000_0000, PAGE_SIZE, 16) }));
  out.set("fluke_region_set_state:INVALID_ADDRESS", call("fluke_region_set_state", { ...rs, state: st(0xbfff_f000, 2 * PAGE_SIZE) }));
  out.set("fluke_region_protect:INVALID_PROT", call("fluke_region_protect", { region: V.R0, max_prot: 0x20 }));
  out.set("fluke_mapping_set_state:NOT_REGION_REF", call("fluke_mapping_set_state", { ...ms, region_ref: V.rt }));
  out.set("fluke_mapping_set_state:NOT_TASK_REF", call("fluke_mapping_set_state", { ...ms, task_ref: V.rr }));
  out.set("fluke_mapping_set_state:INVALID_PROT", call("fluke_mapping_set_state", { ...ms, state: mst(0x1000_4000, PAGE_SIZE, 0, 0x1f) }));
  out.set("fluke_mapping_set_state:INVALID_ADDRESS", call("fluke_mapping_set_state", { ...ms, state: mst(0, PAGE_SIZE) }));
  out.set("fluke_mapping_set_state:ADDRESS_OVERLAP", { run: overlapRun });
  out.set("fluke_mapping_protect:INVALID_PROT", call("fluke_mapping_protect", { mapping: V.M0, prot: 0x100 }));
  out.set("harness_mem_read:SUCCESS", call("harness_mem_read", { addr: V.R0 - 8, len: 40 }));
  out.set("harness_mem_read:fault", call("harness_mem_read", { addr: V.UNMAPPED, len: 4 }));
  out.set("harness_mem_write:SUCCESS", call("harness_mem_write", { addr: V.R0 - 8, bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9] }));
  out.set("harness_mem_write:fault", call("harness_mem_write", { addr: V.UNMAPPED, bytes: [1] }));
};

/** ADDRESS_OVERLAP needs a second mapping of T0 (at FREE) that would collide with M0. */
const overlapRun = (d: VmDrive): Outcome => {
  setup(d);
  must(d, "fluke_mapping_create", { new_mapping: V.FREE });
  return d.call("fluke_mapping_set_state", { mapping: V.FREE, state: mst(0x1000_3000, 2 * PAGE_SIZE), region_ref: V.rr, task_ref: V.rt });
};

/** Every scenario, keyed "<row>:<code>" (code: a return code, an insanity, or "fault"). */
export const VM_SCENARIOS: ReadonlyMap<string, VmScenario> = (() => {
  const out = new Map<string, VmScenario>();
  for (const name of Object.keys(ROWS)) genericScenarios(name, out);
  valueScenarios(out);
  return out;
})();
