import * as tf from "@tensorflow/tfjs";
import { loadAssets, type Assets } from "./assets.js";
import { chooseBackend } from "./backend.js";
import { modelSpec, type ModelId } from "./catalog.js";
import * as core from "./core.js";
import { exportConfig, exportFileName } from "./exportConfig.js";
import { TrainingLoop } from "./loop.js";
import { formatValue, type ParamValue } from "./params.js";
import { defaultSettings, settingsFromUrl, settingsToParams, type BackendChoice, type Settings } from "./settings.js";
import { createTrainer } from "./trainers/createTrainer.js";
import type { Readout, Trainer } from "./trainers/Trainer.js";
import { StreamingHistogram, StreamingLineChart } from "./ui/charts.js";
import { renderModelSelect, renderParams } from "./ui/controls.js";
import { drawImageGrid } from "./ui/imageGrid.js";
import { renderMetricsTable } from "./ui/metricsTable.js";

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: element #${id} is missing`);
  return e as T;
}

const ui = {
  model: byId<HTMLSelectElement>("model"),
  about: byId("about"),
  params: byId("params"),
  start: byId<HTMLButtonElement>("start"),
  pause: byId<HTMLButtonElement>("pause"),
  stepOnce: byId<HTMLButtonElement>("step-once"),
  reset: byId<HTMLButtonElement>("reset"),
  step: byId("step"),
  loss: byId("loss"),
  rate: byId("rate"),
  backend: byId("backend"),
  backendDetail: byId("backend-detail"),
  backendSelect: byId<HTMLSelectElement>("backend-select"),
  filters: byId<HTMLCanvasElement>("filters"),
  gridCaption: byId("grid-caption"),
  lossChart: byId("loss-chart"),
  metricChart: byId("metric-chart"),
  histogram: byId("histogram"),
  metrics: byId<HTMLTableElement>("metrics"),
  exportButton: byId<HTMLButtonElement>("export"),
  exportNotes: byId("export-notes"),
  copyLink: byId<HTMLButtonElement>("copy-link"),
  status: byId("status"),
};

let settings: Settings = settingsFromUrl(location.href);
/** Start-up times (ms), for the page-load check. */
const timings: Record<string, number> = {};
/** Loss and throughput at each readout since the last reset (for tests and the console). */
const lossHistory: { step: number; loss: number; stepsPerSecond: number; metrics: Record<string, number> }[] = [];
let assets: Assets;
let trainer: Trainer | undefined;
let lossChart: StreamingLineChart | undefined;
let metricChart: StreamingLineChart | undefined;
/** Plot width of the charts (axes and legend add to it). */
const CHART_WIDTH = 310;
const histogram = new StreamingHistogram(ui.histogram, { title: "Activations (held-out)", xTitle: "value", width: CHART_WIDTH, height: 130, bins: 40 });

function status(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle("error", error);
}

/** Writes the setting into the address bar (a link reproduces it). */
function syncUrl(): void {
  history.replaceState(null, "", `?${settingsToParams(settings).toString()}`);
}

function onReadout(r: Readout, steps: number, rate: number): void {
  ui.step.textContent = String(steps);
  if (Object.keys(r.terms).length) lossHistory.push({ step: steps, loss: r.loss, stepsPerSecond: rate, metrics: r.metrics });
  if (Object.keys(r.terms).length) ui.loss.textContent = Number.isFinite(r.loss) ? r.loss.toPrecision(4) : String(r.loss);
  ui.rate.textContent = rate > 0 ? rate.toFixed(rate < 10 ? 1 : 0) : "–";
  if (trainer) renderMetricsTable(ui.metrics, r.terms, r.metrics, trainer.metricLabels);
  const charts: Promise<void>[] = [];
  if (Object.keys(r.terms).length && lossChart) charts.push(lossChart.push(steps, { loss: r.loss, ...r.terms }));
  if (metricChart && trainer) charts.push(metricChart.push(steps, Object.fromEntries(trainer.chartMetrics.map((k) => [k, r.metrics[k]]))));
  if (r.activations.length) charts.push(histogram.update(r.activations, r.activationDomain));
  Promise.all(charts).catch((e: unknown) => status(`chart: ${(e as Error).message}`, true));
}

const loop = new TrainingLoop({
  onReadout,
  onImages: async (t) => drawImageGrid(ui.filters, await t.images()),
  onError: (e) => {
    console.error(e);
    status(`training stopped: ${(e as Error).message}`, true);
  },
  onState: (running) => {
    ui.start.disabled = running;
    ui.pause.disabled = !running;
    ui.stepOnce.disabled = running;
    ui.start.textContent = running || loop.steps === 0 ? "Start" : "Resume";
  },
});

