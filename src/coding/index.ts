export { applyThreshold, hardThreshold, softThreshold, thresholdPenalty, THRESHOLDS, type Threshold } from "./threshold.js";
export { dictionaryUpdate, normalizeColumns } from "./dictionaryUpdate.js";
export { sparseCodingEnergy, type SparsityPenaltyKind } from "./sparseCodingEnergy.js";
export { checkCodingInputs, checkInitialU } from "./checkCodingInputs.js";
export { lcaInference, type LcaOptions, type LcaResult } from "./lcaInference.js";
export { fista, lipschitzConstant, type FistaOptions, type FistaResult } from "./fista.js";
export {
  DictionaryLearner,
  type DictionaryFitOptions,
  type DictionaryLearnerConfig,
  type DictionaryStepRecord,
  type ResolvedDictionaryLearnerConfig,
} from "./DictionaryLearner.js";
export {
  codeLogits,
  maskedCrossEntropy,
  normalizeCodes,
  semiSupervisedExtraEnergy,
  semiSupervisedExtraGradient,
  type SemiSupervisedTerms,
} from "./semiSupervisedTerms.js";
export {
  SemiSupervisedLca,
  type ResolvedSemiSupervisedLcaConfig,
  type SemiSupervisedLcaConfig,
  type SslcaFitOptions,
  type SslcaInferOptions,
  type SslcaInferResult,
  type SslcaPredictOptions,
  type SslcaStepRecord,
  type Supervision,
} from "./SemiSupervisedLca.js";
export { logScaleNll } from "./logScaleNll.js";
export { inferVarianceCodes, varianceCodeEnergy, type VarianceCodeOptions, type VarianceCodeResult } from "./varianceCodeInference.js";
export {
  HierarchicalSparseCoder,
  type HierarchicalSparseCoderConfig,
  type HierarchicalStepRecord,
  type ResolvedHierarchicalSparseCoderConfig,
} from "./HierarchicalSparseCoder.js";
export { atomFeatures, type AtomFeature } from "./atomFeatures.js";
