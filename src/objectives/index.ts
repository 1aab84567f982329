export { l1Penalty } from "./l1Penalty.js";
export { topK } from "./topK.js";
export { klSparsityPenalty, type KlSparsityOptions } from "./klSparsityPenalty.js";
export {
  saturationPenalty,
  SATURATING_ACTIVATIONS,
  type SaturatingActivation,
  type SaturationOptions,
} from "./saturationPenalty.js";
export { ovrOverlap, OVR_REDUCTIONS, type OvrOptions, type OvrReduction } from "./ovrOverlap.js";
export { batchEntropy, BATCH_TERMS, type BatchEntropyOptions, type BatchTerm } from "./batchEntropy.js";
export { neighbourConsistency, type NeighbourConsistencyOptions } from "./neighbourConsistency.js";
export { checkMask } from "./maskInput.js";
export { maskArea } from "./maskArea.js";
export { maskBinarization } from "./maskBinarization.js";
export { maskTotalVariation } from "./maskTotalVariation.js";
export {
  hardConcreteExpectedL0,
  resolveHardConcreteParams,
  HARD_CONCRETE_DEFAULTS,
  type HardConcreteParams,
} from "./hardConcreteExpectedL0.js";
export {
  objectiveRegistry,
  getObjective,
  OBJECTIVE_NAMES,
  type ObjectiveEntry,
  type ObjectiveInput,
  type ObjectiveName,
  type ObjectiveOption,
} from "./registry.js";
