import { describe, expect, it } from "vitest";
import { columnGroups, renderReportHtml, type ReportPage } from "../../src/report/renderReportHtml.js";

function page(over: Partial<ReportPage> = {}): ReportPage {
  return {
    title: "Run <1> & \"friends\"",
    description: "Tests 'OVR' <b>sparsity</b>",
    summary: [["seed", 7], ["backend", "cpu"]],
    metrics: { accuracy: 0.97312345, loss: NaN, nested: { a: 1 } },
    config: { lr: 0.01, layers: [784, 64, 10], name: "<img src=x onerror=alert(1)>" },
    timingsMs: { wallClock: 1500 },
    epochs: [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: Infinity, extra: "x" }],
    items: [
      { kind: "plot", name: "Loss", caption: "a < b", file: "fig01-loss.svg", specFile: "fig01-loss.vl.json", width: 600, height: 320 },
      { kind: "section", heading: "Filters" },
      { kind: "image", name: "Grid", caption: "", file: "fig02-grid.png", width: 29, height: 29, pixelated: true },
      { kind: "table", name: "Per class", caption: "cap", columns: ["cls", "acc"], rows: [{ cls: 0, acc: 0.5 }, { cls: 1 }] },
      { kind: "text", heading: "Notes", text: "one <x>\n\ntwo" },
    ],
    jsonFile: "report.json",
    ...over,
  };
}

