import * as tf from "@tensorflow/tfjs";
import { loadNaturalImages, removePatchMean, samplePatches, whitenImage, type NaturalImageName } from "../data/node.js";
import { deriveSeed } from "../random/index.js";

export interface WhitenedPatchSettings {
  images: NaturalImageName[];
  imageSize: number;
  patchSize: number;
  trainPatches: number;
  evalPatches: number;
  removeMean: boolean;
}

/**
 * The sparse-coding data path (lca-patches, hsc-patches): photographs whitened whole (1/f),
 * seeded patches (border 4: the Fourier whitening treats each image as periodic), optionally
 * each patch's mean removed; split into the first trainPatches and the next evalPatches rows.
 */
export function whitenedPatches(s: WhitenedPatchSettings, seed: number): { trainX: tf.Tensor2D; evalX: tf.Tensor2D } {
  const d = s.patchSize * s.patchSize;
  const whitened = loadNaturalImages({ names: s.images, maxSize: s.imageSize }).map((im) => whitenImage(im));
  const sampled = samplePatches(whitened, { size: s.patchSize, count: s.trainPatches + s.evalPatches, seed: deriveSeed(seed, "patches"), border: 4 });
  const all = s.removeMean ? removePatchMean(sampled) : sampled;
  if (all !== sampled) sampled.dispose();
  const split = {
    trainX: tf.slice(all, [0, 0], [s.trainPatches, d]) as tf.Tensor2D,
    evalX: tf.slice(all, [s.trainPatches, 0], [s.evalPatches, d]) as tf.Tensor2D,
  };
  all.dispose();
  return split;
}
