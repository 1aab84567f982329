import embed from "vega-embed";
import type { View } from "vega";
import { histogramBins, histogramChart, lineChart } from "../core.js";

const EMBED = { actions: false, renderer: "canvas" as const };
/** Rows kept per chart; older ones are dropped (about 6 minutes of readouts). */
const MAX_ROWS = 6000;

/**
 * A line chart from the reports (src/report/lineChart.ts), embedded with vega-embed; its inline
 * data is replaced by a named data set the page streams rows into (view.insert).
 */
export class StreamingLineChart {
  private rows = 0;
  private view: View | undefined;
  private creating: Promise<View> | undefined;

  /** The chart is embedded at the first point (an empty Vega-Lite line chart has no extent). */
  constructor(
    private readonly el: HTMLElement,
    private readonly series: readonly string[],
    private readonly options: { title: string; yTitle: string; logY?: boolean; width: number; height: number },
  ) {
    el.replaceChildren();
  }

  private embed(rows: object[]): Promise<View> {
    const spec = lineChart(
      this.series.map((name) => ({ name, y: [1] })),
      { title: this.options.title, xTitle: "step", yTitle: this.options.yTitle, logY: this.options.logY ?? false, points: false, width: this.options.width, height: this.options.height },
    ) as unknown as Record<string, unknown>;
    spec.data = { name: "table", values: rows };
    return embed(this.el, withLegendBelow(spec) as never, EMBED).then((r) => r.view);
  }

  /** Adds one point per series at step x (non-finite values are skipped). */
  async push(x: number, values: Record<string, number>): Promise<void> {
    const rows = Object.entries(values)
      .filter(([, y]) => Number.isFinite(y))
      .map(([series, y]) => ({ series, x, y }));
    if (rows.length === 0) return;
    this.rows += rows.length;
    if (!this.view) {
      if (this.creating) {
        const view = await this.creating;
        await view.insert("table", rows).runAsync();
        return;
      }
      this.creating = this.embed(rows);
      this.view = await this.creating;
      return;
    }
    let cs = this.view.changeset().insert(rows);
    if (this.rows > MAX_ROWS) {
      const cutoff = x - (x * MAX_ROWS) / (2 * this.rows);
      cs = cs.remove((d: { x: number }) => d.x < cutoff);
      this.rows = Math.round(this.rows / 2);
    }
    await this.view.change("table", cs).runAsync();
  }

  finalize(): void {
    this.view?.finalize();
    this.view = undefined;
    this.creating = undefined;
  }
}

/** The report specs put the legend on the right; the page's narrow column wants it below. */
function withLegendBelow(spec: Record<string, unknown>): Record<string, unknown> {
  const config = (spec.config ?? {}) as Record<string, unknown>;
  return { ...spec, config: { ...config, legend: { ...(config.legend as object), orient: "bottom", direction: "horizontal", columns: 3 } } };
}

/**
 * The report's activation histogram (src/report/histogramChart.ts) with a fixed range; new values
 * replace the bins in place. The chart is rebuilt only when the range must change.
 */
export class StreamingHistogram {
  private view: View | undefined;
  private domain: [number, number] | undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly options: { title: string; xTitle: string; width: number; height: number; bins: number },
  ) {}

  /** Title of the next chart built (set per model). */
  retitle(title: string): void {
    this.options.title = title;
  }

  async update(values: Float32Array, fixed?: [number, number]): Promise<void> {
    const domain = fixed ?? this.rangeFor(values);
    if (!this.view || !this.domain || domain[0] !== this.domain[0] || domain[1] !== this.domain[1]) {
      this.view?.finalize();
      this.domain = domain;
      const spec = histogramChart(Array.from(values), { ...this.options, domain, logY: true, yTitle: "count (symlog)" }) as unknown as Record<string, unknown>;
      const rows = (spec.data as { values: unknown[] }).values;
      spec.data = { name: "bins", values: rows };
      // Room for the rotated count title, which the canvas renderer otherwise clips.
      spec.padding = { left: 18, top: 5, right: 5, bottom: 5 };
      this.view = (await embed(this.el, spec as never, EMBED)).view;
      return;
    }
    const [lo, hi] = domain;
    const counts = histogramBins(Array.from(values), this.options.bins, lo, hi);
    const width = (hi - lo) / this.options.bins;
    const rows = counts.map((count, i) => ({ start: lo + i * width, end: i === counts.length - 1 ? hi : lo + (i + 1) * width, count }));
    await this.view.change("bins", this.view.changeset().remove(() => true).insert(rows)).runAsync();
  }

  /** [min, max] rounded outwards to a power-of-two multiple, so the range is stable between updates. */
  private rangeFor(values: Float32Array): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const round = (v: number) => (v === 0 ? 0 : Math.sign(v) * Math.pow(2, Math.ceil(Math.log2(Math.abs(v)))));
    const a = lo >= 0 ? 0 : round(lo);
    const b = hi <= 0 ? 0 : round(hi);
    return a === b ? [a - 0.5, b + 0.5] : [a, b];
  }

  finalize(): void {
    this.view?.finalize();
    this.view = undefined;
    this.domain = undefined;
  }
}
