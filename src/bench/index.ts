export { timeSaeStep, buildSaeStep, SAE_STEP_CONSTANTS, type SaeStepOptions, type SaeStepResult } from "./saeStep.js";
export {
  runBenchmark,
  formatBenchmarkReport,
  type RunBenchmarkOptions,
  type BenchmarkReport,
  type BenchmarkRatio,
  type SparsekitRun,
} from "./runBenchmark.js";
export {
  runPytorchReference,
  findPython,
  parseReferenceOutput,
  torchVersion,
  referenceScriptPath,
  type PytorchReference,
  type PytorchRun,
  type ReferenceConfig,
} from "./pytorchReference.js";
export { WORKLOADS, WORKLOAD_NAMES, getWorkload, type Workload, type WorkloadSize, type WorkloadInstance } from "./workloads.js";
export {
  runBenchmarkSuite,
  formatSuiteTable,
  parseWorkloadReferenceOutput,
  workloadReferencePath,
  runWorkloadReference,
  type SuiteOptions,
  type SuiteReport,
  type SuiteRow,
  type PytorchWorkloadRun,
} from "./suite.js";
export { runWorkloadHere, type SparsekitWorkloadRun, type RunWorkloadArgs } from "./runWorkload.js";
export { timeSteps, type StepSchedule, type StepTimes } from "./timeSteps.js";
