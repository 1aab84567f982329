import * as tf from "@tensorflow/tfjs";
import { train } from "./src/train/train.js";
await tf.setBackend("cpu");
const x = tf.randomUniform([40, 3], -1, 1, "float32", 11) as tf.Tensor2D;
const y = tf.randomUniform([40, 2], -1, 1, "float32", 12) as tf.Tensor2D;
const v = { w1: tf.variable(tf.randomNormal([3, 8]), true, "w1"), b1: tf.variable(tf.zeros([8]), true, "b1"), w2: tf.variable(tf.randomNormal([8, 2]), true, "w2") };
for (const epochs of [1, 5, 30]) {
const t0 = performance.now();
let last = t0; const times: number[] = [];
await train({ variables: v, data: { x, y }, epochs, batchSize: 8, progress: "none", optimizer: { name: "adam", learningRate: 0.03 },
  callbacks: { onBatchEnd: () => { const t = performance.now(); times.push(t - last); last = t; } },
  lossTerms: ({ x, y }) => { const h = tf.tanh(tf.add(tf.matMul(x as tf.Tensor2D, v.w1), v.b1)); return { mse: tf.losses.meanSquaredError(y!, tf.matMul(h, v.w2)) as tf.Scalar }; } });
console.log(epochs, (performance.now() - t0).toFixed(0), "ms", times.slice(0, 5).map(t => t.toFixed(1)).join(" "), "...", times.slice(-5).map(t => t.toFixed(1)).join(" "));
}
