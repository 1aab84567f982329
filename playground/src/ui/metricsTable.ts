import { formatValue } from "../params.js";

/** The table of the latest cost terms and metrics (label, value). */
export function renderMetricsTable(table: HTMLTableElement, terms: Record<string, number>, metrics: Record<string, number>, labels: Readonly<Record<string, string>>): void {
  const row = (name: string, value: number, cls: string) => {
    const tr = document.createElement("tr");
    tr.className = cls;
    const th = document.createElement("th");
    th.textContent = name;
    const td = document.createElement("td");
    td.textContent = Number.isFinite(value) ? formatValue(Number(value.toPrecision(4))) : "—";
    td.dataset.metric = name;
    tr.append(th, td);
    return tr;
  };
  table.replaceChildren(
    ...Object.entries(terms).map(([k, v]) => row(`${k} term`, v, "term")),
    ...Object.entries(metrics).map(([k, v]) => row(labels[k] ?? k, v, "metric")),
  );
}
