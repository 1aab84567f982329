export { VariableModel } from "./VariableModel.js";
export { Mlp, type HiddenPenalty, type MlpConfig, type MlpFitOptions, type MlpForward } from "./Mlp.js";
export { corruptInput, CORRUPTION_KINDS, type CorruptInputOptions, type CorruptionKind } from "./corruptInput.js";
export { checkDenoising, maybeCorrupt, type DenoisingSpec } from "./denoising.js";
export {
  SaturatingAutoencoder,
  SATAE_ACTIVATIONS,
  SATAE_DECODER_OUTPUTS,
  sataeActivate,
  saturatedFraction,
  type SataeActivation,
  type SataeDecoderOutput,
  type SataeFitOptions,
  type SaturatingAutoencoderConfig,
  type SaturatingAutoencoderOptions,
} from "./SaturatingAutoencoder.js";
export {
  ConvSaturatingAutoencoder,
  CONV_PADDINGS,
  type ConvPadding,
  type ConvSaturatingAutoencoderConfig,
  type ConvSaturatingAutoencoderOptions,
} from "./ConvSaturatingAutoencoder.js";
export {
  CLUSTERER_ARCHITECTURES,
  EntropyClusterer,
  type ClustererArchitecture,
  type ClustererAugmentation,
  type EntropyClustererConfig,
  type EntropyClustererFitOptions,
  type EntropyClustererInit,
} from "./EntropyClusterer.js";
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
export {
  MaskedClassifier,
  type MaskBudget,
  type MaskedClassifierConfig,
  type MaskedClassifierOptions,
  type MaskedEpochRecord,
  type MaskedEvaluation,
  type MaskedFitOptions,
  type MaskedFitResult,
  type MaskedForward,
  type MaskPenalties,
  type MultiplierRecord,
  type PretrainOptions,
} from "./MaskedClassifier.js";
export {
  SparseAutoencoder,
  resolveSaeConfig,
  SAE_ACTIVATIONS,
  SAE_OUTPUT_ACTIVATIONS,
  SAE_SPARSITY_KINDS,
  type ResolvedSaeConfig,
  type SaeActivation,
  type SaeFitOptions,
  type SaeFitProgress,
  type SaeFitResult,
  type SaeLossTerms,
  type SaeOutputActivation,
  type SaeSparsity,
  type SparseAutoencoderConfig,
} from "./SparseAutoencoder.js";
export { minimizeLbfgsInBlocks, type LbfgsBlocksOptions, type LbfgsBlocksResult } from "./lbfgsInBlocks.js";
