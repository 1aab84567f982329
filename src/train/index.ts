export { fans, glorotUniform, heNormal, randomNormal, randomUniform } from "./initializers.js";
export {
  completeOptimizerSpec,
  createOptimizer,
  isOptimizer,
  OPTIMIZER_NAMES,
  optimizerSpecOf,
  optimizerSpecSchema,
  parseOptimizerSpec,
  type OptimizerName,
  type OptimizerSpec,
} from "./optimizer.js";
export {
  disposeOptimizerState,
  exportOptimizerState,
  importOptimizerState,
  loadOptimizerState,
  restoreOptimizer,
  saveOptimizerState,
  type OptimizerState,
} from "./optimizerState.js";
export type { EpochRecord, StopInfo, StopReason, TrainHistory } from "./history.js";
export { TrainingDivergedError } from "./TrainingDivergedError.js";
export { FusedAdamOptimizer } from "./FusedAdamOptimizer.js";
export {
  createProgressReporter,
  formatEpochLine,
  PROGRESS_MODES,
  setProgressPlatform,
  type ProgressBarFactory,
  type ProgressMode,
  type ProgressReporter,
  type ProgressSink,
} from "./progress.js";
export {
  CHECKPOINT_FORMAT,
  checkpointName,
  listCheckpoints,
  readLatestCheckpoint,
  writeCheckpoint,
  type CheckpointConfig,
  type CheckpointState,
  type LoadedCheckpoint,
} from "./checkpoint.js";
export {
  train,
  type BatchInfo,
  type CheckpointOptions,
  type LossTermsFn,
  type StepContext,
  type TrainBatch,
  type TrainCallbacks,
  type TrainControl,
  type TrainOptions,
} from "./train.js";
export { checkTargets, resolveTaskLoss, TASK_LOSSES, type TaskLoss, type TaskLossFn, type TaskLossName } from "./taskLoss.js";
export { penaltyInput, penaltySpecSchema, resolvePenalties, type PenaltySpec, type ResolvedPenalty } from "./penalties.js";
export { fitSparse, type FitSparseOptions } from "./fitSparse.js";
export {
  loadSparseModel,
  saveSparseModel,
  type LoadedSparseModel,
  type SaveSparseModelOptions,
  type SparseModelMeta,
} from "./sparseModel.js";
export { parseWith } from "./schemaError.js";
export { createLbfgsMemory, minimizeLbfgs, type LbfgsMemory, type LbfgsOptions, type LbfgsResult, type LbfgsIterationInfo, type LbfgsStopReason } from "./lbfgs.js";
export {
  wolfeLineSearch,
  cubicMinimizer,
  type WolfeLineSearchOptions,
  type WolfeLineSearchResult,
  type LineSearchPoint,
  type LineSearchStatus,
} from "./wolfeLineSearch.js";
