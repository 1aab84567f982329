import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PNG } from "pngjs";
import type { TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions } from "../validation/optionChecks.js";
import { compileVegaLite, renderVegaLiteSvg } from "./renderVegaLite.js";
import { encodeNonFinite, toPlainValue, type PlainValue } from "./jsonValue.js";
import type { LineSeries } from "./lineChart.js";
import { renderReportHtml, type PageItem } from "./renderReportHtml.js";
import { safeFileStem } from "./safeFileStem.js";

/** Identifies report.json files; bump RUN_REPORT_FORMAT_VERSION when the layout changes incompatibly. */
export const RUN_REPORT_FORMAT = "sparsekit-run-report";
export const RUN_REPORT_FORMAT_VERSION = 1;
/** Timing (ms) of the trials a resumed run took from earlier invocations; shown beside the wall clock. */
export const EARLIER_TRIALS_TIMING = "trialsBeforeResume";

/** Stated inside every report.json so a reader needs no other documentation. */
export const NON_FINITE_NOTE =
  'NaN, Infinity and -Infinity are written as the strings "NaN", "Infinity" and "-Infinity"; ' +
  "nonFiniteNumbers lists the JSON pointer (RFC 6901) of every such value, so a string that merely " +
  "reads \"NaN\" elsewhere is not a number. readRunReport() decodes them back.";

export interface RunReportOptions {
  /** Page heading and report.json title. */
  title: string;
  /** One paragraph under the title: what the run tests. */
  description?: string;
  /** The experiment's full configuration (plain JSON data; nested objects allowed). */
  config?: Record<string, unknown>;
  /** Seed of the run (integer or string); null when the run is not seeded. */
  seed?: number | string | null;
  /** TensorFlow.js backend the run used, e.g. "cpu" or "wasm" (pass tf.getBackend()). */
  backend?: string;
}

/** Scalars of one report row (usually one epoch), e.g. { trainLoss: 0.31, testLoss: 0.35, sparsity: 0.82 }. */
export type ReportRow = Record<string, number | string | boolean | null>;

/** Paths (absolute) of everything `write()` produced. */
export interface RunReportFiles {
  dir: string;
  json: string;
  html: string;
  /** SVG files, one per plot, in order. */
  plots: string[];
  /** Vega-Lite spec files beside each SVG (to re-render or edit a plot). */
  specs: string[];
  /** PNG files, one per image, in order. */
  images: string[];
}

/** Placement shared by figures and tables: `lead` shows the item at the top of the page, under the headline. */
export interface LeadOption {
  lead?: boolean;
}

/** One row of a labelled picture grid (see addImageRows). */
export interface ImageRowInput {
  label: string;
  png: Uint8Array;
}

type Item = (
  | { kind: "section"; heading: string }
  | { kind: "plot"; name: string; caption: string; stem: string; spec: TopLevelSpec }
  | { kind: "image"; name: string; caption: string; stem: string; png: Uint8Array; width: number; height: number; pixelated: boolean }
  | { kind: "imageRows"; name: string; caption: string; stem: string; rows: { label: string; png: Uint8Array; width: number; height: number }[]; columnLabels: string[]; pixelated: boolean }
  | { kind: "table"; name: string; caption: string; columns: string[]; rows: { [key: string]: PlainValue }[] }
  | { kind: "text"; heading: string; text: string }
) & { lead?: boolean };

function checkLead(options: LeadOption, where: string): boolean {
  const lead = options.lead ?? false;
  if (typeof lead !== "boolean") throw new SparsekitError(`${where}: option 'lead' must be a boolean, got ${typeof lead}.`);
  return lead;
}

function pngSize(png: unknown, where: string, name: string): { width: number; height: number } {
  if (!(png instanceof Uint8Array)) {
    throw new SparsekitError(`${where}: argument '${name}' must be PNG bytes (a Uint8Array/Buffer), got ${png === null ? "null" : typeof png}.`);
  }
  try {
    const { width, height } = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    return { width, height };
  } catch (e) {
    throw new SparsekitError(`${where}: argument '${name}' must be a valid PNG image, decoding failed: ${(e as Error).message}`);
  }
}

const JSON_FILE = "report.json";
const HTML_FILE = "index.html";

function svgSize(svg: string): { width: number; height: number } {
  const tag = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const width = Number(/\swidth="([\d.]+)"/.exec(tag)?.[1] ?? NaN);
  const height = Number(/\sheight="([\d.]+)"/.exec(tag)?.[1] ?? NaN);
  return { width: Math.round(width), height: Math.round(height) };
}

