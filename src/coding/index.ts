export { applyThreshold, hardThreshold, softThreshold, THRESHOLDS, type Threshold } from "./threshold.js";
export { dictionaryUpdate, normalizeColumns } from "./dictionaryUpdate.js";
