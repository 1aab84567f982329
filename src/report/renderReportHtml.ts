import { escapeHtml } from "./escapeHtml.js";
import { formatNumber } from "./formatNumber.js";
import type { PlainValue } from "./jsonValue.js";

/** One labelled row of a picture grid (a PNG of its own). */
export interface ImageRow {
  label: string;
  file: string;
  width: number;
  height: number;
}

/**
 * One entry of the page body, in the order the experiment added it. Files are relative to the page.
 * `lead` items are shown at the top, under the headline (the headline figure and summary table).
 */
export type PageItem = (
  | { kind: "section"; heading: string }
  | { kind: "plot"; name: string; caption: string; file: string; specFile: string; width: number; height: number }
  | { kind: "image"; name: string; caption: string; file: string; width: number; height: number; pixelated: boolean }
  | { kind: "imageRows"; name: string; caption: string; rows: ImageRow[]; columnLabels: string[]; pixelated: boolean }
  | { kind: "table"; name: string; caption: string; columns: string[]; rows: { [key: string]: PlainValue }[] }
  | { kind: "text"; heading: string; text: string }
) & { lead?: boolean };

/** Everything index.html shows; built by RunReport.write from the same data as report.json. */
export interface ReportPage {
  title: string;
  /** The run's finding in a sentence, shown first (in bold) under the title. */
  headline?: string;
  description?: string;
  /** Key facts shown under the title (seed, backend, date, ...). */
  summary: [string, PlainValue][];
  metrics: { [key: string]: PlainValue };
  config: { [key: string]: PlainValue };
  timingsMs: { [key: string]: number };
  epochs: { [key: string]: PlainValue }[];
  items: PageItem[];
  jsonFile: string;
}

/** Pixelated images smaller than this (px, longer side) are shown enlarged by a whole factor, at most 8. */
const MIN_DISPLAY = 160;

/** Display factor for small pixel-art images (tiny filter grids), so they are visible without zooming. */
function displayFactor(width: number, height: number): number {
  return Math.min(8, Math.max(1, Math.floor(MIN_DISPLAY / Math.max(width, height))));
}

/** Arrays longer than this are summarised in tables rather than printed in full. */
const MAX_INLINE_ARRAY = 16;

function cell(v: PlainValue): { text: string; numeric: boolean } {
  if (typeof v === "number") return { text: formatNumber(v), numeric: true };
  if (v === null) return { text: "—", numeric: false };
  if (typeof v === "string" || typeof v === "boolean") return { text: String(v), numeric: false };
  if (Array.isArray(v)) {
    if (v.length <= MAX_INLINE_ARRAY && v.every((x) => x === null || typeof x !== "object")) {
      return { text: `[${v.map((x) => (typeof x === "number" ? formatNumber(x) : JSON.stringify(x))).join(", ")}]`, numeric: false };
    }
    return { text: `array of ${v.length} (see report.json)`, numeric: false };
  }
  const json = JSON.stringify(v);
  return { text: json.length <= 120 ? json : `object with ${Object.keys(v).length} keys (see report.json)`, numeric: false };
}

/** Text cells longer than this may wrap (class "long"); shorter ones, like "0.829 ± 0.081", stay on one line. */
const WRAP_FROM_CHARS = 20;

function td(v: PlainValue): string {
  const c = cell(v);
  const cls = c.numeric ? ' class="num"' : c.text.length > WRAP_FROM_CHARS ? ' class="long"' : "";
  return `<td${cls}>${escapeHtml(c.text)}</td>`;
}

/** Nested objects become dotted keys ("optimizer.lr") so configs read as one flat table. */
function flatten(obj: { [key: string]: PlainValue }, prefix = "", out: [string, PlainValue][] = []): [string, PlainValue][] {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) flatten(v, key, out);
    else out.push([key, v]);
  }
  return out;
}

