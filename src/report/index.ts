// Report layer, platform-neutral part: Vega-Lite chart specifications (shared by reports and the playground),
// JSON values, HTML rendering and image-grid layout. Writing reports and PNGs is in ./node.ts.
export { renderReportHtml } from "./renderReportHtml.js";
export type { ReportPage, PageItem, ImageRow } from "./renderReportHtml.js";
export { toPlainValue, encodeNonFinite, decodeNonFinite } from "./jsonValue.js";
export type { PlainValue, NonFiniteToken } from "./jsonValue.js";
export { escapeHtml } from "./escapeHtml.js";
export { safeFileStem } from "./safeFileStem.js";
export { formatNumber } from "./formatNumber.js";
export { VEGA_LITE_SCHEMA } from "./chartBase.js";
export type { ChartOptions } from "./chartBase.js";
export { lineChart, spansDecades, AUTO_LOG_SPAN } from "./lineChart.js";
export type { LineSeries, LineChartOptions } from "./lineChart.js";
export { errorBandChart } from "./errorBandChart.js";
export type { BandSeries, ErrorBandChartOptions } from "./errorBandChart.js";
export { histogramChart, histogramBins } from "./histogramChart.js";
export type { HistogramChartOptions } from "./histogramChart.js";
export { barChart } from "./barChart.js";
export type { BarChartOptions } from "./barChart.js";
export { scatterChart } from "./scatterChart.js";
export type { ScatterSeries, ScatterChartOptions } from "./scatterChart.js";
export { readImageStack } from "./imageStack.js";
export type { ImageInput, ImageStack, ImageShapeOptions } from "./imageStack.js";
export { normalizeImages } from "./normalizeImages.js";
export type { ImageNormalization } from "./normalizeImages.js";
export { composeGrid, resolveGridLayout } from "./composeGrid.js";
export { atomMapTiles } from "./atomMaps.js";
export type { AtomGlyph, AtomMapOptions } from "./atomMaps.js";
export type { GridLayoutOptions, GridLayout, RgbaImage, Rgb } from "./composeGrid.js";
