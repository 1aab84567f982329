export { VariableModel } from "./VariableModel.js";
export { Mlp, type HiddenPenalty, type MlpConfig, type MlpFitOptions, type MlpForward } from "./Mlp.js";
export { corruptInput, CORRUPTION_KINDS, type CorruptInputOptions, type CorruptionKind } from "./corruptInput.js";
export {
  OvrEncoder,
  resolveOvrEncoderConfig,
  type OvrEncoderConfig,
  type OvrEncoderCost,
  type OvrEncoderEpoch,
  type OvrEncoderFitOptions,
  type OvrEncoderFitResult,
  type OvrEncoderGradients,
  type ResolvedOvrEncoderConfig,
} from "./OvrEncoder.js";
