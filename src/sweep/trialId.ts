import { hashJson } from "../experiments/canonicalJson.js";

/** Hex characters of a trial id (64 bits of SHA-256: collisions are negligible for any sweep). */
export const TRIAL_ID_LENGTH = 16;

/**
 * The deterministic id of a trial: a hash of the experiment name, the trial's config and its seed
 * (key order does not matter). The same trial gets the same id in every sweep, process and
 * machine, so its result directory <sweep>/trials/<id>/ is found again after any interruption.
 */
export function trialId(experiment: string, config: Record<string, unknown>, seed: number): string {
  return hashJson({ experiment, config, seed }).slice(0, TRIAL_ID_LENGTH);
}
