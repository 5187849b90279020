// Tests of the thread chapter's current-thread-only calls in the model (spec/kernel-api/thread.md):
// exception enable/disable, handlers, saved state, return_from_exception, and the client/server links,
// with every insanity their rows list.
import { describe, expect, it } from "vitest";
import {
  FLUKE_THREAD_CLIENT_SENDER, FLUKE_THREAD_EXCEPTION_ENABLE, FLUKE_THREAD_SERVER_SENDER,
} from "../spec/kernel-api/common.js";
import { B, Fx, insanity, ROOT, SUCCESS } from "./thread-testkit.js";

const CUR_ONLY: Record<string, Record<string, unknown>> = {
  fluke_thread_disable_exceptions: {},
  fluke_thread_enable_exceptions: {},
  fluke_thread_get_handlers: {},
  fluke_thread_set_handlers: { trap_handler: 1, interrupt_handler: 2, client_alert_handler: 3, server_alert_handler: 4 },
  fluke_thread_get_saved_state: {},
  fluke_thread_set_saved_state: { saved_state: { eax: 0, ecx: 0, edx: 0, eip: 0, eflags: 0, pending_call: null } },
  fluke_thread_return_from_exception: {},
  fluke_thread_get_client: { client_ref: 0 },
  fluke_thread_get_server: { server_ref: 0 },
  fluke_thread_set_client: { client_ref: 0, flags: 0 },
  fluke_thread_set_server: { server_ref: 0, flags: 0 },
};

describe("the current-thread rule", () => {
  for (const [name, args] of Object.entries(CUR_ONLY)) {
    it(`${name} raises NOT_CURRENT_THREAD unless cur_thread names the caller`, () => {
      const f = new Fx();
      const t = f.thread();
      expect(f.try(name, { ...args, cur_thread: t })).toEqual(insanity("NOT_CURRENT_THREAD"));
      expect(f.try(name, { ...args, cur_thread: ROOT })).toEqual(insanity("NOT_CURRENT_THREAD"));
      expect(f.try(name, { ...args, cur_thread: B })).toMatchObject({ kind: "return", rc: "SUCCESS" });
      expect(f.try(name, { ...args, cur_thread: t }, t)).toMatchObject({ kind: "return", rc: "SUCCESS" });
    });
  }
});

