import { MODELS, modelSpec, type ModelId } from "../catalog.js";
import { formatValue, fromSlider, SLIDER_STEPS, toSlider, type ParamSpec, type ParamValue } from "../params.js";
import type { Settings } from "../settings.js";

export interface ControlEvents {
  /** A model was picked from the list. */
  onModel(id: ModelId): void;
  /** A parameter changed; `live` says whether it applies at the next step or needs a reset. */
  onParam(id: string, value: ParamValue, live: boolean): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Fills the model <select> (data-testid "model"). */
export function renderModelSelect(select: HTMLSelectElement, current: ModelId, events: ControlEvents): void {
  select.replaceChildren(...MODELS.map((m) => el("option", { value: m.id }, m.title)));
  select.value = current;
  select.onchange = () => events.onModel(select.value as ModelId);
}

function control(p: ParamSpec, value: ParamValue, events: ControlEvents): HTMLElement {
  const row = el("div", { class: `param ${p.live ? "live" : "structural"}`, "data-param": p.id });
  const head = el("label", { for: `param-${p.id}` });
  head.append(el("span", { class: "param-label" }, p.label));
  const out = el("output", { id: `value-${p.id}` }, formatValue(value));
  head.append(out);
  row.append(head);
  if (p.kind === "choice") {
    const sel = el("select", { id: `param-${p.id}` });
    sel.append(...p.options.map((o) => el("option", { value: o.value }, o.label)));
    sel.value = String(value);
    sel.onchange = () => {
      out.textContent = sel.value;
      events.onParam(p.id, sel.value, p.live);
    };
    row.append(sel);
  } else {
    const range = el("input", { id: `param-${p.id}`, type: "range", min: "0", max: String(SLIDER_STEPS), step: "1" });
    range.value = String(toSlider(p, Number(value)));
    range.oninput = () => {
      out.textContent = formatValue(fromSlider(p, Number(range.value)));
    };
    range.onchange = () => {
      const v = fromSlider(p, Number(range.value));
      out.textContent = formatValue(v);
      events.onParam(p.id, v, p.live);
    };
    row.append(range);
  }
  row.append(el("small", {}, `${p.help}${p.live ? "" : " (applies on reset)"}`));
  return row;
}

/** The parameter sliders and selects of the current model. */
export function renderParams(container: HTMLElement, settings: Settings, events: ControlEvents): void {
  const spec = modelSpec(settings.model);
  container.replaceChildren(...spec.params.map((p) => control(p, settings.values[p.id] ?? p.default, events)));
}
