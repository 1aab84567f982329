import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { barChart } from "../../src/report/barChart.js";
import { errorBandChart } from "../../src/report/errorBandChart.js";
import { histogramChart } from "../../src/report/histogramChart.js";
import { imageGrid } from "../../src/report/imageGrid.js";
import { lineChart } from "../../src/report/lineChart.js";
import { maskOverlayGrid } from "../../src/report/maskOverlayGrid.js";
import { readRunReport } from "../../src/report/readRunReport.js";
import { reconstructionGrid } from "../../src/report/reconstructionGrid.js";
import { RunReport, type RunReportFiles } from "../../src/report/RunReport.js";
import { scatterChart } from "../../src/report/scatterChart.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { chromiumPresent, CHROMIUM, launchChromium } from "../helpers/chromium.js";
import { decodePng, rgbAt } from "./pngTestUtils.js";
import { expectRenderableSvg } from "./svgAssertions.js";

if (!chromiumPresent) {
  console.warn(`RunReport browser test skipped: ${CHROMIUM} is absent (install Debian's chromium package to run it).`);
}

const config = { lr: 0.01, hidden: 32, optimizer: { name: "adam", beta1: 0.9 }, note: "<b>raw</b>" };
const epochs = [
  { trainLoss: 2.3, testLoss: 2.4, sparsity: 0.5 },
  { trainLoss: 1.1, testLoss: 1.3, sparsity: 0.62 },
  { trainLoss: 0.61, testLoss: NaN, sparsity: 0.7 },
  { trainLoss: 0.33, testLoss: 0.52, sparsity: 0.74 },
];
const metrics = { accuracy: 0.9731, worstLoss: Infinity, perClass: [0.9, 0.95, 1], nested: { dead: 3, tiny: 1.5e-9 } };
/** Four 3x3 images with known values: the 2x2 grid below is checked pixel by pixel. */
const known = [0, 1, 2, 3].map((k) => Float32Array.from({ length: 9 }, (_, p) => (k * 9 + p) / 35));

async function fakeRun(dir: string): Promise<RunReportFiles> {
  const report = new RunReport(dir, {
    title: "Fake run <script>alert(1)</script>",
    description: "A tiny fake run exercising every part of the report layer.",
    config,
    seed: 1234,
    backend: "cpu",
  });
  for (const e of epochs) report.recordEpoch(e);
  report.setMetrics(metrics);
  report.addSection("Training");
  report.addPlot(
    "Loss curves",
    lineChart([report.epochSeries("trainLoss", "train"), report.epochSeries("testLoss", "test")], { logY: true, xTitle: "epoch", yTitle: "loss" }),
    "Train and test loss; the NaN test loss at epoch 3 is a gap.",
  );
  report.addPlot("Seeds", errorBandChart([{ name: "ovr", runs: [[3, 2, 1], [3.2, 2.1, 1.2], [2.9, 1.8, 0.9]] }]), "Mean ± std over 3 seeds.");
  report.addSection("Codes");
  report.addPlot("Activations", histogramChart(Array.from({ length: 300 }, (_, i) => Math.max(0, Math.sin(i))), { bins: 15 }), "Histogram.");
  report.addPlot("Lifetime sparsity", barChart([0.9, 0.4, 0.75, 0.6], { domain: [0, 1] }), "Per unit.");
  report.addPlot("Sparsity vs accuracy", scatterChart([{ name: "runs", x: [0.5, 0.6, 0.7], y: [0.9, 0.93, 0.91] }]), "One point per run.");
  report.addImage("Known grid", imageGrid(known, { rows: 2, cols: 2, padding: 1, normalize: "none", padColor: [255, 0, 255] }), "2x2 grid of 3x3 images.");
  const filters = tf.randomNormal([16, 7, 7], 0, 1, "float32", 7);
  report.addImage("Filters", imageGrid(filters, { scale: 6 }), "Signed filters, 0 = mid-grey.");
  const x = tf.randomUniform([5, 8, 8], 0, 1, "float32", 8);
  const xr = tf.tidy(() => tf.clipByValue(tf.add(x, 0.15), 0, 1));
  report.addImage("Reconstructions", reconstructionGrid(x, xr, { scale: 5 }), "Inputs above reconstructions.");
  report.addImage("Mask", maskOverlayGrid(x, [Float32Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0))], { scale: 5 }), "Left half kept.");
  tf.dispose([filters, x, xr]);
  report.addTable("Per class", [{ cls: 0, acc: 0.91 }, { cls: 1, acc: NaN, note: "a<b" }], "Accuracy per class.");
  report.addText("Notes", "Paragraph <one>.\n\nParagraph two.");
  await report.time("evaluate", () => 42);
  return report.write();
}

