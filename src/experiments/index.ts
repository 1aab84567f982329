export { defineExperiment, type Experiment, type ExperimentContext } from "./Experiment.js";
export { runExperiment, resolveExperimentConfig, type RunExperimentOptions, type RunExperimentResult } from "./runExperiment.js";
export { experimentRegistry, getExperiment } from "./registry.js";
