import { relative, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Command, Option } from "commander";
import { experimentRegistry } from "../../experiments/index.js";
import {
  backendOption,
  collectSweep,
  createSweepManifest,
  formatSweepStatus,
  runLocalSweep,
  runSweepWorker,
  runTrialProcess,
  slurmJobName,
  submitSlurmScript,
  sweepStatus,
  waitForSlurmArray,
  writeK8sJob,
  writeSlurmScript,
  writeSweepManifest,
  type SweepManifest,
} from "../../sweep/index.js";
import { CommandExit } from "../CommandExit.js";
import type { CliIO } from "../io.js";
import { experimentArgument } from "../experimentArgument.js";
import { UsageError } from "../UsageError.js";

function integer(flag: string, min: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`option ${flag} must be an integer >= ${min}, got '${raw}'`);
    return n;
  };
}

function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** Collects DIR into DIR/report and turns missing trials into exit code 1 (unless partial). */
async function collectAndReport(dir: string, partial: boolean, io: CliIO): Promise<void> {
  const r = await collectSweep(dir, { log: (l) => io.err(`${l}\n`) });
  io.out(`report: ${shown(r.html)}\n`);
  if (r.incomplete.length) {
    const list = r.incomplete.map((t) => `${t.trial.label} (${t.state})`).join(", ");
    io.err(`sparsekit: ${r.incomplete.length} trial(s) without a result: ${list}\n`);
    if (!partial) throw new CommandExit(1);
  }
}

/**
 * `sparsekit sweep ...`: an experiment's trials on all local cores, as a Slurm job array or as a
 * Kubernetes Indexed Job, collected into the same report `sparsekit run` writes.
 */
