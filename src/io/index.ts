export { writeFileAtomic } from "./atomicWrite.js";
export type { NamedTensor } from "./weightsFile.js";
export { readTensors, readWeightData, writeTensors, writeWeightData } from "./weightsFile.js";
export { loadTensorMap, saveTensorMap, TENSOR_MAP_FORMAT } from "./tensorMap.js";
export type { LoadedTensorMap, TensorMapFile } from "./tensorMap.js";
export { directoryHandler, loadModelFromDirectory, saveModelToDirectory, MODEL_JSON, WEIGHTS_BIN } from "./modelDirectory.js";
export { packageRoot, packageVersion } from "./packageRoot.js";
