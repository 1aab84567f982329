export { defineExperiment, type Experiment, type ExperimentContext } from "./Experiment.js";
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
