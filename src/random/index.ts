export { Rng, createRng, deriveSeed, type RngState, type Seed } from "./Rng.js";
