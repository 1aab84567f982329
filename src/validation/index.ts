export { SparsekitError } from "./SparsekitError.js";
export { valueChecksActive, withoutValueChecks, DEFAULT_VALUE_CHECK_EVERY } from "./valueChecks.js";
