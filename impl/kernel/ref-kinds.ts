// NOT_<KIND>_REF for the kinds of object a reference slot can require (published for thread, task,
// region and port; NOT_PSET_REF is ours); other kinds fall back to NOT_REF. Same table as
// model/ref-link.ts, kept separately because the model and the kernel share only the spec.
import type { Insanity, ObjectType } from "../../spec/kernel-api/common.js";

export const NOT_KIND_REF: Readonly<Partial<Record<ObjectType, Insanity>>> = {
  thread: "NOT_THREAD_REF", task: "NOT_TASK_REF", region: "NOT_REGION_REF", port: "NOT_PORT_REF", pset: "NOT_PSET_REF",
};
