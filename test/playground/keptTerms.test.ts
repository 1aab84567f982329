import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { KeptTerms } from "../../playground/src/trainers/keptTerms.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("KeptTerms", () => {
  it("keeps the latest terms, reads them once and frees them", async () => {
    const before = tf.memory().numTensors;
    const kept = new KeptTerms();
    tf.tidy(() => kept.keep({ a: tf.scalar(1) }));
    tf.tidy(() => kept.keep({ a: tf.scalar(2), b: tf.scalar(3) }));
    expect(await kept.read()).toEqual({ a: 2, b: 3 });
    expect(await kept.read()).toEqual({});
    tf.tidy(() => kept.keep({ c: tf.scalar(4) }));
    kept.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
