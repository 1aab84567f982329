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
import { lcaPatches } from "./lcaPatches.js";
import { sslcaMnist } from "./sslcaMnist.js";
import { hscPatches } from "./hscPatches.js";

/** Every experiment `sparsekit run <name>` knows, by name. */
export const experimentRegistry: Record<string, Experiment> = {
  // one line per experiment, e.g.  [saePatches.name]: saePatches,
  [saePatches.name]: saePatches,
  [saeMnist.name]: saeMnist,
  [sataeMnist.name]: sataeMnist,
  [sphereWidth.name]: sphereWidth,
  [sphereLambda.name]: sphereLambda,
  [ovrMlpMnist.name]: ovrMlpMnist,
  [ovrEncoderMnist.name]: ovrEncoderMnist,
  [entropyMnist.name]: entropyMnist,
  [masksMnist.name]: masksMnist,
  [lcaPatches.name]: lcaPatches,
  [sslcaMnist.name]: sslcaMnist,
  [hscPatches.name]: hscPatches,
};

export function getExperiment(name: string): Experiment {
  const e = experimentRegistry[name];
  if (!e) {
    const known = Object.keys(experimentRegistry);
    throw new SparsekitError(`unknown experiment '${name}'; known experiments: ${known.length ? known.join(", ") : "(none)"}.`);
  }
  return e;
}
