import * as tf from "@tensorflow/tfjs";

/**
 * The tfjs cpu backend prints a "looks like you are running TensorFlow.js in Node.js ...
 * install our node backend" banner on its first tensor write. sparsekit picks its backend
 * itself (initBackend) and says so in `sparsekit info`, so the banner is noise. This marks the
 * cpu backend as already used; it touches only that one flag, every other tfjs warning stays.
 */
export function quietCpuBanner(): void {
  if (!tf.engine().registryFactory["cpu"]) return;
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: unknown } | null;
  if (cpu && typeof cpu.firstUse === "boolean") cpu.firstUse = false;
}