describe("fluke_thread_disable_exceptions / fluke_thread_enable_exceptions", () => {
  it("clear and set THREAD_EXCEPTION_ENABLE", () => {
    const f = new Fx();
    f.d.ok("fluke_thread_enable_exceptions", { cur_thread: B });
    expect(f.th(B).flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(FLUKE_THREAD_EXCEPTION_ENABLE);
    f.d.ok("fluke_thread_disable_exceptions", { cur_thread: B });
    expect(f.th(B).flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(0);
  });
});

describe("fluke_thread_get_handlers / fluke_thread_set_handlers", () => {
  it("register and return the four handler addresses", () => {
    const f = new Fx();
    const h = { trap_handler: 0x5000, interrupt_handler: 0x5100, client_alert_handler: 0x5200, server_alert_handler: 0x5300 };
    f.d.ok("fluke_thread_set_handlers", { cur_thread: B, ...h });
    expect(f.d.ok("fluke_thread_get_handlers", { cur_thread: B })).toEqual(h);
  });
});

describe("fluke_thread_get_saved_state / fluke_thread_set_saved_state", () => {
  it("replace and return the saved state, including the interrupted call", () => {
    const f = new Fx();
    const saved_state = { eax: 1, ecx: 2, edx: 3, eip: 4, eflags: 5, pending_call: { name: "fluke_thread_self", args: {} } };
    f.d.ok("fluke_thread_set_saved_state", { cur_thread: B, saved_state });
    expect(f.d.ok("fluke_thread_get_saved_state", { cur_thread: B })).toEqual({ saved_state });
  });
  it("raises INVALID_ADDRESS for a pending call that is no call", () => {
    const f = new Fx();
    const saved_state = { eax: 0, ecx: 0, edx: 0, eip: 0, eflags: 0, pending_call: { name: "nope", args: {} } };
    expect(f.try("fluke_thread_set_saved_state", { cur_thread: B, saved_state })).toEqual(insanity("INVALID_ADDRESS"));
  });
});

describe("fluke_thread_return_from_exception", () => {
  it("reloads the saved registers, enables exceptions and re-issues the saved call", () => {
    const f = new Fx();
    const t = f.thread({ state: { eax: 7, edx: 8, eip: 0x100, esi: 9 } });
    const saved_state = { eax: 1, ecx: 2, edx: 3, eip: 0x4000, eflags: 0x202, pending_call: { name: "fluke_thread_self", args: {} } };
    f.d.ok("fluke_thread_set_saved_state", { cur_thread: t, saved_state }, t);
    expect(f.d.call("fluke_thread_return_from_exception", { cur_thread: t }, t)).toEqual(SUCCESS);
    expect(f.d.lastCompletions).toEqual([{ thread: t, outcome: { kind: "return", rc: "SUCCESS", out: { thread: t } } }]);
    const th = f.th(t);
    expect(th.regs).toMatchObject({ eax: 1, ecx: 2, edx: 3, eip: 0x4000, eflags: 0x202, esi: 9 });
    expect(th.flags & FLUKE_THREAD_EXCEPTION_ENABLE).toBe(FLUKE_THREAD_EXCEPTION_ENABLE);
    expect(th.saved.pending).toBeNull();
  });
});

describe("fluke_thread_get_client / fluke_thread_set_client / get_server / set_server", () => {
  for (const [side, bit] of [["client", FLUKE_THREAD_SERVER_SENDER], ["server", FLUKE_THREAD_CLIENT_SENDER]] as const) {
    it(`set_${side} installs a thread link and role; get_${side} returns them`, () => {
      const f = new Fx();
      const peer = f.thread();
      f.d.ok(`fluke_thread_set_${side}`, { cur_thread: B, [`${side}_ref`]: f.ref(peer), flags: bit | 0xf0 });
      const out = f.ref();
      expect(f.d.ok(`fluke_thread_get_${side}`, { cur_thread: B, [`${side}_ref`]: out })).toEqual({ flags: bit });
      expect(f.refTarget(out)?.oid).toBe(f.oid(peer));
      f.d.ok(`fluke_thread_set_${side}`, { cur_thread: B, [`${side}_ref`]: 0, flags: bit });
      expect(f.d.ok(`fluke_thread_get_${side}`, { cur_thread: B, [`${side}_ref`]: out })).toEqual({ flags: 0 });
      expect(f.refTarget(out)).toBeNull();
    });
    it(`set_${side} / get_${side} raise NOT_THREAD_REF, NOT_REF, NO_OBJECT, NOT_ALIGNED, INVALID_OBJECT`, () => {
      const f = new Fx();
      const key = `${side}_ref`;
      expect(f.try(`fluke_thread_set_${side}`, { cur_thread: B, [key]: f.ref(ROOT), flags: 0 })).toEqual(insanity("NOT_THREAD_REF"));
      const r = f.ref();
      for (const call of [`fluke_thread_set_${side}`, `fluke_thread_get_${side}`]) {
        const a = { cur_thread: B, flags: 0 };
        expect(f.try(call, { ...a, [key]: f.port() })).toEqual(insanity("NOT_REF"));
        expect(f.try(call, { ...a, [key]: f.alloc("ref") })).toEqual(insanity("NO_OBJECT"));
        expect(f.try(call, { ...a, [key]: r + 4 })).toEqual(insanity("NOT_ALIGNED"));
      }
      f.d.ok("harness_mem_write", { addr: r, bytes: [1] });
      expect(f.try(`fluke_thread_get_${side}`, { cur_thread: B, [key]: r })).toEqual(insanity("INVALID_OBJECT"));
      expect(f.try(`fluke_thread_set_${side}`, { cur_thread: B, [key]: r, flags: 0 })).toEqual(insanity("INVALID_OBJECT"));
    });
  }
});
