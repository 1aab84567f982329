import { escapeHtml } from "./escapeHtml.js";
import { formatNumber } from "./formatNumber.js";
import type { PlainValue } from "./jsonValue.js";

/** One entry of the page body, in the order the experiment added it. Files are relative to the page. */
export type PageItem =
  | { kind: "section"; heading: string }
  | { kind: "plot"; name: string; caption: string; file: string; specFile: string; width: number; height: number }
  | { kind: "image"; name: string; caption: string; file: string; width: number; height: number; pixelated: boolean }
  | { kind: "table"; name: string; caption: string; columns: string[]; rows: { [key: string]: PlainValue }[] }
  | { kind: "text"; heading: string; text: string };

/** Everything index.html shows; built by RunReport.write from the same data as report.json. */
export interface ReportPage {
  title: string;
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
  if (v === null) return { text: "null", numeric: false };
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

function td(v: PlainValue): string {
  const c = cell(v);
  return `<td${c.numeric ? ' class="num"' : ""}>${escapeHtml(c.text)}</td>`;
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

function dataTable(columns: string[], rows: { [key: string]: PlainValue }[], caption?: string): string {
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${columns.map((c) => (c in r ? td(r[c]) : "<td></td>")).join("")}</tr>`)
    .join("\n");
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : "";
  return `<table class="data">${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
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
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; background: white; min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 1.7rem; margin: 0 0 6px; }
h2 { font-size: 1.25rem; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e3e3; }
h3 { font-size: 1.02rem; margin: 22px 0 8px; }
p.description { color: #444; margin: 4px 0 14px; }
nav { font-size: 0.9rem; margin: 12px 0; }
nav a { margin-right: 14px; color: #2563a8; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 6px 0 12px; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f1f3f5; }
table.kv th { background: #f7f7f9; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, Menlo, Consolas, monospace; }
caption { caption-side: top; text-align: left; font-size: 0.88rem; color: #444; padding: 2px 0 6px; }
figure { margin: 10px 0 22px; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
img.pixelated { image-rendering: pixelated; }
figcaption { font-size: 0.88rem; color: #444; margin-top: 6px; max-width: 760px; }
figcaption a, footer a { color: #2563a8; }
details summary { cursor: pointer; color: #2563a8; }
footer { margin-top: 40px; font-size: 0.85rem; color: #666; }
`;

/**
 * Builds the self-contained index.html of a run: no scripts and no remote resources; figures are
 * <img> elements pointing at the SVG/PNG files beside the page, so it opens from disk (file://).
 * A Content-Security-Policy meta tag forbids any other loads. All text is HTML-escaped.
 */
export function renderReportHtml(page: ReportPage): string {
  const parts: string[] = [];
  const nav: [string, string][] = [];
  let figureNo = 0;
  let sectionNo = 0;
  const openSection = (heading: string, id: string) => {
    if (sectionNo > 0) parts.push("</section>");
    sectionNo++;
    nav.push([id, heading]);
    parts.push(`<section id="${escapeHtml(id)}">\n<h2>${escapeHtml(heading)}</h2>`);
  };
  const metricPairs = flatten(page.metrics);
  if (metricPairs.length) {
    openSection("Final metrics", "metrics");
    parts.push(keyValueTable(metricPairs, "metrics"));
  }
  const configPairs = flatten(page.config);
  if (configPairs.length) {
    openSection("Configuration", "config");
    parts.push(keyValueTable(configPairs, "config"));
  }
  // Items added before any addSection() go under a default "Results" heading.
  let itemSectionOpen = false;
  page.items.forEach((item, i) => {
    if (item.kind === "section") {
      openSection(item.heading, `s${i + 1}`);
      itemSectionOpen = true;
      return;
    }
    if (!itemSectionOpen) {
      openSection("Results", "results");
      itemSectionOpen = true;
    }
    if (item.kind === "plot" || item.kind === "image") {
      figureNo++;
      const pixelated = item.kind === "image" && item.pixelated;
      const cls = pixelated ? ' class="pixelated"' : "";
      const k = pixelated ? displayFactor(item.width, item.height) : 1;
      const what = item.kind === "plot" ? "SVG" : "PNG";
      const extra = item.kind === "plot" ? `, <a href="${escapeHtml(item.specFile)}">Vega-Lite spec</a>` : "";
      parts.push(
        `<h3>${escapeHtml(item.name)}</h3>\n<figure id="figure-${figureNo}">` +
          `<img src="${escapeHtml(item.file)}" alt="${escapeHtml(item.caption || item.name)}" width="${item.width * k}" height="${item.height * k}"${cls}>` +
          `<figcaption><strong>Figure ${figureNo}.</strong> ${escapeHtml(item.caption)} ` +
          `(<a href="${escapeHtml(item.file)}">${what}</a>${extra})</figcaption></figure>`,
      );
    } else if (item.kind === "table") {
      parts.push(`<h3>${escapeHtml(item.name)}</h3>\n${dataTable(item.columns, item.rows, item.caption)}`);
    } else {
      parts.push(`${item.heading ? `<h3>${escapeHtml(item.heading)}</h3>\n` : ""}${paragraphs(item.text)}`);
    }
  });
  if (page.epochs.length) {
    openSection("Per-epoch log", "epochs");
    const columns: string[] = [];
    for (const e of page.epochs) for (const k of Object.keys(e)) if (!columns.includes(k)) columns.push(k);
    parts.push(
      `<details${page.epochs.length <= 20 ? " open" : ""}><summary>${page.epochs.length} epoch${page.epochs.length === 1 ? "" : "s"}</summary>\n` +
        `${dataTable(columns, page.epochs)}</details>`,
    );
  }
  const timingPairs = Object.entries(page.timingsMs).map(([k, ms]): [string, PlainValue] => [`${k} (s)`, ms / 1000]);
  if (timingPairs.length) {
    openSection("Timings", "timings");
    parts.push(keyValueTable(timingPairs, "timings"));
  }
  if (sectionNo > 0) parts.push("</section>");
  const navHtml = nav.map(([id, h]) => `<a href="#${escapeHtml(id)}">${escapeHtml(h)}</a>`).join("");
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
${page.description ? `<p class="description">${escapeHtml(page.description)}</p>\n` : ""}${keyValueTable(page.summary, "summary")}
${nav.length ? `<nav>${navHtml}</nav>` : ""}
</header>
${parts.join("\n")}
<footer>All numbers at full precision: <a href="${escapeHtml(page.jsonFile)}">${escapeHtml(page.jsonFile)}</a>. Written by sparsekit.</footer>
</main>
</body>
</html>
`;
}
