export {
  finiteDifferenceGradient,
  checkGradient,
  type FiniteDifferenceOptions,
  type GradientCheckResult,
} from "./gradientCheck.js";
