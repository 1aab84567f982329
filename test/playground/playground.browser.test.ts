import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODELS } from "../../playground/src/catalog.js";
import { chromiumPresent, CHROMIUM, launchChromium } from "../helpers/chromium.js";
import { serveDirectory, type StaticServer } from "../helpers/staticServer.js";

if (!chromiumPresent) {
  console.warn(`playground browser test skipped: ${CHROMIUM} is absent (install Debian's chromium package to run it).`);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const playgroundDir = join(root, "playground");
const distDir = join(playgroundDir, "dist");
const SCREENSHOT = join(root, "docs", "playground.png");

interface PageState {
  step: number;
  numTensors: number;
  history: { step: number; loss: number; stepsPerSecond: number; metrics?: Record<string, number> }[];
  timings: Record<string, number>;
}

async function state(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const sk = (window as unknown as { sparsekit: { tf: { memory(): { numTensors: number } }; playground: { loop: { steps: number }; history: PageState["history"]; timings: Record<string, number> } } }).sparsekit;
    return { step: sk.playground.loop.steps, numTensors: sk.tf.memory().numTensors, history: [...sk.playground.history], timings: { ...sk.playground.timings } };
  });
}

async function stepCounter(page: Page): Promise<number> {
  return Number(await page.textContent('[data-testid="step"]'));
}

/**
 * Clicks start and waits until the on-page step counter reaches `steps` and at least `readouts`
 * loss readouts were taken (a fast machine reaches the steps between two readouts), then pauses.
 */
async function trainUntil(page: Page, steps: number, timeoutMs: number, readouts = 0): Promise<void> {
  await page.click('[data-testid="start"]');
  await page.waitForFunction(
    ([n, r]) =>
      Number(document.querySelector('[data-testid="step"]')?.textContent) >= n &&
      (window as unknown as { sparsekit: { playground: { history: unknown[] } } }).sparsekit.playground.history.length >= r,
    [steps, readouts] as const,
    { timeout: timeoutMs, polling: 200 },
  );
  await page.click('[data-testid="pause"]');
  await page.waitForFunction(() => !(document.querySelector('[data-testid="start"]') as HTMLButtonElement).disabled);
}

/** Spread of the filter canvas' grey levels: 0 for a constant picture. */
async function canvasSpread(page: Page): Promise<{ width: number; height: number; std: number }> {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="filters"]') as HTMLCanvasElement;
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    let s2 = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      s += d[i];
      s2 += d[i] * d[i];
    }
    return { width: c.width, height: c.height, std: Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) };
  });
}

describe.skipIf(!chromiumPresent)("playground in headless Chromium", () => {
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  const problems: string[] = [];
  const rates: Record<string, number> = {};

  beforeAll(async () => {
    await build({ configFile: join(playgroundDir, "vite.config.ts"), logLevel: "warn" });
    server = await serveDirectory(distDir);
    browser = await launchChromium({ webgl: true, viewport: { width: 1400, height: 1000 } });
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (Object.keys(rates).length) console.log(`playground steps/s (sae-patches, headless Chromium): ${JSON.stringify(rates)}`);
  });

  async function open(query: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`${query}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`${query}: ${e.message}`));
    await page.goto(`${server.url}?${query}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return page;
  }

  for (const backend of ["webgl", "wasm"] as const) {
    it(`trains the KL sparse autoencoder for 100+ Adam steps on ${backend}`, async () => {
      const page = await open(`model=sae-patches&backend=${backend}&optimizer=adam&rho=0.05`);
      try {
        expect(await page.textContent('[data-testid="backend"]')).toBe(backend);
        expect(await stepCounter(page)).toBe(0);
        await trainUntil(page, 20, 40_000);
        const early = await state(page);
        await trainUntil(page, 110, 60_000, 6);
        const late = await state(page);
        expect(await stepCounter(page)).toBeGreaterThanOrEqual(110);
        expect(late.step).toBeGreaterThan(early.step);
        // Loss read back every few steps: the first readout is at the random start.
        const losses = late.history.map((h) => h.loss);
        expect(losses.length).toBeGreaterThan(3);
        const lastMean = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
        expect(lastMean).toBeLessThan(0.5 * losses[0]);
        expect(Number(await page.textContent('[data-testid="loss"]'))).toBeLessThan(losses[0]);
        const spread = await canvasSpread(page);
        expect(spread.width).toBeGreaterThan(20);
        expect(spread.std).toBeGreaterThan(5);
        // No tensor leaks: the count is flat between step ~20 and step 110+.
        expect(late.numTensors).toBeLessThanOrEqual(early.numTensors + 3);
        rates[backend] = Math.round(late.history.at(-1)!.stepsPerSecond);
        expect(late.timings.readyMs).toBeGreaterThan(0);
      } finally {
        await page.close();
      }
      expect(problems).toEqual([]);
    });
  }

  it("a weight changed mid-run takes effect at the next step and goes into the URL", async () => {
    const page = await open("model=sae-patches&backend=wasm&beta=3");
    try {
      await page.click('[data-testid="start"]');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')?.textContent) >= 5);
      await page.evaluate(() => {
        const range = document.querySelector("#param-beta") as HTMLInputElement;
        range.value = String(Number(range.max)); // beta = 10
        range.dispatchEvent(new Event("change"));
      });
      const before = await stepCounter(page);
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="step"]')?.textContent) >= n + 5, before);
      const seen = await page.evaluate(() => {
        const pg = (window as unknown as { sparsekit: { playground: { trainer: { model: { config: { sparsity: { beta: number } } } } } } }).sparsekit.playground;
        return { beta: pg.trainer.model.config.sparsity.beta, url: location.search };
      });
      expect(seen.beta).toBe(10);
      expect(seen.url).toContain("beta=10");
      await page.click('[data-testid="pause"]');
    } finally {
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it("L-BFGS (the default, as the Node demo) turns the filters into edges within a few hundred iterations on wasm", async () => {
    const page = await open("model=sae-patches&backend=wasm");
    try {
      await trainUntil(page, 300, 60_000);
      const s = await state(page);
      const losses = s.history.map((h) => h.loss);
      expect(losses.at(-1)!).toBeLessThan(0.6 * losses[0]);
      // Sparse codes: mean activation near rho = 0.01 (the metrics table).
      expect(s.history.at(-1)!.metrics!.meanActivation).toBeLessThan(0.05);
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
    }
    expect(problems).toEqual([]);
  });

  it("every model builds, takes steps and draws its grid on wasm", async () => {
    for (const model of MODELS) {
      const page = await open(`model=${model.id}&backend=wasm`);
      try {
        expect(await page.inputValue('[data-testid="model"]')).toBe(model.id);
        for (let i = 0; i < 2; i++) await page.click('[data-testid="step-once"]');
        await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')?.textContent) >= 2);
        expect((await canvasSpread(page)).std, model.id).toBeGreaterThan(1);
        expect(Number(await page.textContent('[data-testid="loss"]')), model.id).not.toBeNaN();
        expect(await page.textContent('[data-testid="status"]')).toBe("");
      } finally {
        await page.close();
      }
    }
    expect(problems).toEqual([]);
  });
});
