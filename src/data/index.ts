// Data layer, platform-neutral part (SPEC.md §1.2, §4): transforms on arrays and tensors — whitening, PCA,
// patches, the sphere toy data, augmentation. Loaders that read packages and files are in ./node.ts.
export { covarianceEigen, sampleCovariance, type CovarianceEigen } from "./covarianceEigen.js";
export { downsampleImage } from "./downsampleImage.js";
export { fft1d, fft2d, fftFrequency } from "./fft.js";
export { assertGreyImage, type GreyImage } from "./greyImage.js";
export { disposeLabelledData, makeLabelledData, type LabelledData } from "./labelledData.js";
export { splitLabelledData } from "./splitLabelledData.js";
export { normalizeForSigmoid, type NormalizeForSigmoidOptions } from "./normalizeForSigmoid.js";
export { Pca, type PcaOptions } from "./pca.js";
export { removePatchMean } from "./removePatchMean.js";
export {
  affineWarp,
  randomAffine,
  sampleAffineParams,
  type AffineImageOptions,
  type AffineParams,
  type RandomAffineOptions,
} from "./randomAffine.js";
export { samplePatches, type SamplePatchesOptions } from "./samplePatches.js";
export { sphereBand, sphereDataset, sphereSector, type SphereDataset, type SphereDatasetOptions } from "./sphereDataset.js";
export { symmetricEigen, type SymmetricEigen } from "./symmetricEigen.js";
export { whitenImage, type WhitenImageOptions } from "./whitenImage.js";
export { Whitening, type WhiteningOptions } from "./whitening.js";
