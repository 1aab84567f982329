// The sweep layer (Node only: processes and files): experiments' trial grids run on all local
// cores, as Slurm job arrays or as Kubernetes Indexed Jobs, and collected into the report.
export { trialId, TRIAL_ID_LENGTH } from "./trialId.js";
export { writeJsonAtomic, readJsonIfValid } from "./atomicFile.js";
export {
  createSweepManifest,
  writeSweepManifest,
  readSweepManifest,
  experimentTrials,
  sweepLayout,
  SWEEP_FORMAT,
  SWEEP_FORMAT_VERSION,
  type SweepManifest,
  type SweepTrial,
  type CreateSweepOptions,
} from "./sweepManifest.js";
export {
  readTrialResult,
  trialResultValue,
  writeTrialResult,
  writeTrialFailure,
  readTrialFailure,
  readTrialStart,
  markTrialStarted,
  schedulerEnvironment,
  TRIAL_RESULT_FORMAT,
  type TrialResultFile,
  type TrialFailure,
  type TrialStart,
} from "./trialStore.js";
export { runSweepTrial, runTrialProcess, backendOption, type TrialOutcome, type RunSweepTrialOptions } from "./runTrial.js";
export { EXIT_INTERRUPTED, INTERRUPT_SIGNALS, SignalCheckpoint, requeueSlurmTask, defaultGraceSeconds, type SignalCheckpointOptions } from "./signalCheckpoint.js";
export { runSweepWorker, type WorkerRequest, type WorkerReply } from "./worker.js";
export { sparsekitCliCommand, cliCommandLine, shellQuote, type CliCommand } from "./childCommand.js";
export { runLocalSweep, type LocalExecutorOptions, type LocalSweepSummary } from "./localExecutor.js";
export {
  slurmScript,
  writeSlurmScript,
  submitSlurmScript,
  waitForSlurmArray,
  slurmTaskStates,
  slurmJobName,
  type SlurmOptions,
  type SlurmWaitResult,
} from "./slurmExecutor.js";
export { k8sJob, k8sJobYaml, k8sJobName, writeK8sJob, K8S_SWEEP_MOUNT, K8S_DEFAULT_IMAGE, type K8sOptions, type K8sSubmitResult } from "./k8sManifest.js";
export { collectSweep, type CollectResult } from "./collect.js";
export { sweepStatus, formatSweepStatus, type SweepStatus, type TrialStatus, type TrialState } from "./status.js";
