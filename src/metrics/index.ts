export { deadUnitIndices, deadUnits } from "./deadUnits.js";
export { fractionZeros } from "./fractionZeros.js";
export { hoyerSparsity, hoyerSparsityPerSample } from "./hoyerSparsity.js";
export { lifetimeSparsity, lifetimeSparsityPerUnit } from "./lifetimeSparsity.js";
export { meanActiveUnits } from "./meanActiveUnits.js";
export { populationSparsity, populationSparsityPerSample } from "./populationSparsity.js";
export { DEFAULT_RELATIVE_TOL, defaultTol, type ToleranceOptions } from "./tolerance.js";
export type { Codes } from "./toCodesTensor.js";