/**
 * Collects everything one experiment run produces and writes it to ONE directory:
 * - report.json: title, seed, backend, environment, config, per-epoch records, final metrics,
 *   timings, tables, texts and the list of figures (non-finite numbers: see NON_FINITE_NOTE);
 * - figNN-<name>.svg (+ .vl.json spec) per plot, figNN-<name>.png per image;
 * - index.html: a self-contained page (no scripts, no network) tying them together.
 * The report every experiment writes (SPEC.md §5: JSON of all numbers, SVG plots, PNG grids, one page).
 * Figures are numbered in the order added, which also orders the files in a listing.
 * Every add/set method validates and copies its input at once, so mistakes fail at the call;
 * nothing touches the disk until `await write()`, which may be called again after more additions.
 */
export class RunReport {
  readonly dir: string;
  readonly title: string;
  private readonly description: string | undefined;
  private readonly config: { [key: string]: PlainValue };
  private readonly seed: number | string | null;
  private readonly backend: string | null;
  private readonly startedAt = new Date();
  private readonly startMs = performance.now();
  private readonly items: Item[] = [];
  private readonly names = new Map<string, string>();
  private readonly epochList: { [key: string]: PlainValue }[] = [];
  private metrics: { [key: string]: PlainValue } = {};
  private readonly timings: { [key: string]: number } = {};
  private figureCount = 0;
  private headline: string | undefined;
  private timeSummary: [string, number][] | undefined;

