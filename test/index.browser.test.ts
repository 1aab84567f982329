import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sparsekit from "../src/index.js";
import { bundleCoreForBrowser } from "./helpers/bundleCore.js";
import { chromiumPresent, CHROMIUM, launchChromium } from "./helpers/chromium.js";
import { serveFiles } from "./helpers/staticServer.js";
import type { Download, Page } from "playwright-core";

if (!chromiumPresent) console.warn(`core browser test skipped: ${CHROMIUM} is absent (install Debian's chromium package to run it).`);

/** One objective call: registry name, options, and which input it takes. */
interface Case {
  name: string;
  options: Record<string, unknown>;
  input: "codes" | "preactivations" | "mask";
}

const CASES: Case[] = [
  { name: "l1", options: {}, input: "codes" },
  { name: "kl", options: { rho: 0.05 }, input: "codes" },
  { name: "kl", options: { rho: 0.3 }, input: "codes" },
  { name: "saturation", options: { activation: "relu" }, input: "preactivations" },
  { name: "saturation", options: { activation: "satlin" }, input: "preactivations" },
  { name: "saturation", options: { activation: "hardtanh" }, input: "preactivations" },
  { name: "ovr", options: {}, input: "codes" },
  { name: "ovr", options: { reduction: "mean", normalize: true }, input: "codes" },
  { name: "batchEntropy", options: { beta: -5, lambda: 1 }, input: "codes" },
  { name: "batchEntropy", options: { beta: -2, lambda: 0.5, batchTerm: "marginal" }, input: "codes" },
  { name: "maskArea", options: {}, input: "mask" },
  { name: "maskBinarization", options: {}, input: "mask" },
  { name: "maskTotalVariation", options: {}, input: "mask" },
];

interface Inputs {
  codes: { shape: number[]; values: number[] };
  preactivations: { shape: number[]; values: number[] };
  mask: { shape: number[]; values: number[] };
}

function makeInputs(): Inputs {
  const rng = sparsekit.createRng(20261206);
  const draw = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
  return {
    codes: { shape: [8, 6], values: draw(48, 0.02, 0.9) },
    // Away from the kinks of the saturation functions (0, 1, -1), where the two sides may disagree.
    preactivations: { shape: [8, 6], values: draw(48, -1.6, 1.6).map((v) => (Math.abs(v - Math.round(v)) < 0.05 ? v + 0.1 : v)) },
    mask: { shape: [3, 5, 5], values: draw(75, 0, 1) },
  };
}

/**
 * Value and gradient of every case. Self-contained (no closure), so the same source runs in Node
 * and, through page.evaluate, in the page.
 */
