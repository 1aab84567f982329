import { fork, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { SparsekitError } from "../validation/SparsekitError.js";
import { sparsekitCliCommand, type CliCommand } from "./childCommand.js";
import { EXIT_INTERRUPTED } from "./signalCheckpoint.js";
import type { SweepManifest, SweepTrial } from "./sweepManifest.js";
import { readTrialResult, writeTrialFailure } from "./trialStore.js";
import type { WorkerReply, WorkerRequest } from "./worker.js";

export interface LocalExecutorOptions {
  /** Worker processes (default: the number of cores). */
  workers?: number;
  /** Extra attempts of a trial that crashed, threw or was killed (default 1). */
  retries?: number;
  /** The `--backend` value the workers start with. */
  backend: string;
  /** "bar": a progress bar on `stream`; "log": one line per finished trial; "none". */
  progress?: "bar" | "log" | "none";
  stream?: NodeJS.WritableStream;
  log?: (line: string) => void;
  /** How to start the CLI (default: this package's, see sparsekitCliCommand). */
  cli?: CliCommand;
}

export interface LocalSweepSummary {
  total: number;
  /** Trials that already had a valid result. */
  skipped: number;
  /** Trials finished by this invocation. */
  done: number;
  failed: SweepTrial[];
  /** True when the sweep was stopped by SIGINT/SIGTERM (workers checkpointed; re-run to resume). */
  interrupted: boolean;
  seconds: number;
}

const TAIL_BYTES = 4000;

interface Worker {
  n: number;
  child: ChildProcess;
  ready: boolean;
  /** Index of the trial it is running. */
  trial?: number;
  tail: string;
  log: WriteStream;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * The local executor: N worker processes (`sparsekit sweep worker DIR`), each running trials one
 * after another; trials with a valid result are skipped. A trial whose worker crashes or is
 * killed, or that throws, is retried up to `retries` times (in a fresh worker after a crash) and
 * otherwise recorded as failed (failure.json with the tail of its stderr). Worker stderr goes to
 * DIR/logs/local-worker-<n>.log. SIGINT/SIGTERM are passed on to the workers, which checkpoint
 * and exit; re-running the sweep resumes.
 */
export async function runLocalSweep(dir: string, manifest: SweepManifest, options: LocalExecutorOptions): Promise<LocalSweepSummary> {
  const started = performance.now();
  const retries = options.retries ?? 1;
  const log = options.log ?? (() => undefined);
  const cli = options.cli ?? sparsekitCliCommand();
  const pending: number[] = [];
  for (const t of manifest.trials) if (!(await readTrialResult(dir, manifest, t))) pending.push(t.index);
  const total = manifest.trials.length;
  const skipped = total - pending.length;
  const summary: LocalSweepSummary = { total, skipped, done: 0, failed: [], interrupted: false, seconds: 0 };
  if (pending.length === 0) {
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  }
  const nWorkers = Math.max(1, Math.min(options.workers ?? availableParallelism(), pending.length));
  const logDir = join(dir, "logs");
  mkdirSync(logDir, { recursive: true });

  const attempts = new Map<number, number>();
  const durations: number[] = [];
  const trialStart = new Map<number, number>();
  const workers = new Set<Worker>();
  let spawned = 0;
  let deadBeforeReady = 0;
  let stopping = false;

  const progressMode = options.progress ?? "log";
  const bar =
    progressMode === "bar"
      ? new cliProgress.SingleBar(
          {
            format: "trials |{bar}| {value}/{total} done | {running} running | {failed} failed | ETA {etaText}",
            stream: options.stream ?? process.stderr,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const eta = (): number => {
    const remaining = total - skipped - summary.done - summary.failed.length;
    if (durations.length === 0) return NaN;
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    return (remaining * mean) / nWorkers;
  };
  const running = () => [...workers].filter((w) => w.trial !== undefined).length;
  const payload = () => ({ running: running(), failed: summary.failed.length, etaText: formatSeconds(eta()) });
  bar?.start(total, skipped, payload());
  const update = () => bar?.update(skipped + summary.done + summary.failed.length, payload());
  const note = (line: string) => {
    if (progressMode === "log") log(line);
  };
  note(`sweep: ${total} trials, ${skipped} already done, ${pending.length} to run on ${nWorkers} local worker(s)`);

  return new Promise<LocalSweepSummary>((resolve, reject) => {
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      summary.interrupted = true;
      log(`sweep: ${sig}: stopping the workers (each checkpoints its trial); run the same command again to resume`);
      for (const w of workers) w.child.kill("SIGTERM");
      maybeFinish();
    };
    const onSigint = () => onSignal("SIGINT");
    const onSigterm = () => onSignal("SIGTERM");
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);

    let settled = false;
    function maybeFinish(error?: Error) {
      if (settled) return;
      if (error) {
        settled = true;
        stopping = true;
        for (const w of workers) w.child.kill("SIGTERM");
      } else if (workers.size > 0 || (!stopping && pending.length > 0)) {
        return;
      }
      settled = true;
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      update();
      bar?.stop();
      summary.seconds = (performance.now() - started) / 1000;
      if (error) reject(error);
      else resolve(summary);
    }

    function failOrRetry(index: number, failure: { error?: string; exitCode?: number | null; signal?: string | null; stderrTail?: string }) {
      const n = (attempts.get(index) ?? 0) + 1;
      attempts.set(index, n);
      const trial = manifest.trials[index];
      const why = failure.error ? failure.error.split("\n")[0] : `worker exited (code ${failure.exitCode ?? "-"}, signal ${failure.signal ?? "-"})`;
      if (n <= retries && !stopping) {
        note(`sweep: trial ${trial.label} failed (${why}); retry ${n} of ${retries}`);
        pending.unshift(index);
        return Promise.resolve();
      }
      summary.failed.push(trial);
      note(`sweep: trial ${trial.label} FAILED after ${n} attempt(s): ${why}`);
      update();
      return writeTrialFailure(dir, trial, { attempts: n, ...failure });
    }

    function assign(w: Worker) {
      if (stopping) return;
      const index = pending.shift();
      if (index === undefined) {
        w.child.send({ type: "exit" } satisfies WorkerRequest);
        return;
      }
      w.trial = index;
      w.tail = "";
      trialStart.set(index, performance.now());
      w.child.send({ type: "run", index } satisfies WorkerRequest);
      update();
    }

    function spawnWorker() {
      const n = ++spawned;
      const child = fork(cli.entry, ["--backend", options.backend, "sweep", "worker", dir], {
        execPath: cli.node,
        execArgv: cli.execArgv,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        env: { ...process.env, SPARSEKIT_EXECUTOR: "local" },
      });
      const w: Worker = { n, child, ready: false, tail: "", log: createWriteStream(join(logDir, `local-worker-${n}.log`), { flags: "a" }) };
      workers.add(w);
      const onData = (chunk: Buffer) => {
        w.log.write(chunk);
        w.tail = (w.tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("message", (msg: WorkerReply) => {
        if (msg.type === "ready") {
          w.ready = true;
          deadBeforeReady = 0;
          assign(w);
        } else if (msg.type === "outcome") {
          const index = msg.index;
          w.trial = undefined;
          const o = msg.outcome;
          const next = () => {
            update();
            assign(w);
          };
          if (o.status === "done" || o.status === "skipped") {
            summary.done++;
            if (o.status === "done") durations.push(o.seconds);
            note(
              `sweep: [${skipped + summary.done + summary.failed.length}/${total}] ${manifest.trials[index].label} ${o.status === "done" ? `${o.seconds.toFixed(1)} s` : "(already done)"}` +
                ` | ${running()} running, ${summary.failed.length} failed, ETA ${formatSeconds(eta())}`,
            );
            next();
          } else if (o.status === "interrupted") {
            pending.unshift(index); // not a failure: it resumes from its checkpoint
          } else {
            void failOrRetry(index, { error: o.error, stderrTail: w.tail }).then(next, (e) => maybeFinish(e as Error));
          }
        }
      });
      child.on("exit", (code, signal) => {
        w.log.end();
        workers.delete(w);
        const index = w.trial;
        w.trial = undefined;
        const afterwards = () => {
          if (!stopping && pending.length > 0 && workers.size < nWorkers) {
            if (!w.ready && ++deadBeforeReady > 2 * nWorkers) {
              maybeFinish(new SparsekitError(`sweep: workers keep dying before they start; last stderr:\n${w.tail.trim()}`));
              return;
            }
            spawnWorker();
          }
          maybeFinish();
        };
        if (index !== undefined) {
          if (code === EXIT_INTERRUPTED || stopping) {
            pending.unshift(index);
            afterwards();
          } else {
            failOrRetry(index, { exitCode: code, signal, stderrTail: w.tail }).then(afterwards, (e) => maybeFinish(e as Error));
          }
        } else {
          afterwards();
        }
      });
      child.on("error", (e) => log(`sweep: worker ${n}: ${e.message}`));
    }

    for (let i = 0; i < nWorkers; i++) spawnWorker();
  });
}