function rebuildCharts(t: Trainer): void {
  lossChart?.finalize();
  metricChart?.finalize();
  histogram.finalize();
  histogram.retitle(t.histogramTitle);
  lossChart = new StreamingLineChart(ui.lossChart, ["loss", ...t.termNames], { title: "Loss and weighted cost terms", yTitle: "value", width: CHART_WIDTH, height: 150 });
  metricChart = new StreamingLineChart(ui.metricChart, t.chartMetrics, { title: t.chartTitle, yTitle: "value", width: CHART_WIDTH, height: 150 });
}

/** Rebuilds the model from the current setting (weights re-drawn from the seed). */
async function reset(): Promise<void> {
  const wasRunning = loop.isRunning;
  await loop.pause();
  status("building the model…");
  const spec = modelSpec(settings.model);
  ui.about.innerHTML = "";
  const title = document.createElement("strong");
  title.textContent = spec.title;
  ui.about.append(title, ` — ${spec.blurb} `, Object.assign(document.createElement("em"), { textContent: `(${spec.source}; Node: sparsekit run ${spec.experiment})` }));
  ui.gridCaption.textContent = spec.gridCaption;
  trainer?.dispose();
  trainer = undefined;
  lossHistory.length = 0;
  try {
    const t = await createTrainer(settings, assets);
    trainer = t;
    loop.attach(t);
    rebuildCharts(t);
    ui.loss.textContent = "–";
    await loop.refresh(true);
    status("");
    if (wasRunning) loop.start();
  } catch (e) {
    console.error(e);
    status(`cannot build the model: ${(e as Error).message}`, true);
  }
  ui.start.textContent = "Start";
}

function onParam(id: string, value: ParamValue, live: boolean): void {
  settings.values[id] = value;
  syncUrl();
  if (live) loop.schedule(() => trainer?.update(settings.values));
  else void reset();
}

function onModel(id: ModelId): void {
  settings = { ...defaultSettings(id), seed: settings.seed, backend: settings.backend };
  syncUrl();
  renderParams(ui.params, settings, { onModel, onParam });
  void reset();
}

function download(name: string, text: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function main(): Promise<void> {
  renderModelSelect(ui.model, settings.model, { onModel, onParam });
  renderParams(ui.params, settings, { onModel, onParam });
  ui.backendSelect.value = settings.backend;
  syncUrl();
  status("starting the backend…");
  const t0 = performance.now();
  const backend = await chooseBackend(settings.backend);
  timings.backendMs = performance.now() - t0;
  ui.backend.textContent = backend.name;
  ui.backendDetail.textContent = [backend.detail, ...backend.skipped].filter(Boolean).join("; ");
  assets = await loadAssets();
  timings.manifestMs = performance.now() - t0;

  ui.start.onclick = () => loop.start();
  ui.pause.onclick = () => void loop.pause();
  ui.stepOnce.onclick = () => void loop.stepOnce();
  ui.reset.onclick = () => void reset();
  ui.backendSelect.onchange = () => {
    settings.backend = ui.backendSelect.value as BackendChoice;
    syncUrl();
    location.reload();
  };
  ui.exportButton.onclick = () => {
    const e = exportConfig(settings);
    download(exportFileName(e), `${JSON.stringify(e.config, null, 2)}\n`);
    ui.exportNotes.textContent = `sparsekit run ${e.experiment} --config ${exportFileName(e)}${e.notes.length ? ` — ${e.notes.join(" ")}` : ""}`;
  };
  ui.copyLink.onclick = () => {
    void navigator.clipboard?.writeText(location.href).then(() => status("link copied"));
  };
  ui.exportNotes.textContent = `Export writes a config for: sparsekit run ${modelSpec(settings.model).experiment} --config …`;
  await reset();
  timings.readyMs = performance.now() - t0;
  timings.sincePageStartMs = performance.now();
  document.body.dataset.ready = "true";
}

declare global {
  interface Window {
    sparsekit: Record<string, unknown>;
  }
}

/** The core module for power users and tests, with tfjs and the page's state. */
window.sparsekit = {
  ...core,
  tf,
  playground: {
    loop,
    get settings() {
      return settings;
    },
    get trainer() {
      return trainer;
    },
    formatValue,
    timings,
    history: lossHistory,
  },
};

main().catch((e: unknown) => {
  console.error(e);
  status(`the playground could not start: ${(e as Error).message}`, true);
});