describe("renderReportHtml", () => {
  it("escapes every piece of text, so no markup from data reaches the page", () => {
    const html = renderReportHtml(page());
    expect(html).toContain("<title>Run &lt;1&gt; &amp; &quot;friends&quot;</title>");
    expect(html).toContain("Tests &#39;OVR&#39; &lt;b&gt;sparsity&lt;/b&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("<p>one &lt;x&gt;</p>");
  });
  it("loads nothing from the network and forbids it by CSP", () => {
    const html = renderReportHtml(page());
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none'`);
  });
  it("shows figures with numbered captions and links to the files", () => {
    const html = renderReportHtml(page());
    expect(html).toContain('<img src="fig01-loss.svg" alt="a &lt; b" width="600" height="320">');
    expect(html).toContain("<strong>Figure 1.</strong> a &lt; b");
    // a tiny pixel grid is shown enlarged by a whole factor (floor(160 / 29) = 5)
    expect(html).toContain('<img src="fig02-grid.png" alt="Grid" width="145" height="145" class="pixelated">');
    expect(html).toContain("<strong>Figure 2.</strong>");
    expect(html).toContain('<a href="fig01-loss.vl.json">Vega-Lite spec</a>');
  });
  it("shows large or non-pixelated images at their own size", () => {
    const html = renderReportHtml(page({ items: [
      { kind: "image", name: "Big", caption: "", file: "a.png", width: 400, height: 100, pixelated: true },
      { kind: "image", name: "Photo", caption: "", file: "b.png", width: 20, height: 20, pixelated: false },
    ] }));
    expect(html).toContain('width="400" height="100" class="pixelated"');
    expect(html).toContain('<img src="b.png" alt="Photo" width="20" height="20">');
  });
  it("has sections for metrics, config, items, epochs and timings, with a default Results heading", () => {
    const html = renderReportHtml(page());
    const headings = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(["Results", "Filters", "Final metrics", "Configuration", "Per-epoch log", "Timings"]);
    expect(html.match(/<section/g)?.length).toBe(html.match(/<\/section>/g)?.length);
  });
  it("formats numbers for display and flattens nested keys", () => {
    const html = renderReportHtml(page());
    expect(html).toContain('<th scope="row">accuracy</th><td class="num">0.97312</td>');
    expect(html).toContain('<th scope="row">loss</th><td class="num">NaN</td>');
    expect(html).toContain('<th scope="row">nested.a</th>');
    expect(html).toContain("[784, 64, 10]");
    expect(html).toContain('<th scope="row">wallClock (s)</th><td class="num">1.5</td>');
    expect(html).toContain("<td>x</td>");
    const long = renderReportHtml(page({ metrics: { perUnit: Array.from({ length: 100 }, () => 0.5) } }));
    expect(long).toContain("In report.json only: perUnit (array of 100).");
    const matrix = renderReportHtml(page({ metrics: { byMethod: { a: { acc: 0.5 }, b: { acc: 0.25 } } } }));
    expect(matrix).toContain("<caption>byMethod</caption>");
    expect(matrix).toContain('<td>b</td><td class="num">0.25</td>');
    // Long text cells may wrap (class "long"), so a table of sentences fits the page; short ones stay on one line.
    const sentence = "cluster 8 holds 156 x '9' and 81 x '4' of its 246 digits";
    const wrapped = renderReportHtml(page({ metrics: { merges: { a: { largest: sentence }, b: { largest: "0.829 ± 0.081" } } } }));
    expect(wrapped).toContain(`<td class="long">${sentence.replace(/'/g, "&#39;")}</td>`);
    expect(wrapped).toContain("<td>0.829 ± 0.081</td>");
  });
  it("shows the headline and lead items before the description and the sections", () => {
    const html = renderReportHtml(page({ headline: "Found <it>.", items: [
      { kind: "plot", name: "Curve", caption: "later", file: "c.svg", specFile: "c.vl.json", width: 10, height: 10 },
      { kind: "image", name: "Top", caption: "first", file: "t.png", width: 10, height: 10, pixelated: false, lead: true },
    ] }));
    expect(html.indexOf('<p class="headline">Found &lt;it&gt;.</p>')).toBeLessThan(html.indexOf("<strong>Figure 1.</strong> first"));
    expect(html.indexOf("<strong>Figure 1.</strong> first")).toBeLessThan(html.indexOf('<p class="description">'));
    expect(html.indexOf('<p class="description">')).toBeLessThan(html.indexOf("<strong>Figure 2.</strong> later"));
  });
  it("omits empty sections", () => {
    const html = renderReportHtml(page({ metrics: {}, config: {}, epochs: [], items: [], timingsMs: {} }));
    expect(html).not.toContain("<h2>");
    expect(html).not.toContain("<nav>");
  });
});

describe("columnGroups", () => {
  const rows = [{ method: "STE + budget", ...Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`c${k}`, 0.1234567 + k])) }];
  const columns = Object.keys(rows[0]!);
  it("keeps a table that fits whole", () => {
    expect(columnGroups(columns.slice(0, 4), rows)).toEqual({ label: [], groups: [columns.slice(0, 4)] });
  });
  it("splits a wide table into groups that fit after the row label, every other column once", () => {
    const { label, groups } = columnGroups(columns, rows, 500);
    expect(label).toEqual(["method"]);
    expect(groups.length).toBeGreaterThan(2);
    expect(groups.flat()).toEqual(columns.slice(1));
    // The label (12 characters, ~112 px) and numbers of 6-7 characters (~73-82 px): at most 5 fit in 500 px.
    for (const g of groups) expect(g.length).toBeLessThanOrEqual(5);
  });
  it("takes as label the fewest leading columns that tell the rows apart", () => {
    const r = [
      { method: "hard sigmoid", setting: "w = 1", seed: 0, ...Object.fromEntries(columns.slice(1).map((c) => [c, 1])) },
      { method: "hard sigmoid", setting: "w = 30", seed: 0, ...Object.fromEntries(columns.slice(1).map((c) => [c, 2])) },
    ];
    expect(columnGroups(Object.keys(r[0]!), r, 500).label).toEqual(["method", "setting"]);
  });
  it("puts a column wider than the limit in a group of its own rather than dropping it", () => {
    const r = [{ a: "x", b: 1, c: "y".repeat(10), d: 2 }];
    expect(columnGroups(["a", "b", "c", "d"], r, 60).groups.flat()).toEqual(["b", "c", "d"]);
  });
  it("renders the groups as tables whose captions name the columns each holds", () => {
    const html = renderReportHtml(page({ items: [{ kind: "table", name: "wide", caption: "Every run.", columns, rows }] }));
    expect(html.match(/<table class="data">/g)!.length).toBeGreaterThan(1);
    expect(html).toContain("<caption>Every run. · columns 1–");
    expect(html).toContain(`of ${columns.length}</caption>`);
    expect(html).toContain("<caption>(continued) columns ");
  });
});
