import { spawnSync } from "node:child_process";
import type { TrainCallbacks } from "../train/train.js";

/**
 * Exit status of a trial stopped by SIGTERM/SIGUSR1 after checkpointing (EX_TEMPFAIL): "retry me".
 * Kubernetes: the Job's podFailurePolicy ignores it (the index is retried without using up
 * backoffLimit). Slurm: the task requeues itself first (scontrol requeue, with #SBATCH --requeue).
 * The local executor retries such a trial without counting a failure.
 */
export const EXIT_INTERRUPTED = 75;

/** The signals clusters send before killing: Slurm's --signal=USR1@60 warning, Kubernetes' and scancel's SIGTERM. */
export const INTERRUPT_SIGNALS = ["SIGTERM", "SIGUSR1"] as const;

/** Seconds between the signal and the forced exit when training does not reach an epoch end in time. */
export function defaultGraceSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.SPARSEKIT_SIGNAL_GRACE_SECONDS);
  return Number.isFinite(v) && v >= 0 ? v : 45;
}

export interface SignalCheckpointOptions {
  /** Default {@link defaultGraceSeconds}. */
  graceSeconds?: number;
  log?: (line: string) => void;
  /** Called at once when a signal arrives (e.g. an idle worker exits right away). */
  onSignal?: (signal: NodeJS.Signals) => void;
  /** Called when the grace time runs out (default: exit with EXIT_INTERRUPTED; the last epoch checkpoint is kept). */
  onGraceExpired?: () => void;
}

/**
 * Turns SIGTERM/SIGUSR1 into a checkpoint and a retryable exit for the trial running in this
 * process. Pass `trainCallbacks` to train()/fit(): at the end of the current epoch they stop
 * training, which writes that epoch's checkpoint; the trial's result is then discarded (it comes
 * from a cut-short training) and the process exits with EXIT_INTERRUPTED; the retry resumes from
 * the checkpoint. Training without these callbacks keeps its own epoch checkpoints; if the trial
 * has not finished when the grace time ends, the process exits with EXIT_INTERRUPTED anyway (but
 * such training, not returning to the event loop, only sees the signal between its own awaits).
 */
export class SignalCheckpoint {
  /** The signal received, or null. */
  signal: NodeJS.Signals | null = null;
  /** True once training was stopped early because of the signal. */
  stoppedTraining = false;
  readonly trainCallbacks: TrainCallbacks;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SignalCheckpointOptions = {}) {
    let lastYield = performance.now();
    this.trainCallbacks = {
      // Training on the cpu/wasm backends can run for minutes without returning to the event loop,
      // so a signal handler would only run at the end: yield a macrotask every 50 ms of training.
      onBatchEnd: async () => {
        const now = performance.now();
        if (now - lastYield < 50) return;
        lastYield = now;
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      onEpochEnd: (_record, control) => {
        if (this.signal) {
          this.stoppedTraining = true;
          control.stop(`interrupted by ${this.signal}: checkpoint written at the end of this epoch`);
        }
      },
    };
  }

  get requested(): boolean {
    return this.signal !== null;
  }

  /** False when a result computed now would come from training cut short by the signal. */
  get resultUsable(): boolean {
    return !this.stoppedTraining;
  }

  install(): this {
    for (const sig of INTERRUPT_SIGNALS) {
      const handler = () => this.receive(sig);
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
    return this;
  }

  dispose(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private receive(sig: NodeJS.Signals): void {
    if (this.signal) return;
    this.signal = sig;
    const grace = this.options.graceSeconds ?? defaultGraceSeconds();
    this.options.log?.(`sparsekit: ${sig} received: stopping at the end of the current epoch (checkpoint), at most ${grace} s`);
    this.timer = setTimeout(() => {
      this.options.log?.(`sparsekit: no epoch end within ${grace} s of ${sig}: exiting; the retry resumes from the last checkpoint`);
      (this.options.onGraceExpired ?? (() => process.exit(EXIT_INTERRUPTED)))();
    }, grace * 1000);
    this.options.onSignal?.(sig);
  }
}

/**
 * Under Slurm, puts this array task (or job) back in the queue (`scontrol requeue`), so a task warned
 * by --signal=USR1@60 before its time limit runs again and resumes from its checkpoint. Returns
 * false outside Slurm or when scontrol fails.
 */
export function requeueSlurmTask(env: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): boolean {
  const job = env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : env.SLURM_JOB_ID;
  if (!job) return false;
  const r = spawnSync("scontrol", ["requeue", job], { encoding: "utf8", timeout: 30_000 });
  const ok = r.status === 0;
  log?.(ok ? `sparsekit: requeued Slurm job ${job}` : `sparsekit: scontrol requeue ${job} failed: ${(r.stderr || r.error?.message || "").trim()}`);
  return ok;
}