export function sweepCommand(io: CliIO): Command {
  const sweep = new Command("sweep")
    .description("run an experiment's trials in parallel: local worker processes, a Slurm job array or a Kubernetes Indexed Job")
    .argument("<experiment>", `one of: ${Object.keys(experimentRegistry).join(", ")}`)
    .option("--out <dir>", "(required) sweep directory (sweep.json, trials/<id>/result.json, report/); re-running resumes it")
    .option("--config <file>", "JSON file of config values (validated; unknown keys are errors)")
    .option("--quick", "the experiment's tiny settings", false)
    .option("--seed <n>", "seed of the run", integer("--seed", 0))
    .addOption(new Option("--executor <name>", "where trials run").choices(["local", "slurm", "k8s"]).default("local"))
    .option("--workers <n>", "local: worker processes (default: number of cores)", integer("--workers", 1))
    .option("--retries <n>", "local: extra attempts of a crashed or failed trial", integer("--retries", 0), 1)
    .addOption(new Option("--progress <mode>", "local: progress display").choices(["auto", "bar", "log", "none"]).default("auto"))
    .option("--partition <name>", "slurm: partition")
    .option("--time <limit>", "slurm: time limit per array task, e.g. 01:00:00")
    .option("--cpus-per-task <n>", "slurm: CPUs per task", integer("--cpus-per-task", 1))
    .option("--max-parallel <k>", "slurm: array tasks running at once (--array=...%k)", integer("--max-parallel", 1))
    .option("--wait", "slurm: wait for the array to finish (squeue/sacct), then collect", false)
    .option("--poll <seconds>", "slurm: seconds between squeue polls with --wait", integer("--poll", 1), 5)
    .option("--image <image>", "k8s: container image with sparsekit installed")
    .option("--pvc <name>", "k8s: PersistentVolumeClaim holding the sweep directory", "sparsekit-sweep")
    .option("--parallelism <k>", "k8s: pods running at once", integer("--parallelism", 1))
    .option("--backoff-limit <n>", "k8s: failed pods tolerated (default: number of trials)", integer("--backoff-limit", 0))
    .option("--dry-run", "slurm/k8s: write the script or manifest, submit nothing", false)
    .option("--partial", "exit 0 even when some trials have no result (they are listed in the report)", false)
    .action(async (name: string, flags) => {
      const { experiment, config } = await experimentArgument(name, flags.config);
      if (flags.out === undefined) throw new UsageError("required option '--out <dir>' not specified");
      const dir = resolve(String(flags.out));
      const backend = backendOption(tf.getBackend());
      const manifest: SweepManifest = await writeSweepManifest(
        dir,
        createSweepManifest(experiment, { config, quick: flags.quick, seed: flags.seed, backend }),
      );
      const n = manifest.trials.length;
      const log = (line: string) => io.err(`${line}\n`);

      if (flags.executor === "local") {
        const progress = flags.progress === "auto" ? (io.isTTY ? "bar" : "log") : flags.progress;
        const summary = await runLocalSweep(dir, manifest, {
          backend: manifest.backend,
          ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
          retries: flags.retries,
          progress,
          log,
        });
        io.out(
          `${experiment.title}: ${n} trials: ${summary.skipped} already done, ${summary.done} run, ${summary.failed.length} failed (${summary.seconds.toFixed(1)} s)\n`,
        );
        if (summary.interrupted) {
          io.err(`sparsekit: sweep interrupted; run the same command again to resume\n`);
          throw new CommandExit(130);
        }
        await collectAndReport(dir, flags.partial, io);
        return;
      }

      if (flags.executor === "slurm") {
        const script = await writeSlurmScript(dir, manifest, {
          backend: manifest.backend,
          ...(flags.partition ? { partition: flags.partition } : {}),
          ...(flags.time ? { time: flags.time } : {}),
          ...(flags.cpusPerTask ? { cpusPerTask: flags.cpusPerTask } : {}),
          ...(flags.maxParallel ? { maxParallel: flags.maxParallel } : {}),
        });
        io.out(`slurm script: ${shown(script)} (${n} array tasks)\n`);
        if (flags.dryRun) {
          io.out(`submit with: sbatch ${shown(script)}; then: sparsekit sweep collect ${shown(dir)}\n`);
          return;
        }
        const jobId = submitSlurmScript(script);
        io.out(`submitted job array ${jobId}\n`);
        if (!flags.wait) {
          io.out(`follow with: sparsekit sweep status ${shown(dir)}; when done: sparsekit sweep collect ${shown(dir)}\n`);
          return;
        }
        await waitForSlurmArray(jobId, slurmJobName(dir, manifest), { pollSeconds: flags.poll, log });
        await collectAndReport(dir, flags.partial, io);
        return;
      }

      const k8s = await writeK8sJob(dir, manifest, {
        backend: manifest.backend,
        ...(flags.image ? { image: flags.image } : {}),
        pvc: flags.pvc,
        ...(flags.parallelism ? { parallelism: flags.parallelism } : {}),
        ...(flags.backoffLimit !== undefined ? { backoffLimit: flags.backoffLimit } : {}),
        dryRun: flags.dryRun,
      });
      io.out(`kubernetes job: ${shown(k8s.file)} (${n} indexed completions)\n`);
      io.out(`${k8s.applied ? `applied: ${k8s.instructions}` : k8s.instructions}\n`);
    });

  sweep.addCommand(
    new Command("run-trial")
      .description("run one trial of a sweep (what each Slurm array task and Kubernetes pod runs)")
      .argument("<dir>", "sweep directory")
      .argument("<index>", "trial index (0-based: $SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX)", integer("<index>", 0))
      .action(async (dir: string, index: number) => {
        const code = await runTrialProcess(resolve(dir), index, (l) => io.err(`${l}\n`));
        if (code !== 0) throw new CommandExit(code);
      }),
  );
  sweep.addCommand(
    new Command("collect")
      .description("reduce the finished trials into the experiment's report (DIR/report); exit 1 if any trial has no result")
      .argument("<dir>", "sweep directory")
      .option("--partial", "exit 0 even when some trials have no result", false)
      .action(async (dir: string, _flags, cmd: Command) => {
        // --partial may be taken by the parent `sweep` command's own --partial
        await collectAndReport(resolve(dir), Boolean(cmd.optsWithGlobals().partial), io);
      }),
  );
  sweep.addCommand(
    new Command("status")
      .description("counts of done / failed / running / missing trials")
      .argument("<dir>", "sweep directory")
      .action(async (dir: string) => {
        io.out(formatSweepStatus(await sweepStatus(resolve(dir))));
      }),
  );
  sweep
    .command("worker", { hidden: true })
    .description("a local executor's worker process (internal)")
    .argument("<dir>", "sweep directory")
    .action(async (dir: string) => {
      const code = await runSweepWorker(resolve(dir), (l) => io.err(`${l}\n`));
      if (code !== 0) throw new CommandExit(code);
    });
  return sweep;
}
