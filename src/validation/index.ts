export { SparsekitError } from "./SparsekitError.js";
