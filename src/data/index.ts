// Data layer (SPEC.md §1.2, §4): data sets, loaders, image preprocessing, PCA and whitening.
export { CIFAR10_CLASSES, loadCifar10, loadCifar10Batch, type LoadCifar10Options } from "./cifar10.js";
export { covarianceEigen, sampleCovariance, type CovarianceEigen } from "./covarianceEigen.js";
export { decodeJpegGrey, LUMA_WEIGHTS } from "./decodeJpegGrey.js";
export { downsampleImage } from "./downsampleImage.js";
export { fft1d, fft2d, fftFrequency } from "./fft.js";
export { assertGreyImage, type GreyImage } from "./greyImage.js";
export { encodeIdx, isGzip, loadIdxFile, readIdx, type IdxArray, type IdxDtype } from "./idx.js";
export { disposeLabelledData, type LabelledData } from "./labelledData.js";
export { DEFAULT_MNIST_SEED, loadMnist, MNIST_PACKAGE_SIZE, type LoadMnistOptions, type MnistSplit } from "./mnist.js";
export { loadMnistIdx, type LoadMnistIdxOptions } from "./mnistIdx.js";
export {
  loadNaturalImages,
  NATURAL_IMAGE_NAMES,
  NATURAL_IMAGES,
  type LoadNaturalImagesOptions,
  type NaturalImageName,
} from "./naturalImages.js";
export { normalizeForSigmoid, type NormalizeForSigmoidOptions } from "./normalizeForSigmoid.js";
export { Pca, type PcaOptions } from "./pca.js";
export type { DataSource } from "./readDataFile.js";
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
