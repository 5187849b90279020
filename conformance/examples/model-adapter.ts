// An example adapter: serves the abstract model over the conformance protocol (conformance/PROTOCOL.md),
// one JSON request per stdin line, one JSON answer per stdout line, until "bye" or end of input.
// An implementation in another language does the same with its own kernel in place of the model.
// Run it with: npx fluke conform --adapter "npx tsx conformance/examples/model-adapter.ts"
// Below: conformance/adapters/server.ts (request validation and answers), systems.ts (the model).
import { createInterface } from "node:readline";
import { serveLine } from "../adapters/server.js";
import { modelSystem } from "../adapters/systems.js";

const sys = modelSystem();
const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of input) {
  if (line.trim() === "") continue;
  const { answer, bye } = serveLine(sys, line);
  process.stdout.write(answer + "\n");
  if (bye) break;
}
input.close();
