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
  formatBounds,
  formatSuiteTable,
  pytorchThreadsLabel,
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
export { kernelFlops, profileStep, type KernelShare, type StepProfile } from "./kernelProfile.js";
export { measureMachinePeaks, type MachinePeaks } from "./machinePeaks.js";
export { stepBound, type StepBound } from "./stepBound.js";
export { measureWasmSimdPeak, wasmSimdPeakModule } from "./wasmSimdPeak.js";
