import { SparsekitError } from "../validation/SparsekitError.js";
import type { Experiment } from "./Experiment.js";
import { saePatches } from "./saePatches.js";
import { saeMnist } from "./saeMnist.js";
import { sataeMnist } from "./sataeMnist.js";
import { sphereWidth } from "./sphereWidth.js";
import { sphereLambda } from "./sphereLambda.js";
import { ovrMlpMnist } from "./ovrMlpMnist.js";
import { ovrEncoderMnist } from "./ovrEncoderMnist.js";
import { entropyMnist } from "./entropyMnist.js";
import { masksMnist } from "./masksMnist.js";

/** Every experiment `sparsekit run <name>` knows, by name. */
export const experimentRegistry: Record<string, Experiment> = {
  // one line per experiment, e.g.  [saePatches.name]: saePatches as unknown as Experiment,
  [saePatches.name]: saePatches as unknown as Experiment,
  [saeMnist.name]: saeMnist as unknown as Experiment,
  [sataeMnist.name]: sataeMnist as unknown as Experiment,
  [sphereWidth.name]: sphereWidth as unknown as Experiment,
  [sphereLambda.name]: sphereLambda as unknown as Experiment,
  [ovrMlpMnist.name]: ovrMlpMnist as unknown as Experiment,
  [ovrEncoderMnist.name]: ovrEncoderMnist as unknown as Experiment,
  [entropyMnist.name]: entropyMnist as unknown as Experiment,
  [masksMnist.name]: masksMnist as unknown as Experiment,
};

export function getExperiment(name: string): Experiment {
  const e = experimentRegistry[name];
  if (!e) {
    const known = Object.keys(experimentRegistry);
    throw new SparsekitError(`unknown experiment '${name}'; known experiments: ${known.length ? known.join(", ") : "(none)"}.`);
  }
  return e;
}
