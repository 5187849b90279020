// A deliberately broken adapter, for the tests of the conform runner (conformance/adapters.test.ts): it
// serves the model like model-adapter.ts, except at the first call named by --on (default
// fluke_mutex_trylock) after each reset, where it does the fault --fault names:
//   flip     reports MUTEX_HELD where the model returned SUCCESS (and SUCCESS for any other return code)
//   crash    exits with status 3 without answering
//   garbage  prints a line that is not JSON
//   hang     never answers (stays alive)
//   wrong-id answers with an id one higher than the request's
// Below: conformance/adapters/server.ts, systems.ts.
import { createInterface } from "node:readline";
import { serveLine } from "../adapters/server.js";
import { modelSystem } from "../adapters/systems.js";

const flag = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
};
const fault = flag("fault", "flip");
const on = flag("on", "fluke_mutex_trylock");

const sys = modelSystem();
let armed = true;
const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of input) {
  const req = JSON.parse(line) as { id: number; op: string; name?: string };
  if (req.op === "reset") armed = true;
  let { answer, bye } = serveLine(sys, line);
  const a = JSON.parse(answer) as { id: number; outcome?: { kind: string; rc?: string } };
  const hit = armed && req.op === "call" && req.name === on && (fault !== "flip" || a.outcome?.kind === "return");
  if (hit) {
    armed = false;
    if (fault === "crash") process.exit(3);
    if (fault === "hang") continue;
    if (fault === "garbage") answer = "Segmentation fault (core dumped)";
    if (fault === "wrong-id") answer = JSON.stringify({ ...a, id: a.id + 1 });
    if (fault === "flip") answer = JSON.stringify({ ...a, outcome: { ...a.outcome, rc: a.outcome?.rc === "SUCCESS" ? "MUTEX_HELD" : "SUCCESS" } });
  }
  process.stdout.write(answer + "\n");
  if (bye) break;
}
input.close();
