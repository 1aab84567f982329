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