  constructor(dir: string, options: RunReportOptions) {
    const where = "RunReport";
    if (typeof dir !== "string" || dir.trim() === "") {
      throw new SparsekitError(`${where}: argument 'dir' must be a non-empty directory path, got ${JSON.stringify(dir)}.`);
    }
    if (options === null || typeof options !== "object") {
      throw new SparsekitError(`${where}: argument 'options' must be an object with at least a title.`);
    }
    assertKnownOptions(options, where, ["title", "description", "config", "seed", "backend"]);
    if (typeof options.title !== "string" || options.title.trim() === "") {
      throw new SparsekitError(`${where}: option 'title' must be a non-empty string, got ${JSON.stringify(options.title)}.`);
    }
    if (options.description !== undefined && typeof options.description !== "string") {
      throw new SparsekitError(`${where}: option 'description' must be a string, got ${typeof options.description}.`);
    }
    const seed = options.seed ?? null;
    if (seed !== null && typeof seed !== "string" && !(typeof seed === "number" && Number.isSafeInteger(seed))) {
      throw new SparsekitError(`${where}: option 'seed' must be an integer, a string or null, got ${String(seed)}.`);
    }
    if (options.backend !== undefined && (typeof options.backend !== "string" || options.backend === "")) {
      throw new SparsekitError(`${where}: option 'backend' must be a non-empty string such as "cpu", got ${JSON.stringify(options.backend)}.`);
    }
    const config = toPlainValue(options.config ?? {}, where, "config");
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
      throw new SparsekitError(`${where}: option 'config' must be a plain object.`);
    }
    this.dir = resolve(dir);
    this.title = options.title;
    this.description = options.description;
    this.config = config;
    this.seed = seed;
    this.backend = options.backend ?? null;
  }

  private checkText(value: unknown, where: string, name: string, allowEmpty: boolean): string {
    if (typeof value !== "string" || (!allowEmpty && value.trim() === "")) {
      throw new SparsekitError(`${where}: argument '${name}' must be a ${allowEmpty ? "" : "non-empty "}string, got ${JSON.stringify(value)}.`);
    }
    return value;
  }

  /** Names label figures and tables; each must be unique within the report (catches copy-paste slips). */
  private claimName(name: unknown, where: string): string {
    const n = this.checkText(name, where, "name", false);
    const stem = safeFileStem(n, where);
    const previous = this.names.get(n);
    if (previous !== undefined) throw new SparsekitError(`${where}: argument 'name' must be unique in the report; "${n}" was already used by a ${previous}.`);
    this.names.set(n, where);
    return stem;
  }

  private nextStem(slug: string): string {
    this.figureCount++;
    return `fig${String(this.figureCount).padStart(2, "0")}-${slug}`;
  }

  /**
   * The run's finding in one sentence (with its numbers), shown first under the title; the
   * headline figure and the summary table follow it (add them with `{ lead: true }`).
   */
  setHeadline(finding: string): this {
    this.headline = this.checkText(finding, "setHeadline", "finding", false);
    return this;
  }

  /** Starts a new section (an <h2> heading); the items added after it appear under it. */
  addSection(heading: string): this {
    this.items.push({ kind: "section", heading: this.checkText(heading, "addSection", "heading", false) });
    return this;
  }

  /**
   * Adds a plot from a Vega-Lite spec (e.g. from lineChart). The spec is compiled now, so an invalid
   * spec fails here; it is rendered to SVG by write(). Data must be inline.
   */
  addPlot(name: string, spec: TopLevelSpec, caption = "", options: LeadOption = {}): this {
    const where = "addPlot";
    this.checkText(caption, where, "caption", true);
    assertKnownOptions(options, where, ["lead"]);
    const lead = checkLead(options, where);
    compileVegaLite(spec, where);
    const slug = this.claimName(name, where);
    const copy = toPlainValue(spec, where, "spec") as unknown as TopLevelSpec;
    this.items.push({ kind: "plot", name, caption, stem: this.nextStem(slug), spec: copy, lead });
    return this;
  }

  /**
   * Adds a PNG image (e.g. from imageGrid). The bytes are decoded now to check they are a PNG and
   * to size the figure. `pixelated` (default true) keeps pixels sharp when the page scales them.
   */
  addImage(name: string, png: Uint8Array, caption = "", options: { pixelated?: boolean } & LeadOption = {}): this {
    const where = "addImage";
    this.checkText(caption, where, "caption", true);
    assertKnownOptions(options, where, ["pixelated", "lead"]);
    const lead = checkLead(options, where);
    const { width, height } = pngSize(png, where, "png");
    const slug = this.claimName(name, where);
    this.items.push({
      kind: "image",
      name,
      caption,
      stem: this.nextStem(slug),
      png: Uint8Array.from(png),
      width,
      height,
      pixelated: options.pixelated ?? true,
      lead,
    });
    return this;
  }

  /**
   * Adds a picture grid with labelled rows: one PNG per row (e.g. one method's filters or masks),
   * its label beside it, and optional column labels above (e.g. budgets; the rows' PNGs are then
   * read as that many equal-width tiles). Written as figNN-<name>-rK.png.
   */
  addImageRows(
    name: string,
    rows: readonly ImageRowInput[],
    caption = "",
    options: { columnLabels?: readonly string[]; pixelated?: boolean } & LeadOption = {},
  ): this {
    const where = "addImageRows";
    this.checkText(caption, where, "caption", true);
    assertKnownOptions(options, where, ["columnLabels", "pixelated", "lead"]);
    const lead = checkLead(options, where);
    if (!Array.isArray(rows) || rows.length === 0) throw new SparsekitError(`${where}: argument 'rows' must be a non-empty array of { label, png }.`);
    const copied = rows.map((r, i) => {
      const label = this.checkText(r?.label, where, `rows[${i}].label`, false);
      return { label, png: Uint8Array.from(r.png), ...pngSize(r.png, where, `rows[${i}].png`) };
    });
    const columnLabels = options.columnLabels ?? [];
    if (!Array.isArray(columnLabels) || columnLabels.some((c) => typeof c !== "string")) {
      throw new SparsekitError(`${where}: option 'columnLabels' must be an array of strings.`);
    }
    const slug = this.claimName(name, where);
    this.items.push({ kind: "imageRows", name, caption, stem: this.nextStem(slug), rows: copied, columnLabels: [...columnLabels], pixelated: options.pixelated ?? true, lead });
    return this;
  }

  /**
   * Adds a table of rows (objects of plain values). Columns are the union of the rows' keys in
   * first-seen order, unless `columns` is given. The rows go into report.json as given.
   */
  addTable(name: string, rows: readonly Record<string, unknown>[], caption = "", options: { columns?: readonly string[] } & LeadOption = {}): this {
    const where = "addTable";
    this.checkText(caption, where, "caption", true);
    assertKnownOptions(options, where, ["columns", "lead"]);
    const lead = checkLead(options, where);
    if (!Array.isArray(rows) || rows.length === 0) {
      throw new SparsekitError(`${where}: argument 'rows' must be a non-empty array of row objects, got ${Array.isArray(rows) ? "an empty array" : typeof rows}.`);
    }
    const plain = rows.map((r, i) => {
      const v = toPlainValue(r, where, `rows[${i}]`);
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        throw new SparsekitError(`${where}: argument 'rows[${i}]' must be a plain object (one key per column).`);
      }
      return v;
    });
    let columns: string[];
    if (options.columns !== undefined) {
      if (!Array.isArray(options.columns) || options.columns.length === 0 || options.columns.some((c) => typeof c !== "string")) {
        throw new SparsekitError(`${where}: option 'columns' must be a non-empty array of strings.`);
      }
      columns = [...options.columns];
    } else {
      columns = [];
      for (const r of plain) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
    }
    this.claimName(name, where);
    this.items.push({ kind: "table", name, caption, columns, rows: plain, lead });
    return this;
  }

  /** Adds text under an optional heading; blank lines separate paragraphs. Shown escaped, never as HTML. */
  addText(heading: string, text: string): this {
    this.items.push({
      kind: "text",
      heading: this.checkText(heading, "addText", "heading", true),
      text: this.checkText(text, "addText", "text", false),
    });
    return this;
  }

  /**
   * Records one epoch's scalars. `epoch` is set to 1, 2, ... (the count so far + 1) unless the
   * record has its own. NaN/Infinity are kept (a diverged loss is a result) and encoded in JSON.
   */
  recordEpoch(record: ReportRow): this {
    const where = "recordEpoch";
    const plain = toPlainValue(record, where, "record");
    if (plain === null || typeof plain !== "object" || Array.isArray(plain)) {
      throw new SparsekitError(`${where}: argument 'record' must be an object of scalars such as { loss: 0.3 }.`);
    }
    for (const [k, v] of Object.entries(plain)) {
      if (v !== null && typeof v === "object") {
        throw new SparsekitError(`${where}: argument 'record.${k}' must be a number, string, boolean or null (put arrays in setMetrics or addTable).`);
      }
    }
    const epoch = "epoch" in plain ? plain.epoch : this.epochList.length + 1;
    const { epoch: _omit, ...rest } = plain;
    this.epochList.push({ epoch, ...rest });
    return this;
  }

  /** The epoch records so far (copies). */
  get epochs(): { [key: string]: PlainValue }[] {
    return structuredClone(this.epochList);
  }

  /**
   * One recorded field as a line-chart series: x = epoch, y = the field's value (NaN where an
   * epoch lacks it or it is not a number). Throws if no epoch has the field.
   */
  epochSeries(field: string, name = field): LineSeries {
    if (!this.epochList.some((e) => field in e)) {
      throw new SparsekitError(`epochSeries: argument 'field' must be recorded by recordEpoch, got "${field}" (never recorded).`);
    }
    const x = this.epochList.map((e, i) => (typeof e.epoch === "number" ? e.epoch : i + 1));
    const y = this.epochList.map((e) => (typeof e[field] === "number" ? (e[field] as number) : NaN));
    return { name, x, y };
  }

  /** Merges final metrics (plain JSON data, nested objects and arrays allowed) into the report. */
  setMetrics(metrics: Record<string, unknown>): this {
    const plain = toPlainValue(metrics, "setMetrics", "metrics");
    if (plain === null || typeof plain !== "object" || Array.isArray(plain)) {
      throw new SparsekitError(`setMetrics: argument 'metrics' must be an object such as { accuracy: 0.97 }.`);
    }
    this.metrics = { ...this.metrics, ...plain };
    return this;
  }

  /** Adds `ms` milliseconds to the timing `name` (repeated calls sum, e.g. evaluation per epoch). */
  recordTiming(name: string, ms: number): this {
    this.checkText(name, "recordTiming", "name", false);
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new SparsekitError(`recordTiming: argument 'ms' must be a finite number >= 0, got ${String(ms)}.`);
    }
    this.timings[name] = (this.timings[name] ?? 0) + ms;
    return this;
  }

  /** Runs `fn`, adds its wall-clock time to timing `name` (even if it throws) and returns its result. */
  async time<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    this.checkText(name, "time", "name", false);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.recordTiming(name, performance.now() - t0);
    }
  }

  /**
   * Replaces the page summary's "wall clock (s)" row with these rows (label, seconds): for a report
   * whose own lifetime is not the run's time, e.g. one collected from a sweep's trials.
   */
  setTimeSummary(rows: [label: string, seconds: number][]): this {
    for (const [label, seconds] of rows) {
      this.checkText(label, "setTimeSummary", "label", false);
      if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
        throw new SparsekitError(`setTimeSummary: the seconds of '${label}' must be a finite number >= 0, got ${String(seconds)}.`);
      }
    }
    this.timeSummary = rows.map(([l, v]) => [l, v]);
    return this;
  }

  /**
   * Writes report.json, index.html, one SVG (+ Vega-Lite spec) per plot and one PNG per image
   * into `dir` (created if needed; existing files of the same names are replaced). Timing
   * "wallClock" is the time from construction to this call. Returns the absolute paths written.
   */
  async write(): Promise<RunReportFiles> {
    await mkdir(this.dir, { recursive: true });
    const files: RunReportFiles = { dir: this.dir, json: join(this.dir, JSON_FILE), html: join(this.dir, HTML_FILE), plots: [], specs: [], images: [] };
    const timingsMs = { wallClock: performance.now() - this.startMs, ...this.timings };
    const pageItems: PageItem[] = [];
    const contents: PlainValue[] = [];
    for (const item of this.items) {
      if (item.kind === "plot") {
        const svg = await renderVegaLiteSvg(item.spec, "RunReport.write");
        const file = `${item.stem}.svg`;
        const specFile = `${item.stem}.vl.json`;
        await writeFile(join(this.dir, file), svg, "utf8");
        await writeFile(join(this.dir, specFile), `${JSON.stringify(item.spec, null, 2)}\n`, "utf8");
        files.plots.push(join(this.dir, file));
        files.specs.push(join(this.dir, specFile));
        pageItems.push({ kind: "plot", name: item.name, caption: item.caption, file, specFile, ...svgSize(svg), lead: item.lead });
        contents.push({ kind: "plot", name: item.name, caption: item.caption, file, specFile, lead: item.lead ?? false });
      } else if (item.kind === "image") {
        const file = `${item.stem}.png`;
        await writeFile(join(this.dir, file), item.png);
        files.images.push(join(this.dir, file));
        const { png: _png, stem: _stem, ...rest } = item;
        pageItems.push({ ...rest, file });
        contents.push({ kind: "image", name: item.name, caption: item.caption, file, width: item.width, height: item.height, lead: item.lead ?? false });
      } else if (item.kind === "imageRows") {
        const rows = [];
        for (const [i, r] of item.rows.entries()) {
          const file = `${item.stem}-r${i + 1}.png`;
          await writeFile(join(this.dir, file), r.png);
          files.images.push(join(this.dir, file));
          rows.push({ label: r.label, file, width: r.width, height: r.height });
        }
        const base = { name: item.name, caption: item.caption, columnLabels: item.columnLabels };
        pageItems.push({ kind: "imageRows", ...base, rows, pixelated: item.pixelated, lead: item.lead });
        contents.push({ kind: "imageRows", ...base, rows, lead: item.lead ?? false });
      } else {
        pageItems.push(item);
        contents.push(item);
      }
    }
    const environment = { node: process.version, platform: process.platform, arch: process.arch };
    const body: { [key: string]: PlainValue } = {
      title: this.title,
      headline: this.headline ?? null,
      description: this.description ?? null,
      createdAt: this.startedAt.toISOString(),
      seed: this.seed,
      backend: this.backend,
      environment,
      config: this.config,
      epochs: this.epochList,
      metrics: this.metrics,
      timingsMs,
      contents,
    };
    const encoded = encodeNonFinite(body);
    const json = {
      format: RUN_REPORT_FORMAT,
      formatVersion: RUN_REPORT_FORMAT_VERSION,
      ...(encoded.value as { [key: string]: PlainValue }),
      nonFiniteEncoding: NON_FINITE_NOTE,
      nonFiniteNumbers: encoded.pointers,
    };
    await writeFile(files.json, `${JSON.stringify(json, null, 2)}\n`, "utf8");
    const html = renderReportHtml({
      title: this.title,
      ...(this.headline ? { headline: this.headline } : {}),
      description: this.description,
      summary: [
        ["seed", this.seed],
        ["backend", this.backend ?? "not recorded"],
        ["started", this.startedAt.toISOString()],
        ["epochs", this.epochList.length],
        ...(this.timeSummary ?? [["wall clock (s)", timingsMs.wallClock / 1000] as [string, number]]),
        ...(this.timings[EARLIER_TRIALS_TIMING] !== undefined
          ? [["trials run before a resume (s)", this.timings[EARLIER_TRIALS_TIMING] / 1000] as [string, number]]
          : []),
        ["Node.js", `${environment.node} (${environment.platform}-${environment.arch})`],
      ],
      metrics: this.metrics,
      config: this.config,
      timingsMs,
      epochs: this.epochList,
      items: pageItems,
      jsonFile: JSON_FILE,
    });
    await writeFile(files.html, html, "utf8");
    return files;
  }
}