function evaluateCases(tfx: typeof tf, sk: typeof sparsekit, cases: Case[], inputs: Inputs): { value: number; grad: number[] }[] {
  return cases.map((c) => {
    const { shape, values } = inputs[c.input];
    const x = tfx.tensor(values, shape);
    const fn = sk.objectiveRegistry[c.name as keyof typeof sk.objectiveRegistry].fn;
    const { value, grad } = tfx.valueAndGrad((t: tf.Tensor) => fn(t, c.options))(x);
    const out = { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
    tfx.dispose([x, value, grad]);
    return out;
  });
}

function relativeError(got: number[], want: number[]): number {
  const scale = Math.max(...want.map(Math.abs), 1e-12);
  return Math.max(...got.map((g, i) => Math.abs(g - want[i]))) / scale;
}

describe.skipIf(!chromiumPresent)("the core entry in headless Chromium", () => {
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const bundle = await bundleCoreForBrowser({ entry: "test/helpers/coreBrowserEntry.ts", format: "iife" });
    const wasmDir = path.dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
    const files: Record<string, Uint8Array | string> = {
      "/index.html": '<!doctype html><meta charset="utf-8"><title>sparsekit core</title><script src="core.js"></script>',
      "/core.js": bundle.outputFiles[0].contents,
      "/favicon.ico": new Uint8Array(0),
    };
    for (const f of readdirSync(wasmDir).filter((n) => n.endsWith(".wasm"))) files[`/wasm/${f}`] = readFileSync(path.join(wasmDir, f));
    server = await serveFiles(files);
    browser = await launchChromium({ webgl: true });
    page = await browser.context.newPage();
    page.on("console", (m) => void (m.type() === "error" && consoleErrors.push(m.text())));
    page.on("pageerror", (e) => void consoleErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => "sparsekit" in globalThis);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function inPage(backend: string): Promise<{ backend: string; results: { value: number; grad: number[] }[] }> {
    return page.evaluate(
      async ({ backend, source, cases, inputs }) => {
        const g = globalThis as unknown as { tf: typeof tf; sparsekit: typeof sparsekit };
        const init = await g.sparsekit.initBackend({ backend: backend as "cpu", wasmPaths: new URL("wasm/", location.href).href });
        const run = new Function(`return (${source})`)() as typeof evaluateCases;
        return { backend: init.backend, results: run(g.tf, g.sparsekit, cases, inputs) };
      },
      { backend, source: evaluateCases.toString(), cases: CASES, inputs: makeInputs() },
    );
  }

  it("auto picks webgl first (WebGL2 through SwiftShader)", async () => {
    const chosen = await page.evaluate(async () => (await (globalThis as unknown as { sparsekit: typeof sparsekit }).sparsekit.initBackend()).backend);
    expect(chosen).toBe("webgl");
  });

  for (const [backend, tol] of [["cpu", 1e-5], ["wasm", 1e-4], ["webgl", 1e-3]] as const) {
    it(`every objective's value and gradient on ${backend} equal Node's cpu results (${tol} relative)`, async () => {
      await tf.setBackend("cpu");
      const want = evaluateCases(tf, sparsekit, CASES, makeInputs());
      const got = await inPage(backend);
      expect(got.backend).toBe(backend);
      CASES.forEach((c, i) => {
        const label = `${c.name} ${JSON.stringify(c.options)}`;
        expect(relativeError([got.results[i].value], [want[i].value]), `${label} value`).toBeLessThanOrEqual(tol);
        expect(relativeError(got.results[i].grad, want[i].grad), `${label} gradient`).toBeLessThanOrEqual(tol);
      });
    });
  }

  for (const backend of ["webgl", "wasm"] as const) {
    it(`trains 100 steps with an OVR penalty on ${backend} with flat tensor memory and few read-backs`, async () => {
      const out = await page.evaluate(async (backend) => {
        const g = globalThis as unknown as { tf: typeof tf; sparsekit: typeof sparsekit };
        const { tf: t, sparsekit: sk } = g;
        await sk.initBackend({ backend, wasmPaths: new URL("wasm/", location.href).href });
        const rng = sk.createRng(1);
        const w = t.variable(sk.glorotUniform([20, 32], rng));
        const v = t.variable(sk.glorotUniform([32, 20], rng));
        const x = t.randomUniform([64, 20], 0, 1, "float32", 2);
        const original = t.Tensor.prototype.dataSync;
        let readBacks = 0;
        t.Tensor.prototype.dataSync = function (this: tf.Tensor) {
          readBacks++;
          return original.call(this);
        } as typeof original;
        const counts: number[] = [];
        try {
          const history = await sk.train({
            variables: { w, v },
            lossTerms: ({ x: xb }) => {
              const h = t.relu(t.matMul(xb as tf.Tensor2D, w));
              return { mse: t.losses.meanSquaredError(xb, t.matMul(h, v)) as tf.Scalar, ovr: t.mul(1e-4, sk.ovrOverlap(h)) as tf.Scalar };
            },
            data: { x },
            epochs: 25,
            batchSize: 16,
            progress: "none",
            callbacks: { onBatchEnd: (info) => void (info.step % 10 === 0 && counts.push(t.memory().numTensors)) },
          });
          const losses = history.epochs.map((e) => e.loss);
          return { steps: history.steps, counts, readBacks, first: losses[0], last: losses[losses.length - 1], backend: t.getBackend() };
        } finally {
          t.Tensor.prototype.dataSync = original;
          t.dispose([w, v, x]);
        }
      }, backend);
      expect(out.backend).toBe(backend);
      expect(out.steps).toBe(100);
      expect(new Set(out.counts).size, `numTensors at steps 10..100: ${out.counts.join(", ")}`).toBe(1);
      expect(out.last).toBeLessThan(out.first);
      // Value checks on steps 1 and 50 and 100 only (three read-backs each at most).
      expect(out.readBacks).toBeLessThanOrEqual(9);
    });
  }

  it("saves a model in the page (indexeddb://, downloads://) and loads the download in Node", async () => {
    const downloads: Promise<string>[] = [];
    const dir = mkdtempSync(path.join(tmpdir(), "sparsekit-download-"));
    const onDownload = (d: Download) => void downloads.push(d.saveAs(path.join(dir, d.suggestedFilename())).then(() => d.suggestedFilename()));
    page.on("download", onDownload);
    const saved = await page.evaluate(async () => {
      const g = globalThis as unknown as { tf: typeof tf; sparsekit: typeof sparsekit };
      await g.sparsekit.initBackend({ backend: "cpu" });
      const model = g.sparsekit.SparseAutoencoder.create({ inputSize: 6, hiddenSize: 4, seed: 3 });
      await model.save("indexeddb://sparsekit-test-sae");
      const back = await g.sparsekit.SparseAutoencoder.load("indexeddb://sparsekit-test-sae");
      const same = Array.from(back.variables.W1.dataSync()).join() === Array.from(model.variables.W1.dataSync()).join();
      await model.save("downloads://sae");
      const w1 = Array.from(model.variables.W1.dataSync());
      model.dispose();
      back.dispose();
      return { same, w1 };
    });
    await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(2);
    expect((await Promise.all(downloads)).sort()).toEqual(["sae.json", "sae.weights.bin"]);
    page.off("download", onDownload);
    expect(saved.same).toBe(true);
    const loaded = await sparsekit.SparseAutoencoder.load(path.join(dir, "sae.json"));
    expect(Array.from(loaded.variables.W1.dataSync())).toEqual(saved.w1);
    expect(loaded.config.hiddenSize).toBe(4);
    loaded.dispose();
    expect(consoleErrors).toEqual([]);
  });
});