describe("RunReport", () => {
  let dir: string;
  let files: RunReportFiles;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "run-report-"));
    files = await fakeRun(dir);
  });

  it("writes one directory with the JSON, the page and one file per figure", async () => {
    const listing = (await readdir(dir)).sort();
    expect(listing).toEqual(
      [
        "fig01-loss-curves.svg", "fig01-loss-curves.vl.json", "fig02-seeds.svg", "fig02-seeds.vl.json",
        "fig03-activations.svg", "fig03-activations.vl.json", "fig04-lifetime-sparsity.svg", "fig04-lifetime-sparsity.vl.json",
        "fig05-sparsity-vs-accuracy.svg", "fig05-sparsity-vs-accuracy.vl.json", "fig06-known-grid.png", "fig07-filters.png",
        "fig08-reconstructions.png", "fig09-mask.png", "index.html", "report.json",
      ].sort(),
    );
    expect(files.plots).toHaveLength(5);
    expect(files.images).toHaveLength(4);
    for (const f of [files.json, files.html, ...files.plots, ...files.specs, ...files.images]) expect(existsSync(f)).toBe(true);
  });

  it("report.json parses, carries every number and round-trips the non-finite ones", async () => {
    const raw = JSON.parse(await readFile(files.json, "utf8"));
    expect(raw.format).toBe("sparsekit-run-report");
    expect(raw.seed).toBe(1234);
    expect(raw.backend).toBe("cpu");
    expect(raw.config).toEqual(config);
    expect(raw.epochs[2]).toEqual({ epoch: 3, trainLoss: 0.61, testLoss: "NaN", sparsity: 0.7 });
    expect(raw.nonFiniteNumbers).toEqual(expect.arrayContaining(["/epochs/2/testLoss", "/metrics/worstLoss"]));
    expect(raw.nonFiniteEncoding).toMatch(/strings "NaN", "Infinity" and "-Infinity"/);
    expect(raw.timingsMs.evaluate).toBeGreaterThanOrEqual(0);
    expect(raw.timingsMs.wallClock).toBeGreaterThan(0);
    expect(raw.contents.filter((c: { kind: string }) => c.kind === "plot")).toHaveLength(5);
    const back = await readRunReport(dir);
    expect(back.epochs).toEqual(epochs.map((e, i) => ({ epoch: i + 1, ...e })));
    expect(back.metrics).toEqual(metrics);
    expect(back.config).toEqual(config);
  });

  it("every SVG parses as XML and draws marks", async () => {
    for (const f of files.plots) expectRenderableSvg(await readFile(f, "utf8"));
    const spec = JSON.parse(await readFile(files.specs[0], "utf8"));
    expect(spec.data.values).toHaveLength(8);
  });

  it("every PNG decodes; the known grid has the exact size and pixels", async () => {
    for (const f of files.images) {
      const img = decodePng(await readFile(f));
      expect(img.width).toBeGreaterThan(0);
      expect(img.height).toBeGreaterThan(0);
    }
    const grid = decodePng(await readFile(files.images[0]));
    expect([grid.width, grid.height]).toEqual([9, 9]);
    expect(rgbAt(grid, 0, 0)).toEqual([255, 0, 255]);
    for (let tile = 0; tile < 4; tile++) {
      for (let p = 0; p < 9; p++) {
        const x = 1 + (tile % 2) * 4 + (p % 3);
        const y = 1 + Math.floor(tile / 2) * 4 + Math.floor(p / 3);
        const g = Math.round(255 * known[tile][p]);
        expect(rgbAt(grid, x, y)).toEqual([g, g, g]);
      }
    }
    expect(decodePng(await readFile(files.images[1])).width).toBe((4 * 8 + 1) * 6);
  });

  it("index.html references only files that exist and loads nothing from the network", async () => {
    const html = await readFile(files.html, "utf8");
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((r) => !r.startsWith("#"));
    expect(refs.length).toBeGreaterThanOrEqual(2 * 9 + 5 + 1);
    for (const ref of refs) {
      expect(ref).not.toMatch(/^[a-z]+:|^\/|\.\./i);
      expect(existsSync(join(dir, ref))).toBe(true);
    }
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("Fake run &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;raw&lt;/b&gt;");
    expect(html.match(/<figure/g)).toHaveLength(9);
  });

  it("validates its arguments at the call", () => {
    expect(() => new RunReport("", { title: "t" })).toThrow(/RunReport: argument 'dir' must be a non-empty directory path/);
    expect(() => new RunReport("/tmp/x", { title: "" })).toThrow(/option 'title' must be a non-empty string/);
    expect(() => new RunReport("/tmp/x", { title: "t", sed: 1 } as never)).toThrow(/unknown option 'sed'/);
    expect(() => new RunReport("/tmp/x", { title: "t", seed: 1.5 })).toThrow(/option 'seed' must be an integer, a string or null/);
    const r = new RunReport("/tmp/x", { title: "t" });
    r.addTable("T", [{ a: 1 }]);
    expect(() => r.addTable("T", [{ a: 2 }])).toThrow(/addTable: argument 'name' must be unique in the report; "T" was already used by a addTable/);
    expect(() => r.addImage("img", Uint8Array.from([1, 2, 3]))).toThrow(/addImage: argument 'png' must be a valid PNG image/);
    expect(() => r.addPlot("p", { mark: "nope" } as never)).toThrow(SparsekitError);
    expect(() => r.addPlot("???", lineChart([{ name: "a", y: [1] }]))).toThrow(/must contain at least one ASCII letter/);
    const t = tf.scalar(1);
    expect(() => r.setMetrics({ acc: t })).toThrow(/setMetrics: argument 'metrics'.*tf\.Tensor/);
    t.dispose();
    expect(() => r.recordEpoch({ loss: [1, 2] } as never)).toThrow(/record\.loss' must be a number, string, boolean or null/);
    expect(() => r.epochSeries("loss")).toThrow(/never recorded/);
    expect(() => r.recordTiming("x", -1)).toThrow(/argument 'ms' must be a finite number >= 0/);
  });

  it("copies inputs at the call and sums repeated timings", async () => {
    const d = await mkdtemp(join(tmpdir(), "run-report-"));
    const r = new RunReport(d, { title: "copy" });
    const m = { acc: 0.5 };
    r.setMetrics(m);
    m.acc = 0.9;
    r.recordTiming("eval", 10).recordTiming("eval", 5);
    r.recordEpoch({ loss: 1 }).recordEpoch({ epoch: 10, loss: 2 });
    await r.write();
    const back = await readRunReport(d);
    expect(back.metrics.acc).toBe(0.5);
    expect(back.timingsMs.eval).toBe(15);
    expect(back.epochs.map((e) => e.epoch)).toEqual([1, 10]);
    await rm(d, { recursive: true });
  });

  it("shows the given time rows in the page summary instead of its own wall clock", async () => {
    const d = await mkdtemp(join(tmpdir(), "run-report-"));
    const r = new RunReport(d, { title: "collected" });
    expect(() => r.setTimeSummary([["trials (s)", Number.NaN]])).toThrow(/finite number >= 0/);
    r.setTimeSummary([["trials, summed (s)", 123.5]]);
    const files = await r.write();
    const html = readFileSync(files.html, "utf8");
    expect(html).toContain("trials, summed (s)");
    expect(html).not.toContain("wall clock (s)");
    await rm(d, { recursive: true });
  });

  it.skipIf(!chromiumPresent)("renders in headless Chromium from file:// with every figure visible", async () => {
    const browser = await launchChromium({ webgl: false, viewport: { width: 1100, height: 900 } });
    const context = browser.context;
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      const problems: string[] = [];
      page.on("request", (r) => requested.push(r.url()));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      await page.goto(pathToFileURL(files.html).href, { waitUntil: "load" });
      const images = await page.evaluate(() =>
        [...document.images].map((img) => ({
          src: img.getAttribute("src"),
          ok: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0,
          box: img.getBoundingClientRect().width * img.getBoundingClientRect().height,
        })),
      );
      expect(images).toHaveLength(9);
      for (const img of images) {
        expect(img.ok, `${img.src} did not load`).toBe(true);
        expect(img.box).toBeGreaterThan(0);
      }
      expect(await page.locator("h2").allInnerTexts()).toEqual(["Training", "Codes", "Final metrics", "Configuration", "Per-epoch log", "Timings"]);
      await page.screenshot({ path: "/tmp/report-screenshot.png", fullPage: true });
      for (const svgFile of files.plots) {
        await page.goto(pathToFileURL(svgFile).href, { waitUntil: "load" });
        const drawn = await page.evaluate(() => {
          const root = document.documentElement.getBoundingClientRect();
          const marks = [...document.querySelectorAll('path[role="graphics-symbol"]')] as SVGGraphicsElement[];
          const visible = marks.filter((m) => {
            const b = m.getBBox();
            return b.width > 0 || b.height > 0;
          });
          return { tag: document.documentElement.tagName, w: root.width, h: root.height, visible: visible.length };
        });
        expect(drawn.tag).toBe("svg");
        expect(drawn.w * drawn.h).toBeGreaterThan(0);
        expect(drawn.visible, `${svgFile} has no visible marks`).toBeGreaterThan(0);
      }
      expect(requested.every((u) => u.startsWith("file://")), requested.join(", ")).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("RunReport lead layout", () => {
  async function leadRun(dir: string): Promise<RunReportFiles> {
    const r = new RunReport(dir, { title: "Lead", description: "What the run tests.", config: { a: 1, nested: { b: 2 } }, seed: 0 });
    for (let e = 0; e < 3; e++) r.recordEpoch(Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`quiteLongColumnName${k}`, 1 / (e + k + 1)])));
    r.setMetrics({
      accuracy: 0.9,
      byMethod: { ovr: { accuracy: 0.91, hoyer: 0.4 }, dropout: { accuracy: 0.9, hoyer: 0.2 } },
      rows: [{ lambda: 1, acc: 0.9 }, { lambda: 2, acc: 0.8 }],
      history: Array.from({ length: 50 }, (_, i) => i),
    });
    r.setHeadline("The finding, in one sentence.");
    r.addSection("Curves");
    r.addPlot("loss", lineChart([{ name: "loss", y: [100, 1, 0.5] }], { logY: "auto" }), "Loss.");
    r.addImage("filters", imageGrid(known, { scale: 8 }), "Headline figure.", { lead: true });
    r.addTable("summary", [{ method: "ovr", accuracy: "0.91 ± 0.01", baseline: 0.9 }], "Summary.", { lead: true });
    const row = imageGrid(known, { rows: 1, cols: 4, scale: 4 });
    r.addImageRows("grid", [{ label: "method A", png: row }, { label: "method B", png: row }], "Labelled rows.", { columnLabels: ["1%", "2%", "5%", "10%"] });
    const wide = (m: string) => ({ method: m, ...Object.fromEntries(Array.from({ length: 18 }, (_, k) => [`accuracy at budget ${k}`, 0.123456789 * (k + 1)])), note: "a sentence that wraps in its cell" });
    r.addTable("every run", [wide("straight-through estimator + budget"), wide("Hard Concrete")], "Wider than the page.");
    return r.write();
  }

  it("puts the headline, the lead figure and the summary first, metrics as numbers and tables", async () => {
    const d = await mkdtemp(join(tmpdir(), "run-report-lead-"));
    const files = await leadRun(d);
    const html = await readFile(files.html, "utf8");
    const at = (s: string) => html.indexOf(s);
    expect(at('<p class="headline">The finding')).toBeGreaterThan(0);
    expect(at("<strong>Figure 1.</strong> Headline figure.")).toBeGreaterThan(at('<p class="headline">'));
    expect(at("0.91 ± 0.01")).toBeGreaterThan(at("Headline figure."));
    expect(at('<p class="description">')).toBeGreaterThan(at("0.91 ± 0.01"));
    expect(at("<h2>Curves</h2>")).toBeGreaterThan(at('<p class="description">'));
    expect(at("<h2>Final metrics</h2>")).toBeGreaterThan(at("<h2>Curves</h2>"));
    expect(html).toContain("<caption>byMethod</caption>");
    expect(html).toContain("In report.json only: history (array of 50).");
    expect(html).toMatch(/<th scope="row">method A<\/th><td><img src="fig03-grid-r1.png"/);
    expect(files.images.map((f) => f.split("/").pop())).toEqual(["fig02-filters.png", "fig03-grid-r1.png", "fig03-grid-r2.png"]);
    const json = JSON.parse(await readFile(files.json, "utf8"));
    expect(json.headline).toBe("The finding, in one sentence.");
    expect(json.contents.find((c: { name: string }) => c.name === "grid").rows).toHaveLength(2);
    const spec = JSON.parse(await readFile(files.specs[0], "utf8"));
    expect(spec.encoding.y.scale).toEqual({ type: "log" });
    await rm(d, { recursive: true });
  });

  it.skipIf(!chromiumPresent)("has no horizontal scrolling at 1300 px and shows the lead first", async () => {
    const d = await mkdtemp(join(tmpdir(), "run-report-lead-"));
    const files = await leadRun(d);
    const browser = await launchChromium({ webgl: false });
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1300, height: 900 });
      await page.goto(pathToFileURL(files.html).href, { waitUntil: "load" });
      const m = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        loaded: [...document.images].every((i) => i.complete && i.naturalWidth > 0),
        headlineY: document.querySelector("p.headline")!.getBoundingClientRect().top,
        firstFigureY: document.querySelector("figure")!.getBoundingClientRect().top,
        curvesY: document.querySelector("h2")!.getBoundingClientRect().top,
        boxesScrolling: (() => {
          for (const d of document.querySelectorAll("details")) d.open = true;
          return [...document.querySelectorAll("div.scroll")].filter((b) => b.scrollWidth > b.clientWidth).length;
        })(),
      }));
      expect(m.boxesScrolling).toBe(0);
      expect(m.scroll).toBeLessThanOrEqual(m.client);
      expect(m.loaded).toBe(true);
      expect(m.headlineY).toBeLessThan(m.firstFigureY);
      expect(m.firstFigureY).toBeLessThan(m.curvesY);
      expect(m.firstFigureY).toBeLessThan(900);
      await page.screenshot({ path: "/tmp/report-lead-screenshot.png", fullPage: true });
    } finally {
      await browser.close();
      await rm(d, { recursive: true });
    }
  });
});
