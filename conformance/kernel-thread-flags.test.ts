// Thread flags are 32-bit words on both sides: a flag word with bit 31 set survives set_state and
// get_state unchanged (the model once exported it as a negative number; found by the kernel's tests).
import { describe, expect, it } from "vitest";
import { Lockstep } from "./lockstep.js";

const T = 0x3000;
const NO_REFS = { task_ref: 0, scheduler_ref: 0, waiting_for_ref: 0, client_ref: 0, server_ref: 0 };

describe("thread flags as words", () => {
  it("round-trip a flag word with bit 31 set, equally in model and kernel", () => {
    const l = new Lockstep();
    const c = l.call("fluke_thread_create", { new_thread: T });
    expect(c.kernel).toEqual(c.model);
    const g = l.call("fluke_thread_get_state", { thread: T, ...NO_REFS });
    expect(g.kernel).toEqual(g.model);
    const st = (g.model.outcome as unknown as { out: { state: Record<string, unknown> } }).out.state;
    const s = l.call("fluke_thread_set_state", { thread: T, state: { ...st, flags: 0x8000_0001 }, ...NO_REFS });
    expect(s.kernel).toEqual(s.model);
    const g2 = l.call("fluke_thread_get_state", { thread: T, ...NO_REFS });
    expect(g2.kernel).toEqual(g2.model);
    expect((g2.model.outcome as unknown as { out: { state: { flags: number } } }).out.state.flags).toBe(0x8000_0001);
  });
});
