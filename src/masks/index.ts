export { checkMaskLogits } from "./checkMaskLogits.js";
export { hardSigmoidGate } from "./hardSigmoidGate.js";
export { straightThroughGate } from "./straightThroughGate.js";
export { hardConcreteGate, type HardConcreteGateOptions } from "./hardConcreteGate.js";
export { gumbelTopKGate, type GumbelTopKGateOptions } from "./gumbelTopKGate.js";
export { applyGate, checkGateSpec, isStochasticGate, GATE_KINDS, type GateCallOptions, type GateKind, type GateSpec } from "./maskGate.js";
export { BudgetConstraint, type BudgetConstraintOptions, type BudgetConstraintState } from "./BudgetConstraint.js";
export { maskStatistics, type MaskStatistics, type MaskStatisticsOptions } from "./maskStatistics.js";
