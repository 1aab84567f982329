export { VariableModel } from "./VariableModel.js";
