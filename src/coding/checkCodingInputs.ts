import type * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBatchSize, assertFinite, assertRank, assertTensor, shapeString } from "../validation/tensorChecks.js";

/**
 * Checks the (x, Phi) pair of a sparse-coding solver: x is B x D (rows are samples), Phi is D x M
 * (one atom per column), both finite, with matching D.
 */
export function checkCodingInputs(x: unknown, phi: unknown, where: string): asserts x is tf.Tensor2D {
  assertTensor(x, where, "x");
  assertRank(x, where, "x", 2, "B x D: one sample per row");
  assertBatchSize(x, where, "x");
  assertFinite(x, where, "x");
  assertTensor(phi, where, "phi");
  assertRank(phi, where, "phi", 2, "D x M: one atom per column");
  assertBatchSize(phi, where, "phi");
  assertFinite(phi, where, "phi");
  if (phi.shape[0] !== x.shape[1]) {
    throw new SparsekitError(
      `${where}: argument 'phi' must have as many rows as x has columns (${x.shape[1]}), got shape ${shapeString(phi.shape)}.`,
    );
  }
}

/** Checks LCA's optional starting potentials: a finite B x M tensor for a batch of B samples and M atoms. */
export function checkInitialU(u: unknown, batch: number, atoms: number, where: string): asserts u is tf.Tensor2D {
  assertTensor(u, where, "initialU");
  if (u.rank !== 2 || u.shape[0] !== batch || u.shape[1] !== atoms) {
    throw new SparsekitError(`${where}: option 'initialU' must have shape [${batch}, ${atoms}] (B x M), got ${shapeString(u.shape)}.`);
  }
  assertFinite(u, where, "initialU");
}
