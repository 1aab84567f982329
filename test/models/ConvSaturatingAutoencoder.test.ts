import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { ConvSaturatingAutoencoder } from "../../src/models/ConvSaturatingAutoencoder.js";
import { corruptInput } from "../../src/models/corruptInput.js";
import { createRng } from "../../src/random/index.js";
import { checkGradient } from "../../src/verify/gradientCheck.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** n images side x side x 1 with a bright bar (horizontal or vertical) at a random place, plus noise. */
function bars(n: number, side: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const v = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const vertical = rng.next() < 0.5;
    const at = 1 + Math.floor(rng.next() * (side - 2));
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const on = vertical ? x === at : y === at;
        v[i * side * side + y * side + x] = Math.min(1, Math.max(0, (on ? 0.9 : 0) + 0.05 * rng.normal()));
      }
    }
  }
  return tf.tensor4d(v, [n, side, side, 1]);
}

describe("ConvSaturatingAutoencoder", () => {
  it("encodes and decodes like tfjs conv2d / conv2dTranspose (same and valid padding)", () => {
    const x = tf.randomUniform([3, 9, 8, 2], 0, 1, "float32", 1) as tf.Tensor4D;
    for (const padding of ["same", "valid"] as const) {
      const m = ConvSaturatingAutoencoder.create({ height: 9, width: 8, channels: 2, filters: 3, kernelSize: 3, padding, activation: "relu", seed: 2 });
      m.variables.b.assign(tf.tensor1d([0.1, -0.1, 0.2]));
      m.variables.c.assign(tf.tensor1d([0.05, -0.05]));
      const h = m.encode(x);
      const hRef = tf.relu(tf.add(tf.conv2d(x, m.variables.K as tf.Variable<tf.Rank.R4>, 1, padding), m.variables.b));
      expect(h.shape).toEqual(padding === "same" ? [3, 9, 8, 3] : [3, 7, 6, 3]);
      expect(m.mapShape).toEqual(padding === "same" ? [9, 8] : [7, 6]);
      expect(tf.max(tf.abs(tf.sub(h, hRef))).dataSync()[0]).toBeLessThan(1e-5);
      const xh = m.decode(h);
      const xhRef = tf.add(tf.conv2dTranspose(hRef as tf.Tensor4D, m.variables.K as tf.Variable<tf.Rank.R4>, [3, 9, 8, 2], 1, padding), m.variables.c);
      expect(xh.shape).toEqual([3, 9, 8, 2]);
      expect(tf.max(tf.abs(tf.sub(xh, xhRef))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([h, hRef, xh, xhRef]);
      m.dispose();
    }
    x.dispose();
  });

  it("rejects bad options and inputs", () => {
    expect(() => ConvSaturatingAutoencoder.create({ height: 8, width: 8, filters: 2, kernelSize: 4 })).toThrow(/kernelSize' must be odd/);
    expect(() => ConvSaturatingAutoencoder.create({ height: 8, width: 8, filters: 2, kernelSize: 9, padding: "valid" })).toThrow(/fit in the 8 x 8 image/);
    expect(() => ConvSaturatingAutoencoder.create({ height: 8, width: 8, filters: 0, kernelSize: 3 })).toThrow(/filters/);
    const m = ConvSaturatingAutoencoder.create({ height: 8, width: 8, filters: 2, kernelSize: 3 });
    const flat = tf.zeros([2, 64]);
    expect(() => m.encode(flat)).toThrow(/ConvSaturatingAutoencoder.encode: argument 'x' must be a rank 4 tensor/);
    const wrong = tf.zeros([2, 8, 7, 1]);
    expect(() => m.reconstruct(wrong)).toThrow(/must have shape \[B, 8, 8, 1\], got \[2, 8, 7, 1\]/);
    const h = tf.zeros([1, 8, 8, 3]);
    expect(() => m.decode(h)).toThrow(/argument 'h' must have shape \[B, 8, 8, 2\]/);
    tf.dispose([flat, wrong, h]);
    m.dispose();
  });

  it("decreases the loss on a tiny problem (satlin, masking noise)", async () => {
    const x = bars(48, 10, 3);
    const m = ConvSaturatingAutoencoder.create({ height: 10, width: 10, filters: 4, kernelSize: 3, alpha: 0.01, denoising: { kind: "masking", level: 0.2 }, seed: 4 });
    const before = m.loss(x);
    const history = await m.fit(x, { epochs: 15, batchSize: 16, optimizer: { name: "adam", learningRate: 0.02 }, seed: 5 });
    const after = m.loss(x);
    expect(after).toBeLessThan(0.5 * before);
    expect(history.epochs[14].loss).toBeLessThan(history.epochs[0].loss);
    expect(m.relativeChange("K")).toBeGreaterThan(0.05);
    x.dispose();
    m.dispose();
  });

  it("has gradients equal to finite differences (same/valid, tied/untied, 2 channels)", () => {
    const x = tf.randomUniform([2, 5, 4, 2], 0, 1, "float32", 6) as tf.Tensor4D;
    const noiseSeed = 3;
    const cases = [
      { padding: "same", tied: true, activation: "satlin" },
      { padding: "valid", tied: false, activation: "relu" },
      { padding: "valid", tied: true, activation: "satlin" },
    ] as const;
    for (const c of cases) {
      const denoising = { kind: "gaussian" as const, level: 0.1 };
      const m = ConvSaturatingAutoencoder.create({
        height: 5, width: 4, channels: 2, filters: 3, kernelSize: 3, ...c, alpha: 0.3, weightDecay: 0.02,
        decoderOutput: c.tied ? "linear" : "sigmoid", denoising, seed: 7,
      });
      // Keep every pre-activation >= 0.004 from the corners of f and f_c (finite differences straddling
      // a corner are not a gradient; eps = 1e-3 moves z by < 2e-3): pick the first of some seeded
      // bias vectors that does.
      const kinks = c.activation === "satlin" ? [0, 0.5, 1] : [0];
      const xc = corruptInput(x, { ...denoising, seed: noiseSeed });
      const rng = createRng(8);
      let margin = 0;
      for (let attempt = 0; attempt < 500 && margin < 0.004; attempt++) {
        m.variables.b.assign(tf.tensor1d(Array.from({ length: 3 }, () => rng.next() * 1.2 - 0.3)));
        const z = m.preActivations(xc);
        margin = Math.min(...Array.from(z.dataSync(), (v) => Math.min(...kinks.map((k) => Math.abs(v - k)))));
        z.dispose();
      }
      expect(margin).toBeGreaterThanOrEqual(0.004);
      for (const name of Object.keys(m.variables)) {
        const f = (p: tf.Tensor) => tf.addN(Object.values(m.lossTerms(x, { noiseSeed, params: { [name]: p } })));
        // Kdec and c do not move z: a larger step there has less float32 rounding noise.
        const r = checkGradient(f, m.variables[name], { eps: name === "K" || name === "b" ? 1e-3 : 1e-2 });
        expect(Math.hypot(...r.analytic)).toBeGreaterThan(0);
        expect(r.relativeError, `${JSON.stringify(c)} ${name}`).toBeLessThan(2e-3);
      }
      xc.dispose();
      m.dispose();
    }
    x.dispose();
  });

  it("saves and loads: same outputs, config and relative change", async () => {
    const x = bars(16, 8, 9);
    const m = ConvSaturatingAutoencoder.create({ height: 8, width: 8, filters: 2, kernelSize: 3, tied: false, padding: "valid", activation: "relu" });
    await m.fit(x, { epochs: 2, batchSize: 8 });
    const dir = mkdtempSync(join(tmpdir(), "csatae-"));
    await m.save(dir);
    const back = await ConvSaturatingAutoencoder.load(dir);
    expect(back.config).toEqual(m.config);
    const a = m.reconstruct(x);
    const b = back.reconstruct(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(back.relativeChange("K")).toBeCloseTo(m.relativeChange("K"), 6);
    await expect(ConvSaturatingAutoencoder.load(join(dir, "missing"))).rejects.toThrow();
    tf.dispose([a, b, x]);
    m.dispose();
    back.dispose();
  });

  it("raises the saturated fraction of map positions with a large alpha", async () => {
    const x = bars(64, 10, 10);
    const test = bars(32, 10, 11);
    const fraction = async (alpha: number) => {
      const m = ConvSaturatingAutoencoder.create({ height: 10, width: 10, filters: 4, kernelSize: 3, alpha, seed: 12 });
      await m.fit(x, { epochs: 12, batchSize: 16, optimizer: { name: "adam", learningRate: 0.02 }, seed: 1 });
      const f = m.saturation(test).total;
      m.dispose();
      return f;
    };
    const f0 = await fraction(0);
    const f1 = await fraction(0.2);
    expect(f1).toBeGreaterThan(f0 + 0.1);
    tf.dispose([x, test]);
  });
});
