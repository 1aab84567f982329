// GFLOP/s of the products the slow workloads spend their time in, on sparsekit's wasm backend and
// in PyTorch (bench/reference/kernel_rates.py), one after the other: the numbers behind the README's
// "what holds the rest back". Run: npx tsx bench/kernelRates.ts
import { execFileSync } from "node:child_process";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend/node.js";
import { findPython } from "../src/bench/pytorchReference.js";
import { median } from "../src/bench/timeSteps.js";

/** name, FLOPs, and the op on fixed random inputs. */
const CASES: [string, number, () => () => tf.Tensor][] = [
  ["matmul 250x256 . 256x256 (LCA, FISTA)", 2 * 250 * 256 * 256, () => {
    const a = tf.randomNormal([250, 256]), b = tf.randomNormal([256, 256]);
    return () => tf.matMul(a, b);
  }],
  ["matmul 250x1200 . 1200x1200 (entropy MLP)", 2 * 250 * 1200 * 1200, () => {
    const a = tf.randomNormal([250, 1200]), b = tf.randomNormal([1200, 1200]);
    return () => tf.matMul(a, b);
  }],
  ["conv2d 128x14x14x32 * 3x3x32x64 same (CNN layer 2)", 2 * 128 * 14 * 14 * 9 * 32 * 64, () => {
    const x = tf.randomNormal([128, 14, 14, 32]) as tf.Tensor4D, w = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
    return () => tf.conv2d(x, w, 1, "same");
  }],
];

await initBackend({ backend: "wasm" });
const python = findPython();
for (const [name, flops, make] of CASES) {
  const op = make();
  for (let i = 0; i < 3; i++) op().dataSync();
  const ms: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    const r = op();
    r.dataSync();
    ms.push(performance.now() - t0);
    r.dispose();
  }
  const torch = JSON.parse(
    execFileSync(python, [path.join(import.meta.dirname, "reference", "kernel_rates.py"), name.split(" (")[0]], { encoding: "utf8" }).trim(),
  ) as { ms: number };
  const rate = (m: number) => (flops / m / 1e6).toFixed(1);
  console.log(`${name}: wasm ${median(ms).toFixed(2)} ms = ${rate(median(ms))} GFLOP/s; PyTorch 1 thread ${torch.ms.toFixed(2)} ms = ${rate(torch.ms)} GFLOP/s`);
}
