export * from "./index.js";
// The report layer's Node-only part (exported from "sparsekit/node"): run reports on disk, SVG rendering, PNG grids.
export { RunReport, RUN_REPORT_FORMAT, RUN_REPORT_FORMAT_VERSION, NON_FINITE_NOTE } from "./RunReport.js";
export type { RunReportOptions, RunReportFiles, ReportRow, LeadOption, ImageRowInput } from "./RunReport.js";
export { readRunReport } from "./readRunReport.js";
export type { RunReportData } from "./readRunReport.js";
export { compileVegaLite, renderVegaLiteSvg, writeVegaLiteSvg } from "./renderVegaLite.js";
export { imageGrid } from "./imageGrid.js";
export type { ImageGridOptions } from "./imageGrid.js";
export { reconstructionGrid } from "./reconstructionGrid.js";
export type { ReconstructionGridOptions } from "./reconstructionGrid.js";
export { maskOverlayGrid } from "./maskOverlayGrid.js";
export type { MaskOverlayOptions } from "./maskOverlayGrid.js";
export { encodePng } from "./encodePng.js";
