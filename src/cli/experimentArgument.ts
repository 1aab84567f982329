import type { Experiment } from "../experiments/Experiment.js";
import { getExperiment } from "../experiments/index.js";
import { readJsonFile } from "./readJsonFile.js";
import { UsageError } from "./UsageError.js";

/**
 * The `<experiment> [--config file]` pair that `run` and `sweep` share: the registered experiment
 * and the JSON object of config values (undefined without --config), as usage errors when wrong.
 */
export async function experimentArgument(
  name: string,
  configFile: unknown,
): Promise<{ experiment: Experiment; config: Record<string, unknown> | undefined }> {
  let experiment: Experiment;
  try {
    experiment = getExperiment(name);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (configFile === undefined) return { experiment, config: undefined };
  const data = await readJsonFile(String(configFile), "config file");
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError(`config file '${configFile}' must hold a JSON object of config values`);
  }
  return { experiment, config: data as Record<string, unknown> };
}
