import { getExperiment } from "../experiments/registry.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { runSweepTrial, type TrialOutcome } from "./runTrial.js";
import { EXIT_INTERRUPTED, SignalCheckpoint } from "./signalCheckpoint.js";
import { readSweepManifest } from "./sweepManifest.js";

/** Messages from the local executor to a worker. */
export type WorkerRequest = { type: "run"; index: number } | { type: "exit" };
/** Messages from a worker to the local executor. */
export type WorkerReply = { type: "ready" } | { type: "outcome"; index: number; outcome: TrialOutcome };

/**
 * `sparsekit sweep worker DIR` (started by the local executor with an IPC channel): runs the
 * trials it is sent, one after another, in this process (data and compiled kernels stay warm),
 * and replies with each outcome. On SIGTERM/SIGUSR1 the running trial stops at an epoch end with
 * a checkpoint and the worker exits with EXIT_INTERRUPTED. Resolves to the exit code.
 */
export async function runSweepWorker(dir: string, log: (line: string) => void): Promise<number> {
  const send = process.send?.bind(process);
  if (!send) throw new SparsekitError("sweep worker: start it through `sparsekit sweep --executor local` (it needs an IPC channel).");
  const manifest = await readSweepManifest(dir);
  const experiment = getExperiment(manifest.experiment);
  const reply = (msg: WorkerReply) => new Promise<void>((resolve) => send(msg, undefined, {}, () => resolve()));
  return new Promise<number>((resolve) => {
    let busy = false;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      signals.dispose();
      process.off("message", onMessage);
      process.off("disconnect", onDisconnect);
      process.off("SIGINT", ignoreSigint);
      if (process.connected) process.disconnect();
      resolve(code);
    };
    const signals = new SignalCheckpoint({ log, onSignal: () => (busy ? undefined : finish(EXIT_INTERRUPTED)) }).install();
    const onDisconnect = () => finish(busy ? EXIT_INTERRUPTED : 0);
    const onMessage = async (msg: WorkerRequest) => {
      if (msg?.type === "exit") return finish(0);
      if (msg?.type !== "run") return;
      const trial = manifest.trials[msg.index];
      busy = true;
      let outcome: TrialOutcome;
      try {
        if (!trial) throw new SparsekitError(`sweep worker: no trial ${msg.index}`);
        outcome = await runSweepTrial(dir, manifest, trial, experiment, { executor: "local", log, signals });
      } catch (e) {
        outcome = { status: "failed", error: (e as Error)?.stack ?? String(e), attempt: 0 };
      }
      busy = false;
      if (process.connected) await reply({ type: "outcome", index: msg.index, outcome });
      if (outcome.status === "interrupted" || signals.requested) finish(EXIT_INTERRUPTED);
    };
    // Ctrl-C reaches the whole process group: the executor turns it into SIGTERM for the workers.
    const ignoreSigint = () => undefined;
    process.on("SIGINT", ignoreSigint);
    process.on("message", onMessage);
    process.on("disconnect", onDisconnect);
    void reply({ type: "ready" });
  });
}
