export { VariableModel } from "./VariableModel.js";
export { corruptInput, CORRUPTION_KINDS, type CorruptInputOptions, type CorruptionKind } from "./corruptInput.js";
