export {
  defineExperiment,
  type Experiment,
  type ExperimentContext,
  type ExperimentGrid,
  type GridExperimentDefinition,
  type TrialContext,
  type TrialSpec,
} from "./Experiment.js";
export {
  TrialResults,
  MissingTrialError,
  runGridInProcess,
  checkTrials,
  encodeTrialValue,
  decodeTrialValue,
  type EncodedTrialValue,
} from "./trials.js";
export { sharedDirectory } from "./sharedDirectory.js";
export { canonicalJson, hashJson } from "./canonicalJson.js";
export { runExperiment, resolveExperimentConfig, type RunExperimentOptions, type RunExperimentResult } from "./runExperiment.js";
export { experimentRegistry, getExperiment } from "./registry.js";
export {
  addAutoencoderReport,
  codeStatistics,
  CODE_STATISTIC_KEYS,
  type AutoencoderMetrics,
  type AutoencoderReportInput,
  type CodeStatistics,
} from "./autoencoderReport.js";
export { saePatches } from "./saePatches.js";
export { saeMnist } from "./saeMnist.js";
export { lcaPatches } from "./lcaPatches.js";
