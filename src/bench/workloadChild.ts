// Entry of the child process the benchmark suite starts per workload, so that each workload's peak
// RSS is its own (the wasm heap never shrinks). Reads its arguments as one JSON argv entry and
// prints one JSON line: the SparsekitWorkloadRun, or { error }.
import { runWorkloadHere, type RunWorkloadArgs } from "./runWorkload.js";

const args = JSON.parse(process.argv[2] ?? "{}") as RunWorkloadArgs;
runWorkloadHere(args).then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
    process.exitCode = 1;
  },
);