function keyValueTable(pairs: [string, PlainValue][], cls: string): string {
  const rows = pairs.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th>${td(v)}</tr>`).join("\n");
  return `<table class="kv ${cls}"><tbody>\n${rows}\n</tbody></table>`;
}

/** Long key/value lists as several short tables side by side (no endless single column). */
function keyValueColumns(pairs: [string, PlainValue][], cls: string, perColumn = 12): string {
  if (pairs.length <= perColumn) return keyValueTable(pairs, cls);
  const columns = Math.ceil(pairs.length / perColumn);
  const size = Math.ceil(pairs.length / columns);
  const tables: string[] = [];
  for (let i = 0; i < pairs.length; i += size) tables.push(keyValueTable(pairs.slice(i, i + size), cls));
  return `<div class="kvcols">${tables.join("\n")}</div>`;
}

type Scalar = number | string | boolean | null;
const isScalar = (v: PlainValue): v is Scalar => v === null || typeof v !== "object";
const isRecord = (v: PlainValue): v is { [key: string]: PlainValue } => v !== null && typeof v === "object" && !Array.isArray(v);
const isScalarRecord = (v: PlainValue): v is { [key: string]: Scalar } => isRecord(v) && Object.values(v).every(isScalar);

/** Objects of up to this many scalar leaves are shown as dotted keys; larger ones as tables or not at all. */
const MAX_FLAT_KEYS = 8;
/** Row objects (arrays of flat records) up to this many rows are shown as a table. */
const MAX_TABLE_ROWS = 30;

/**
 * The "Final metrics" block: numbers only. Scalars as key/value columns; an object of flat
 * objects (method -> numbers) as one matrix table; an array of flat records (<= 30) as a table;
 * small flat objects as dotted keys. Long arrays and deeper nesting are named, not printed.
 */
function metricsHtml(metrics: { [key: string]: PlainValue }): string {
  const scalars: [string, PlainValue][] = [];
  const tables: string[] = [];
  const elsewhere: string[] = [];
  for (const [key, v] of Object.entries(metrics)) {
    if (isScalar(v)) scalars.push([key, v]);
    else if (Array.isArray(v)) {
      if (v.length > 0 && v.length <= MAX_TABLE_ROWS && v.every(isScalarRecord)) {
        const cols: string[] = [];
        for (const r of v) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
        tables.push(dataTable(cols, v, key));
      } else if (v.length <= MAX_INLINE_ARRAY && v.every(isScalar)) scalars.push([key, v]);
      else elsewhere.push(`${key} (array of ${v.length})`);
    } else if (isScalarRecord(v) && Object.keys(v).length <= MAX_FLAT_KEYS) {
      for (const [k, x] of Object.entries(v)) scalars.push([`${key}.${k}`, x]);
    } else if (Object.keys(v).length > 0 && Object.values(v).every(isScalarRecord)) {
      const rows = Object.entries(v).map(([name, r]) => ({ "": name, ...(r as { [key: string]: PlainValue }) }));
      const cols: string[] = [""];
      for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
      tables.push(dataTable(cols, rows, key));
    } else if (isScalarRecord(v)) {
      const pairs = Object.entries(v) as [string, PlainValue][];
      tables.push(`<h3>${escapeHtml(key)}</h3>\n${keyValueColumns(pairs, "metrics")}`);
    } else elsewhere.push(`${key} (object with ${Object.keys(v).length} keys)`);
  }
  const parts: string[] = [];
  if (scalars.length) parts.push(keyValueColumns(scalars, "metrics"));
  for (const t of tables) parts.push(`<div class="scroll">${t}</div>`);
  if (elsewhere.length) parts.push(`<p class="note">In report.json only: ${escapeHtml(elsewhere.join(", "))}.</p>`);
  return parts.join("\n");
}

/** Width (px) a table may take: main's 1180 px less its padding, with a margin for font differences. */
const TABLE_WIDTH_PX = 1060;
/** Approximate glyph widths at the tables' 0.9rem: monospace digits, proportional text, bold headers. */
const NUMERIC_CHAR_PX = 8.7;
const TEXT_CHAR_PX = 7.6;
const HEADER_CHAR_PX = 10;
/** Cell padding plus border (4px 10px and 1px). */
const CELL_PADDING_PX = 21;
/** The narrowest a wrapping text cell gets (its CSS min-width, 10em at 0.9rem). */
const LONG_CELL_PX = 144;

/**
 * The least width (px) a column needs: its widest cell on one line (wrapping text cells count at
 * their minimum), or the longest word of its header, which wraps at spaces.
 */
function columnWidth(column: string, rows: { [key: string]: PlainValue }[]): number {
  const headerWord = Math.max(0, ...column.split(/\s+/).map((w) => w.length)) * HEADER_CHAR_PX;
  let widest = headerWord;
  for (const r of rows) {
    if (!(column in r)) continue;
    const c = cell(r[column]);
    const px = c.numeric ? c.text.length * NUMERIC_CHAR_PX : c.text.length > WRAP_FROM_CHARS ? LONG_CELL_PX : c.text.length * TEXT_CHAR_PX;
    widest = Math.max(widest, px);
  }
  return widest + CELL_PADDING_PX;
}

/** The fewest leading columns (at most 3) whose values together tell the rows apart: the row label. */
function labelColumnCount(columns: string[], rows: { [key: string]: PlainValue }[]): number {
  for (let n = 1; n < Math.min(3, columns.length - 1); n++) {
    const labels = rows.map((r) => JSON.stringify(columns.slice(0, n).map((c) => r[c] ?? null)));
    if (new Set(labels).size === rows.length) return n;
  }
  return Math.min(3, columns.length - 1);
}

/**
 * Splits the columns of a table too wide for the page into groups that fit, each shown after the
 * row label (the leading columns that tell the rows apart, e.g. method and setting), so a reader
 * never scrolls sideways. A table that fits is one group with an empty label. Exported for tests.
 */
export function columnGroups(columns: string[], rows: { [key: string]: PlainValue }[], widthPx = TABLE_WIDTH_PX): { label: string[]; groups: string[][] } {
  const widths = columns.map((c) => columnWidth(c, rows));
  if (columns.length <= 2 || widths.reduce((a, b) => a + b, 0) <= widthPx) return { label: [], groups: [columns] };
  const labelCount = labelColumnCount(columns, rows);
  const labelWidth = widths.slice(0, labelCount).reduce((a, b) => a + b, 0);
  const groups: string[][] = [[]];
  let used = labelWidth;
  columns.slice(labelCount).forEach((c, i) => {
    const w = widths[labelCount + i]!;
    if (groups[groups.length - 1]!.length > 0 && used + w > widthPx) {
      groups.push([]);
      used = labelWidth;
    }
    groups[groups.length - 1]!.push(c);
    used += w;
  });
  return { label: columns.slice(0, labelCount), groups };
}

function dataTable(columns: string[], rows: { [key: string]: PlainValue }[], caption?: string): string {
  const { label, groups } = columnGroups(columns, rows);
  return groups
    .map((own, g) => {
      const group = [...label, ...own];
      const head = group.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("");
      const body = rows
        .map((r) => `<tr>${group.map((c) => (c in r ? td(r[c]) : "<td></td>")).join("")}</tr>`)
        .join("\n");
      const from = g === 0 ? 1 : columns.indexOf(own[0]!) + 1;
      const part = groups.length > 1 ? `${g === 0 ? "" : "(continued) "}columns ${from}–${columns.indexOf(own[own.length - 1]!) + 1} of ${columns.length}` : "";
      const text = [g === 0 ? caption : "", part].filter(Boolean).join(" · ");
      const cap = text ? `<caption>${escapeHtml(text)}</caption>` : "";
      return `<table class="data">${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    })
    .join("\n");
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: white; min-height: 100vh; box-sizing: border-box; overflow-wrap: anywhere; }
h1 { font-size: 1.7rem; margin: 0 0 6px; }
h2 { font-size: 1.25rem; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e3e3; }
h3 { font-size: 1.02rem; margin: 22px 0 8px; }
p.headline { font-size: 1.12rem; font-weight: 600; margin: 8px 0 14px; max-width: 900px; }
p.description { color: #444; margin: 14px 0 8px; max-width: 900px; }
p.facts { font-size: 0.85rem; color: #555; margin: 4px 0 8px; }
p.note { font-size: 0.88rem; color: #555; }
div.lead { margin: 6px 0 10px; }
nav { font-size: 0.9rem; margin: 12px 0; }
nav a { margin-right: 14px; color: #2563a8; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 6px 0 12px; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f1f3f5; overflow-wrap: normal; }
table.data td { white-space: nowrap; }
table.data td.long { white-space: normal; min-width: 10em; }
table.kv th { background: #f7f7f9; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
div.kvcols { display: flex; flex-wrap: wrap; gap: 0 18px; align-items: flex-start; }
div.scroll { max-width: 100%; overflow-x: auto; }
caption { caption-side: top; text-align: left; font-size: 0.88rem; color: #444; padding: 2px 0 6px; }
figure { margin: 10px 0 22px; max-width: 100%; overflow-x: auto; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; box-sizing: border-box; }
img.pixelated { image-rendering: pixelated; }
figcaption { font-size: 0.88rem; color: #444; margin-top: 6px; max-width: 900px; }
figcaption a, footer a { color: #2563a8; }
table.imagerows { border: none; margin: 0; }
table.imagerows th, table.imagerows td { border: none; padding: 2px 6px 2px 0; vertical-align: middle; }
table.imagerows th[scope="row"] { font-weight: 600; font-size: 0.85rem; text-align: right; white-space: nowrap; }
table.imagerows img { max-width: none; display: block; }
div.columnlabels { display: grid; font-size: 0.78rem; color: #444; text-align: center; }
details summary { cursor: pointer; color: #2563a8; }
footer { margin-top: 40px; font-size: 0.85rem; color: #666; }
`;

type FigureItem = Extract<PageItem, { kind: "plot" | "image" | "imageRows" }>;

function figureHtml(item: FigureItem, figureNo: number): string {
  const caption = (links: string) =>
    `<figcaption><strong>Figure ${figureNo}.</strong> ${escapeHtml(item.caption)} (${links})</figcaption>`;
  if (item.kind === "imageRows") {
    const widest = Math.max(...item.rows.map((r) => r.width));
    const tallest = Math.max(...item.rows.map((r) => r.height));
    const k = item.pixelated ? displayFactor(widest, tallest) : 1;
    const cls = item.pixelated ? ' class="pixelated"' : "";
    const n = item.columnLabels.length;
    const head = n
      ? `<thead><tr><th></th><th><div class="columnlabels" style="width:${widest * k}px;grid-template-columns:repeat(${n},1fr)">` +
        `${item.columnLabels.map((c) => `<span>${escapeHtml(c)}</span>`).join("")}</div></th></tr></thead>`
      : "";
    const rows = item.rows
      .map(
        (r) =>
          `<tr><th scope="row">${escapeHtml(r.label)}</th><td><img src="${escapeHtml(r.file)}" alt="${escapeHtml(`${item.name}: ${r.label}`)}" ` +
          `width="${r.width * k}" height="${r.height * k}"${cls}></td></tr>`,
      )
      .join("\n");
    const links = item.rows.map((r, i) => `<a href="${escapeHtml(r.file)}">PNG ${i + 1}</a>`).join(", ");
    return `<figure id="figure-${figureNo}"><table class="imagerows">${head}<tbody>\n${rows}\n</tbody></table>${caption(links)}</figure>`;
  }
  const pixelated = item.kind === "image" && item.pixelated;
  const cls = pixelated ? ' class="pixelated"' : "";
  const k = pixelated ? displayFactor(item.width, item.height) : 1;
  const what = item.kind === "plot" ? "SVG" : "PNG";
  const extra = item.kind === "plot" ? `, <a href="${escapeHtml(item.specFile)}">Vega-Lite spec</a>` : "";
  return (
    `<figure id="figure-${figureNo}">` +
    `<img src="${escapeHtml(item.file)}" alt="${escapeHtml(item.caption || item.name)}" width="${item.width * k}" height="${item.height * k}"${cls}>` +
    caption(`<a href="${escapeHtml(item.file)}">${what}</a>${extra}`) +
    `</figure>`
  );
}

/**
 * Builds the self-contained index.html of a run: no scripts and no remote resources; figures are
 * <img> elements pointing at the SVG/PNG files beside the page, so it opens from disk (file://).
 * A Content-Security-Policy meta tag forbids any other loads. All text is HTML-escaped.
 * Reading order: title, headline sentence, lead items (headline figure, summary table), what the
 * run tests, run facts; then the sections of items (curves, details); then final metrics,
 * configuration (folded), per-epoch log (folded) and timings. Nothing is wider than the page:
 * wide tables are split into column groups that repeat the row label (a scroll box stays as a
 * fallback for a single column wider than the page).
 */
export function renderReportHtml(page: ReportPage): string {
  const parts: string[] = [];
  const lead: string[] = [];
  const nav: [string, string][] = [];
  let figureNo = 0;
  let sectionNo = 0;
  const openSection = (heading: string, id: string) => {
    if (sectionNo > 0) parts.push("</section>");
    sectionNo++;
    nav.push([id, heading]);
    parts.push(`<section id="${escapeHtml(id)}">\n<h2>${escapeHtml(heading)}</h2>`);
  };
  const render = (item: Exclude<PageItem, { kind: "section" }>, inLead: boolean): string => {
    if (item.kind === "plot" || item.kind === "image" || item.kind === "imageRows") {
      figureNo++;
      const title = inLead ? "" : `<h3>${escapeHtml(item.name)}</h3>\n`;
      return title + figureHtml(item, figureNo);
    }
    if (item.kind === "table") {
      const title = inLead ? "" : `<h3>${escapeHtml(item.name)}</h3>\n`;
      return `${title}<div class="scroll">${dataTable(item.columns, item.rows, item.caption || (inLead ? item.name : ""))}</div>`;
    }
    return `${item.heading ? `<h3>${escapeHtml(item.heading)}</h3>\n` : ""}${paragraphs(item.text)}`;
  };
  // Lead items first: figure numbers follow the reading order.
  for (const item of page.items) if (item.lead && item.kind !== "section") lead.push(render(item, true));
  // Items added before any addSection() go under a default "Results" heading.
  let itemSectionOpen = false;
  page.items.forEach((item, i) => {
    if (item.lead && item.kind !== "section") return;
    if (item.kind === "section") {
      openSection(item.heading, `s${i + 1}`);
      itemSectionOpen = true;
      return;
    }
    if (!itemSectionOpen) {
      openSection("Results", "results");
      itemSectionOpen = true;
    }
    parts.push(render(item, false));
  });
  if (Object.keys(page.metrics).length) {
    openSection("Final metrics", "metrics");
    parts.push(metricsHtml(page.metrics));
  }
  const configPairs = flatten(page.config);
  if (configPairs.length) {
    openSection("Configuration", "config");
    parts.push(`<details><summary>${configPairs.length} setting${configPairs.length === 1 ? "" : "s"}</summary>\n${keyValueColumns(configPairs, "config")}</details>`);
  }
  if (page.epochs.length) {
    openSection("Per-epoch log", "epochs");
    const columns: string[] = [];
    for (const e of page.epochs) for (const k of Object.keys(e)) if (!columns.includes(k)) columns.push(k);
    parts.push(
      `<details${page.epochs.length <= 20 && columns.length <= 10 ? " open" : ""}><summary>${page.epochs.length} epoch${page.epochs.length === 1 ? "" : "s"}, ${columns.length} columns</summary>\n` +
        `<div class="scroll">${dataTable(columns, page.epochs)}</div></details>`,
    );
  }
  const timingPairs = Object.entries(page.timingsMs).map(([k, ms]): [string, PlainValue] => [`${k} (s)`, ms / 1000]);
  if (timingPairs.length) {
    openSection("Timings", "timings");
    parts.push(keyValueColumns(timingPairs, "timings"));
  }
  if (sectionNo > 0) parts.push("</section>");
  const navHtml = nav.map(([id, h]) => `<a href="#${escapeHtml(id)}">${escapeHtml(h)}</a>`).join("");
  const facts = page.summary.map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(cell(v).text)}`).join(" · ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(page.title)}</h1>
${page.headline ? `<p class="headline">${escapeHtml(page.headline)}</p>\n` : ""}${lead.length ? `<div class="lead">\n${lead.join("\n")}\n</div>\n` : ""}${page.description ? `<p class="description">${escapeHtml(page.description)}</p>\n` : ""}<p class="facts">${facts}</p>
${nav.length ? `<nav>${navHtml}</nav>` : ""}
</header>
${parts.join("\n")}
<footer>All numbers at full precision: <a href="${escapeHtml(page.jsonFile)}">${escapeHtml(page.jsonFile)}</a>. Written by sparsekit.</footer>
</main>
</body>
</html>
`;
}
