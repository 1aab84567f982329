// Entry of the test bundle: the core as a web page gets it, exposed for page.evaluate.
import * as tf from "@tensorflow/tfjs";
import * as sparsekit from "../../src/index.js";

Object.assign(globalThis, { tf, sparsekit });
